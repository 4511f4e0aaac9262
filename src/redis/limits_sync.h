// LimitsSync: the Redis thread of shared limits (storage.redis). It keeps each client key's
// request leases filled ahead of demand (and claims permits for requests parked without
// one), tells Redis what this instance used (tokens, cost; requests admitted locally while
// Redis was away) and reads every instance's totals back. It owns its socket and speaks
// RESP through hiredis' codec; it reconnects with backoff and flips SharedLimits up/down.
// Lifecycle: created, started, watched and stopped by the control thread; its own thread
// does all Redis I/O. Workers never call it: they meet it through limits::SharedLimits.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/result.h"
#include "limits/client_key_table.h"
#include "limits/shared_limits.h"
#include "redis/lease_plan.h"
#include "redis/resp_connection.h"

namespace rg::redis {

struct SyncOptions {
    std::string host = "127.0.0.1";
    uint16_t port = 6379;
    uint32_t db = 0;
    std::string username;
    std::string password;              // never logged
    std::string prefix = "ringgate:";  // of every key this instance writes
    uint32_t timeout_ms = 250;         // per round trip: slower counts as unreachable
    uint32_t tick_ms = 10;             // lease check when no request asks sooner
    uint32_t flush_ms = 100;           // usage sent and read back at least this often
    uint32_t backoff_min_ms = 100;     // reconnect delay, doubled per failure up to max
    uint32_t backoff_max_ms = 2000;
};

// Monotonic counts, readable from any thread.
struct SyncCounts {
    uint64_t up = 0;          // 1 while Redis answers
    uint64_t connects = 0;    // connections established
    uint64_t failures = 0;    // times Redis became unreachable (or too slow)
    uint64_t rounds = 0;      // pipelined round trips
    uint64_t errors = 0;      // error replies (a script failed)
    uint64_t permits = 0;     // request permits granted to this instance
    uint64_t dropped = 0;     // leased permits that expired unused
    uint64_t reconciled = 0;  // requests admitted during an outage, added back to Redis
};

class LimitsSync {
  public:
    LimitsSync(SyncOptions options, limits::SharedLimits* shared);
    ~LimitsSync();  // stops the thread
    LimitsSync(const LimitsSync&) = delete;
    LimitsSync& operator=(const LimitsSync&) = delete;

    Result<void> start();
    // Returns unused day permits to Redis (when it answers), then stops and joins.
    void stop();
    // The client keys in force from now on (a reload's table). Control thread.
    void watch(std::shared_ptr<const limits::ClientKeyTable> table);
    SyncCounts counts() const;

  private:
    struct Track;
    struct Action;

    void run();
    bool connect_session();
    void disconnected(const char* why);
    bool turn(uint64_t now_ms);
    void adopt_table();
    void plan(Track& t, size_t index, uint64_t now_ms, int64_t wall, std::vector<Command>* commands,
              std::vector<Action>* actions);
    void plan_flush(Track& t, size_t index, int64_t wall, std::vector<Command>* commands,
                    std::vector<Action>* actions);
    void apply(const Action& a, const Reply& r, uint64_t sent_ms);
    void undo(const Action& a);
    void apply_usage(Track& t, const Action& a, const std::vector<Reply>& v);
    void return_day_leases();
    void wait_ms(uint64_t ms);

    SyncOptions options_;
    limits::SharedLimits* shared_;
    RespConnection conn_;
    std::thread thread_;
    int stop_fd_ = -1;
    std::atomic<bool> stop_{false};

    std::mutex table_mu_;  // control thread <-> this thread only, never a worker
    std::shared_ptr<const limits::ClientKeyTable> next_table_;
    bool table_changed_ = false;

    std::vector<std::unique_ptr<Track>> tracks_;  // this thread only
    uint64_t backoff_ms_ = 0;
    uint64_t last_round_ms_ = 0;
    bool ever_up_ = false;

    std::atomic<uint64_t> up_{0}, connects_{0}, failures_{0}, rounds_{0}, errors_{0};
    std::atomic<uint64_t> permits_{0}, dropped_{0}, reconciled_{0};
};

}  // namespace rg::redis
