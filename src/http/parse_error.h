// ParseError: why a request was rejected, with its metrics label and HTTP status.
// Plain values; safe on any thread.
#pragma once

#include <cstdint>

namespace rg::http {

enum class ParseError : uint8_t {
    none,
    malformed,
    header_too_large,
    too_many_headers,
    target_too_long,
    body_too_large,
    content_length_with_transfer_encoding,
    duplicate_content_length,
    invalid_content_length,
    invalid_transfer_encoding,
    obsolete_line_folding,
    invalid_character,
    invalid_chunk,
    chunked_on_http10,
    unsupported_version,
    invalid_method,
};

// snake_case name of the enumerator, used as a metrics label.
const char* parse_error_name(ParseError e);

// Status to answer with (always with "Connection: close"): 413 body_too_large, 431
// header_too_large and too_many_headers, 414 target_too_long, 505 unsupported_version,
// 400 for every other error, 0 for none.
int parse_error_status(ParseError e);

}  // namespace rg::http
