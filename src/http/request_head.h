// RequestHead: the request line and header fields of one HTTP/1.1 request, as views.
// Shard-local: filled by a connection's RequestParser and read by that connection's request
// handling on the same shard. The views point into the caller's receive buffer or into
// parser storage; request_parser.h states how long they stay valid.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/limits.h"

namespace rg::http {

enum class Method : uint8_t { other = 0, get, head, post, put, delete_, options, patch };

struct Header {
    std::string_view name;
    std::string_view value;
};

struct RequestHead {
    Method method = Method::other;
    std::string_view method_text;  // static storage: the method as llhttp knows it
    std::string_view target;       // as sent (origin-form path + query, or "*" for OPTIONS)
    std::string_view path;         // target up to '?'
    std::string_view query;        // after '?', empty if none
    uint8_t version_minor = 1;     // HTTP/1.<minor>; only 0 and 1 are accepted
    // HTTP/1.1: on unless "Connection: close". HTTP/1.0: only with "Connection: keep-alive"
    // and no "close" (RFC 9112 §9.3).
    bool keep_alive = true;
    bool expect_continue = false;  // "Expect: 100-continue" on HTTP/1.1 (RFC 9110 §10.1.1)
    bool chunked = false;          // "Transfer-Encoding: chunked"
    int64_t content_length = -1;   // -1 when absent
    uint32_t header_count = 0;
    Header headers[limits::header_count_max];

    // Case-insensitive lookup of the first header with this name; empty view if absent.
    std::string_view find(std::string_view name) const;
};

// ASCII case-insensitive equality, for field names and tokens (RFC 9110 §5.1).
bool equals_ignore_case(std::string_view a, std::string_view b);

}  // namespace rg::http
