// Vocabulary shared by the mock's modules: which provider format a request speaks and
// which endpoint it hit. Plain enums; safe on any thread.
#pragma once

#include <cstdint>

namespace rg::mock {

enum class Format : uint8_t { openai = 0, anthropic = 1, gemini = 2 };

enum class Endpoint : uint8_t {
    unknown = 0,
    openai_chat,
    openai_completions,
    openai_embeddings,
    openai_responses,
    openai_models,
    openai_model,
    anthropic_messages,
    anthropic_count_tokens,
    anthropic_models,
    anthropic_model,
    gemini_generate,
    gemini_stream,
    gemini_count_tokens,
    gemini_embed,
    gemini_batch_embed,
    gemini_models,
    gemini_model,
};

inline const char* format_name(Format f) {
    switch (f) {
        case Format::openai:
            return "openai";
        case Format::anthropic:
            return "anthropic";
        case Format::gemini:
            return "gemini";
    }
    return "openai";
}

// Endpoints whose body carries a generation request (and so a model, tools, stream flag).
inline bool is_generation(Endpoint e) {
    return e == Endpoint::openai_chat || e == Endpoint::openai_completions ||
           e == Endpoint::openai_responses || e == Endpoint::anthropic_messages ||
           e == Endpoint::gemini_generate || e == Endpoint::gemini_stream;
}

}  // namespace rg::mock
