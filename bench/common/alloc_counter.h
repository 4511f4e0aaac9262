// Counts heap allocations made by the calling thread, for benchmarks that report
// allocs/op. malloc/calloc/realloc are wrapped at link time (-Wl,--wrap) and operator new
// is replaced, so allocations from our static libraries are all seen.
#pragma once

#include <cstdint>

namespace rg::bench {

uint64_t allocations();

// Adds an "allocs/op" counter to a benchmark state from a before/after pair.
#define RG_BENCH_REPORT_ALLOCS(state, before)                                          \
    (state).counters["allocs/op"] =                                                    \
        benchmark::Counter(static_cast<double>(::rg::bench::allocations() - (before)), \
                           benchmark::Counter::kAvgIterations)

}  // namespace rg::bench
