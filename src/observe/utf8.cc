#include "observe/utf8.h"

namespace rg::observe {

std::string_view cut_utf8(std::string_view v, size_t max) {
    if (v.size() <= max) {
        return v;
    }
    size_t n = max;
    // Step back over continuation bytes (10xxxxxx) so the cut lands before a lead byte.
    while (n > 0 && (static_cast<unsigned char>(v[n]) & 0xc0) == 0x80) {
        --n;
    }
    return v.substr(0, n);
}

size_t utf8_sequence(const unsigned char* p, size_t left) {
    unsigned char c = p[0];
    if (c < 0x80) {
        return 1;
    }
    size_t len;
    unsigned char lo = 0x80;  // allowed range of the second byte
    unsigned char hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        lo = c == 0xe0 ? 0xa0 : 0x80;  // overlong
        hi = c == 0xed ? 0x9f : 0xbf;  // surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        lo = c == 0xf0 ? 0x90 : 0x80;  // overlong
        hi = c == 0xf4 ? 0x8f : 0xbf;  // past U+10FFFF
    } else {
        return 0;
    }
    if (left < len || p[1] < lo || p[1] > hi) {
        return 0;
    }
    for (size_t i = 2; i < len; ++i) {
        if ((p[i] & 0xc0) != 0x80) {
            return 0;
        }
    }
    return len;
}

}  // namespace rg::observe
