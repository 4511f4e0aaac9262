#include "limits/request_bucket.h"

#include <algorithm>
#include <cmath>

namespace rg::limits {

namespace {

// Intervals past this (a rate under one request per 13 days) are treated as rate 0, which
// admits fewer requests, never more; it keeps full_at + interval far from overflow.
constexpr uint64_t interval_ns_max = uint64_t{1} << 50;
constexpr uint64_t tolerance_ns_max = uint64_t{1} << 62;

uint64_t saturating_mul(uint64_t a, uint64_t b, uint64_t cap) {
    return (b != 0 && a > cap / b) ? cap : a * b;
}

}  // namespace

RequestRate RequestRate::from(std::optional<double> per_second, std::optional<uint32_t> burst) {
    RequestRate r;
    if (!per_second) {
        return r;
    }
    const double rate = *per_second;
    r.burst = burst ? *burst : static_cast<uint64_t>(std::max(1.0, std::ceil(rate)));
    const double interval = rate > 0 ? std::ceil(1e9 / rate) : INFINITY;
    if (!(interval <= static_cast<double>(interval_ns_max)) || r.burst == 0) {
        r.mode = Mode::fixed;
        return r;
    }
    r.mode = Mode::refill;
    r.interval_ns = std::max<uint64_t>(1, static_cast<uint64_t>(interval));
    r.tolerance_ns = saturating_mul(r.burst - 1, r.interval_ns, tolerance_ns_max);
    return r;
}

RequestBucket::Take RequestBucket::take(const RequestRate& rule, uint64_t now_ns) {
    switch (rule.mode) {
        case RequestRate::Mode::unlimited:
            return {true, 0, 0, 0};
        case RequestRate::Mode::fixed:
            return take_fixed(rule);
        case RequestRate::Mode::refill:
            return take_refill(rule, now_ns);
    }
    return {};
}

// GCRA: the word runs ahead of `now` by interval_ns per request still to refill. A request
// fits while the lead is within the tolerance; taking it moves the word one interval on.
RequestBucket::Take RequestBucket::take_refill(const RequestRate& rule, uint64_t now_ns) {
    uint64_t full_at = full_at_ns_.load(std::memory_order_acquire);
    for (;;) {
        const uint64_t start = full_at > now_ns ? full_at : now_ns;
        const uint64_t lead = start - now_ns;
        if (lead > rule.tolerance_ns) {
            return {false, 0, lead - rule.tolerance_ns, lead};
        }
        const uint64_t next = start + rule.interval_ns;
        if (full_at_ns_.compare_exchange_weak(full_at, next, std::memory_order_acq_rel)) {
            return {true, (rule.tolerance_ns - lead) / rule.interval_ns, 0, next - now_ns};
        }
    }
}

RequestBucket::Take RequestBucket::take_fixed(const RequestRate& rule) {
    uint64_t taken = taken_.load(std::memory_order_acquire);
    for (;;) {
        if (taken >= rule.burst) {
            return {false, 0, never_ns, never_ns};
        }
        if (taken_.compare_exchange_weak(taken, taken + 1, std::memory_order_acq_rel)) {
            return {true, rule.burst - taken - 1, 0, never_ns};
        }
    }
}

}  // namespace rg::limits
