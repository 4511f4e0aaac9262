// TokenWindow: tokens used in the last minute, for `rate_limit.tokens_per_minute`. Shared by
// all workers and lock-free: 64 one-second slots plus a running total, all atomic words.
//
// A slot word is (second mod 2^28, count); the seconds now-60 .. now are live (61 slots),
// older slots are expired. `total_` is the sum of the live slots' counts, kept so that an
// admission is one CAS on one word. Every change keeps total_ >= the live sum: an addition
// reserves on total_ before it lands in a slot, an expiry or refund empties the slot before
// it leaves total_. So the check "total + n <= limit" can refuse a moment too early, never
// admit too much: tokens admitted within any 60 s are at most the limit (plus corrections
// from real usage, which are added unconditionally), and a token stops counting 60 to 61 s
// after it was admitted.
#pragma once

#include <atomic>
#include <cstdint>

namespace rg::limits {

class TokenWindow {
  public:
    static constexpr uint32_t slot_count = 64;  // power of two, above span_s
    static constexpr uint64_t span_s = 61;      // live seconds: now - 60 .. now
    static constexpr uint64_t never_ms = UINT64_MAX;

    // Tokens counted at `now_s` (monotonic seconds), after expiring slots that left the window.
    uint64_t used(uint64_t now_s);
    // Reserves `n` tokens if used + n <= limit. `*before` gets the count it saw last.
    bool try_add(uint64_t now_s, uint64_t n, uint64_t limit, uint64_t* before);
    // Adds `n` whatever the limit (tokens that were really used).
    void add(uint64_t now_s, uint64_t n);
    // Takes back up to `n` tokens reserved at `added_s`, if that second is still live.
    void refund(uint64_t added_s, uint64_t n, uint64_t now_s);
    // How long from `now_ms` until `n` more tokens fit under `limit` as the oldest slots
    // expire (0 if they fit now, never_ms if n > limit).
    uint64_t ms_until_fits(uint64_t now_ms, uint64_t n, uint64_t limit) const;

  private:
    static constexpr uint64_t tag_bits = 28;
    static constexpr uint64_t count_max = (uint64_t{1} << (64 - tag_bits)) - 1;
    static uint64_t tag(uint64_t s) { return s & ((uint64_t{1} << tag_bits) - 1); }
    static uint64_t tag_of(uint64_t w) { return w >> (64 - tag_bits); }
    static uint64_t count_of(uint64_t w) { return w & count_max; }
    static uint64_t make(uint64_t tag, uint64_t count) { return tag << (64 - tag_bits) | count; }
    // How many seconds `w`'s second lies before `now_s` (mod 2^28; huge when it is later).
    static uint64_t age(uint64_t w, uint64_t now_s) {
        return (tag(now_s) - tag_of(w)) & ((uint64_t{1} << tag_bits) - 1);
    }
    static bool live(uint64_t w, uint64_t now_s) { return age(w, now_s) < span_s; }
    // The slot holds a second after `now_s` (ages past half the tag range are negative).
    static bool later(uint64_t w, uint64_t now_s) {
        return age(w, now_s) >= (uint64_t{1} << (tag_bits - 1));
    }

    void sweep(uint64_t now_s);
    void expire(uint32_t slot, uint64_t now_s);
    void land(uint64_t now_s, uint64_t n);

    std::atomic<uint64_t> total_{0};
    std::atomic<uint64_t> swept_s_{0};  // the last second a sweep started for
    std::atomic<uint64_t> slots_[slot_count] = {};
};

}  // namespace rg::limits
