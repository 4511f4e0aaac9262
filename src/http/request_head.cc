#include "http/request_head.h"

namespace rg::http {

namespace {

char ascii_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}

}  // namespace

bool equals_ignore_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        if (ascii_lower(a[i]) != ascii_lower(b[i])) {
            return false;
        }
    }
    return true;
}

std::string_view RequestHead::find(std::string_view name) const {
    for (uint32_t i = 0; i < header_count; ++i) {
        if (equals_ignore_case(headers[i].name, name)) {
            return headers[i].value;
        }
    }
    return {};
}

}  // namespace rg::http
