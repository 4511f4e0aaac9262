// FailureClass: what went wrong with one upstream attempt, decided once (keys/classify.h)
// and then used by key health (keys/key_table.h), retries and metrics.
#pragma once

#include <cstdint>
#include <string_view>

namespace rg::keys {

enum class FailureClass : uint8_t {
    rate_limited = 0,    // 429 (not quota): cool the key down, retry on another key
    auth = 1,            // 401/403: key disabled until reload/admin; re-probed slowly
    quota = 2,           // insufficient_quota, billing_error, per-day quota: key parked
    server = 3,          // 5xx: retry elsewhere, counts toward the key's circuit
    overloaded = 4,      // Anthropic 529, 503 overloaded: like server
    transport = 5,       // connect refused, reset, TLS failure, cut before the answer
    timeout = 6,         // connect, first byte, first token or stall timeout
    context_length = 7,  // prompt too long: never retried on the same model
    content_policy = 8,  // refused by the provider's filter: never retried
    client_error = 9,    // any other 4xx: the request is wrong, answered as is
    count_ = 10,
};

inline constexpr size_t failure_class_count = static_cast<size_t>(FailureClass::count_);

// Snake-case name for logs, metrics labels and /health/detailed.
constexpr std::string_view failure_class_name(FailureClass c) {
    switch (c) {
        case FailureClass::rate_limited:
            return "rate_limited";
        case FailureClass::auth:
            return "auth";
        case FailureClass::quota:
            return "quota";
        case FailureClass::server:
            return "server";
        case FailureClass::overloaded:
            return "overloaded";
        case FailureClass::transport:
            return "transport";
        case FailureClass::timeout:
            return "timeout";
        case FailureClass::context_length:
            return "context_length";
        case FailureClass::content_policy:
            return "content_policy";
        case FailureClass::client_error:
            return "client_error";
        case FailureClass::count_:
            break;
    }
    return "unknown";
}

}  // namespace rg::keys
