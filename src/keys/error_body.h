// Reading a provider's error body: the few fields failure classification needs (message,
// type, code, status, Gemini details), and Gemini's blocked-prompt marker in a 200 answer.
// simdjson On-Demand over a thread-local padded copy of the body (the caller's buffer has
// no guaranteed padding): warm, a thread reads without allocating. The views a read
// returns point into that thread's parser and stay valid until its next read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace rg::keys {

// Bytes of a body read; the rest is ignored (real error bodies are under 2 KiB).
inline constexpr size_t error_body_bytes_max = 64 * 1024;
// Bytes of a message searched for markers ("prompt is too long", ...): bounds the cost of
// substring scans over a hostile 64 KiB message.
inline constexpr size_t error_message_bytes_max = 2048;

struct ErrorFacts {
    std::string_view message;
    std::string_view type;                  // OpenAI error.type, Anthropic error.type
    std::string_view code;                  // OpenAI error.code (when a string)
    std::string_view status;                // Gemini error.status (gRPC code name)
    bool api_key_invalid = false;           // Gemini ErrorInfo reason API_KEY_*
    bool per_day_quota = false;             // Gemini QuotaFailure naming a per-day quota
    std::optional<int64_t> retry_delay_ns;  // Gemini RetryInfo.retryDelay
};

// The error envelope of any of the three providers: {"error":{...}} (Anthropic adds
// "type":"error"), Gemini's also wrapped as [{"error":{...}}], {"error":"text"}, or the
// fields at the top level as some OpenAI-compatible servers send them. Not JSON: nothing
// found. A body cut short (by error_body_bytes_max or by the upstream) is closed for
// reading, so the fields before the cut are found.
ErrorFacts read_error_body(std::string_view body);

// A Gemini answer's promptFeedback.blockReason when it has no candidates (a blocked
// prompt); empty otherwise, for BLOCK_REASON_UNSPECIFIED, and when the body breaks off
// before showing whether candidates follow.
std::string_view read_gemini_block_reason(std::string_view body);

// ASCII case-insensitive search over the first error_message_bytes_max bytes of `hay`;
// `needle` is lower case. find_after returns the position just past the match, or npos.
bool contains_ci(std::string_view hay, std::string_view needle);
size_t find_after_ci(std::string_view hay, std::string_view needle);

}  // namespace rg::keys
