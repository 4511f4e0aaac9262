// SHA-256 digests of client keys: hashing a presented key, parsing the stored hex form and
// comparing digests in constant time. Pure; any thread; no allocation.
#pragma once

#include <cstdint>
#include <string_view>

namespace rg::limits {

inline constexpr size_t digest_bytes = 32;

struct Digest {
    uint8_t bytes[digest_bytes] = {};
};

// SHA-256 of `key`'s bytes exactly as presented (BoringSSL's SHA256, on the stack).
Digest sha256(std::string_view key);

// 64 hex characters (either case) -> digest; false if the text is not exactly that.
bool digest_from_hex(std::string_view hex, Digest* out);

// Compares all 32 bytes whatever they hold (CRYPTO_memcmp): the time taken does not depend
// on where the first difference is, so timing reveals nothing about a stored digest.
bool digests_equal(const Digest& a, const Digest& b);

// The first 8 bytes as an integer: digests are uniformly distributed, so this is a hash.
uint64_t digest_prefix(const Digest& d);

}  // namespace rg::limits
