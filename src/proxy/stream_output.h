// Output tokens of a streamed answer counted from its content deltas as they go by, for
// billing a client that leaves mid-stream (issue 6): the upstream's usage comes only at the
// end of most streams, which such a client never reaches. Each content delta counts its text
// at about four bytes a token, and at least one token (providers send one or a few tokens per
// delta). Pure: cheap key scans of one event, no allocation; any thread.
#pragma once

#include <cstdint>

#include "translate/sse_decoder.h"
#include "translate/stream_sentinel.h"
#include "translate/translate.h"

namespace rg::proxy {

// Output tokens of one event of a stream in `format`: 0 unless it carries content.
uint64_t delta_output_tokens(translate::StreamFormat format, const translate::SseEvent& event);

// The SSE stream format of an upstream or client wire format (Gemini: the alt=sse form).
translate::StreamFormat stream_format_of(translate::Format format);

}  // namespace rg::proxy
