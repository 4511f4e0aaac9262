// DnsTestServer: a tiny authoritative DNS server over UDP on 127.0.0.1 for resolver tests.
// It answers A queries for the names the test sets (addresses and TTL under the test's
// control), AAAA with no data, anything else with NXDOMAIN; it can go silent. Every query
// is logged. Runs its own thread; the test thread drives it through the setters.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace rg::upstream::testing {

class DnsTestServer {
  public:
    struct Query {
        std::string name;
        uint16_t type = 0;
        uint64_t at_ms = 0;  // monotonic
    };

    DnsTestServer();
    ~DnsTestServer();

    uint16_t port() const { return port_; }
    std::string servers_csv() const { return "127.0.0.1:" + std::to_string(port_); }

    // `ipv4` holds dotted quads; the answer carries them in this order.
    void set_answer(const std::string& name, std::vector<std::string> ipv4, uint32_t ttl_s);
    void set_silent(bool silent);  // true: queries are received and logged, never answered
    std::vector<Query> queries() const;

  private:
    struct Answer {
        std::vector<std::string> ipv4;
        uint32_t ttl_s = 0;
    };
    void run();
    void handle(const uint8_t* q, size_t len, std::vector<uint8_t>* out);

    int fd_ = -1;
    int stop_fd_ = -1;
    uint16_t port_ = 0;
    std::thread thread_;
    mutable std::mutex mutex_;
    std::map<std::string, Answer> answers_;
    bool silent_ = false;
    std::vector<Query> queries_;
};

}  // namespace rg::upstream::testing
