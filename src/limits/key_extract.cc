#include "limits/key_extract.h"

namespace rg::limits {

namespace {

std::string_view trim(std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) {
        v.remove_prefix(1);
    }
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) {
        v.remove_suffix(1);
    }
    return v;
}

// "Bearer <token>" -> token; empty for any other scheme.
std::string_view bearer_token(std::string_view value) {
    value = trim(value);
    constexpr std::string_view scheme = "bearer";
    if (value.size() <= scheme.size() ||
        !http::equals_ignore_case(value.substr(0, scheme.size()), scheme) ||
        (value[scheme.size()] != ' ' && value[scheme.size()] != '\t')) {
        return {};
    }
    return trim(value.substr(scheme.size()));
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = static_cast<char>(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// Percent-decodes into `scratch`; the raw value when it is too long or malformed.
std::string_view percent_decode(std::string_view raw, KeyScratch* scratch) {
    if (raw.size() > query_key_bytes_max) {
        return raw;
    }
    size_t n = 0;
    for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '%') {
            scratch->bytes[n++] = raw[i];
            continue;
        }
        const int hi = i + 2 < raw.size() ? hex_digit(raw[i + 1]) : -1;
        const int lo = hi >= 0 ? hex_digit(raw[i + 2]) : -1;
        if (lo < 0) {
            return raw;
        }
        scratch->bytes[n++] = static_cast<char>(hi << 4 | lo);
        i += 2;
    }
    return {scratch->bytes, n};
}

std::string_view query_key(std::string_view query) {
    while (!query.empty()) {
        const size_t amp = query.find('&');
        const std::string_view param = query.substr(0, amp);
        if (param.substr(0, 4) == "key=") {
            return param.substr(4);
        }
        if (amp == std::string_view::npos) {
            break;
        }
        query.remove_prefix(amp + 1);
    }
    return {};
}

}  // namespace

PresentedKey extract_key(std::span<const http::Header> headers, std::string_view query,
                         KeyScratch* scratch) {
    std::string_view found[3];  // by KeySource - 1: the first non-empty value of each
    for (const http::Header& h : headers) {
        size_t slot;
        std::string_view value;
        if (http::equals_ignore_case(h.name, "authorization")) {
            slot = 0;
            value = bearer_token(h.value);
        } else if (http::equals_ignore_case(h.name, "x-api-key")) {
            slot = 1;
            value = trim(h.value);
        } else if (http::equals_ignore_case(h.name, "x-goog-api-key")) {
            slot = 2;
            value = trim(h.value);
        } else {
            continue;
        }
        if (found[slot].empty()) {
            found[slot] = value;
        }
    }
    for (size_t i = 0; i < 3; ++i) {
        if (!found[i].empty()) {
            return {static_cast<KeySource>(i + 1), found[i]};
        }
    }
    const std::string_view raw = query_key(query);
    if (raw.empty()) {
        return {};
    }
    return {KeySource::query, percent_decode(raw, scratch)};
}

}  // namespace rg::limits
