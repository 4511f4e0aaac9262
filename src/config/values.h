// Parsers and checks of single configuration values: durations, listen addresses, names,
// globs and HTTP header fields. Pure functions on text; any thread. Errors carry a static
// message in Error::context that the loader prefixes with the config path.
#pragma once

#include "base/glob.h"

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "server/options.h"

namespace rg::config {

// Durations are a decimal number and a unit: "250ms", "5s", "2m", "1h". A fraction is
// accepted when the result is a whole number of milliseconds ("1.5s" = 1500 ms; "0.5ms" is
// an error). Units are required: a plain "30" is an error, never silently seconds. No sign,
// no spaces, one unit only ("1m30s" is an error: write "90s"). At most 4294967295 ms (~49 d).
Result<uint32_t> parse_duration_ms(std::string_view text);
// The shortest exact form: 1500 -> "1500ms", 30000 -> "30s", 120000 -> "2m".
std::string format_duration_ms(uint32_t ms);

// A long duration in seconds: a whole number with a unit d, h, m or s ("30d"), at least 1s.
Result<uint64_t> parse_retention_s(std::string_view text);

// "0.0.0.0:8080", "[::]:8080", "127.0.0.1:0" (port 0: any free port), "localhost:8080"
// (-> 127.0.0.1). The host must be an IP literal or "localhost": listeners never resolve
// names. The port is required. `host` is normalized (inet_ntop), `text` kept as written.
Result<server::ListenAddress> parse_listen_address(std::string_view text);

// Names of providers, API keys and client keys appear in logs, metric labels and admin URLs:
// 1..64 characters of [A-Za-z0-9._-].
bool is_valid_name(std::string_view name);
// Model names and globs: 1..256 bytes, no spaces or control characters.
bool is_valid_model_name(std::string_view name);

// RFC 9110 section 5.6.2: a field name is a token of tchar.
bool is_header_name(std::string_view name);
// RFC 9110 section 5.5: VCHAR, SP, HTAB and obs-text; no CR, LF, NUL or other controls.
bool is_header_value(std::string_view value);

// Exactly 64 hex digits (either case): a SHA-256 digest.
bool is_sha256_hex(std::string_view text);

}  // namespace rg::config
