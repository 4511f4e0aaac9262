// allocs/op for benchmarks, from the shared allocation counter (tests/common/alloc_count.h,
// library rg_alloc_counter).
#pragma once

#include <cstdint>

#include "common/alloc_count.h"

namespace rg::bench {

inline uint64_t allocations() {
    return alloc_count::allocations();
}

// Adds an "allocs/op" counter to a benchmark state from a before/after pair.
#define RG_BENCH_REPORT_ALLOCS(state, before)                                          \
    (state).counters["allocs/op"] =                                                    \
        benchmark::Counter(static_cast<double>(::rg::bench::allocations() - (before)), \
                           benchmark::Counter::kAvgIterations)

}  // namespace rg::bench
