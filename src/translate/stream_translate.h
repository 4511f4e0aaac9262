// StreamTranslator: translates a streamed answer from the upstream's wire format into the
// client's, as the bytes arrive (wire-formats.md §2, §4.6). Composed as upstream decoder ->
// IR deltas (ir.h `Delta`) -> client encoder, so 4 decoders and 4 encoders cover the 12
// cross-format pairs. Shard-local: one per streamed exchange, owned by one thread; start()
// reuses it and its warm buffers, so a warm translator does not allocate per event.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "base/byte_buffer.h"
#include "base/limits.h"
#include "translate/ir.h"

namespace rg::translate {

struct StreamOptions {
    // The public model name reported to the client; empty: the upstream's model.
    std::string_view model;
    // Unique per answer ([A-Za-z0-9_-]): ids are minted from it ("chatcmpl-<token>",
    // "msg_<token>", "resp_<token>", Gemini's responseId) and so are tool call ids the
    // upstream did not send ("call_<token>_<n>", "toolu_<token>_<n>").
    std::string_view id_token;
    int64_t created_s = 0;  // unix seconds for OpenAI's "created"/"created_at"
    // OpenAI chat clients: the request had stream_options.include_usage. The usage chunk is
    // sent only then (§2.2.1), though the upstream is always asked for usage (§4.9 #5).
    bool include_usage = false;
    // Reasoning to the client: OpenAI chat reasoning_content (+ thinking_blocks for
    // Anthropic signatures), Gemini thought parts (only when the client asked
    // includeThoughts), Responses reasoning items. Anthropic clients never get foreign
    // thinking (no valid signature, §4.9 #9).
    bool include_reasoning = true;
};

// How the upstream stream ended, as finish() sees it.
enum class StreamEnd : uint8_t {
    complete = 0,        // the upstream's terminator came; the client's was written
    cut = 1,             // the body ended without the terminator; nothing was written:
                         // the caller decides (append_cut_error() writes the error event)
    upstream_error = 2,  // an in-stream upstream error, already written as the client's
    invalid = 3,         // the upstream framing broke (event over the size limit); an error
                         // event was written
};

std::string_view stream_end_name(StreamEnd end);

class StreamTranslator {
  public:
    // `event_bytes_max` bounds one upstream event (SseDecoder).
    explicit StreamTranslator(uint32_t event_bytes_max = limits::stream_event_bytes_default);
    ~StreamTranslator();
    StreamTranslator(const StreamTranslator&) = delete;
    StreamTranslator& operator=(const StreamTranslator&) = delete;

    // Begins a stream. `from` is the upstream's format (Gemini: the alt=sse form), `to`
    // the client's; they differ. The options' strings are copied.
    void start(Format from, Format to, const StreamOptions& options);

    // The next piece of the de-chunked upstream body, cut anywhere; the client's bytes are
    // appended to `client_out`. The piece need not outlive the call.
    void feed(std::string_view upstream_body_bytes, ByteBuffer& client_out);

    // The upstream body ended. Writes the client's terminator when the upstream's came
    // (Gemini has none: its last chunk's finishReason stands for it).
    StreamEnd finish(ByteBuffer& client_out);

    // After finish() returned `cut`: the client format's in-stream error event (§3.4).
    void append_cut_error(ByteBuffer& client_out);
    // The gateway gives up on the stream (the upstream went away or stalled): the client
    // format's in-stream error event with `message`, classed by `status` (502, 504, 503),
    // in the stream's own terms (Responses: its next sequence_number). Nothing once done().
    void append_error(int status, std::string_view message, ByteBuffer& client_out);

    // Running usage total, each count once (ir.h `Usage`); valid once has_usage().
    const Usage& usage() const;
    bool has_usage() const;
    // A non-empty text, reasoning or tool delta has been seen (the first-token logic).
    bool saw_content() const;
    // The terminator or an error was translated: further bytes are ignored.
    bool done() const;
    // Upstream events whose JSON could not be read (skipped) and tool argument fragments
    // that could not be placed (a call resumed after its block closed), for counters.
    uint64_t skipped_events() const;
    uint64_t dropped_fragments() const;

    struct Impl;

  private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace rg::translate
