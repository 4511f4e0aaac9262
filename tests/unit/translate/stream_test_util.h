// Helpers for the stream framing tests: golden inputs, feeding a decoder under different
// cuts of the same body (each piece in its own buffer, scribbled over once used up, so a
// view that outlives its piece shows), and an independent whole-input SSE reference.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "translate/json_array_stream_decoder.h"
#include "translate/sse_decoder.h"

namespace rg::translate::test {

// A golden input under tests/data/streams/ (e.g. "openai/chat_text.stream.sse").
std::string read_stream_file(const std::string& relative);
// Every golden SSE file, relative to tests/data/streams/.
std::vector<std::string> sse_stream_files();

struct OwnedEvent {
    std::string event;
    std::string data;
    std::string id;
    bool operator==(const OwnedEvent&) const = default;
};
std::ostream& operator<<(std::ostream& os, const OwnedEvent& e);

struct SseRun {
    std::vector<OwnedEvent> events;
    bool error = false;
    bool mid_event = false;
    bool operator==(const SseRun&) const = default;
};
std::ostream& operator<<(std::ostream& os, const SseRun& r);

struct ArrayRun {
    std::vector<std::string> elements;
    bool error = false;
    bool finished = false;
    bool mid_element = false;
    bool operator==(const ArrayRun&) const = default;
};
std::ostream& operator<<(std::ostream& os, const ArrayRun& r);

// The body cut into pieces at the given offsets (ascending, each within the body).
std::vector<std::string> cut_at(std::string_view body, const std::vector<size_t>& cuts);
std::vector<std::string> cut_every(std::string_view body, size_t piece_bytes);
std::vector<std::string> cut_random(std::string_view body, uint64_t seed, size_t piece_max);

SseRun run_sse(const std::vector<std::string>& pieces,
               uint32_t event_bytes_max = limits::stream_event_bytes_default);
SseRun run_sse(std::string_view body,
               uint32_t event_bytes_max = limits::stream_event_bytes_default);
ArrayRun run_array(const std::vector<std::string>& pieces,
                   uint32_t element_bytes_max = limits::stream_event_bytes_default);
ArrayRun run_array(std::string_view body,
                   uint32_t element_bytes_max = limits::stream_event_bytes_default);

// The WHATWG event-stream algorithm written plainly over the whole body (no limit): split
// into lines, then fields. The decoders must agree with it under every cut.
SseRun reference_sse(std::string_view body);

}  // namespace rg::translate::test
