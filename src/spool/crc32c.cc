#include "spool/crc32c.h"

#include <cstring>

namespace rg::spool {
namespace {

constexpr uint32_t poly = 0x82F63B78u;  // CRC-32C, reflected (RFC 3720 appendix B.4)

struct Tables {
    uint32_t t[8][256];
    Tables() {
        for (uint32_t i = 0; i < 256; ++i) {
            uint32_t c = i;
            for (int k = 0; k < 8; ++k) {
                c = (c & 1) != 0 ? (c >> 1) ^ poly : c >> 1;
            }
            t[0][i] = c;
        }
        for (uint32_t i = 0; i < 256; ++i) {
            for (int s = 1; s < 8; ++s) {
                t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
            }
        }
    }
};

const Tables& tables() {
    static const Tables instance;
    return instance;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t crc32c_hw(const void* data, size_t size, uint32_t crc) {
    const auto* p = static_cast<const unsigned char*>(data);
    uint64_t c = ~crc;
    while (size >= 8) {
        uint64_t v;
        std::memcpy(&v, p, 8);
        c = __builtin_ia32_crc32di(c, v);
        p += 8;
        size -= 8;
    }
    auto c32 = static_cast<uint32_t>(c);
    while (size > 0) {
        c32 = __builtin_ia32_crc32qi(c32, *p++);
        --size;
    }
    return ~c32;
}

bool have_sse42() {
    static const bool yes = __builtin_cpu_supports("sse4.2");
    return yes;
}
#endif

}  // namespace

uint32_t crc32c_portable(const void* data, size_t size, uint32_t crc) {
    const Tables& tb = tables();
    const auto* p = static_cast<const unsigned char*>(data);
    uint32_t c = ~crc;
    while (size >= 8) {
        uint32_t lo;
        uint32_t hi;
        std::memcpy(&lo, p, 4);
        std::memcpy(&hi, p + 4, 4);
        lo ^= c;  // little-endian load (x86, arm64)
        c = tb.t[7][lo & 0xff] ^ tb.t[6][(lo >> 8) & 0xff] ^ tb.t[5][(lo >> 16) & 0xff] ^
            tb.t[4][lo >> 24] ^ tb.t[3][hi & 0xff] ^ tb.t[2][(hi >> 8) & 0xff] ^
            tb.t[1][(hi >> 16) & 0xff] ^ tb.t[0][hi >> 24];
        p += 8;
        size -= 8;
    }
    while (size > 0) {
        c = tb.t[0][(c ^ *p++) & 0xff] ^ (c >> 8);
        --size;
    }
    return ~c;
}

uint32_t crc32c(const void* data, size_t size, uint32_t crc) {
#if defined(__x86_64__)
    if (have_sse42()) {
        return crc32c_hw(data, size, crc);
    }
#endif
    return crc32c_portable(data, size, crc);
}

}  // namespace rg::spool
