// Monotonic and wall clocks. clock_gettime goes through the vDSO: no syscall.
#pragma once

#include <time.h>

#include <cstdint>

namespace rg {

inline uint64_t monotonic_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

inline uint64_t monotonic_ms() {
    return monotonic_ns() / 1000000ull;
}

inline uint64_t wall_ms() {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000ull +
           static_cast<uint64_t>(ts.tv_nsec) / 1000000ull;
}

}  // namespace rg
