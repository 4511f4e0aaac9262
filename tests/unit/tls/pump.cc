#include "pump.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "test_pki.h"

namespace rg::tls::test {

size_t Splitter::next(size_t available) {
    size_t n = fixed_;
    if (n == 0) {
        n = std::uniform_int_distribution<size_t>(1, random_max_)(rng_);
    }
    return std::min(n, available);
}

std::shared_ptr<ClientContext> client_context(bool verify, const std::string& ca,
                                              std::vector<std::string> alpn) {
    ClientOptions o;
    o.verify = verify;
    o.ca_file = ca.empty() ? pki().ca_crt : ca;
    o.alpn = std::move(alpn);
    auto r = ClientContext::create(o);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().context);
    return r.ok() ? r.value() : nullptr;
}

std::shared_ptr<ServerContext> server_context(const std::string& crt, const std::string& key,
                                              std::vector<std::string> alpn) {
    ServerOptions o;
    o.cert_file = crt.empty() ? pki().server_crt : crt;
    o.key_file = key.empty() ? pki().server_key : key;
    o.alpn = std::move(alpn);
    auto r = ServerContext::create(o);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().context);
    return r.ok() ? r.value() : nullptr;
}

namespace {

// The receiver's state after a transfer: its last feed status, and error once it failed.
Status after(Status previous, Status latest, bool moved) {
    if (previous == Status::error) {
        return previous;
    }
    return moved ? latest : previous;
}

}  // namespace

Status transfer(Engine& from, Engine& to, Splitter& split) {
    Status last = Status::ok;
    for (std::string_view out = from.pending_output(); !out.empty(); out = from.pending_output()) {
        const size_t n = split.next(out.size());
        last = to.feed(out.data(), n);
        from.consume_output(n);
        if (last == Status::error) {
            break;
        }
    }
    return last;
}

PumpResult pump(Engine& client, Engine& server, Splitter& split) {
    PumpResult r;
    // Runs until both sides are quiet, so an alert from a side that failed still arrives.
    for (int round = 0; round < 64; ++round) {
        const bool to_server = client.pending_output_bytes() > 0;
        r.server = after(r.server, transfer(client, server, split), to_server);
        const bool to_client = server.pending_output_bytes() > 0;
        r.client = after(r.client, transfer(server, client, split), to_client);
        if (client.pending_output_bytes() == 0 && server.pending_output_bytes() == 0) {
            break;
        }
    }
    return r;
}

PumpResult pump(Engine& client, Engine& server) {
    Splitter whole = Splitter::every(SIZE_MAX);
    return pump(client, server, whole);
}

Status drain(Engine& e, std::string* out) {
    char buf[4096];
    for (;;) {
        size_t n = 0;
        const Status s = e.read(buf, sizeof(buf), &n);
        out->append(buf, n);
        if (s != Status::ok) {
            return s;
        }
    }
}

std::string send_through(Engine& writer, Engine& reader, const std::string& data, Splitter& split) {
    EXPECT_EQ(writer.write(data.data(), data.size()), Status::ok);
    std::string got;
    for (std::string_view out = writer.pending_output(); !out.empty();
         out = writer.pending_output()) {
        const size_t n = split.next(out.size());
        EXPECT_NE(reader.feed(out.data(), n), Status::error);
        writer.consume_output(n);
        EXPECT_EQ(drain(reader, &got), Status::want_more);
    }
    return got;
}

std::string pattern(size_t n) {
    std::string s(n, '\0');
    for (size_t i = 0; i < n; ++i) {
        s[i] = static_cast<char>((i * 131 + i / 251) & 0xff);
    }
    return s;
}

}  // namespace rg::tls::test
