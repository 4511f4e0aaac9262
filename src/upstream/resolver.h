// Resolver: a thread of its own that keeps hostname origins' LiveAddress current with
// c-ares. Each host is re-resolved when its TTL expires (clamped), retried with backoff on
// failure while the last good addresses stay published, and changes are published to every
// origin of that host. IP literals and /etc/hosts names are never queried. No shard thread
// ever calls into it: shards only read the LiveAddress objects it writes.
// Lifecycle: created and driven by the control thread (start, watch, stop); its own thread
// owns the c-ares channel between start() and stop().
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/result.h"
#include "upstream/live_address.h"
#include "upstream/pool.h"
#include "upstream/refresh_schedule.h"

struct ares_channeldata;  // c-ares, included by resolver.cc only
struct ares_addrinfo;

namespace rg::upstream {

struct ResolverOptions {
    // DNS servers as "host:port,..." (ares_set_servers_ports_csv); empty: resolv.conf.
    std::string servers;
    RefreshPolicy policy;
    uint32_t query_timeout_ms = 2000;  // per try; c-ares doubles it on each retry
    uint32_t query_tries = 2;
};

// Monotonic counts, readable from any thread.
struct ResolverCounts {
    uint64_t resolutions = 0;      // queries answered with at least one address
    uint64_t failures = 0;         // queries that failed (last good addresses kept)
    uint64_t address_changes = 0;  // answers that changed a host's published set
    uint64_t watches_applied = 0;  // watch() calls the thread has taken up
    uint64_t dns_hosts = 0;        // hosts being re-resolved (gauge)
};

class Resolver {
  public:
    explicit Resolver(ResolverOptions options);
    ~Resolver();  // stops the thread
    Resolver(const Resolver&) = delete;
    Resolver& operator=(const Resolver&) = delete;

    // Opens the c-ares channel and starts the thread. Control thread.
    Result<void> start();
    // Stops and joins the thread; queries in flight are abandoned. Idempotent.
    void stop();

    // Replaces the watched origins (the previous ones are forgotten): every hostname
    // origin's host is resolved at once, then as its TTL says. Control thread.
    void watch(const std::vector<Origin>& origins);

    ResolverCounts counts() const;
    // Blocks until `done(counts())` holds or `timeout_ms` passes; false on timeout.
    bool wait_for_test(const std::function<bool(const ResolverCounts&)>& done, uint32_t timeout_ms);

  private:
    struct Target {
        std::shared_ptr<LiveAddress> live;
        AddressSet last;  // what this thread last published there
    };
    struct Host {
        std::string name;
        std::vector<Target> targets;
        AddressSet last_good;
    };
    struct Query;

    void run();
    void apply(std::vector<Origin> origins);
    bool is_static(const std::string& host);
    void start_due(uint64_t now_ms);
    void wait_and_process(uint64_t now_ms);
    static void on_answer(void* arg, int status, int timeouts, ::ares_addrinfo* result);
    void on_result(uint32_t host, int status, ::ares_addrinfo* result);
    void publish(Host& h, const AddressSet& set);
    void notify();

    ResolverOptions options_;
    ::ares_channeldata* channel_ = nullptr;
    int wake_fd_ = -1;
    bool ipv4_ok_ = true;  // the machine has a non-loopback address of that family
    bool ipv6_ok_ = true;
    std::thread thread_;

    // Resolver thread only.
    std::vector<Host> hosts_;
    RefreshSchedule schedule_;
    uint64_t epoch_ = 0;  // answers to queries of an older watch() are dropped

    // Control thread -> resolver thread.
    std::mutex mutex_;
    std::condition_variable changed_;
    bool stopping_ = false;
    bool pending_ = false;
    std::vector<Origin> pending_origins_;

    std::atomic<uint64_t> resolutions_{0};
    std::atomic<uint64_t> failures_{0};
    std::atomic<uint64_t> address_changes_{0};
    std::atomic<uint64_t> watches_applied_{0};
    std::atomic<uint64_t> dns_hosts_{0};
};

// Picks up to live_addresses_max addresses from an answer (in the resolver's preference
// order), dropping the families the machine cannot reach (like getaddrinfo's AI_ADDRCONFIG)
// unless that leaves none. Sorted, so a reordered answer compares equal.
AddressSet select_addresses(const std::vector<IpAddress>& answer, bool ipv4_ok, bool ipv6_ok);

}  // namespace rg::upstream
