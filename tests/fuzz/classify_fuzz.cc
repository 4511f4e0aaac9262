// Fuzzes rg::keys classification with an arbitrary upstream answer. Input layout: byte 0
// picks the provider type, bytes 1-2 the status (big-endian, any value), then header lines
// "name:value\n" up to an empty line, then the body.
// Checked: no crash; the class is in range and its retry flags follow the rules; hints stay
// within [0, retry_after_ms_max]; classify_response's hint equals retry_after_ms() on the
// same input; a Gemini success classification is content_policy and never retried.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "keys/classify.h"

namespace {

using rg::keys::Classification;
using rg::keys::FailureClass;

void check(bool ok) {
    if (!ok) {
        std::abort();
    }
}

void check_classification(const Classification& c) {
    check(c.cls < FailureClass::count_);
    check(c.retry_after_ms <= rg::keys::retry_after_ms_max);
    if (c.cls == FailureClass::content_policy) {
        check(!c.retry_other_key && !c.retry_fallback);
    }
    if (c.cls == FailureClass::client_error || c.cls == FailureClass::context_length) {
        check(!c.retry_other_key);
    }
    if (c.cls == FailureClass::context_length) {
        check(c.retry_fallback);
    }
}

// Header lines up to the first empty line; the rest is the body.
std::string_view split_headers(std::string_view in, std::vector<rg::http::Header>* headers) {
    while (!in.empty()) {
        size_t eol = in.find('\n');
        std::string_view line = in.substr(0, eol);
        in = eol == std::string_view::npos ? std::string_view() : in.substr(eol + 1);
        if (line.empty()) {
            break;
        }
        size_t colon = line.find(':');
        headers->push_back({line.substr(0, colon), colon == std::string_view::npos
                                                       ? std::string_view()
                                                       : line.substr(colon + 1)});
    }
    return in;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 3) {
        return 0;
    }
    const auto type = static_cast<rg::keys::ProviderType>(data[0] % 3);
    const int status = static_cast<int16_t>((data[1] << 8) | data[2]);
    std::vector<rg::http::Header> headers;
    const std::string_view body =
        split_headers({reinterpret_cast<const char*>(data + 3), size - 3}, &headers);
    constexpr int64_t now_ms = 1735689600000;  // 2025-01-01T00:00:00Z
    const Classification c = rg::keys::classify_response(type, status, headers, body, now_ms);
    check_classification(c);
    check(c.retry_after_ms == rg::keys::retry_after_ms(type, headers, body, now_ms));
    const rg::keys::RateLimitHint r = rg::keys::parse_rate_limit(type, headers, now_ms);
    check(r.reset_in_ms <= rg::keys::retry_after_ms_max);
    check(r.remaining_requests >= -1 && r.remaining_tokens >= -1);
    check(r.present || (r.remaining_requests == -1 && r.remaining_tokens == -1));
    if (std::optional<Classification> s = rg::keys::classify_success(type, body)) {
        check(s->cls == FailureClass::content_policy);
        check_classification(*s);
    }
    return 0;
}
