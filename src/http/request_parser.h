// RequestParser: incremental HTTP/1.1 request parser with strict framing (RFC 9112), built on
// llhttp in strict mode plus our own checks for what llhttp lets through (README.md lists
// them). Shard-local: one per connection, used only on that connection's shard. No
// allocation in steady state: storage for heads that span receive buffers grows on first
// use (bounded by header_bytes_max) and is kept until the parser is destroyed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/limits.h"
#include "http/head_builder.h"
#include "http/line_scanner.h"
#include "http/parse_error.h"
#include "http/request_head.h"

namespace rg::http {

// Longest chunk-size line (size, extensions and CRLF). RFC 9112 §7.1.1 lets a recipient
// limit chunk extensions; clients send none, and 1 KiB bounds the bytes a peer can make us
// read without delivering payload. TODO: move to base/limits.h with the other HTTP limits.
inline constexpr uint32_t chunk_line_bytes_max = 1024;

enum class ParseEvent : uint8_t { need_more, head, body, message_end, error };

struct ParseLimits {
    uint32_t header_bytes_max = limits::header_bytes_default;
    uint64_t body_bytes_max = limits::body_bytes_default;
};

// View lifetimes. The caller may recycle `in` after every call, so when a call returns
// need_more in the middle of a head, every view into `in` is first copied into parser
// storage. Views of the `head` event point into that call's `in` (a head in one buffer:
// zero copies) or into storage: the caller keeps that buffer until it is done with head(),
// which stays valid until the parse() call after message_end. body() points into the
// current `in` only.
//
// After a message whose head says keep_alive == false the connection must close once the
// response is sent (RFC 9112 §9.6): later bytes are consumed and dropped (need_more).
class RequestParser {
  public:
    explicit RequestParser(ParseLimits limits);
    RequestParser(RequestParser&&) noexcept = default;
    RequestParser& operator=(RequestParser&&) noexcept = default;

    // Applies from the next message.
    void set_limits(ParseLimits limits) { next_limits_ = limits; }

    // Parses a prefix of `in`; *consumed = bytes of `in` used. The caller passes the
    // unconsumed rest again (followed by later bytes) on the next call.
    //  need_more: all of `in` consumed, nothing to report yet.
    //  head: head() is complete; *consumed ends at the end of the head.
    //  body: body() is a view into `in` (de-chunked payload; several events per message).
    //  message_end: the message is complete; the next parse() starts a new request.
    //  error: error() says why; answer parse_error_status() with "Connection: close" and
    //         stop parsing. Sticky until reset().
    ParseEvent parse(std::string_view in, size_t* consumed);

    const RequestHead& head() const { return builder_.head(); }
    // Copies the head's remaining views into parser storage, so head() survives recycling
    // the buffer of the `head` event (e.g. to route at message_end after a body that spans
    // receive buffers). Call after the `head` event, before message_end. At most the head's
    // size, into storage kept for reuse: no allocation in steady state.
    void retain_head() { builder_.retain(); }
    std::string_view body() const { return body_; }
    ParseError error() const { return error_; }
    // True while a request head has started but is not complete (for the 408 timeout).
    bool in_head() const { return phase_ == Phase::head && phase_bytes_ > 0; }
    // True between messages: no byte of a next request seen yet.
    bool idle() const {
        return (phase_ == Phase::head && phase_bytes_ == 0) || phase_ == Phase::closed;
    }
    // Fresh state for a new connection; keeps storage.
    void reset();

    size_t storage_capacity_for_test() const { return builder_.storage_capacity(); }

  private:
    friend struct ParserCallbacks;

    // Where the next byte belongs. Each phase change happens at an llhttp pause, so one
    // llhttp_execute() call never spans two phases and each phase has its own byte budget.
    enum class Phase : uint8_t { head, chunk_line, body, trailers, closed, failed };
    enum class Event : uint8_t { none, head, body, message_end };

    // Byte offsets inside the head of the request line's parts, to reject extra spaces.
    struct RequestLine {
        uint64_t method_end = 0;
        uint64_t target_start = 0;
        uint64_t target_end = 0;
        uint64_t version_start = 0;
        bool target_seen = false;
        bool version_seen = false;
    };

    struct Step {
        int err;      // llhttp_errno_t
        size_t used;  // bytes of the slice llhttp consumed
    };

    void start_message();
    static ParseEvent to_parse_event(Event e);
    Step execute(const char* p, size_t len);
    ParseError scan_step(Phase phase, const char* p, const Step& step);
    size_t phase_budget() const;
    ParseError budget_error() const;
    ParseError map_llhttp_error(int err) const;
    void enter(Phase phase);
    ParseEvent fail(ParseError e);
    uint64_t offset_of(const char* p) const {
        return slice_offset_ + static_cast<uint64_t>(p - slice_base_);
    }
    // Records an error found in a callback, whose non-zero return stops llhttp.
    int reject(ParseError e);

    ParseLimits limits_;
    ParseLimits next_limits_;
    Phase phase_ = Phase::head;
    Phase next_phase_ = Phase::head;
    Event event_ = Event::none;
    ParseError error_ = ParseError::none;
    ParseError callback_error_ = ParseError::none;
    uint64_t phase_bytes_ = 0;  // bytes consumed in the current phase
    uint64_t body_bytes_ = 0;   // payload bytes of the current message
    uint32_t trailer_name_bytes_ = 0;
    const char* slice_base_ = nullptr;
    uint64_t slice_offset_ = 0;
    std::string_view body_;
    RequestLine line_;
    LineScanner scanner_;
    HeadBuilder builder_;
    // llhttp_t kept opaque so this header does not pull llhttp's C macros and enums into
    // every includer; request_parser.cc checks size and alignment.
    alignas(8) unsigned char llhttp_[96];
};

}  // namespace rg::http
