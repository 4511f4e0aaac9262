// Error replies in each provider's envelope, with the status and header hints the
// provider would send (rate-limit state, Anthropic x-should-retry). One mapping point for
// every error the mock produces, injected or not. Stateless.
#pragma once

#include <cstdint>
#include <string_view>

#include "mock/http_writer.h"
#include "mock/json_writer.h"
#include "mock/plan.h"
#include "mock/types.h"

namespace rg::mock {

enum class ErrorKind : uint8_t {
    invalid_request = 0,  // 400 with a specific message
    malformed_json,       // 400: body is not JSON
    unauthenticated,      // missing or wrong auth header for the format
    missing_version,      // Anthropic without anthropic-version
    unknown_path,         // 404 for a path the provider does not serve
    too_large,            // body over the limit
    rate_limit,
    quota,
    context_length,
    content_policy,
    overloaded,
    status,  // a plain HTTP error with the given status
};

struct ErrorContext {
    std::string_view message;  // overrides the default message when non-empty
    std::string_view model;
    std::string_view method;
    std::string_view path;
    std::string_view request_id;
    uint32_t retry_after_s = unset;
    uint32_t retry_after_ms = unset;
};

struct ErrorReply {
    uint16_t status = 500;
    RateHeaders rate = RateHeaders::none;
    int8_t should_retry = -1;
};

ErrorReply write_error(Format format, ErrorKind kind, uint16_t status, const ErrorContext& ctx,
                       JsonWriter& w);

// The ErrorKind and status an HTTP-error fault maps to for `format`.
ErrorKind fault_error_kind(Fault fault, uint16_t* status);

}  // namespace rg::mock
