// LogRateLimit: a token bucket in front of one kind of log record on one producer thread
// (auth-failure audit records per worker), so a flood of bad requests cannot fill the disk.
// Records over the rate are dropped and counted; the next record let through carries the
// count since the previous one. Shard-local: used by its owner thread only; the total may be
// read from any thread (relaxed).
#pragma once

#include <atomic>
#include <cstdint>

namespace rg::observe {

class LogRateLimit {
  public:
    LogRateLimit(uint32_t per_second, uint32_t burst)
        : rate_(per_second), cap_milli_(uint64_t{burst} * 1000), milli_(cap_milli_) {}

    // Owner thread. True: write the record; false: it is dropped and counted.
    bool admit(uint64_t now_ms) {
        if (last_ms_ != 0 && now_ms > last_ms_) {
            uint64_t refill = (now_ms - last_ms_) * rate_;  // milli-records per ms = per s
            milli_ = milli_ + refill > cap_milli_ ? cap_milli_ : milli_ + refill;
        }
        last_ms_ = now_ms;
        if (milli_ < 1000) {
            ++pending_;
            total_.store(total_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
            return false;
        }
        milli_ -= 1000;
        return true;
    }
    // Owner thread: records dropped since the last one admitted; resets the count.
    uint64_t take_suppressed() {
        uint64_t n = pending_;
        pending_ = 0;
        return n;
    }
    // Any thread.
    uint64_t suppressed_total() const { return total_.load(std::memory_order_relaxed); }

  private:
    uint64_t rate_;
    uint64_t cap_milli_;
    uint64_t milli_;
    uint64_t last_ms_ = 0;
    uint64_t pending_ = 0;
    std::atomic<uint64_t> total_{0};
};

}  // namespace rg::observe
