// SseDecoder: incremental text/event-stream parser for streamed upstream answers, after the
// WHATWG HTML "parse an event stream" algorithm (wire-formats.md §2.1). Fed the body in
// pieces cut anywhere (even inside "\r\n"), it yields each complete event as views: into
// the piece when the event lies inside it, into the decoder's reused buffers when it spans
// pieces. Shard-local: one per streamed exchange; reset() reuses it (and its warm buffers).
#pragma once

#include <cstdint>
#include <string_view>

#include "base/byte_buffer.h"
#include "base/limits.h"

namespace rg::translate {

// One dispatched event. Views are valid until the next call to next(), feed() or reset().
struct SseEvent {
    std::string_view event;  // the `event:` field; empty when the block had none ("message")
    std::string_view data;   // the `data:` lines joined with '\n'
    std::string_view id;     // the last event id of the stream so far (it persists, per WHATWG)
};

enum class SseStatus : uint8_t {
    event = 0,      // *out holds the next event; call next() again
    need_more = 1,  // the piece is used up; feed the next one
    error = 2,      // an event exceeded the size limit; the decoder stays failed until reset()
};

class SseDecoder {
  public:
    // `event_bytes_max` bounds one event block (its lines up to the blank line, comments
    // and terminators included), so a hostile upstream cannot grow the buffers unbounded.
    explicit SseDecoder(uint32_t event_bytes_max = limits::stream_event_bytes_default);
    SseDecoder(const SseDecoder&) = delete;
    SseDecoder& operator=(const SseDecoder&) = delete;

    // Forgets the stream (a new body follows); keeps the buffers' memory.
    void reset();

    // Hands over the next piece of the body. The previous piece must be used up (next()
    // returned need_more or error); `piece` must stay alive until this one is.
    void feed(std::string_view piece);
    // The next complete event of the current piece.
    SseStatus next(SseEvent* out);

    // Convenience: feed(piece), then on_event(const SseEvent&) for each event. Returns
    // need_more or error.
    template <typename OnEvent>
    SseStatus feed_all(std::string_view piece, OnEvent&& on_event) {
        feed(piece);
        SseEvent event;
        SseStatus status;
        while ((status = next(&event)) == SseStatus::event) {
            on_event(static_cast<const SseEvent&>(event));
        }
        return status;
    }

    // True when the input so far ends inside an event: a partial line, or field lines not
    // yet closed by a blank line. At the end of the body such an event is lost (WHATWG
    // discards it), so the caller can tell the stream was cut.
    bool mid_event() const;
    bool failed() const { return failed_; }
    const char* error_reason() const { return error_reason_; }
    uint32_t event_bytes_max() const { return event_bytes_max_; }

  private:
    bool skip_bom();
    const char* find_line_end(const char* p);
    bool take_line(const char* line_end, std::string_view* line);
    bool stash_partial_line();
    void process_line(std::string_view line);
    void add_data(std::string_view value);
    bool dispatch(SseEvent* out);
    void end_block();
    void own_pending();
    SseStatus fail(const char* reason);

    // Current piece.
    const char* pos_ = nullptr;
    const char* end_ = nullptr;
    const char* cr_ = nullptr;  // next '\r' at or after pos_ (or end_); valid if cr_valid_
    bool cr_valid_ = false;

    // Line and block state.
    ByteBuffer line_buf_;   // a line that spans pieces, without its terminator
    bool skip_lf_ = false;  // the last line ended in CR: a leading LF completes "\r\n"
    uint8_t bom_matched_ = 0;
    bool bom_done_ = false;
    bool fields_seen_ = false;  // a non-comment line since the last blank line
    uint64_t block_bytes_ = 0;  // 64 bits: adding a piece size cannot wrap

    // The pending event: views into the piece or line_buf_ until own_pending() copies them.
    std::string_view event_;
    bool event_owned_ = false;
    ByteBuffer event_buf_;
    std::string_view data_;  // the first data line while it is the only one and not owned
    uint32_t data_lines_ = 0;
    bool data_owned_ = false;
    ByteBuffer data_buf_;
    ByteBuffer id_buf_;

    uint32_t event_bytes_max_;
    bool failed_ = false;
    const char* error_reason_ = "";
};

}  // namespace rg::translate
