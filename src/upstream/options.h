// Options of the upstream client: timeouts, retries and certificate verification.
// Plain data filled by config/ from the `upstream:` section (and, per provider, from the same
// keys inside a `providers:` entry); read-only afterwards, as part of an immutable snapshot.
#pragma once

#include <cstdint>
#include <string>

namespace rg::upstream {

// Largest `max_attempts` the config accepts: each attempt may wait for a full first-byte
// timeout, so more than a handful only multiplies a client's worst-case latency.
// TODO: move to base/limits.h beside the other limits (owned by the base module).
inline constexpr uint32_t attempts_limit = 10;

struct Options {
    uint32_t connect_timeout_ms = 5000;       // TCP connect and TLS handshake
    uint32_t first_byte_timeout_ms = 60000;   // request sent -> response headers
    uint32_t first_token_timeout_ms = 30000;  // headers -> first content delta of a stream
    uint32_t stall_timeout_ms = 30000;        // longest silence inside a stream
    uint32_t attempts_max = 3;                // per request, across keys and fallbacks
    uint32_t backoff_base_ms = 200;           // first retry delay; doubles per attempt
    uint32_t backoff_max_ms = 5000;           // cap of the retry delay; >= backoff_base_ms
    bool verify_tls = true;
    std::string ca_file = "/etc/ssl/certs/ca-certificates.crt";  // PEM bundle of trusted CAs
};

}  // namespace rg::upstream
