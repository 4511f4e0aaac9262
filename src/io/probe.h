// Start-up probe of the kernel's io_uring: the setup flags, opcodes and features the
// runtime needs, and RLIMIT_MEMLOCK for the provided-buffer rings. Runs once on the
// control thread before any worker starts; refuses with the exact missing piece and its
// likely cause (Seastar's try_create_uring).
#pragma once

#include <cstdint>
#include <string>

namespace rg::io {

struct ProbeReport {
    bool ok = false;
    std::string problem;  // one line: what is missing and the likely cause
    bool defer_taskrun = false;
    uint32_t last_opcode = 0;
    uint64_t memlock_bytes = 0;  // soft RLIMIT_MEMLOCK (UINT64_MAX when unlimited)
};

// `workers` and `buffers_per_worker` size the memlock check.
ProbeReport probe_kernel(uint32_t workers, uint32_t buffers_per_worker);

}  // namespace rg::io
