// Shared by the stream framing fuzz targets: the input's first 4 bytes choose the limit and
// how the rest is cut; each piece is a fresh heap copy freed as soon as the decoder is done
// with it, so a view kept past its piece is a use-after-free under ASan.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>

#include "base/limits.h"

namespace rg::fuzz {

inline void check(bool ok) {
    if (!ok) {
        std::abort();
    }
}

struct Input {
    uint32_t limit = limits::stream_event_bytes_min;
    uint32_t seed = 0;
    std::string_view body;
};

inline Input split_input(const uint8_t* data, size_t size) {
    Input in;
    if (size < 4) {
        in.body = std::string_view(reinterpret_cast<const char*>(data), size);
        return in;
    }
    std::memcpy(&in.seed, data, 4);
    // Mostly the smallest limit, so inputs reach it; sometimes the default.
    in.limit =
        (in.seed & 0xf) == 0 ? limits::stream_event_bytes_default : limits::stream_event_bytes_min;
    in.body = std::string_view(reinterpret_cast<const char*>(data) + 4, size - 4);
    return in;
}

// Cuts `body` into pieces of 0..max_piece bytes chosen by a xorshift generator and calls
// drain(piece) for each, in a heap copy freed right after; stops when drain returns false.
template <typename Drain>
void feed_cut(std::string_view body, uint32_t seed, Drain drain) {
    uint32_t x = seed | 1;
    const uint32_t max_piece = 1 + (seed >> 4) % 64;
    for (size_t at = 0; at <= body.size();) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        const size_t n = std::min<size_t>(x % (max_piece + 1), body.size() - at);
        auto copy = std::make_unique<char[]>(n + 1);
        std::memcpy(copy.get(), body.data() + at, n);
        const bool go_on = drain(std::string_view(copy.get(), n));
        if (!go_on || at == body.size()) {
            return;
        }
        at += n;
    }
}

}  // namespace rg::fuzz
