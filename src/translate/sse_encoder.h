// SSE encoder helpers: append text/event-stream events to an output buffer. Pure functions
// over a caller-owned ByteBuffer; any thread, no allocation once the buffer is warm.
#pragma once

#include <string_view>

#include "base/byte_buffer.h"
#include "translate/sse_decoder.h"

namespace rg::translate {

// The OpenAI end-of-stream event (Chat and legacy Completions; wire-formats.md §2.2.1).
inline constexpr std::string_view sse_done_event = "data: [DONE]\n\n";

// `event: <event>\n` (omitted when empty), one `data: <line>\n` per line of `data`, then the
// blank line that dispatches it. Data lines split on LF, CRLF and CR, which a decoder joins
// back with LF: SSE cannot carry a CR in data, and JSON payloads never hold a raw one.
// `event` must not contain CR or LF (names come from code or from a decoded event).
void append_sse_event(ByteBuffer& out, std::string_view event, std::string_view data);

// A data-only event (OpenAI, Gemini).
inline void append_sse_data(ByteBuffer& out, std::string_view data) {
    append_sse_event(out, {}, data);
}

// A decoded event re-encoded, with its `id:` line when the id is non-empty (passthrough).
void append_sse_event(ByteBuffer& out, const SseEvent& event);

// A comment block, e.g. `: keep-alive\n\n` (wire-formats.md §2.1: the gateway's keepalive
// for OpenAI and Gemini clients). Decoders ignore it.
void append_sse_comment(ByteBuffer& out, std::string_view text);

}  // namespace rg::translate
