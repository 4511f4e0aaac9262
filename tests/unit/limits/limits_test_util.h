// Helpers for limits tests: client key options from a plain key, hex digests, fixed times.
#pragma once

#include <string>
#include <string_view>

#include "limits/digest.h"
#include "limits/options.h"

namespace rg::limits::test {

inline std::string hex(const Digest& d) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (uint8_t b : d.bytes) {
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 15]);
    }
    return out;
}

inline ClientKeyOptions key_options(std::string name, std::string_view plain_key) {
    ClientKeyOptions o;
    o.name = std::move(name);
    o.key_sha256 = hex(sha256(plain_key));
    return o;
}

// 2026-03-15 12:00:00 UTC, a Sunday in the middle of a 31-day month.
inline constexpr int64_t wall_noon = 1773576000000;
inline constexpr int64_t day_ms = 86400000;

}  // namespace rg::limits::test
