// OpenAI's legacy text Completions (`POST /v1/completions`, wire-formats.md §1.1, §2.2.2)
// toward chat-shaped upstreams: the prompt becomes one user message of the IR (translate.h
// emits it for Anthropic or Gemini), and the answer comes back as a `text_completion`.
// Streams: the stream translator writes OpenAI chat chunks; CompletionsReframer rewrites
// them as text_completion chunks. Pure functions and a per-stream object: any worker
// thread, no allocation once the Arena and buffers are warm.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/byte_buffer.h"
#include "base/result.h"
#include "translate/arena.h"
#include "translate/ir.h"
#include "translate/sse_decoder.h"
#include "translate/translate.h"

namespace rg::translate {

// OpenAI's default `max_tokens` for Completions (the API reference: "Defaults to 16").
inline constexpr uint64_t completions_default_max_tokens = 16;

// A Completions body -> IR (one user message). Refused (invalid_argument/downstream):
// token-id prompts, several prompts, `suffix`, `echo`, `best_of` > 1, `n` > 1 (one answer
// per upstream request). Dropped: logprobs, logit_bias.
Result<void> parse_completions_request(std::string_view body, Arena& arena, Request* out);

// IR answer -> {"id":"cmpl-<token>","object":"text_completion",...}, appended to `out`.
Result<void> emit_completions_response(const Response& response, const ResponseOptions& options,
                                       Arena& arena, ByteBuffer& out);

// Rewrites the chat chunks the stream translator wrote for an OpenAI client as the legacy
// stream: {"id":"cmpl-…","object":"text_completion","created","model","choices":[{"text",
// "index":0,"logprobs":null,"finish_reason"}]}, the usage chunk with "choices":[], errors
// and [DONE] as they are. Chunks without text, finish or usage (the role chunk) are dropped.
class CompletionsReframer {
  public:
    void reset();
    // Chat SSE bytes, cut anywhere; `arena` is scratch for each chunk's parse.
    void feed(std::string_view chat_sse, Arena& arena, ByteBuffer& out);

  private:
    void on_event(std::string_view data, Arena& arena, ByteBuffer& out);
    SseDecoder sse_;
};

}  // namespace rg::translate
