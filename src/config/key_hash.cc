#include "config/key_hash.h"

#include <openssl/mem.h>
#include <openssl/sha.h>

// The include path must reach BoringSSL (/usr/include/android), never OpenSSL 3: the two
// must not share a process (shared/notes/platform.md section 3).
#ifndef OPENSSL_IS_BORINGSSL
#error "config/ must be built against BoringSSL (link BoringSSL::crypto)"
#endif

namespace rg::config {

std::string hash_client_key(std::string_view key) {
    uint8_t digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const uint8_t*>(key.data()), key.size(), digest);
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * SHA256_DIGEST_LENGTH);
    for (uint8_t byte : digest) {
        out.push_back(hex[byte >> 4]);
        out.push_back(hex[byte & 15]);
    }
    return out;
}

void wipe_secret(std::string* secret) {
    OPENSSL_cleanse(secret->data(), secret->size());
    secret->clear();
}

}  // namespace rg::config
