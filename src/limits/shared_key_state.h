// SharedKeyState: one client key's part of the limits shared with other instances through
// Redis (storage.redis): the request permits this instance leased, what other instances
// used (read back from Redis), and what this instance used that Redis has not counted yet.
// Workers take permits and read the other instances' usage; the Redis thread
// (redis::LimitsSync) publishes leases and read-backs. Every field is one atomic word:
// lock-free both ways. Unused (all zero) without storage.redis.
#pragma once

#include <atomic>
#include <cstdint>

#include "limits/period_counter.h"

namespace rg::limits {

// Requests-per-second permits taken from the shared GCRA bucket: a count valid until a
// local monotonic expiry. The word is (lease seq: 24 bits | permits left: 40 bits); the
// lease's expiry sits in expiry_ms_[seq & 1], written before the word that names it, so a
// worker that read an old word fails its CAS instead of using a newer lease's expiry.
class RpsLease {
  public:
    static constexpr uint64_t never_ms = UINT64_MAX;

    bool take(uint64_t now_ms) {
        uint64_t w = word_.load(std::memory_order_acquire);
        for (;;) {
            if (count_of(w) == 0 ||
                now_ms >= expiry_ms_[seq_of(w) & 1].load(std::memory_order_acquire)) {
                return false;
            }
            if (word_.compare_exchange_weak(w, w - 1, std::memory_order_acq_rel)) {
                return true;
            }
        }
    }
    // Permits left that are still valid at `now_ms`.
    uint64_t left(uint64_t now_ms) const {
        const uint64_t w = word_.load(std::memory_order_acquire);
        return now_ms < expiry_ms_[seq_of(w) & 1].load(std::memory_order_acquire) ? count_of(w) : 0;
    }
    uint64_t expiry_ms() const {
        return expiry_ms_[seq_of(word_.load(std::memory_order_acquire)) & 1].load(
            std::memory_order_acquire);
    }
    // Redis thread: replaces the lease (the old one's permits are dropped: their expiry is
    // earlier and they cannot move to the new one's). Returns the permits dropped.
    uint64_t publish(uint64_t permits, uint64_t expiry_ms) {
        uint64_t w = word_.load(std::memory_order_acquire);
        for (;;) {
            const uint64_t seq = (seq_of(w) + 1) & seq_mask;
            expiry_ms_[seq & 1].store(expiry_ms, std::memory_order_release);
            const uint64_t next = seq << count_bits | (permits & count_mask);
            if (word_.compare_exchange_weak(w, next, std::memory_order_acq_rel)) {
                return count_of(w);
            }
        }
    }

    // Redis thread: adds `permits` valid until `expiry_ms`. Permits still valid past
    // `keep_until_ms` stay and share the earlier expiry (using a permit earlier than its
    // own expiry is always allowed); others are dropped. Returns the permits dropped.
    uint64_t refill(uint64_t permits, uint64_t expiry_ms, uint64_t keep_until_ms) {
        uint64_t w = word_.load(std::memory_order_acquire);
        for (;;) {
            const uint64_t old_expiry = expiry_ms_[seq_of(w) & 1].load(std::memory_order_acquire);
            const bool keep = count_of(w) != 0 && old_expiry > keep_until_ms;
            const uint64_t seq = (seq_of(w) + 1) & seq_mask;
            const uint64_t expiry = keep && old_expiry < expiry_ms ? old_expiry : expiry_ms;
            const uint64_t count = keep ? count_of(w) + permits : permits;
            expiry_ms_[seq & 1].store(expiry, std::memory_order_release);
            if (word_.compare_exchange_weak(w, seq << count_bits | (count & count_mask),
                                            std::memory_order_acq_rel)) {
                return keep ? 0 : count_of(w);
            }
        }
    }

  private:
    static constexpr uint64_t count_bits = 40;
    static constexpr uint64_t count_mask = (uint64_t{1} << count_bits) - 1;
    static constexpr uint64_t seq_mask = (uint64_t{1} << (64 - count_bits)) - 1;
    static uint64_t count_of(uint64_t w) { return w & count_mask; }
    static uint64_t seq_of(uint64_t w) { return w >> count_bits; }

    std::atomic<uint64_t> word_{0};
    std::atomic<uint64_t> expiry_ms_[2] = {};
};

// Requests-per-day permits taken from the shared day counter, valid for their UTC day.
class DayLease {
  public:
    bool take(int64_t day) { return counter_.sub_one(day); }
    void put_back(int64_t day) { counter_.add_if_current(day, 1); }
    uint64_t left(int64_t day) const { return counter_.load(day); }
    // Redis thread: adds permits granted for `day` (a lease of an ended day is replaced).
    void grant(int64_t day, uint64_t permits) { counter_.add(day, permits); }
    // Redis thread: takes every permit of `day` back (to return them to Redis).
    uint64_t drain(int64_t day) { return counter_.take_all(day); }

  private:
    PeriodCounter counter_;
};

struct SharedKeyState {
    alignas(64) RpsLease rps;
    DayLease day;
    // Parked requests of this key that wait for permits (the Redis thread claims them).
    alignas(64) std::atomic<uint32_t> waiting{0};
    // Redis said it had no permit: the bucket's next one is not due before this local
    // monotonic instant; the day's quota is spent (day + 1; 0: not spent). Requests that
    // find no leased permit meanwhile are refused at once instead of waiting.
    std::atomic<uint64_t> rps_denied_until_ms{0};
    std::atomic<int64_t> day_denied{0};

    // What the other instances used, read back from Redis at the last flush.
    alignas(64) PeriodCounter others_tokens_day;
    PeriodCounter others_cost_day_micro_usd;
    PeriodCounter others_cost_month_micro_usd;
    std::atomic<uint64_t> others_tokens_minute{0};

    // What this instance used that Redis has not been told yet (settled tokens and cost,
    // and requests admitted by the local limiter while Redis was unreachable).
    alignas(64) std::atomic<uint64_t> pending_tokens{0};
    std::atomic<uint64_t> pending_cost_micro_usd{0};
    std::atomic<uint64_t> pending_requests{0};
};

}  // namespace rg::limits
