#include "mock/errors.h"

#include <string>

#include "mock/anthropic.h"
#include "mock/gemini.h"
#include "mock/openai.h"

namespace rg::mock {
namespace {

std::string_view pick(std::string_view custom, std::string_view fallback) {
    return custom.empty() ? fallback : custom;
}

// "2s", "1.5s": protobuf Duration text for RetryInfo.retryDelay.
std::string retry_delay(const ErrorContext& c) {
    if (c.retry_after_ms != unset) {
        std::string s = std::to_string(c.retry_after_ms / 1000);
        if (c.retry_after_ms % 1000 != 0) {
            std::string frac = std::to_string(1000 + c.retry_after_ms % 1000).substr(1);
            while (frac.back() == '0') {
                frac.pop_back();
            }
            s += "." + frac;
        }
        return s + "s";
    }
    return std::to_string(c.retry_after_s) + "s";
}

ErrorReply openai_status(uint16_t status, const ErrorContext& c, JsonWriter& w) {
    std::string not_found;
    switch (status) {
        case 401:
            openai::error_body(pick(c.message,
                                    "Incorrect API key provided. You can find your "
                                    "API key at https://platform.openai.com/account/api-keys."),
                               "invalid_request_error", {}, "invalid_api_key", w);
            break;
        case 403:
            openai::error_body(pick(c.message, "Country, region, or territory not supported"),
                               "request_forbidden", {}, "unsupported_country_region_territory", w);
            break;
        case 404:
            not_found = "The model `" + std::string(c.model) +
                        "` does not exist or you do not have access to it.";
            openai::error_body(pick(c.message, not_found), "invalid_request_error", {},
                               "model_not_found", w);
            break;
        case 429:
            openai::error_body(pick(c.message, "Rate limit reached."), "requests", {},
                               "rate_limit_exceeded", w);
            return {status, RateHeaders::exhausted, -1};
        case 503:
            openai::error_body(
                pick(c.message, "The engine is currently overloaded, please try again later."),
                "server_error", {}, {}, w);
            break;
        default:
            if (status >= 500) {
                openai::error_body(pick(c.message,
                                        "The server had an error while processing "
                                        "your request. Sorry about that!"),
                                   "server_error", {}, {}, w);
            } else {
                openai::error_body(pick(c.message, "Invalid request."), "invalid_request_error", {},
                                   {}, w);
            }
    }
    return {status, RateHeaders::none, -1};
}

ErrorReply openai_error(ErrorKind kind, uint16_t status, const ErrorContext& c, JsonWriter& w) {
    std::string msg;
    switch (kind) {
        case ErrorKind::malformed_json:
            openai::error_body(
                "We could not parse the JSON body of your request. (HINT: This likely means you "
                "aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, "
                "but what was sent was not valid JSON.)",
                "invalid_request_error", {}, {}, w);
            return {400};
        case ErrorKind::unauthenticated:
            openai::error_body(pick(c.message,
                                    "You didn't provide an API key. You need to provide your API "
                                    "key in an Authorization header using Bearer auth (i.e. "
                                    "Authorization: Bearer YOUR_KEY)."),
                               "invalid_request_error", {}, {}, w);
            return {401};
        case ErrorKind::unknown_path:
            msg = "Invalid URL (" + std::string(c.method) + " " + std::string(c.path) + ")";
            openai::error_body(msg, "invalid_request_error", {}, {}, w);
            return {404};
        case ErrorKind::too_large:
            openai::error_body("Request too large.", "invalid_request_error", {}, {}, w);
            return {413};
        case ErrorKind::rate_limit:
            msg = "Rate limit reached for " + std::string(c.model) +
                  " in organization org-mock on requests per min (RPM): Limit 10000, Used 10000, "
                  "Requested 1. Please try again in " +
                  (c.retry_after_ms != unset  ? std::to_string(c.retry_after_ms) + "ms"
                   : c.retry_after_s != unset ? std::to_string(c.retry_after_s) + "s"
                                              : std::string("1s")) +
                  ". Visit https://platform.openai.com/account/rate-limits to learn more.";
            openai::error_body(msg, "requests", {}, "rate_limit_exceeded", w);
            return {429, RateHeaders::exhausted, -1};
        case ErrorKind::quota:
            openai::error_body(
                "You exceeded your current quota, please check your plan and "
                "billing details.",
                "insufficient_quota", {}, "insufficient_quota", w);
            return {429};
        case ErrorKind::context_length:
            openai::error_body(
                "This model's maximum context length is 128000 tokens. However, "
                "your messages resulted in 130512 tokens. Please reduce the length "
                "of the messages.",
                "invalid_request_error", "messages", "context_length_exceeded", w);
            return {400};
        case ErrorKind::content_policy:
            openai::error_body(
                "Your request was rejected as a result of our safety system. "
                "Your prompt may contain text that is not allowed by our safety "
                "system.",
                "invalid_request_error", {}, "content_policy_violation", w);
            return {400};
        case ErrorKind::overloaded:
            return openai_status(503, c, w);
        case ErrorKind::missing_version:
        case ErrorKind::invalid_request:
            openai::error_body(c.message, "invalid_request_error", {}, {}, w);
            return {400};
        case ErrorKind::status:
            return openai_status(status, c, w);
    }
    return {500};
}

const char* anthropic_type(uint16_t status) {
    switch (status) {
        case 401:
            return "authentication_error";
        case 402:
            return "billing_error";
        case 403:
            return "permission_error";
        case 404:
            return "not_found_error";
        case 413:
            return "request_too_large";
        case 429:
            return "rate_limit_error";
        case 504:
            return "timeout_error";
        case 529:
            return "overloaded_error";
        default:
            return status >= 500 ? "api_error" : "invalid_request_error";
    }
}

const char* anthropic_message(uint16_t status) {
    switch (status) {
        case 401:
            return "invalid x-api-key";
        case 402:
            return "Your credit balance is too low to access the Anthropic API. Please go to "
                   "Plans & Billing to upgrade or purchase credits.";
        case 403:
            return "Your API key does not have permission to use the specified resource.";
        case 404:
            return "Not found";
        case 413:
            return "Request exceeds the maximum allowed number of bytes.";
        case 429:
            return "This request would exceed the rate limit for your organization of 4000 "
                   "requests per minute. For details, refer to: "
                   "https://docs.claude.com/en/api/rate-limits.";
        case 504:
            return "Request timed out";
        case 529:
            return "Overloaded";
        default:
            return status >= 500 ? "Internal server error" : "Invalid request";
    }
}

ErrorReply anthropic_error(ErrorKind kind, uint16_t status, const ErrorContext& c, JsonWriter& w) {
    std::string_view message;
    switch (kind) {
        case ErrorKind::malformed_json:
            status = 400;
            message = "There was an error parsing the body of your request: invalid JSON";
            break;
        case ErrorKind::unauthenticated:
            status = 401;
            message = pick(c.message, "x-api-key header is required");
            break;
        case ErrorKind::missing_version:
            status = 400;
            message = "anthropic-version: header is required";
            break;
        case ErrorKind::unknown_path:
            status = 404;
            message = "Not Found";
            break;
        case ErrorKind::too_large:
            status = 413;
            break;
        case ErrorKind::rate_limit:
            status = 429;
            break;
        case ErrorKind::quota:
            status = 402;
            break;
        case ErrorKind::context_length:
            status = 400;
            message = "prompt is too long: 210000 tokens > 200000 maximum";
            break;
        case ErrorKind::content_policy:
            status = 400;
            message = "Output blocked by content filtering policy";
            break;
        case ErrorKind::overloaded:
            status = 529;
            break;
        case ErrorKind::invalid_request:
            status = 400;
            message = c.message;
            break;
        case ErrorKind::status:
            message = c.message;
            break;
    }
    anthropic::error_body(anthropic_type(status), pick(message, anthropic_message(status)),
                          c.request_id, w);
    bool retry = status == 408 || status == 409 || status == 429 || status >= 500;
    return {status, status == 429 ? RateHeaders::exhausted : RateHeaders::none,
            static_cast<int8_t>(retry ? 1 : 0)};
}

const char* gemini_status_name(uint16_t status) {
    switch (status) {
        case 400:
            return "INVALID_ARGUMENT";
        case 401:
            return "UNAUTHENTICATED";
        case 403:
            return "PERMISSION_DENIED";
        case 404:
            return "NOT_FOUND";
        case 408:
        case 504:
            return "DEADLINE_EXCEEDED";
        case 409:
            return "ABORTED";
        case 429:
            return "RESOURCE_EXHAUSTED";
        case 502:
        case 503:
            return "UNAVAILABLE";
        default:
            return status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
    }
}

const char* gemini_message(uint16_t status) {
    switch (status) {
        case 401:
            return "Request had invalid authentication credentials. Expected OAuth 2 access "
                   "token, login cookie or other valid authentication credential.";
        case 403:
            return "The caller does not have permission";
        case 404:
            return "Requested entity was not found.";
        case 429:
            return "Resource has been exhausted (e.g. check quota).";
        case 503:
            return "The model is overloaded. Please try again later.";
        case 504:
            return "Deadline expired before operation could complete.";
        default:
            return status >= 500 ? "An internal error has occurred. Please retry or report in "
                                   "https://developers.generativeai.google/guide/troubleshooting"
                                 : "Request contains an invalid argument.";
    }
}

// QuotaFailure (+ Help, + RetryInfo when a delay was given) for a 429.
std::string quota_details(const ErrorContext& c, bool per_day) {
    std::string d =
        "[{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\",\"violations\":[{"
        "\"quotaMetric\":\"generativelanguage.googleapis.com/generate_content_free_tier_"
        "requests\",\"quotaId\":\"";
    d += per_day ? "GenerateRequestsPerDayPerProjectPerModel-FreeTier"
                 : "GenerateRequestsPerMinutePerProjectPerModel-FreeTier";
    d += "\",\"quotaDimensions\":{\"location\":\"global\",\"model\":\"";
    ByteBuffer model;
    append_json_escaped(model, c.model);
    d.append(model.view());
    d += "\"},\"quotaValue\":\"10\"}]},{\"@type\":\"type.googleapis.com/google.rpc.Help\","
         "\"links\":[{\"description\":\"Learn more about Gemini API quotas\",\"url\":\"https://"
         "ai.google.dev/gemini-api/docs/rate-limits\"}]}";
    if (!per_day && (c.retry_after_s != unset || c.retry_after_ms != unset)) {
        d += ",{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"" +
             retry_delay(c) + "\"}";
    }
    return d + "]";
}

ErrorReply gemini_error(ErrorKind kind, uint16_t status, const ErrorContext& c, JsonWriter& w) {
    std::string_view message = c.message;
    std::string details;
    switch (kind) {
        case ErrorKind::malformed_json:
            status = 400;
            message = "Invalid JSON payload received. Unexpected token.";
            break;
        case ErrorKind::unauthenticated:
            status = 401;
            break;
        case ErrorKind::unknown_path:
            status = 404;
            message = "Method not found.";
            break;
        case ErrorKind::too_large:
            status = 400;
            message = "Request payload size exceeds the limit.";
            break;
        case ErrorKind::rate_limit:
        case ErrorKind::quota:
            status = 429;
            message =
                "You exceeded your current quota, please check your plan and billing "
                "details. For more information on this error, head to: "
                "https://ai.google.dev/gemini-api/docs/rate-limits.";
            details = quota_details(c, kind == ErrorKind::quota);
            break;
        case ErrorKind::context_length:
            status = 400;
            message =
                "The input token count (1200000) exceeds the maximum number of tokens "
                "allowed (1048576).";
            break;
        case ErrorKind::overloaded:
            status = 503;
            break;
        case ErrorKind::content_policy:  // answered as a blocked prompt, never an error
        case ErrorKind::missing_version:
        case ErrorKind::invalid_request:
            status = 400;
            break;
        case ErrorKind::status:
            break;
    }
    gemini::error_body(status, gemini_status_name(status), pick(message, gemini_message(status)),
                       details, w);
    return {status};
}

}  // namespace

ErrorReply write_error(Format format, ErrorKind kind, uint16_t status, const ErrorContext& ctx,
                       JsonWriter& w) {
    switch (format) {
        case Format::openai:
            return openai_error(kind, status, ctx, w);
        case Format::anthropic:
            return anthropic_error(kind, status, ctx, w);
        case Format::gemini:
            return gemini_error(kind, status, ctx, w);
    }
    return {500};
}

ErrorKind fault_error_kind(Fault fault, uint16_t* status) {
    *status = fault.status;
    switch (fault.kind) {
        case FaultKind::rate_limit:
            *status = 429;
            return ErrorKind::rate_limit;
        case FaultKind::quota:
            return ErrorKind::quota;
        case FaultKind::context_length:
            return ErrorKind::context_length;
        case FaultKind::content_policy:
            return ErrorKind::content_policy;
        case FaultKind::overloaded:
            return ErrorKind::overloaded;
        default:
            return fault.status == 429 ? ErrorKind::rate_limit : ErrorKind::status;
    }
}

}  // namespace rg::mock
