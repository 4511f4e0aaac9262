#include "http/head_builder.h"

#include <cstdint>
#include <cstring>

#include "base/assert.h"

namespace rg::http {

namespace {

// Smallest storage block: one typical SDK head (~700 bytes) split across two buffers.
constexpr size_t storage_bytes_min = 1024;

std::string_view trim_trailing_ows(std::string_view v) {
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) {
        v.remove_suffix(1);
    }
    return v;
}

// Content-Length = 1*DIGIT (RFC 9110 §8.6); -1 when empty, not digits or beyond int64.
int64_t parse_content_length(std::string_view v) {
    if (v.empty()) {
        return -1;
    }
    int64_t n = 0;
    for (char c : v) {
        if (c < '0' || c > '9') {
            return -1;
        }
        const int64_t digit = c - '0';
        if (n > (INT64_MAX - digit) / 10) {
            return -1;
        }
        n = n * 10 + digit;
    }
    return n;
}

}  // namespace

// Views into storage stay valid: the block moves, its address does not change.
HeadBuilder& HeadBuilder::operator=(HeadBuilder&& other) noexcept {
    head_ = other.head_;
    overflow_ = other.overflow_;
    pending_kind_ = other.pending_kind_;
    seen_content_length_ = other.seen_content_length_;
    seen_transfer_encoding_ = other.seen_transfer_encoding_;
    storage_max_ = other.storage_max_;
    storage_ = std::move(other.storage_);
    capacity_ = std::exchange(other.capacity_, 0);
    used_ = std::exchange(other.used_, 0);
    return *this;
}

void HeadBuilder::begin(uint32_t header_bytes_max) {
    head_.method = Method::other;
    head_.method_text = {};
    head_.target = head_.path = head_.query = {};
    head_.version_minor = 1;
    head_.keep_alive = true;
    head_.expect_continue = false;
    head_.chunked = false;
    head_.content_length = -1;
    head_.header_count = 0;
    head_.headers[0] = {};
    overflow_ = {};
    pending_kind_ = Kind::other;
    seen_content_length_ = seen_transfer_encoding_ = false;
    storage_max_ = header_bytes_max;
    used_ = 0;
}

void HeadBuilder::set_method(Method method, std::string_view text) {
    head_.method = method;
    head_.method_text = text;
}

ParseError HeadBuilder::end_target() {
    const std::string_view t = head_.target;
    if (t.size() > limits::target_bytes_max) {
        return ParseError::target_too_long;
    }
    // The gateway serves origin-form only (RFC 9112 §3.2.1), plus "OPTIONS *" (§3.2.4).
    const bool origin_form = !t.empty() && t[0] == '/';
    const bool asterisk_form = t == "*" && head_.method == Method::options;
    if (!origin_form && !asterisk_form) {
        return ParseError::malformed;
    }
    // A fragment is not part of any request-target (RFC 9112 §3.2).
    if (t.find('#') != std::string_view::npos) {
        return ParseError::malformed;
    }
    return ParseError::none;
}

ParseError HeadBuilder::end_name() {
    const std::string_view name = pending()->name;
    if (name.empty()) {
        return ParseError::malformed;  // field-name = token, at least one byte
    }
    if (head_.header_count >= limits::header_count_max) {
        return ParseError::too_many_headers;
    }
    pending_kind_ = kind_of(name);
    return check_framing_name(pending_kind_);
}

HeadBuilder::Kind HeadBuilder::kind_of(std::string_view name) {
    // Dispatch on length first: most names match none of the three.
    switch (name.size()) {
        case 6:
            return equals_ignore_case(name, "expect") ? Kind::expect : Kind::other;
        case 14:
            return equals_ignore_case(name, "content-length") ? Kind::content_length : Kind::other;
        case 17:
            return equals_ignore_case(name, "transfer-encoding") ? Kind::transfer_encoding
                                                                 : Kind::other;
        default:
            return Kind::other;
    }
}

// RFC 9112 §6.1-§6.3: a request with both framings, or with either twice, is rejected
// outright; a front proxy that disagrees with us about the body length is how requests get
// smuggled. llhttp would catch most of these a few bytes later; deciding here gives one
// precise error per case.
ParseError HeadBuilder::check_framing_name(Kind kind) {
    if (kind == Kind::content_length) {
        if (seen_transfer_encoding_) {
            return ParseError::content_length_with_transfer_encoding;
        }
        if (seen_content_length_) {
            return ParseError::duplicate_content_length;
        }
        seen_content_length_ = true;
    } else if (kind == Kind::transfer_encoding) {
        if (seen_content_length_) {
            return ParseError::content_length_with_transfer_encoding;
        }
        if (seen_transfer_encoding_) {
            return ParseError::invalid_transfer_encoding;
        }
        seen_transfer_encoding_ = true;
    }
    return ParseError::none;
}

ParseError HeadBuilder::end_value(uint8_t version_minor) {
    Header* h = pending();
    h->value = trim_trailing_ows(h->value);  // llhttp drops the leading OWS
    const ParseError e = apply_value(h->value, version_minor);
    if (e != ParseError::none) {
        return e;
    }
    // end_name() refused the overflow slot, so `h` is headers[header_count].
    if (++head_.header_count < limits::header_count_max) {
        head_.headers[head_.header_count] = {};
    }
    pending_kind_ = Kind::other;
    return ParseError::none;
}

ParseError HeadBuilder::apply_value(std::string_view value, uint8_t version_minor) {
    switch (pending_kind_) {
        case Kind::content_length:
            head_.content_length = parse_content_length(value);
            return head_.content_length < 0 ? ParseError::invalid_content_length : ParseError::none;
        case Kind::transfer_encoding:
            // Only a lone "chunked" is accepted. The gateway never decodes transfer codings,
            // so "gzip, chunked" is refused rather than passed on with a meaning we dropped.
            if (!equals_ignore_case(value, "chunked")) {
                return ParseError::invalid_transfer_encoding;
            }
            if (version_minor == 0) {
                return ParseError::chunked_on_http10;  // RFC 9112 §6.1: not defined for 1.0
            }
            head_.chunked = true;
            return ParseError::none;
        case Kind::expect:
            head_.expect_continue = version_minor == 1 && equals_ignore_case(value, "100-continue");
            return ParseError::none;
        case Kind::other:
            return ParseError::none;
    }
    return ParseError::none;
}

ParseError HeadBuilder::end_head(const HeadFacts& facts) {
    head_.version_minor = facts.version_minor;
    head_.keep_alive =
        !facts.connection_close && (facts.version_minor == 1 || facts.connection_keep_alive);
    split_target();
    if (head_.content_length > 0 &&
        static_cast<uint64_t>(head_.content_length) > facts.body_bytes_max) {
        return ParseError::body_too_large;
    }
    return ParseError::none;
}

void HeadBuilder::split_target() {
    const size_t q = head_.target.find('?');
    head_.path = head_.target.substr(0, q);
    head_.query = q == std::string_view::npos ? std::string_view() : head_.target.substr(q + 1);
}

void HeadBuilder::retain() {
    spill();
    split_target();
}

void HeadBuilder::append(std::string_view* element, std::string_view fragment) {
    if (fragment.empty()) {
        return;
    }
    if (element->empty()) {
        *element = fragment;
        return;
    }
    if (!in_storage(element->data())) {
        if (element->data() + element->size() == fragment.data()) {
            *element = {element->data(), element->size() + fragment.size()};
            return;
        }
        spill();  // two pieces in one buffer (a folded line): join them in storage
    }
    char* dst = reserve(fragment.size());
    RG_ASSERT(element->data() + element->size() == dst);
    std::memcpy(dst, fragment.data(), fragment.size());
    used_ += fragment.size();
    *element = {element->data(), element->size() + fragment.size()};
}

void HeadBuilder::spill() {
    auto copy = [this](std::string_view* v) {
        if (v->empty() || in_storage(v->data())) {
            return;
        }
        char* dst = reserve(v->size());
        std::memcpy(dst, v->data(), v->size());
        used_ += v->size();
        *v = {dst, v->size()};
    };
    copy(&head_.target);
    for (uint32_t i = 0; i < head_.header_count; ++i) {
        copy(&head_.headers[i].name);
        copy(&head_.headers[i].value);
    }
    copy(&pending()->name);
    copy(&pending()->value);
}

bool HeadBuilder::in_storage(const char* p) const {
    const auto base = reinterpret_cast<uintptr_t>(storage_.get());
    const auto addr = reinterpret_cast<uintptr_t>(p);
    return addr >= base && addr < base + capacity_;
}

char* HeadBuilder::reserve(size_t n) {
    // Storage holds a subset of the head's bytes, and the head is capped at storage_max_.
    RG_ASSERT(used_ + n <= storage_max_);
    if (capacity_ - used_ < n) {
        grow(used_ + n);
    }
    return storage_.get() + used_;
}

void HeadBuilder::grow(size_t need) {
    size_t cap = capacity_ * 2 > storage_bytes_min ? capacity_ * 2 : storage_bytes_min;
    cap = cap > storage_max_ ? storage_max_ : cap;
    cap = cap < need ? need : cap;
    std::unique_ptr<char[]> next(new char[cap]);
    if (used_ > 0) {
        std::memcpy(next.get(), storage_.get(), used_);
    }
    const char* old_base = storage_.get();
    relocate(&head_.target, old_base, next.get());
    for (uint32_t i = 0; i < head_.header_count; ++i) {
        relocate(&head_.headers[i].name, old_base, next.get());
        relocate(&head_.headers[i].value, old_base, next.get());
    }
    relocate(&pending()->name, old_base, next.get());
    relocate(&pending()->value, old_base, next.get());
    storage_ = std::move(next);
    capacity_ = cap;
}

void HeadBuilder::relocate(std::string_view* view, const char* old_base, char* new_base) {
    if (!view->empty() && in_storage(view->data())) {
        *view = {new_base + (view->data() - old_base), view->size()};
    }
}

}  // namespace rg::http
