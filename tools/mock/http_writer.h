// Response-side HTTP/1.1 helpers: status line and headers (including each provider's
// request-id and rate-limit headers), chunked framing, and the SSE event sink the
// stream writers use. Worker-local: DateCache is per worker, the rest is stateless.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/byte_buffer.h"
#include "http/response_writer.h"
#include "mock/json_writer.h"
#include "mock/plan.h"
#include "mock/types.h"

namespace rg::mock {

// Formats RFC 3339 timestamps (Anthropic's rate-limit resets), caching per second. The
// HTTP date header comes from http::http_date().
class DateCache {
  public:
    std::string_view rfc3339(uint64_t unix_s);

  private:
    uint64_t rfc_s_ = 0;
    char rfc_[48] = {};
};

enum class RateHeaders : uint8_t {
    none = 0,       // send no rate-limit headers
    normal = 1,     // plenty remaining
    exhausted = 2,  // a 429: the request bucket is empty
    low = 3,        // a 200 with nothing remaining (low_remaining fault)
};

struct Head {
    uint16_t status = 200;
    Format format = Format::openai;
    std::string_view content_type;
    int64_t content_length = -1;  // -1: chunked transfer encoding
    bool close = false;
    bool event_stream = false;  // adds cache-control: no-cache
    RateHeaders rate = RateHeaders::normal;
    uint32_t retry_after_s = unset;
    uint32_t retry_after_ms = unset;
    int8_t should_retry = -1;  // Anthropic x-should-retry: -1 omit, 0 false, 1 true
    std::string_view request_id;
};

void write_head(const Head& head, uint64_t now_s, DateCache& dates, ByteBuffer& out);

// Collects one stream event at a time and frames it as one HTTP chunk. In SSE mode an
// event is "event: NAME\ndata: JSON\n\n" (or only the data line); in JSON-array mode
// (Gemini streamGenerateContent without alt=sse) events are array elements.
class EventSink {
  public:
    // `events` counts events across calls (it lives with the stream, not the sink).
    EventSink(ByteBuffer& out, ByteBuffer& scratch, bool json_array, uint32_t* events)
        : out_(out), scratch_(scratch), json_array_(json_array), events_(events) {}

    // Starts an event and returns a writer for its JSON payload; finish with end().
    JsonWriter& data(std::string_view event_name = {});
    void end();
    // The writer of the event in progress.
    JsonWriter& writer() { return writer_; }
    // A whole event with a literal payload ("[DONE]", a malformed line).
    void literal(std::string_view event_name, std::string_view payload);
    // Raw bytes as their own chunk (closing "]" of the JSON-array form).
    void raw(std::string_view bytes) { http::write_chunk(out_, bytes); }
    bool json_array() const { return json_array_; }
    // Events emitted so far in this stream (for the JSON-array separators).
    uint32_t count() const { return *events_; }

  private:
    ByteBuffer& out_;
    ByteBuffer& scratch_;
    JsonWriter writer_{scratch_};
    bool json_array_;
    uint32_t* events_;
};

}  // namespace rg::mock
