#include "translate/json_array_stream_decoder.h"

#include "base/assert.h"

namespace rg::translate {

namespace {

// RFC 8259 §2: insignificant whitespace is space, tab, LF and CR.
bool is_json_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

}  // namespace

JsonArrayStreamDecoder::JsonArrayStreamDecoder(uint32_t element_bytes_max)
    : element_bytes_max_(element_bytes_max) {
    RG_ASSERT(element_bytes_max >= limits::stream_event_bytes_min);
}

void JsonArrayStreamDecoder::reset() {
    pos_ = end_ = nullptr;
    state_ = State::before_array;
    element_start_ = nullptr;
    depth_ = 0;
    in_string_ = false;
    escape_ = false;
    spanning_ = false;
    element_buf_.clear();
    error_reason_ = "";
}

void JsonArrayStreamDecoder::feed(std::string_view piece) {
    RG_ASSERT(pos_ == end_);  // the previous piece was drained
    pos_ = piece.data();
    end_ = piece.data() + piece.size();
    if (state_ == State::in_element) {
        element_start_ = pos_;  // the element continues at the start of this piece
    }
}

ArrayStatus JsonArrayStreamDecoder::fail(const char* reason) {
    state_ = State::failed;
    error_reason_ = reason;
    pos_ = end_;
    return ArrayStatus::error;
}

// Scans element bytes from p. Returns the byte after the element's closing brace, or
// nullptr when the piece ends inside the element (the scan state is saved).
const char* JsonArrayStreamDecoder::scan_element(const char* p) {
    const char* const end = end_;
    uint32_t depth = depth_;
    bool in_string = in_string_;
    if (escape_ && p < end) {
        escape_ = false;
        ++p;  // the escaped byte after a backslash that ended the previous piece
    }
    while (p < end) {
        if (in_string) {
            while (p < end && *p != '"' && *p != '\\') {
                ++p;
            }
            if (p == end) {
                break;
            }
            if (*p == '\\') {
                if (p + 1 == end) {
                    escape_ = true;
                    p = end;
                    break;
                }
                p += 2;
                continue;
            }
            in_string = false;
            ++p;
            continue;
        }
        const char c = *p++;
        if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            // Brackets are counted, not matched: a mismatched pair still closes, and the
            // caller's JSON parser rejects the element.
            if (--depth == 0) {
                depth_ = 0;
                in_string_ = false;
                return p;
            }
        }
    }
    depth_ = depth;
    in_string_ = in_string;
    return nullptr;
}

bool JsonArrayStreamDecoder::take_element(const char* close, std::string_view* element) {
    const size_t tail = static_cast<size_t>(close - element_start_);
    const size_t held = spanning_ ? element_buf_.size() : 0;
    if (held + tail > element_bytes_max_) {
        return false;
    }
    if (spanning_) {
        element_buf_.append(element_start_, tail);
        *element = element_buf_.view();
    } else {
        *element = std::string_view(element_start_, tail);
    }
    spanning_ = false;
    pos_ = close;
    state_ = State::after_element;
    return true;
}

ArrayStatus JsonArrayStreamDecoder::next(std::string_view* element) {
    while (pos_ < end_) {
        if (state_ == State::failed) {
            return fail(error_reason_);
        }
        if (state_ == State::in_element) {
            const char* close = scan_element(pos_);
            if (close != nullptr) {
                if (!take_element(close, element)) {
                    return fail("json array element too large");
                }
                return ArrayStatus::element;
            }
            // The piece ends inside the element: keep its bytes so far.
            const size_t n = static_cast<size_t>(end_ - element_start_);
            if (!spanning_) {
                element_buf_.clear();
                spanning_ = true;
            }
            if (element_buf_.size() + n > element_bytes_max_) {
                return fail("json array element too large");
            }
            element_buf_.append(element_start_, n);
            pos_ = end_;
            break;
        }
        const char c = *pos_;
        if (is_json_space(c)) {
            ++pos_;
            continue;
        }
        switch (state_) {
            case State::before_array:
                if (c != '[') {
                    return fail("stream body is not a JSON array");
                }
                state_ = State::before_first;
                break;
            case State::before_first:
            case State::before_element:
                if (c == ']' && state_ == State::before_first) {
                    state_ = State::after_array;
                    break;
                }
                if (c != '{') {
                    return fail("json array element is not an object");
                }
                state_ = State::in_element;
                element_start_ = pos_;
                depth_ = 0;
                in_string_ = false;
                escape_ = false;
                spanning_ = false;
                continue;  // the scan counts the opening brace
            case State::after_element:
                if (c == ',') {
                    state_ = State::before_element;
                } else if (c == ']') {
                    state_ = State::after_array;
                } else {
                    return fail("garbage between json array elements");
                }
                break;
            case State::after_array:
                return fail("data after the closing ']' of the json array");
            case State::in_element:
            case State::failed:
                RG_UNREACHABLE();
        }
        ++pos_;
    }
    if (state_ == State::failed) {
        return ArrayStatus::error;
    }
    return state_ == State::after_array ? ArrayStatus::end : ArrayStatus::need_more;
}

}  // namespace rg::translate
