// SharedLimits: the meeting point of the workers and the Redis thread (redis::LimitsSync)
// when client-key limits are shared by several instances (storage.redis). Process-wide,
// created by the control thread before the workers start and kept until they stop.
// Workers read whether Redis is reachable, signal the thread when a request waits for
// permits, and own one wake eventfd each that the thread writes when permits arrive or
// Redis changes state. Every member is atomic or set before the workers start.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace rg::limits {

// storage.redis_failure: what admission does while Redis is unreachable or too slow.
enum class RedisFailure : uint8_t {
    open = 0,  // this instance's local limiter, with each key's full limits
    closed,    // refuse limited keys' requests with 503 until Redis answers again
};

// Monotonic counts the workers add to (rare paths only: parking, fallbacks).
struct SharedLimitsCounts {
    uint64_t parked = 0;         // requests that waited for permits from Redis
    uint64_t park_timeouts = 0;  // of them, those whose wait ran out (the failure rule applied)
    uint64_t fail_open = 0;      // requests admitted by the local limiter while Redis was down
    uint64_t fail_closed = 0;    // requests refused with 503 while Redis was down
};

class SharedLimits {
  public:
    static constexpr uint32_t shards_max = 64;
    // How long a request waits for permits before the failure rule applies to it.
    static constexpr uint64_t park_timeout_ms = 1000;

    SharedLimits(RedisFailure failure, uint32_t shards);
    ~SharedLimits();
    SharedLimits(const SharedLimits&) = delete;
    SharedLimits& operator=(const SharedLimits&) = delete;

    RedisFailure failure() const { return failure_; }
    bool up() const { return up_.load(std::memory_order_acquire); }

    // --- Workers -------------------------------------------------------------------
    // Registers shard `index`'s wake eventfd (it keeps a read armed on its ring).
    void attach_shard(uint32_t index, int event_fd);
    // A request of shard `index` waits for permits: the Redis thread is woken (one
    // non-blocking eventfd write) and will wake the shard when it has an answer.
    void signal_waiting(uint32_t index);
    void count_parked() { parked_.fetch_add(1, std::memory_order_relaxed); }
    void count_park_timeout() { park_timeouts_.fetch_add(1, std::memory_order_relaxed); }
    void count_fail_open() { fail_open_.fetch_add(1, std::memory_order_relaxed); }
    void count_fail_closed() { fail_closed_.fetch_add(1, std::memory_order_relaxed); }
    SharedLimitsCounts counts() const;

    // --- Redis thread -----------------------------------------------------------------
    // The eventfd workers write when they need the thread.
    int thread_fd() const { return thread_fd_; }
    // Sets Redis reachable or not; a change wakes every shard (parked requests re-decide).
    // Returns whether it changed.
    bool set_up(bool up);
    // Wakes the shards that have requests waiting (or all shards).
    void wake_waiting_shards();
    void wake_all_shards();

  private:
    void wake(uint64_t mask);

    const RedisFailure failure_;
    const uint32_t shards_;
    int thread_fd_ = -1;
    std::atomic<bool> up_{false};
    std::atomic<int> shard_fds_[shards_max];
    std::atomic<uint64_t> waiting_shards_{0};  // bit per shard with requests parked
    std::atomic<uint64_t> parked_{0};
    std::atomic<uint64_t> park_timeouts_{0};
    std::atomic<uint64_t> fail_open_{0};
    std::atomic<uint64_t> fail_closed_{0};
};

}  // namespace rg::limits
