// CORS for browser clients (`server.cors`): answers preflight requests and adds the CORS
// headers to normal responses when the request's Origin is allowed (Fetch standard, "CORS
// protocol"). Built once per config snapshot on the control thread; read-only afterwards and
// shared by every shard. Output headers are views into the request, into this object or
// into static strings: no allocation per request.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "http/request_head.h"
#include "server/options.h"

namespace rg::proxy {

// Access-Control-Request-Headers echoed up to this size; beyond it, or with characters
// outside a field-name list, the fixed list is sent instead.
inline constexpr size_t cors_request_headers_bytes_max = 1024;

// What the gateway allows when it cannot echo the request's list: the SDKs' headers.
inline constexpr std::string_view cors_allow_headers_default =
    "authorization, content-type, accept, x-api-key, x-goog-api-key, api-key, "
    "anthropic-version, anthropic-beta, anthropic-dangerous-direct-browser-access, "
    "openai-organization, openai-project, openai-beta, x-request-id, x-stainless-lang, "
    "x-stainless-package-version, x-stainless-os, x-stainless-arch, x-stainless-runtime, "
    "x-stainless-runtime-version, x-stainless-retry-count, x-stainless-timeout, "
    "x-stainless-helper-method, x-stainless-async, x-stainless-poll-helper, x-goog-api-client";

// Response headers a browser script may read: the ids and retry hints SDKs look at.
inline constexpr std::string_view cors_expose_headers =
    "x-request-id, request-id, x-upstream-request-id, retry-after, retry-after-ms, "
    "x-should-retry, openai-processing-ms";

inline constexpr std::string_view cors_allow_methods = "GET, POST, OPTIONS";

class Cors {
  public:
    // Header counts the output spans need room for.
    static constexpr size_t preflight_headers_max = 5;
    static constexpr size_t response_headers_max = 3;

    explicit Cors(const server::CorsOptions& options);

    // True for "*" or an origin listed (ASCII case-insensitive; a trailing '/' in the
    // config is ignored). "null" matches only when listed or under "*".
    bool allows(std::string_view origin) const;

    // An OPTIONS request with Origin and Access-Control-Request-Method.
    static bool is_preflight(const http::RequestHead& head);

    // Headers of the preflight answer (status 204, no body), returned as a count written to
    // `out`. Allowed origin: the origin echoed, Vary, Allow-Methods, Allow-Headers (the
    // requested list echoed, bounded, or the fixed list) and Max-Age. Otherwise only
    // "Vary: Origin": without Access-Control-Allow-Origin the browser fails the preflight
    // itself, which is what the Fetch standard expects of a server.
    size_t preflight_headers(const http::RequestHead& head, std::span<http::Header> out) const;

    // Headers to add to a normal response: for an allowed Origin the origin echoed,
    // "Vary: Origin" and Expose-Headers; for another Origin "Vary: Origin" only; none
    // without Origin. The origin is echoed even under "*": a literal "*" would be refused
    // by browsers for requests with credentials. No Allow-Credentials: auth is by header,
    // never by cookie.
    size_t response_headers(const http::RequestHead& head, std::span<http::Header> out) const;

  private:
    std::vector<std::string> origins_;
    bool any_origin_ = false;
    std::string max_age_;  // seconds, decimal
};

}  // namespace rg::proxy
