// SHA-256 of client keys, as stored in ClientKeyOptions::key_sha256 and printed by
// `ringgate hash-key`. Uses BoringSSL's libcrypto. Any thread; pure.
#pragma once

#include <string>
#include <string_view>

namespace rg::config {

// 64 lowercase hex characters: the SHA-256 digest of `key`'s bytes, exactly as given.
std::string hash_client_key(std::string_view key);

// Overwrites a secret's bytes in a way the compiler keeps (OPENSSL_cleanse), then empties it.
void wipe_secret(std::string* secret);

}  // namespace rg::config
