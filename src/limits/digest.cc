#include "limits/digest.h"

#include <openssl/mem.h>
#include <openssl/sha.h>

#include <cstring>

// BoringSSL, never OpenSSL 3: the two must not share a process (shared/notes/platform.md §3).
#ifndef OPENSSL_IS_BORINGSSL
#error "limits/ must be built against BoringSSL (link BoringSSL::crypto)"
#endif

namespace rg::limits {

static_assert(digest_bytes == SHA256_DIGEST_LENGTH);

Digest sha256(std::string_view key) {
    Digest d;
    SHA256(reinterpret_cast<const uint8_t*>(key.data()), key.size(), d.bytes);
    return d;
}

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

}  // namespace

bool digest_from_hex(std::string_view hex, Digest* out) {
    if (hex.size() != 2 * digest_bytes) {
        return false;
    }
    for (size_t i = 0; i < digest_bytes; ++i) {
        const int hi = hex_value(hex[2 * i]);
        const int lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return false;
        }
        out->bytes[i] = static_cast<uint8_t>(hi << 4 | lo);
    }
    return true;
}

bool digests_equal(const Digest& a, const Digest& b) {
    return CRYPTO_memcmp(a.bytes, b.bytes, digest_bytes) == 0;
}

uint64_t digest_prefix(const Digest& d) {
    uint64_t v;
    std::memcpy(&v, d.bytes, sizeof v);
    return v;
}

}  // namespace rg::limits
