// UTF-8 helpers for label values and log strings. Pure; any thread.
#pragma once

#include <cstddef>
#include <string_view>

namespace rg::observe {

// `v` cut to at most `max` bytes without splitting a UTF-8 sequence.
std::string_view cut_utf8(std::string_view v, size_t max);

// Length of the well-formed UTF-8 sequence at p[0..left) (Unicode 15, table 3-7: no
// overlongs, no surrogates, nothing past U+10FFFF), or 0 when it is not one.
size_t utf8_sequence(const unsigned char* p, size_t left);

}  // namespace rg::observe
