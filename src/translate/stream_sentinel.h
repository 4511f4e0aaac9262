// What a decoded stream event means to the gateway, per upstream wire format: does it carry
// the first content (for the first-token timeout), is it the stream's proper terminator, is
// it an in-stream error (wire-formats.md §2.2-§2.4). StreamSentinel remembers the answers
// over a stream so passthrough can finalise one that ended without its terminator. Cheap
// scans of the payload, no DOM. Shard-local: one sentinel per streamed exchange.
#pragma once

#include <cstdint>
#include <string_view>

#include "translate/sse_decoder.h"

namespace rg::translate {

enum class StreamFormat : uint8_t {
    // Chat Completions and legacy Completions: data-only; ends with `data: [DONE]`.
    openai_chat = 0,
    // Responses: `event: response.*`; ends with response.completed, .failed or .incomplete.
    openai_responses = 1,
    // Messages: `event: <type>`; ends with `event: message_stop`.
    anthropic = 2,
    // streamGenerateContent?alt=sse: data-only, ends at EOF; the last chunk has finishReason.
    gemini_sse = 3,
    // streamGenerateContent without alt=sse: a JSON array, ends with its closing ']'.
    gemini_json_array = 4,
};

std::string_view stream_format_name(StreamFormat format);

struct EventClass {
    bool content = false;   // a non-empty text, reasoning or tool delta
    bool terminal = false;  // the format's proper end of stream
    bool error = false;     // an in-stream error (the stream ends after it)
};

// One SSE event, or one JSON-array element passed as SseEvent{.data = element}.
EventClass classify_event(StreamFormat format, const SseEvent& event);
// The parts of classify_event, for callers that need only one answer.
bool carries_content(StreamFormat format, const SseEvent& event);
bool is_terminal_event(StreamFormat format, const SseEvent& event);
bool is_error_event(StreamFormat format, const SseEvent& event);

class StreamSentinel {
  public:
    explicit StreamSentinel(StreamFormat format) : format_(format) {}

    void reset() { *this = StreamSentinel(format_); }

    // Classifies one event and remembers what it saw. The content scan stops once the first
    // content event has been seen (its only use is the first-token timeout).
    EventClass observe(const SseEvent& event);
    EventClass observe_element(std::string_view element) {
        return observe(SseEvent{{}, element, {}});
    }
    // gemini_json_array: the decoder reported the closing ']'.
    void observe_array_end();

    StreamFormat format() const { return format_; }
    // The terminator was seen: the stream is complete.
    bool terminated() const { return terminated_; }
    bool saw_error() const { return saw_error_; }
    bool saw_content() const { return saw_content_; }
    uint64_t events() const { return events_; }
    // Events after the terminator (a misbehaving upstream; passthrough may drop them).
    uint64_t events_after_end() const { return events_after_end_; }
    // openai_responses: one past the last event's `sequence_number` (0 before any), for an
    // error event the gateway appends to the stream (§2.2.4).
    uint64_t next_sequence_number() const { return next_sequence_number_; }

  private:
    StreamFormat format_;
    bool terminated_ = false;
    bool saw_error_ = false;
    bool saw_content_ = false;
    uint64_t events_ = 0;
    uint64_t events_after_end_ = 0;
    uint64_t next_sequence_number_ = 0;
};

}  // namespace rg::translate
