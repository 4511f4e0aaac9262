// TLS Engine micro benchmarks, client and server in one thread over memory: full and
// resumed handshakes (µs of both sides' CPU per connection), and bulk encrypt + decrypt of
// 16 KiB records (MB/s of plaintext). allocs/op counts only allocations made from our code
// (BoringSSL's shared library allocates through its own, unwrapped malloc calls).
// Certificates are generated at start-up with the openssl CLI into a directory under /tmp.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "common/alloc_counter.h"
#include "tls/engine.h"

namespace {

using rg::tls::ClientContext;
using rg::tls::Engine;
using rg::tls::ServerContext;
using rg::tls::SessionCache;
using rg::tls::Status;

std::string pki_dir;

void run(const std::string& cmd) {
    if (std::system((cmd + " >/dev/null 2>&1").c_str()) != 0) {
        std::fprintf(stderr, "bench PKI: command failed: %s\n", cmd.c_str());
        std::exit(1);
    }
}

// A CA and one leaf for localhost signed by it, for the key algorithm `alg` ("ec" or "rsa").
void make_pki(const std::string& alg) {
    const std::string d = pki_dir + "/" + alg;
    std::filesystem::create_directories(d);
    const std::string genkey = alg == "ec" ? "openssl genpkey -algorithm EC -pkeyopt "
                                             "ec_paramgen_curve:P-256 -out "
                                           : "openssl genpkey -algorithm RSA -pkeyopt "
                                             "rsa_keygen_bits:2048 -out ";
    run(genkey + d + "/ca.key");
    run(genkey + d + "/leaf.key");
    run("openssl req -x509 -new -key " + d + "/ca.key -out " + d +
        "/ca.crt -subj /CN=bench-ca -days 2");
    run("openssl req -new -key " + d + "/leaf.key -out " + d + "/leaf.csr -subj /CN=localhost");
    std::FILE* ext = std::fopen((d + "/leaf.ext").c_str(), "w");
    std::fputs("subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n", ext);
    std::fclose(ext);
    run("openssl x509 -req -in " + d + "/leaf.csr -CA " + d + "/ca.crt -CAkey " + d +
        "/ca.key -days 2 -extfile " + d + "/leaf.ext -out " + d + "/leaf.crt");
}

struct Contexts {
    std::shared_ptr<ClientContext> client;
    std::shared_ptr<ServerContext> server;
};

Contexts contexts(const std::string& alg) {
    const std::string d = pki_dir + "/" + alg;
    rg::tls::ClientOptions co;
    co.ca_file = d + "/ca.crt";
    rg::tls::ServerOptions so{d + "/leaf.crt", d + "/leaf.key", {"http/1.1"}};
    auto c = ClientContext::create(co);
    auto s = ServerContext::create(so);
    if (!c.ok() || !s.ok()) {
        std::fprintf(stderr, "bench: cannot create TLS contexts\n");
        std::exit(1);
    }
    return {c.value(), s.value()};
}

void move_output(Engine& from, Engine& to) {
    for (std::string_view out = from.pending_output(); !out.empty(); out = from.pending_output()) {
        to.feed(out.data(), out.size());
        from.consume_output(out.size());
    }
}

bool handshake(Engine& client, Engine& server) {
    while (client.pending_output_bytes() > 0 || server.pending_output_bytes() > 0) {
        move_output(client, server);
        move_output(server, client);
    }
    return client.handshake_done() && server.handshake_done();
}

// Reads what is queued (this is where a client processes session tickets).
void read_all(Engine& e) {
    char buf[16384];
    size_t n = 0;
    while (e.read(buf, sizeof(buf), &n) == Status::ok) {
    }
}

const char* alg_of(const benchmark::State& state) {
    return state.range(0) == 0 ? "ec" : "rsa";
}

void BM_FullHandshake(benchmark::State& state) {
    state.SetLabel(state.range(0) == 0 ? "ECDSA P-256" : "RSA 2048");
    const Contexts ctx = contexts(alg_of(state));
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        auto client = Engine::client(ctx.client, "localhost", nullptr);
        auto server = Engine::server(ctx.server);
        if (!handshake(*client, *server)) {
            state.SkipWithError(client->error_reason());
            break;
        }
    }
    RG_BENCH_REPORT_ALLOCS(state, before);
}
BENCHMARK(BM_FullHandshake)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

void BM_ResumedHandshake(benchmark::State& state) {
    state.SetLabel(state.range(0) == 0 ? "ECDSA P-256" : "RSA 2048");
    const Contexts ctx = contexts(alg_of(state));
    SessionCache cache;
    {
        auto client = Engine::client(ctx.client, "localhost", &cache);
        auto server = Engine::server(ctx.server);
        handshake(*client, *server);
        // BoringSSL's server sends its TLS 1.3 tickets with its first write.
        server->write("x", 1);
        move_output(*server, *client);
        read_all(*client);
    }
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        auto client = Engine::client(ctx.client, "localhost", &cache);
        auto server = Engine::server(ctx.server);
        if (!handshake(*client, *server) || !client->session_reused()) {
            state.SkipWithError("not resumed");
            break;
        }
    }
    RG_BENCH_REPORT_ALLOCS(state, before);
}
BENCHMARK(BM_ResumedHandshake)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// One 16 KiB write encrypted by the client, moved, and decrypted by the server.
void BM_Bulk16KiBRecords(benchmark::State& state) {
    const Contexts ctx = contexts("ec");
    auto client = Engine::client(ctx.client, "localhost", nullptr);
    auto server = Engine::server(ctx.server);
    handshake(*client, *server);
    read_all(*client);
    const std::string record(16384, 'x');
    char buf[16384];
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        client->write(record.data(), record.size());
        move_output(*client, *server);
        size_t got = 0;
        size_t n = 0;
        while (server->read(buf, sizeof(buf), &n) == Status::ok) {
            got += n;
        }
        if (got != record.size()) {
            state.SkipWithError("short read");
            break;
        }
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * 16384);
    RG_BENCH_REPORT_ALLOCS(state, before);
}
BENCHMARK(BM_Bulk16KiBRecords);

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    char templ[] = "/tmp/rg_tls_bench_XXXXXX";
    if (mkdtemp(templ) == nullptr) {
        return 1;
    }
    pki_dir = templ;
    make_pki("ec");
    make_pki("rsa");
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    std::filesystem::remove_all(pki_dir);
    return 0;
}
