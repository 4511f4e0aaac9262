// MetricFamily: the declaration of one metric (name, help, type, label names, histogram
// buckets), written once as a constexpr table and shared read-only by every thread.
// Values are integers in a fixed-point unit: `decimals` says how many decimal places the
// base unit is scaled by (6: microseconds rendered as seconds, 9: nano-USD rendered as
// USD), so the hot path never touches floating point and the text is exact.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "observe/observe_limits.h"

namespace rg::observe {

enum class MetricType : uint8_t { counter = 0, gauge = 1, histogram = 2 };

const char* metric_type_name(MetricType type);

// Upper bounds (inclusive, Prometheus `le`) in the family's integer unit, strictly
// increasing; +Inf is implicit.
struct Buckets {
    std::span<const uint64_t> bounds;
};

// Latency buckets from 100 us to 5 min in microseconds (rendered as seconds with
// decimals = 6): 1-2.5-5 steps per decade up to 10 s, then 30 s, 1, 2 and 5 min for long
// streamed answers. 20 finite buckets.
inline constexpr uint64_t latency_bounds_us[] = {
    100,       250,        500,        1'000,      2'500,       5'000,       10'000,
    25'000,    50'000,     100'000,    250'000,    500'000,     1'000'000,   2'500'000,
    5'000'000, 10'000'000, 30'000'000, 60'000'000, 120'000'000, 300'000'000,
};
inline constexpr Buckets latency_buckets{latency_bounds_us};

struct MetricFamily {
    const char* name;  // full name, e.g. "ringgate_requests_total"
    const char* help;
    MetricType type;
    std::span<const char* const> labels;  // label names, at most limits::labels_max
    uint8_t decimals = 0;                 // rendered value = stored / 10^decimals
    Buckets buckets = {};                 // histograms only
};

// Checks a family against the Prometheus naming rules and our limits: metric name
// [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]* not starting with "__",
// no "le" label on a histogram, counters ending in _total, bounds strictly increasing,
// histograms with at least one bucket. Returns nullptr when valid, else what is wrong.
const char* family_problem(const MetricFamily& family);

// Index of the bucket `value` falls in: the first bound >= value, or bounds.size() for
// +Inf. Branch-free binary search (the compare feeds a conditional move, so latencies
// that jump between buckets cost no mispredictions): O(log buckets), no allocation.
inline uint32_t bucket_index(const Buckets& b, uint64_t value) {
    const uint64_t* base = b.bounds.data();
    size_t len = b.bounds.size();
    if (len == 0) {
        return 0;
    }
    while (len > 1) {
        size_t half = len / 2;
        base += base[half - 1] < value ? half : 0;
        len -= half;
    }
    return static_cast<uint32_t>(base - b.bounds.data()) + (*base < value ? 1 : 0);
}

}  // namespace rg::observe
