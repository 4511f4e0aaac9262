#include "proxy/error_body.h"

#include <array>

#include "json/json_string.h"

namespace rg::proxy {
namespace {

// One row per ErrorKind, in enumerator order. Names per wire-formats.md §3.1/§3.2; the
// statuses per §3.4 ("upstream 5xx": OpenAI 502, Anthropic and Gemini 500).
struct KindInfo {
    ErrorKind kind;
    std::string_view name;
    int openai_status;
    std::string_view openai_type;
    std::string_view openai_code;  // empty: null
    int anthropic_status;
    std::string_view anthropic_type;
    int gemini_status;
    std::string_view gemini_status_name;  // google.rpc.Code name
};

constexpr KindInfo kinds[] = {
    {ErrorKind::invalid_request, "invalid_request", 400, "invalid_request_error", "", 400,
     "invalid_request_error", 400, "INVALID_ARGUMENT"},
    {ErrorKind::authentication, "authentication", 401, "invalid_request_error", "invalid_api_key",
     401, "authentication_error", 401, "UNAUTHENTICATED"},
    {ErrorKind::permission, "permission", 403, "invalid_request_error", "", 403, "permission_error",
     403, "PERMISSION_DENIED"},
    {ErrorKind::not_found, "not_found", 404, "invalid_request_error", "", 404, "not_found_error",
     404, "NOT_FOUND"},
    {ErrorKind::model_not_found, "model_not_found", 404, "invalid_request_error", "model_not_found",
     404, "not_found_error", 404, "NOT_FOUND"},
    // Gemini has no code for a wrong method; UNIMPLEMENTED reads "not supported here".
    {ErrorKind::method_not_allowed, "method_not_allowed", 405, "invalid_request_error",
     "method_not_allowed", 405, "invalid_request_error", 405, "UNIMPLEMENTED"},
    // Google answers oversized payloads with 400 INVALID_ARGUMENT.
    {ErrorKind::request_too_large, "request_too_large", 413, "invalid_request_error", "", 413,
     "request_too_large", 400, "INVALID_ARGUMENT"},
    {ErrorKind::rate_limited, "rate_limited", 429, "requests", "rate_limit_exceeded", 429,
     "rate_limit_error", 429, "RESOURCE_EXHAUSTED"},
    {ErrorKind::quota_exceeded, "quota_exceeded", 429, "insufficient_quota", "insufficient_quota",
     429, "rate_limit_error", 429, "RESOURCE_EXHAUSTED"},
    {ErrorKind::upstream_error, "upstream_error", 502, "server_error", "", 500, "api_error", 500,
     "INTERNAL"},
    {ErrorKind::upstream_timeout, "upstream_timeout", 504, "server_error", "", 504, "timeout_error",
     504, "DEADLINE_EXCEEDED"},
    // 529 is Anthropic's own "overloaded" status; its SDK retries it.
    {ErrorKind::overloaded, "overloaded", 503, "server_error", "", 529, "overloaded_error", 503,
     "UNAVAILABLE"},
    {ErrorKind::internal, "internal", 500, "server_error", "", 500, "api_error", 500, "INTERNAL"},
};

constexpr bool rows_in_order() {
    for (size_t i = 0; i < std::size(kinds); ++i) {
        if (static_cast<size_t>(kinds[i].kind) != i) {
            return false;
        }
    }
    return std::size(kinds) == static_cast<size_t>(ErrorKind::internal) + 1;
}
static_assert(rows_in_order(), "kinds[] must list every ErrorKind in enumerator order");

const KindInfo& info(ErrorKind kind) {
    return kinds[static_cast<size_t>(kind)];
}

void write_openai(const KindInfo& k, std::string_view message, ByteBuffer& out) {
    out.append(R"({"error":{"message":)");
    json::append_json_string(out, message);
    out.append(R"(,"type":")");
    out.append(k.openai_type);
    out.append(R"(","param":null,"code":)");
    if (k.openai_code.empty()) {
        out.append("null");
    } else {
        json::append_json_string(out, k.openai_code);
    }
    out.append("}}");
}

void write_anthropic(const KindInfo& k, std::string_view message, const ErrorExtras& extras,
                     ByteBuffer& out) {
    out.append(R"({"type":"error","error":{"type":")");
    out.append(k.anthropic_type);
    out.append(R"(","message":)");
    json::append_json_string(out, message);
    out.append_char('}');
    if (!extras.request_id.empty()) {
        out.append(R"(,"request_id":)");
        json::append_json_string(out, extras.request_id);
    }
    out.append_char('}');
}

// details[] carries google.rpc.RetryInfo, the only retry hint Gemini clients get (§3.3).
void write_gemini_retry_info(uint32_t retry_after_s, ByteBuffer& out) {
    out.append(R"(,"details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":")");
    out.append_decimal(retry_after_s);
    out.append(R"(s"}])");
}

void write_gemini(const KindInfo& k, int status, std::string_view message,
                  const ErrorExtras& extras, ByteBuffer& out) {
    out.append(R"({"error":{"code":)");
    out.append_decimal(static_cast<uint64_t>(status > 0 ? status : 0));
    out.append(R"(,"message":)");
    json::append_json_string(out, message);
    out.append(R"(,"status":")");
    out.append(k.gemini_status_name);
    out.append_char('"');
    if (extras.retry_after_s > 0 && k.gemini_status_name == "RESOURCE_EXHAUSTED") {
        write_gemini_retry_info(extras.retry_after_s, out);
    }
    out.append("}}");
}

// §2.2.4: the SDK raises on `event: error`; `code` is OpenAI's code, else its type.
void write_responses_stream_error(const KindInfo& k, std::string_view message, int64_t sequence,
                                  ByteBuffer& out) {
    out.append("event: error\ndata: {\"type\":\"error\",\"sequence_number\":");
    out.append_decimal(static_cast<uint64_t>(sequence));
    out.append(R"(,"code":)");
    json::append_json_string(out, k.openai_code.empty() ? k.openai_type : k.openai_code);
    out.append(R"(,"message":)");
    json::append_json_string(out, message);
    out.append(R"(,"param":null})");
    out.append("\n\n");
}

ErrorKind downstream_kind(ErrorCode code) {
    switch (code) {
        case ErrorCode::too_large:
            return ErrorKind::request_too_large;
        case ErrorCode::not_found:
            return ErrorKind::not_found;
        default:
            return ErrorKind::invalid_request;
    }
}

}  // namespace

int error_status(ClientFormat format, ErrorKind kind) {
    const KindInfo& k = info(kind);
    switch (format) {
        case ClientFormat::openai:
            return k.openai_status;
        case ClientFormat::anthropic:
            return k.anthropic_status;
        case ClientFormat::gemini:
            break;
    }
    return k.gemini_status;
}

ErrorKind error_kind_for(const Error& error) {
    switch (error.side) {
        case Side::upstream:
            return error.code == ErrorCode::timeout ? ErrorKind::upstream_timeout
                                                    : ErrorKind::upstream_error;
        case Side::downstream:
            return downstream_kind(error.code);
        case Side::internal:
            break;
    }
    // Out of buffers or slots is load, which clears by itself: a retryable 503.
    return error.code == ErrorCode::resource ? ErrorKind::overloaded : ErrorKind::internal;
}

void write_error(ClientFormat format, int status, ErrorKind kind, std::string_view message,
                 ByteBuffer& out_body, const ErrorExtras& extras) {
    const KindInfo& k = info(kind);
    switch (format) {
        case ClientFormat::openai:
            write_openai(k, message, out_body);
            return;
        case ClientFormat::anthropic:
            write_anthropic(k, message, extras, out_body);
            return;
        case ClientFormat::gemini:
            write_gemini(k, status, message, extras, out_body);
            return;
    }
}

void write_stream_error(ClientFormat format, int status, ErrorKind kind, std::string_view message,
                        ByteBuffer& out, const ErrorExtras& extras) {
    if (format == ClientFormat::openai && extras.responses_sequence >= 0) {
        write_responses_stream_error(info(kind), message, extras.responses_sequence, out);
        return;
    }
    // The JSON holds no raw line breaks (append_json_string escapes them): one data line.
    out.append(format == ClientFormat::anthropic ? "event: error\ndata: " : "data: ");
    write_error(format, status, kind, message, out, extras);
    out.append("\n\n");
}

std::string_view error_kind_name(ErrorKind kind) {
    return info(kind).name;
}

}  // namespace rg::proxy
