// Plan: the per-request knobs (answer length, pacing, fault) as set by directives in the
// API key, the model name, x-mock-* headers or a runtime fault rule. Plain data; built
// and read on the worker that handles the request.
#pragma once

#include <cstdint>
#include <string_view>

namespace rg::mock {

enum class FaultKind : uint8_t {
    none = 0,
    status,          // a plain HTTP error with the given status, in the provider's envelope
    rate_limit,      // 429 rate limit, optional retry-after / retry-after-ms
    quota,           // OpenAI 429 insufficient_quota, Anthropic billing_error, Gemini per-day quota
    context_length,  // 400 context_length_exceeded in each provider's shape
    content_policy,  // OpenAI/Anthropic 400; Gemini 200 with promptFeedback.blockReason
    overloaded,      // Anthropic 529 overloaded_error; OpenAI/Gemini 503
    reset,           // RST before any response byte
    hang,            // accept, read and discard, never answer
    stall,           // stop sending after `after` units, keep the connection open
    cut,             // close after `after` units without a terminator
    malformed,       // one malformed event after `after` units, then a normal stream
    no_done,         // complete stream without its terminator ([DONE] / message_stop)
    stream_error,    // the provider's in-stream error event after `after` units
    low_remaining,   // 200, but rate-limit headers report nothing remaining
};

struct Fault {
    FaultKind kind = FaultKind::none;
    uint16_t status = 0;  // the HTTP status for FaultKind::status
};

// Canonical fault name for logs and the control API ("429", "reset", ...). For
// FaultKind::status, writes the number into `buf` (>= 4 bytes) and returns it.
std::string_view fault_name(Fault fault, char* buf);
// Parses a fault name or alias ("429", "rate_limit", "reset", "503", ...).
bool parse_fault(std::string_view name, Fault* out);
// Whether the fault acts on the stream body rather than replacing the response.
bool is_stream_fault(FaultKind kind);

inline constexpr uint32_t unset = UINT32_MAX;

struct Plan {
    uint32_t tokens = unset;
    uint32_t delay_ms = unset;
    uint32_t first_delay_ms = unset;
    uint32_t header_delay_ms = unset;
    Fault fault;
    bool fault_set = false;  // a directive named a fault (possibly "none")
    uint32_t after = unset;  // units sent before stall/cut/malformed/stream_error
    uint32_t retry_after_s = unset;
    uint32_t retry_after_ms = unset;
    // Sequence mode: the fault applies to the first `count` requests and/or for
    // `for_ms` after the first request carrying it; 0 means no bound.
    uint32_t count = 0;
    uint32_t for_ms = 0;
};

// Copies every field `src` sets into `dst` (later sources win).
void merge_plan(Plan* dst, const Plan& src);

// Splits "base~d1~d2" into the base name and the directive list ("d1~d2", or empty).
void split_directives(std::string_view full, std::string_view* base, std::string_view* list);

// Applies a '~'-separated directive list to `plan`. On an unknown name or bad value,
// returns false and points `bad` at the offending directive.
bool apply_directives(std::string_view list, Plan* plan, std::string_view* bad);

// Applies one directive "name=value" (or a bare fault name).
bool apply_directive(std::string_view name, std::string_view value, Plan* plan);

}  // namespace rg::mock
