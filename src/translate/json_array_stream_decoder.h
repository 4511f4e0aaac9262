// JsonArrayStreamDecoder: frames Gemini's `streamGenerateContent` body without `alt=sse`,
// one JSON array `[{...},\r\n{...}]` streamed element by element (wire-formats.md §2.4,
// §4.9 item 17). It yields each top-level element's bytes as soon as the element closes,
// tracking only strings, escapes and nesting depth; parsing the element is the caller's
// job. Views and copies as in SseDecoder. Shard-local: one per streamed exchange.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/byte_buffer.h"
#include "base/limits.h"

namespace rg::translate {

enum class ArrayStatus : uint8_t {
    element = 0,    // *out holds the next element's bytes; call next() again
    need_more = 1,  // the piece is used up and the array is still open
    end = 2,        // the piece is used up and the closing ']' has been seen
    error = 3,      // not an array of objects, or an element exceeded the limit
};

class JsonArrayStreamDecoder {
  public:
    explicit JsonArrayStreamDecoder(
        uint32_t element_bytes_max = limits::stream_event_bytes_default);
    JsonArrayStreamDecoder(const JsonArrayStreamDecoder&) = delete;
    JsonArrayStreamDecoder& operator=(const JsonArrayStreamDecoder&) = delete;

    void reset();

    // As SseDecoder: the previous piece must be used up; `piece` lives until this one is.
    void feed(std::string_view piece);
    // The next complete element of the current piece. Its view is valid until the next
    // call to next(), feed() or reset().
    ArrayStatus next(std::string_view* element);

    // feed(piece), then on_element(std::string_view) for each element. Returns need_more,
    // end or error.
    template <typename OnElement>
    ArrayStatus feed_all(std::string_view piece, OnElement&& on_element) {
        feed(piece);
        std::string_view element;
        ArrayStatus status;
        while ((status = next(&element)) == ArrayStatus::element) {
            on_element(element);
        }
        return status;
    }

    // The closing ']' was seen: the body is complete. At the end of the body, false means
    // the upstream cut the stream.
    bool finished() const { return state_ == State::after_array; }
    // The input so far ends inside an element.
    bool mid_element() const { return state_ == State::in_element; }
    bool failed() const { return state_ == State::failed; }
    const char* error_reason() const { return error_reason_; }

  private:
    enum class State : uint8_t {
        before_array = 0,  // whitespace, then '['
        before_first,      // whitespace, then '{' or ']'
        in_element,
        after_element,   // whitespace, then ',' or ']'
        before_element,  // whitespace, then '{'
        after_array,     // whitespace only
        failed,
    };

    const char* scan_element(const char* p);
    bool take_element(const char* close, std::string_view* element);
    ArrayStatus fail(const char* reason);

    const char* pos_ = nullptr;
    const char* end_ = nullptr;
    State state_ = State::before_array;

    // The element being scanned: where it starts in the piece (when it started there),
    // its depth and string state, and its bytes so far when it spans pieces.
    const char* element_start_ = nullptr;
    uint32_t depth_ = 0;
    bool in_string_ = false;
    bool escape_ = false;
    bool spanning_ = false;
    ByteBuffer element_buf_;

    uint32_t element_bytes_max_;
    const char* error_reason_ = "";
};

}  // namespace rg::translate
