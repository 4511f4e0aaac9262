// Token counts across formats: Anthropic `POST /v1/messages/count_tokens` ({model, messages,
// system?, tools?, tool_choice?, thinking?} -> {input_tokens}) and Gemini `:countTokens`
// ({contents} or {generateContentRequest} -> {totalTokens}), wire-formats.md §1.2, §1.3.
// The request is read as the generation request it describes (translate.h's parsers) and
// written as the other format's count request. OpenAI has no count endpoint: the proxy
// answers those from its local estimate with emit_count_response(). Pure functions, as in
// translate.h: any worker thread, no allocation once the Arena and buffers are warm.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/byte_buffer.h"
#include "base/result.h"
#include "translate/arena.h"
#include "translate/ir.h"

namespace rg::translate {

// A count request body -> IR. `gemini_model` is the model from a Gemini route's path.
// Errors: invalid_argument/downstream, as parse_request().
Result<void> parse_count_request(Format format, std::string_view body,
                                 std::string_view gemini_model, Arena& arena, Request* out);

// IR -> the upstream's count request body, appended to `out`. `model` is the upstream
// model (Anthropic's body; Gemini's generateContentRequest.model). `work` is scratch for
// the full generation body that is cut down to what the count endpoint accepts.
Result<void> emit_count_request(Format format, const Request& request, std::string_view model,
                                Arena& arena, ByteBuffer& work, ByteBuffer& out);

// The upstream's count answer -> its input token count. Errors: invalid_argument/upstream.
Result<void> parse_count_response(Format format, std::string_view body, Arena& arena,
                                  uint64_t* tokens);

// The count answer in the client's format: Anthropic {"input_tokens":N}, Gemini
// {"totalTokens":N}.
void emit_count_response(Format format, uint64_t tokens, ByteBuffer& out);

}  // namespace rg::translate
