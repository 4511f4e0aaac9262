// Where a request carries its client key. Pure; runs on the worker that parsed the request;
// no allocation (a percent-decoded `?key=` lands in a caller-owned scratch buffer).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "http/request_head.h"

namespace rg::limits {

enum class KeySource : uint8_t {
    none = 0,
    authorization,   // Authorization: Bearer <key> (OpenAI SDKs)
    x_api_key,       // x-api-key: <key> (Anthropic SDKs)
    x_goog_api_key,  // x-goog-api-key: <key> (Gemini SDKs)
    query,           // ?key=<key> (Gemini REST examples)
};

// Longest `?key=` value decoded; a longer one is taken as it is (it will not match a key).
inline constexpr size_t query_key_bytes_max = 512;

struct KeyScratch {
    char bytes[query_key_bytes_max];
};

struct PresentedKey {
    KeySource source = KeySource::none;
    std::string_view key;  // a view into a header value, the query or `scratch`
};

// The first of these that is present and non-empty, in this order: Authorization with the
// Bearer scheme (any case, RFC 9110 §11.1), x-api-key, x-goog-api-key, the first `key`
// parameter of the query. Header values are trimmed of spaces and tabs. The query value is
// percent-decoded (RFC 3986; '+' stays '+', since keys never hold spaces); a value with a
// broken %-escape is taken undecoded, so it fails authentication instead of passing as "no
// key". An Authorization header with another scheme (Basic) is not a client key.
PresentedKey extract_key(std::span<const http::Header> headers, std::string_view query,
                         KeyScratch* scratch);

}  // namespace rg::limits
