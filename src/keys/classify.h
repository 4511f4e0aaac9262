// Classification of one failed upstream attempt (keys/failure_class.h) and the provider's
// retry and rate-limit hints. Decided once per attempt; key health, retries and metrics
// read the result. Pure functions of their inputs; callable on any shard. Error bodies are
// read by keys/error_body.h (simdjson On-Demand over a thread-local padded copy); warm, a
// thread classifies without allocating.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "http/request_head.h"
#include "keys/error_body.h"
#include "keys/failure_class.h"
#include "keys/options.h"

namespace rg::keys {

// Longest hint accepted: a reset further away than a day is a broken header or a daily
// quota, and parking a key for longer than that is the key table's decision, not a hint's.
inline constexpr uint64_t retry_after_ms_max = 24ull * 3600 * 1000;
struct Classification {
    FailureClass cls = FailureClass::server;
    bool retry_other_key = false;  // another key of the same provider may serve it
    bool retry_fallback = false;   // another provider/model (fallback chain) may serve it
    uint64_t retry_after_ms = 0;   // provider's hint (0: none): cool-down for this key
};

// A finished answer with status >= 400. `body` may be truncated (only its first
// error_body_bytes_max bytes are read) or not JSON at all. `now_unix_ms` is wall-clock ms,
// for absolute reset times. A status below 400 (a caller bug, or a 3xx no API sends) is
// classified as server, retryable.
Classification classify_response(ProviderType type, int status,
                                 std::span<const http::Header> headers, std::string_view body,
                                 int64_t now_unix_ms);

// A 2xx answer that is a failure in disguise: Gemini answers a blocked prompt with 200,
// `promptFeedback.blockReason` and no candidates (also as the first streamed chunk: pass
// that event's JSON). content_policy, no retry. nullopt for anything else (and always for
// the other provider types, whose refusals are ordinary answers).
std::optional<Classification> classify_success(ProviderType type, std::string_view body);

enum class TransportFailure : uint8_t {
    connect_failed,
    tls_failed,
    reset,
    cut_before_head,
    cut_mid_body,
    timeout_connect,
    timeout_first_byte,
    timeout_first_token,
    timeout_stall,
};

// transport or timeout, retryable on another key and on a fallback. Whether a retry is
// still possible (nothing forwarded to the client yet) is the caller's to decide.
Classification classify_transport(TransportFailure f);

// The retry hint alone, first found wins: `retry-after-ms`, `retry-after` (delta-seconds
// or HTTP-date), then per provider: OpenAI x-ratelimit-reset-requests/-tokens of the
// buckets whose remaining is 0, else "try again in <duration>" in the error message;
// Anthropic anthropic-ratelimit-*-reset (RFC 3339) of the buckets whose remaining is 0;
// Gemini error.details[] google.rpc.RetryInfo retryDelay. Among several exhausted buckets
// the latest reset wins. 0 when none; clamped to [0, retry_after_ms_max].
uint64_t retry_after_ms(ProviderType type, std::span<const http::Header> headers,
                        std::string_view body, int64_t now_unix_ms);

// Proactive steering from any answer (success or not). -1 when unknown.
struct RateLimitHint {
    int64_t remaining_requests = -1;
    int64_t remaining_tokens = -1;  // Anthropic: the minimum of tokens, input and output
    // When the numbers refresh: the latest reset among buckets at 0 if any is, else the
    // earliest reset reported (when these numbers go stale). 0 when none; clamped.
    uint64_t reset_in_ms = 0;
    bool present = false;  // at least one remaining or reset header was understood
};

// OpenAI x-ratelimit-remaining-requests/-tokens and x-ratelimit-reset-requests/-tokens;
// Anthropic anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-remaining and
// their RFC 3339 resets. Gemini sends none: never present.
RateLimitHint parse_rate_limit(ProviderType type, std::span<const http::Header> headers,
                               int64_t now_unix_ms);

}  // namespace rg::keys
