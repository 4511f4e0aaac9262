// Counts heap allocations made by the calling thread, for the no-allocation tests and the
// benchmarks' allocs/op. Linking `rg_alloc_counter` wraps malloc/free/calloc/realloc at link
// time (-Wl,--wrap, carried by the target) and replaces every form of operator new and
// delete, so allocations from our static libraries are all seen. It replaces what the
// sanitizers' allocator owns: link it only into binaries built without sanitizers.
#pragma once

#include <cstdint>

namespace rg::alloc_count {

uint64_t allocations();

}  // namespace rg::alloc_count
