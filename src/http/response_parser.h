// ResponseParser: incremental HTTP/1.1 response parser (llhttp, strict mode) for upstream
// connections. It reports where the head ends and where the message ends, so the body's
// raw bytes (chunk framing included) can be forwarded unchanged. Header names and values
// are copied into a per-parser arena (a response head is small and parsed once), so the
// caller may recycle receive buffers after every call. Shard-local, reused per connection.
#pragma once

#include <llhttp.h>

#include <cstdint>
#include <string_view>

#include "base/byte_buffer.h"
#include "http/request_head.h"
#include "http/request_parser.h"

namespace rg::http {

class ResponseParser {
  public:
    static constexpr uint32_t headers_max = 64;
    static constexpr uint32_t head_bytes_max = 64 * 1024;

    ResponseParser();
    ResponseParser(const ResponseParser&) = delete;
    ResponseParser& operator=(const ResponseParser&) = delete;

    // Starts a new response; `head_request` when it answers HEAD (no body follows).
    void reset(bool head_request = false);

    // Parses a prefix of `in`, *consumed = bytes used. Events: head (the head ends at
    // *consumed), message_end (the message ends at *consumed), need_more (all used), error.
    // Bytes consumed after the head and up to message_end are the raw body.
    ParseEvent parse(std::string_view in, size_t* consumed);
    // The peer closed: completes a close-delimited body. True when the message is complete.
    bool finish_on_eof();
    // Also appends the decoded body (chunk framing removed) to `sink` while parsing, up to
    // `cap` bytes in all (what passes the cap is dropped and body_truncated() turns true).
    // Null stops it. Kept across reset(). For answers the gateway reads (errors, streams it
    // inspects); forwarding uses the raw bytes.
    void set_body_sink(ByteBuffer* sink, size_t cap);
    bool body_truncated() const { return body_truncated_; }

    // Valid from the head event until reset().
    int status() const { return status_; }
    uint32_t header_count() const { return header_count_; }
    Header header(uint32_t i) const;
    std::string_view find(std::string_view name) const;
    bool chunked() const { return chunked_; }
    int64_t content_length() const { return content_length_; }  // -1 when absent
    // True when the body runs until the connection closes (no length, not chunked).
    bool close_delimited() const { return close_delimited_; }
    bool keep_alive() const { return keep_alive_; }
    bool head_done() const { return head_done_; }
    bool message_done() const { return message_done_; }
    const char* error_reason() const { return error_reason_; }

  private:
    static int on_header_field(llhttp_t* p, const char* at, size_t len);
    static int on_header_value(llhttp_t* p, const char* at, size_t len);
    static int on_headers_complete(llhttp_t* p);
    static int on_message_complete(llhttp_t* p);
    static int on_body(llhttp_t* p, const char* at, size_t len);
    bool append_span(const char* at, size_t len, bool is_value);

    llhttp_t parser_;
    llhttp_settings_t settings_;
    ByteBuffer arena_;
    struct Span {
        uint32_t name_off, name_len, value_off, value_len;
    };
    Span spans_[headers_max];
    uint32_t header_count_ = 0;
    bool in_value_ = false;
    uint32_t head_bytes_ = 0;
    int status_ = 0;
    bool chunked_ = false;
    int64_t content_length_ = -1;
    bool close_delimited_ = false;
    bool keep_alive_ = false;
    bool head_done_ = false;
    bool message_done_ = false;
    bool head_request_ = false;
    const char* error_reason_ = "";
    ByteBuffer* body_sink_ = nullptr;
    size_t body_cap_ = 0;
    size_t body_seen_ = 0;
    bool body_truncated_ = false;
};

}  // namespace rg::http
