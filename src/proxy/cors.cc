#include "proxy/cors.h"

#include "base/assert.h"

namespace rg::proxy {
namespace {

using http::Header;

// RFC 9110 §5.6.2 tchar.
bool is_tchar(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return true;
    }
    switch (c) {
        case '!':
        case '#':
        case '$':
        case '%':
        case '&':
        case '\'':
        case '*':
        case '+':
        case '-':
        case '.':
        case '^':
        case '_':
        case '`':
        case '|':
        case '~':
            return true;
        default:
            return false;
    }
}

// A comma-separated list of field names with optional whitespace, small enough to echo.
bool is_echoable_header_list(std::string_view list) {
    if (list.empty() || list.size() > cors_request_headers_bytes_max) {
        return false;
    }
    for (char c : list) {
        if (!is_tchar(c) && c != ',' && c != ' ' && c != '\t') {
            return false;
        }
    }
    return true;
}

std::string_view without_trailing_slash(std::string_view origin) {
    if (!origin.empty() && origin.back() == '/') {
        origin.remove_suffix(1);
    }
    return origin;
}

}  // namespace

Cors::Cors(const server::CorsOptions& options)
    : max_age_(std::to_string(options.max_age_ms / 1000)) {
    for (const std::string& origin : options.allow_origins) {
        if (origin == "*") {
            any_origin_ = true;
        } else {
            origins_.emplace_back(without_trailing_slash(origin));
        }
    }
}

bool Cors::allows(std::string_view origin) const {
    if (origin.empty()) {
        return false;
    }
    if (any_origin_) {
        return true;
    }
    for (const std::string& allowed : origins_) {
        if (http::equals_ignore_case(allowed, origin)) {
            return true;
        }
    }
    return false;
}

bool Cors::is_preflight(const http::RequestHead& head) {
    return head.method == http::Method::options && !head.find("origin").empty() &&
           !head.find("access-control-request-method").empty();
}

size_t Cors::preflight_headers(const http::RequestHead& head, std::span<Header> out) const {
    RG_ASSERT(out.size() >= preflight_headers_max);
    const std::string_view origin = head.find("origin");
    if (!allows(origin)) {
        out[0] = Header{"Vary", "Origin"};
        return 1;
    }
    const std::string_view requested = head.find("access-control-request-headers");
    size_t n = 0;
    out[n++] = Header{"Access-Control-Allow-Origin", origin};
    out[n++] = Header{"Vary", "Origin, Access-Control-Request-Headers"};
    out[n++] = Header{"Access-Control-Allow-Methods", cors_allow_methods};
    out[n++] = Header{"Access-Control-Allow-Headers",
                      is_echoable_header_list(requested) ? requested : cors_allow_headers_default};
    out[n++] = Header{"Access-Control-Max-Age", max_age_};
    return n;
}

size_t Cors::response_headers(const http::RequestHead& head, std::span<Header> out) const {
    RG_ASSERT(out.size() >= response_headers_max);
    const std::string_view origin = head.find("origin");
    if (origin.empty()) {
        return 0;
    }
    if (!allows(origin)) {
        out[0] = Header{"Vary", "Origin"};
        return 1;
    }
    out[0] = Header{"Access-Control-Allow-Origin", origin};
    out[1] = Header{"Vary", "Origin"};
    out[2] = Header{"Access-Control-Expose-Headers", cors_expose_headers};
    return 3;
}

}  // namespace rg::proxy
