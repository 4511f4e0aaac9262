// PeriodCounter: a count that belongs to one calendar period (a UTC day or month) and starts
// again from zero in the next, in one atomic word so that the period and its count always
// change together. Shared by all workers; every operation is lock-free (CAS loops).
#pragma once

#include <atomic>
#include <cstdint>

namespace rg::limits {

class PeriodCounter {
  public:
    // Word layout: bits 63..48 the period number mod 2^16, bits 47..0 the count.
    // 2^48 - 1 is 2.8e14: tokens per day or micro-USD per month (USD 281 million) fit.
    static constexpr uint64_t count_max = (uint64_t{1} << 48) - 1;

    // The count of `period` (0 while the word still holds an earlier period).
    uint64_t load(int64_t period) const {
        const uint64_t w = word_.load(std::memory_order_acquire);
        return holds(w, period) ? count_of(w) : 0;
    }

    // Adds `n` only if the count stays within `limit`; rolls the word over to `period`
    // first. Returns whether it added; `*before` gets the count it saw last.
    bool try_add(int64_t period, uint64_t n, uint64_t limit, uint64_t* before) {
        limit = limit < count_max ? limit : count_max;  // the count's bits, never the tag's
        uint64_t w = word_.load(std::memory_order_acquire);
        for (;;) {
            const uint64_t count = holds(w, period) ? count_of(w) : 0;
            *before = count;
            if (n > limit || count > limit - n) {
                return false;
            }
            if (word_.compare_exchange_weak(w, make(tag_for(w, period), count + n),
                                            std::memory_order_acq_rel)) {
                return true;
            }
        }
    }

    // Adds `n` whatever the limit (usage that already happened), saturating at count_max.
    void add(int64_t period, uint64_t n) {
        uint64_t w = word_.load(std::memory_order_acquire);
        for (;;) {
            const uint64_t count = holds(w, period) ? count_of(w) : 0;
            const uint64_t next = n > count_max - count ? count_max : count + n;
            if (word_.compare_exchange_weak(w, make(tag_for(w, period), next),
                                            std::memory_order_acq_rel)) {
                return;
            }
        }
    }

    // Takes `n` back from `period`'s count (clamped at 0) if the word still holds that
    // period; a refund for a period that has ended changes nothing. Returns whether it did.
    bool sub(int64_t period, uint64_t n) {
        uint64_t w = word_.load(std::memory_order_acquire);
        for (;;) {
            if (tag_of(w) != tag(period)) {
                return false;
            }
            const uint64_t count = count_of(w);
            const uint64_t next = n > count ? 0 : count - n;
            if (word_.compare_exchange_weak(w, make(tag(period), next),
                                            std::memory_order_acq_rel)) {
                return true;
            }
        }
    }

    // Takes one from `period`'s count if it is above zero (used by leases of permits).
    bool sub_one(int64_t period) {
        uint64_t w = word_.load(std::memory_order_acquire);
        for (;;) {
            if (tag_of(w) != tag(period) || count_of(w) == 0) {
                return false;
            }
            if (word_.compare_exchange_weak(w, w - 1, std::memory_order_acq_rel)) {
                return true;
            }
        }
    }

    // Adds `n` only while the word holds `period`: a put-back into an ended period is dropped.
    void add_if_current(int64_t period, uint64_t n) {
        uint64_t w = word_.load(std::memory_order_acquire);
        while (tag_of(w) == tag(period) && count_of(w) + n <= count_max) {
            if (word_.compare_exchange_weak(w, w + n, std::memory_order_acq_rel)) {
                return;
            }
        }
    }

    // Empties `period`'s count and returns it (0 when the word holds another period).
    uint64_t take_all(int64_t period) {
        uint64_t w = word_.load(std::memory_order_acquire);
        for (;;) {
            if (tag_of(w) != tag(period)) {
                return 0;
            }
            if (word_.compare_exchange_weak(w, make(tag(period), 0), std::memory_order_acq_rel)) {
                return count_of(w);
            }
        }
    }

    // Sets `period`'s count (a value read back from elsewhere), whatever the word held.
    void store(int64_t period, uint64_t n) {
        word_.store(make(tag(period), n < count_max ? n : count_max), std::memory_order_release);
    }

  private:
    static constexpr uint64_t lag_periods_max = 2;

    static uint64_t tag(int64_t period) { return static_cast<uint64_t>(period) & 0xffff; }
    static uint64_t tag_of(uint64_t w) { return w >> 48; }
    static uint64_t count_of(uint64_t w) { return w & count_max; }
    static uint64_t make(uint64_t tag, uint64_t count) { return tag << 48 | count; }
    // Whether the word's period is `period`, or one a little later: a worker whose wall
    // clock lags another's by a moment adds to the newer period instead of resetting it.
    // Anything else (older, or the zero word of a fresh counter) is a period that ended.
    static bool holds(uint64_t w, int64_t period) {
        return ((tag_of(w) - tag(period)) & 0xffff) <= lag_periods_max;
    }
    // The tag to write: the word's own while it holds a count for this or a newer period;
    // an empty word takes the caller's period, whatever tag it had.
    static uint64_t tag_for(uint64_t w, int64_t period) {
        return holds(w, period) && count_of(w) != 0 ? tag_of(w) : tag(period);
    }

    std::atomic<uint64_t> word_{0};
};

}  // namespace rg::limits
