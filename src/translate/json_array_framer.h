// JsonArrayFramer: Gemini's stream form without `alt=sse` (wire-formats.md §2.4): a JSON
// array whose elements are the chunks, sent as they come: "[" + chunk, ",\r\n" + chunk, ...,
// "]". The stream translators write Gemini chunks as SSE events; this re-frames them for a
// client that asked for the array. Shard-local: one per streamed exchange; reset() between
// streams keeps the decoder's buffers, so it does not allocate per chunk once warm.
#pragma once

#include <string_view>

#include "base/byte_buffer.h"
#include "translate/sse_decoder.h"

namespace rg::translate {

class JsonArrayFramer {
  public:
    void reset();

    // SSE bytes (each event's data one JSON chunk), cut anywhere: each complete event is
    // appended to `out` as the array's next element.
    void feed(std::string_view sse_bytes, ByteBuffer& out);

    // One more element given as JSON text (an in-stream error object).
    void append_element(std::string_view json, ByteBuffer& out);

    // Closes the array ("]", or "[]" when it never opened). Later calls write nothing.
    void finish(ByteBuffer& out);

    bool opened() const { return opened_; }
    bool closed() const { return closed_; }

  private:
    SseDecoder sse_;
    bool opened_ = false;
    bool closed_ = false;
};

}  // namespace rg::translate
