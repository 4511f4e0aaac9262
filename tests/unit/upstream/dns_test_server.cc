#include "dns_test_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <cstring>

#include "base/clock.h"

namespace rg::upstream::testing {
namespace {

// RFC 1035 section 4.1: a 12-byte header, then the question (name, type, class).
constexpr size_t header_bytes = 12;
constexpr uint16_t type_a = 1;
constexpr uint8_t rcode_nxdomain = 3;

void put16(std::vector<uint8_t>* out, uint16_t v) {
    out->push_back(static_cast<uint8_t>(v >> 8));
    out->push_back(static_cast<uint8_t>(v));
}

void put32(std::vector<uint8_t>* out, uint32_t v) {
    put16(out, static_cast<uint16_t>(v >> 16));
    put16(out, static_cast<uint16_t>(v));
}

}  // namespace

DnsTestServer::DnsTestServer() {
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        std::abort();
    }
    port_ = ntohs(a.sin_port);
    stop_fd_ = eventfd(0, EFD_CLOEXEC);
    thread_ = std::thread([this] { run(); });
}

DnsTestServer::~DnsTestServer() {
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(stop_fd_, &one, sizeof(one));
    thread_.join();
    ::close(fd_);
    ::close(stop_fd_);
}

void DnsTestServer::set_answer(const std::string& name, std::vector<std::string> ipv4,
                               uint32_t ttl_s) {
    std::lock_guard<std::mutex> lock(mutex_);
    answers_[name] = Answer{std::move(ipv4), ttl_s};
}

void DnsTestServer::set_silent(bool silent) {
    std::lock_guard<std::mutex> lock(mutex_);
    silent_ = silent;
}

std::vector<DnsTestServer::Query> DnsTestServer::queries() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return queries_;
}

void DnsTestServer::run() {
    while (true) {
        pollfd fds[2] = {{fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) {
            continue;
        }
        if (fds[1].revents != 0) {
            return;
        }
        uint8_t in[1500];
        sockaddr_storage peer{};
        socklen_t peer_len = sizeof(peer);
        ssize_t n =
            ::recvfrom(fd_, in, sizeof(in), 0, reinterpret_cast<sockaddr*>(&peer), &peer_len);
        if (n <= 0) {
            continue;
        }
        std::vector<uint8_t> out;
        handle(in, static_cast<size_t>(n), &out);
        if (!out.empty()) {
            ::sendto(fd_, out.data(), out.size(), 0, reinterpret_cast<sockaddr*>(&peer), peer_len);
        }
    }
}

void DnsTestServer::handle(const uint8_t* q, size_t len, std::vector<uint8_t>* out) {
    if (len < header_bytes + 5) {
        return;
    }
    // The question's name: length-prefixed labels up to a zero byte (no compression in a
    // query's question).
    std::string name;
    size_t i = header_bytes;
    while (i < len && q[i] != 0) {
        size_t label = q[i++];
        if (i + label > len) {
            return;
        }
        if (!name.empty()) {
            name += '.';
        }
        for (size_t k = 0; k < label; ++k) {
            name += static_cast<char>(std::tolower(q[i + k]));
        }
        i += label;
    }
    size_t question_end = i + 5;  // zero byte, type, class
    if (question_end > len) {
        return;
    }
    uint16_t type = static_cast<uint16_t>(q[i + 1] << 8 | q[i + 2]);

    std::lock_guard<std::mutex> lock(mutex_);
    queries_.push_back(Query{name, type, monotonic_ms()});
    if (silent_) {
        return;
    }
    auto it = answers_.find(name);
    bool answer_a = it != answers_.end() && type == type_a;
    out->assign(q, q + 2);                                       // id
    out->push_back(static_cast<uint8_t>(0x84 | (q[2] & 0x01)));  // QR, AA, RD copied
    out->push_back(static_cast<uint8_t>(0x80 | (it == answers_.end() ? rcode_nxdomain : 0)));
    put16(out, 1);                                                             // QDCOUNT
    put16(out, answer_a ? static_cast<uint16_t>(it->second.ipv4.size()) : 0);  // ANCOUNT
    put16(out, 0);
    put16(out, 0);
    out->insert(out->end(), q + header_bytes, q + question_end);
    if (!answer_a) {
        return;  // NXDOMAIN, or NODATA for AAAA and the rest
    }
    for (const std::string& text : it->second.ipv4) {
        in_addr addr{};
        inet_pton(AF_INET, text.c_str(), &addr);
        put16(out, 0xc00c);  // the name: a pointer to the question's
        put16(out, type_a);
        put16(out, 1);  // IN
        put32(out, it->second.ttl_s);
        put16(out, 4);
        const auto* b = reinterpret_cast<const uint8_t*>(&addr);
        out->insert(out->end(), b, b + 4);
    }
}

}  // namespace rg::upstream::testing
