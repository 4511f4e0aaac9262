#include "http/parse_error.h"

namespace rg::http {

const char* parse_error_name(ParseError e) {
    switch (e) {
        case ParseError::none:
            return "none";
        case ParseError::malformed:
            return "malformed";
        case ParseError::header_too_large:
            return "header_too_large";
        case ParseError::too_many_headers:
            return "too_many_headers";
        case ParseError::target_too_long:
            return "target_too_long";
        case ParseError::body_too_large:
            return "body_too_large";
        case ParseError::content_length_with_transfer_encoding:
            return "content_length_with_transfer_encoding";
        case ParseError::duplicate_content_length:
            return "duplicate_content_length";
        case ParseError::invalid_content_length:
            return "invalid_content_length";
        case ParseError::invalid_transfer_encoding:
            return "invalid_transfer_encoding";
        case ParseError::obsolete_line_folding:
            return "obsolete_line_folding";
        case ParseError::invalid_character:
            return "invalid_character";
        case ParseError::invalid_chunk:
            return "invalid_chunk";
        case ParseError::chunked_on_http10:
            return "chunked_on_http10";
        case ParseError::unsupported_version:
            return "unsupported_version";
        case ParseError::invalid_method:
            return "invalid_method";
    }
    return "unknown";
}

int parse_error_status(ParseError e) {
    switch (e) {
        case ParseError::none:
            return 0;
        case ParseError::body_too_large:
            return 413;  // RFC 9110 §15.5.14
        case ParseError::target_too_long:
            return 414;  // RFC 9110 §15.5.15
        case ParseError::header_too_large:
            return 431;  // RFC 6585 §5
        case ParseError::too_many_headers:
            return 431;  // RFC 6585 §5
        case ParseError::unsupported_version:
            return 505;  // RFC 9110 §15.6.6
        default:
            return 400;  // RFC 9112 §2.2, §6.3
    }
}

}  // namespace rg::http
