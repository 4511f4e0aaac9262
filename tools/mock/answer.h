// Answer: everything a format writer needs to produce a deterministic reply, extracted
// once from the request body (simdjson DOM) on the worker that owns the request.
// The answer text is `tokens` words "tok1 tok2 ..."; usage is exact and identical for
// streamed and non-streamed replies.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "base/byte_buffer.h"
#include "mock/types.h"

namespace rg::mock {

struct Answer {
    Format format = Format::openai;
    Endpoint endpoint = Endpoint::unknown;
    std::string model;  // echoed model: the requested one without directives
    std::string id;     // per-request id suffix (hex), unique per mock run
    uint64_t created_s = 0;
    uint32_t prompt_tokens = 1;
    uint32_t tokens = 0;     // completion tokens
    bool truncated = false;  // capped by the request's max tokens: "length" finish
    bool stream = false;
    bool include_usage = false;  // OpenAI stream_options.include_usage
    bool sse = true;             // Gemini streamGenerateContent: alt=sse vs JSON array
    bool tool = false;           // answer with a call to tool_name
    std::string tool_name;
    std::string tool_args;  // JSON object text
    // Embeddings: one seed per input, and the vector shape.
    std::vector<uint64_t> inputs;
    uint32_t dimensions = 0;
    bool base64 = false;

    // Back to defaults, keeping string and vector capacity for the next request.
    void reset(Format f, Endpoint e) {
        format = f;
        endpoint = e;
        model.clear();
        id.clear();
        created_s = 0;
        prompt_tokens = 1;
        tokens = 0;
        truncated = stream = include_usage = false;
        sse = true;
        tool = false;
        tool_name.clear();
        tool_args.clear();
        inputs.clear();
        dimensions = 0;
        base64 = false;
    }
};

// Request-body facts the router needs before deciding on a fault.
struct BodyFacts {
    std::string_view model;  // body "model" (empty when absent)
    bool stream = false;
};

// Parses request bodies in place; one per worker so the parser's buffers are reused.
class BodyParser {
  public:
    // Pads `body` as simdjson requires and parses it. False on malformed JSON.
    bool parse(ByteBuffer& body);
    const simdjson::dom::element& root() const { return root_; }

  private:
    simdjson::dom::parser parser_;
    simdjson::dom::element root_;
};

BodyFacts body_facts(const simdjson::dom::element& root);

// Fills prompt tokens, tool choice, stream flags, max-token cap and embedding inputs for
// `answer.endpoint`; `answer.tokens` must hold the planned completion tokens. Returns
// nullptr on success, else a validation message (a 400 in the provider's envelope).
const char* extract_answer(const simdjson::dom::element& root, Answer* answer);

// Whitespace-separated words in `s`.
uint32_t count_words(std::string_view s);

// Token i (0-based) of the answer text as streamed: "tok1", " tok2", ...
void append_token(ByteBuffer& out, uint32_t i);
// Token i without the separating space ("tok7"), written into `buf` (>= 16 bytes).
std::string_view token_word(uint32_t i, char* buf);
// The full answer text "tok1 tok2 ... tokN".
void append_answer_text(ByteBuffer& out, uint32_t tokens);

// Embedding value j of the vector for `seed`, already normalised to unit length.
float embedding_value(uint64_t seed, uint32_t j, uint32_t dims);

}  // namespace rg::mock
