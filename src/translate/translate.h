// Any-to-any translation of non-streamed requests and answers between OpenAI Chat
// Completions, OpenAI Responses, Anthropic Messages and Gemini generateContent
// (wire-formats.md §4). Pure functions over a caller-owned Arena and ByteBuffer: any worker
// thread, no locks, no syscalls, no allocation once the Arena, IR vectors and output buffer
// are warm. Same-format pairs are byte passthrough and never come here.
//
// Flow: parse_request(client format) -> Request -> emit_request(upstream format);
//       parse_response(upstream format) -> Response -> emit_response(client format).
// Use one Arena per parsed document (request and response each need their own, or reset
// between them): the IR's views point into the Arena that parsed it.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/byte_buffer.h"
#include "base/result.h"
#include "translate/arena.h"
#include "translate/ir.h"

namespace rg::translate {

struct ParseOptions {
    // Gemini carries these in the URL, not the body: the route's model and whether it was
    // :streamGenerateContent. Ignored for the other formats.
    std::string_view gemini_model;
    bool gemini_stream = false;
};

struct EmitOptions {
    // The upstream model name written into the body (OpenAI, Anthropic). Gemini takes it in
    // the path, which the caller builds (proxy: append_upstream_path).
    std::string_view model;
    // Anthropic requires max_tokens: used when the client gave none (the model's maximum
    // output, from config). 0 falls back to default_max_tokens_fallback.
    uint64_t default_max_tokens = 0;
    // False for models that reject sampling parameters (newer Claude models reject
    // temperature/top_p/top_k other than the defaults, §4.9 #21): they are dropped.
    bool sampling_params = true;
    // Gemini 3 rejects a functionCall in history without a thoughtSignature (§4.9 #8). When
    // set, the first call of a model turn that has none gets the community sentinel
    // "skip_thought_signature_validator" (undocumented by Google, hence opt-in).
    bool thought_signature_sentinel = false;
};

inline constexpr uint64_t default_max_tokens_fallback = 4096;

struct ResponseOptions {
    std::string_view model;  // the public model name reported to the client
    // Unique per answer (e.g. the gateway's request id, [A-Za-z0-9_-]): the answer's id is
    // minted from it ("chatcmpl-<token>", "msg_<token>", "resp_<token>") and so are tool
    // call ids the upstream did not send ("call_<token>_<n>", "toolu_<token>_<n>").
    std::string_view id_token;
    int64_t created_s = 0;  // unix seconds for OpenAI's "created"/"created_at"
    // Emit reasoning to clients: OpenAI chat "reasoning_content" + "thinking_blocks"
    // (LiteLLM's extension), Gemini thought parts. Gemini clients should get them only when
    // they asked (includeThoughts): the caller passes that here.
    bool include_reasoning = true;
};

// Body -> IR. Errors: ErrorCode::invalid_argument, Side::downstream, with a static message
// for the 400 answer (not JSON, wrong type, missing field, unmappable role sequence).
Result<void> parse_request(Format format, std::string_view body, const ParseOptions& options,
                           Arena& arena, Request* out);

// IR -> body, appended to `out`. `arena` holds strings built while emitting (it may be the
// Arena that parsed `request`). Errors: a request the target cannot express (n > 1 to
// Anthropic, no messages left), invalid_argument/downstream.
Result<void> emit_request(Format format, const Request& request, const EmitOptions& options,
                          Arena& arena, ByteBuffer& out);

// Upstream answer body -> IR. Errors: invalid_argument, Side::upstream.
Result<void> parse_response(Format format, std::string_view body, Arena& arena, Response* out);

// IR -> client answer body, appended to `out`.
Result<void> emit_response(Format format, const Response& response, const ResponseOptions& options,
                           Arena& arena, ByteBuffer& out);

// An upstream error answer (status + body in `from`'s format) as the client's format
// expects it (§3.1, §3.2, §3.4). The message is kept; the class decides the status and type.
// Upstream authentication failures (401, 403, Gemini's 400 API_KEY_INVALID) are the
// gateway's key problem, not the client's: they become 502 upstream errors (§4.9 #23).
// A body that is not a recognisable envelope keeps the status and gets a generic message.
// `context_length` says the caller classified the error as a prompt too long for the model
// (keys/classify): an OpenAI client then gets code context_length_exceeded, which OpenAI's
// own answer carries and clients test for, though Anthropic and Gemini say it in words.
int translate_error(Format from, Format to, int status, std::string_view body, Arena& arena,
                    ByteBuffer& out, bool context_length = false);

// Mapping tables, exposed for the stream translators and tests.
std::string_view openai_finish_reason(FinishReason reason);
std::string_view anthropic_stop_reason(FinishReason reason);
std::string_view gemini_finish_reason(FinishReason reason);
FinishReason finish_from_openai(std::string_view reason);
FinishReason finish_from_anthropic(std::string_view reason);
FinishReason finish_from_gemini(std::string_view reason);
// Reasoning effort <-> token budget (§4.1 "Reasoning control": a fixed table, as LiteLLM).
int64_t effort_budget_tokens(Effort effort);
Effort effort_for_budget(int64_t budget_tokens);

}  // namespace rg::translate
