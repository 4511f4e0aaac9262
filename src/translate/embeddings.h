// Embeddings between OpenAI (`POST /v1/embeddings`) and Gemini (`:embedContent`,
// `:batchEmbedContents`), wire-formats.md §1.1 "Embeddings" and §1.3. Pure functions over a
// caller-owned Arena and ByteBuffer, like translate.h: any worker thread, no locks, no
// syscalls, no allocation once the Arena, the IR vectors and the output are warm.
//
// Flow: parse_embed_request(client) -> EmbedRequest -> emit_embed_request(upstream);
//       parse_embed_response(upstream) -> EmbedResponse -> emit_embed_response(client).
// Formats: Format::openai_chat stands for OpenAI's embeddings API, Format::gemini for
// Gemini's; the others have no embeddings endpoint.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "base/byte_buffer.h"
#include "base/result.h"
#include "translate/arena.h"
#include "translate/ir.h"

namespace rg::translate {

// Inputs per request: OpenAI's documented maximum (2048). Gemini caps a batch lower (its
// own error answers a larger one); the gateway does not split batches.
inline constexpr uint32_t embed_inputs_max = 2048;
// Dimensions per vector: above any current model (3072), so a hostile answer cannot make
// base64 encoding unbounded work per vector.
inline constexpr uint32_t embed_dimensions_max = 65536;

struct EmbedRequest {
    // The texts to embed, in order (views into the Arena). Gemini content with several
    // text parts is one input: its parts joined with '\n'.
    std::vector<std::string_view> inputs;
    // The client sent a list (OpenAI `input: [...]`) or called :batchEmbedContents: the
    // upstream is asked for a batch and the answer is a list, even of one.
    bool batch = false;
    // OpenAI token-id input (an array of integers, or of such arrays): Gemini takes text
    // only, so such a request is refused when emitted for Gemini.
    bool token_ids = false;
    uint64_t dimensions = 0;  // OpenAI `dimensions` / Gemini `outputDimensionality`; 0: unset
    bool base64 = false;      // OpenAI `encoding_format: "base64"`
    std::string_view model;   // OpenAI body's model (Gemini's is in the path)

    void clear();
};

struct EmbedResponse {
    // One JSON array of numbers per input, in input order (views into the Arena).
    std::vector<std::string_view> vectors;
    bool has_usage = false;  // OpenAI reports prompt tokens; Gemini reports none
    uint64_t prompt_tokens = 0;

    void clear();
};

struct EmbedAnswerOptions {
    std::string_view model;  // the public model name reported to an OpenAI client
    // OpenAI `usage` when the upstream reported none (Gemini): the caller's estimate.
    uint64_t prompt_tokens_estimate = 0;
};

// Body -> EmbedRequest. `gemini_batch`: the Gemini route was :batchEmbedContents.
// Errors: invalid_argument/downstream with a static message for the 400 answer.
Result<void> parse_embed_request(Format format, std::string_view body, bool gemini_batch,
                                 Arena& arena, EmbedRequest* out);

// EmbedRequest -> upstream body. `model` is the upstream model: written into OpenAI's body,
// and into each of Gemini's batch requests as "models/<model>". Gemini gets a batch when
// request.batch (see gemini_embed_batch()).
Result<void> emit_embed_request(Format format, const EmbedRequest& request, std::string_view model,
                                ByteBuffer& out);

// Whether a Gemini upstream is asked :batchEmbedContents (else :embedContent).
inline bool gemini_embed_batch(const EmbedRequest& request) {
    return request.batch || request.inputs.size() != 1;
}

// Upstream answer -> EmbedResponse. `request` says how many vectors to expect and, for
// Gemini, which of the two answer shapes. Errors: invalid_argument/upstream.
Result<void> parse_embed_response(Format format, std::string_view body, const EmbedRequest& request,
                                  Arena& arena, EmbedResponse* out);

// EmbedResponse -> the client's answer, appended to `out`. OpenAI clients that asked for
// base64 get each vector as little-endian float32, base64-encoded by the gateway.
Result<void> emit_embed_response(Format format, const EmbedRequest& request,
                                 const EmbedResponse& response, const EmbedAnswerOptions& options,
                                 ByteBuffer& out);

// Appends base64 (RFC 4648 §4, padded) of the float32 little-endian bytes of the numbers in
// `json_array` ("[0.1, -2e-3]"). False when an element is not a number.
bool append_float32_base64(std::string_view json_array, ByteBuffer& out);

}  // namespace rg::translate
