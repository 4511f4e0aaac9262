// Error answers in the client's wire format: the one place where an error becomes an HTTP
// status and a body (wire-formats.md §3.1, §3.2, §3.4). Pure functions: any thread; no
// allocation once the output buffer has room.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/byte_buffer.h"
#include "base/result.h"
#include "proxy/client_format.h"

namespace rg::proxy {

enum class ErrorKind : uint8_t {
    invalid_request = 0,  // 400: malformed body, bad field
    authentication,       // 401: missing or wrong client key
    permission,           // 403: key not allowed this model or route
    not_found,            // 404: unknown path
    model_not_found,      // 404: no route for the asked model
    method_not_allowed,   // 405: known path, other method
    request_too_large,    // 413 (Gemini: 400, as Google answers)
    rate_limited,         // 429: a client rate limit
    quota_exceeded,       // 429: a client quota or budget, until its reset
    upstream_error,       // 502 OpenAI, 500 Anthropic/Gemini: the upstream failed
    upstream_timeout,     // 504
    overloaded,           // 503 (Anthropic: 529): no capacity, try again later
    internal,             // 500: a gateway bug or resource exhaustion
};

// Optional parts of an error body.
struct ErrorExtras {
    std::string_view request_id;  // Anthropic bodies carry it as "request_id"
    uint32_t retry_after_s = 0;   // Gemini 429: details[RetryInfo{retryDelay}] when > 0
    // >= 0: the client reads a Responses API stream; its error event carries this
    // sequence_number (write_stream_error).
    int64_t responses_sequence = -1;
};

inline constexpr std::string_view error_content_type = "application/json";

// The status to answer `kind` with in `format`.
int error_status(ClientFormat format, ErrorKind kind);

// The kind for an operating error: upstream timeouts and failures, too-large and invalid
// downstream input, everything else internal.
ErrorKind error_kind_for(const Error& error);

// Appends the error body:
//   OpenAI    {"error":{"message":..,"type":..,"param":null,"code":..|null}}
//   Anthropic {"type":"error","error":{"type":..,"message":..},"request_id":..}
//   Gemini    {"error":{"code":<status>,"message":..,"status":..,"details":[..]?}}
// `status` is normally error_status(format, kind); it is what Gemini's "code" says.
void write_error(ClientFormat format, int status, ErrorKind kind, std::string_view message,
                 ByteBuffer& out_body, const ErrorExtras& extras = {});

// Appends the SSE event that reports an error inside a stream already under way (§2, §3.4):
//   OpenAI    data: {"error":{...}}\n\n   (no [DONE] after it)
//   Anthropic event: error\ndata: {"type":"error","error":{...}}\n\n
//   Gemini    data: {"error":{"code","message","status"}}\n\n
//   Responses (extras.responses_sequence >= 0)
//             event: error\ndata: {"type":"error","sequence_number",code,message,param}\n\n
// The caller ends the stream after it.
void write_stream_error(ClientFormat format, int status, ErrorKind kind, std::string_view message,
                        ByteBuffer& out, const ErrorExtras& extras = {});

std::string_view error_kind_name(ErrorKind kind);

}  // namespace rg::proxy
