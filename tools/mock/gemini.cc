#include "mock/gemini.h"

namespace rg::mock::gemini {
namespace {

void usage_object(const Answer& a, JsonWriter& w, uint32_t candidates) {
    w.begin_object()
        .kv("promptTokenCount", a.prompt_tokens)
        .kv("candidatesTokenCount", candidates)
        .kv("totalTokenCount", uint64_t{a.prompt_tokens} + candidates);
    w.key("promptTokensDetails").begin_array().begin_object().kv("modality", "TEXT");
    w.kv("tokenCount", a.prompt_tokens).end_object().end_array().end_object();
}

const char* finish(const Answer& a) {
    return a.truncated && !a.tool ? "MAX_TOKENS" : "STOP";
}

// {"candidates":[{"content":{"parts":[ ... caller writes parts ... ]
void open_candidate(JsonWriter& w) {
    w.begin_object().key("candidates").begin_array().begin_object();
    w.key("content").begin_object().key("parts").begin_array();
}

// ...],"role":"model"}, finishReason?, "index":0}], usageMetadata, modelVersion, responseId}
void close_candidate(const Answer& a, JsonWriter& w, const char* finish_reason,
                     uint32_t candidates) {
    w.end_array().kv("role", "model").end_object();
    if (finish_reason != nullptr) {
        w.kv("finishReason", finish_reason);
    }
    w.kv("index", 0u).end_object().end_array().key("usageMetadata");
    usage_object(a, w, candidates);
    w.kv("modelVersion", a.model).kv2("responseId", "mock", a.id).end_object();
}

void function_call_part(const Answer& a, JsonWriter& w) {
    w.begin_object().key("functionCall").begin_object().kv("name", a.tool_name);
    w.key("args").raw(a.tool_args).end_object().end_object();
}

class GenerateStream final : public StreamDialect {
  public:
    using StreamDialect::StreamDialect;

    // A function call arrives whole, in one chunk; text streams one token per chunk.
    uint32_t units() const override { return a_.tool ? 1 : a_.tokens; }
    void begin(EventSink&) override {}

    void unit(EventSink& sink, uint32_t i) override {
        JsonWriter& w = sink.data();
        open_candidate(w);
        if (a_.tool) {
            function_call_part(a_, w);
            close_candidate(a_, w, nullptr, a_.tokens);
        } else {
            w.begin_object().key("text");
            ByteBuffer& b = w.buffer();
            b.append_char('"');
            append_token(b, i);
            b.append_char('"');
            w.mark_value().end_object();
            bool last = i + 1 == a_.tokens;
            close_candidate(a_, w, last ? finish(a_) : nullptr, i + 1);
        }
        sink.end();
    }

    void end(EventSink& sink, bool terminator) override {
        if (a_.tool || a_.tokens == 0) {
            // Newer models end a function-call turn with a separate empty-text chunk.
            JsonWriter& w = sink.data();
            open_candidate(w);
            w.begin_object().kv("text", "").end_object();
            close_candidate(a_, w, finish(a_), a_.tokens);
            sink.end();
        }
        if (sink.json_array() && terminator) {
            sink.raw(sink.count() == 0 ? "[]" : "]");
        }
    }

    void malformed(EventSink& sink) override {
        sink.literal({}, "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"tok");
    }

    void error(EventSink& sink) override {
        error_body(503, "UNAVAILABLE", "The model is overloaded. Please try again later.", {},
                   sink.data());
        sink.end();
    }
};

void values(const Answer& a, uint64_t seed, JsonWriter& w) {
    w.begin_object().key("values").begin_array();
    for (uint32_t j = 0; j < a.dimensions; ++j) {
        w.fixed(embedding_value(seed, j, a.dimensions), 8);
    }
    w.end_array().end_object();
}

}  // namespace

void generate_body(const Answer& a, JsonWriter& w) {
    open_candidate(w);
    if (a.tool) {
        function_call_part(a, w);
    } else {
        w.begin_object().key("text");
        ByteBuffer& b = w.buffer();
        b.append_char('"');
        append_answer_text(b, a.tokens);
        b.append_char('"');
        w.mark_value().end_object();
    }
    close_candidate(a, w, finish(a), a.tokens);
}

void blocked_body(const Answer& a, JsonWriter& w) {
    w.begin_object().key("promptFeedback").begin_object().kv("blockReason", "SAFETY");
    w.key("safetyRatings").begin_array().begin_object();
    w.kv("category", "HARM_CATEGORY_DANGEROUS_CONTENT").kv("probability", "HIGH");
    w.kv("blocked", true).end_object().end_array().end_object();
    w.key("usageMetadata").begin_object().kv("promptTokenCount", a.prompt_tokens);
    w.kv("totalTokenCount", a.prompt_tokens).end_object();
    w.kv("modelVersion", a.model).kv2("responseId", "mock", a.id).end_object();
}

void count_tokens_body(const Answer& a, JsonWriter& w) {
    w.begin_object().kv("totalTokens", a.prompt_tokens).key("promptTokensDetails");
    w.begin_array().begin_object().kv("modality", "TEXT").kv("tokenCount", a.prompt_tokens);
    w.end_object().end_array().end_object();
}

void embed_body(const Answer& a, JsonWriter& w) {
    w.begin_object().key("embedding");
    values(a, a.inputs.empty() ? 0 : a.inputs[0], w);
    w.end_object();
}

void batch_embed_body(const Answer& a, JsonWriter& w) {
    w.begin_object().key("embeddings").begin_array();
    for (uint64_t seed : a.inputs) {
        values(a, seed, w);
    }
    w.end_array().end_object();
}

void models_body(JsonWriter& w) {
    static constexpr std::string_view kModels[] = {"gemini-2.5-flash", "gemini-2.5-pro",
                                                   "text-embedding-004", "mock-large"};
    w.begin_object().key("models").begin_array();
    for (std::string_view id : kModels) {
        model_body(id, w);
    }
    w.end_array().end_object();
}

void model_body(std::string_view id, JsonWriter& w) {
    bool embedding = id.find("embedding") != std::string_view::npos;
    w.begin_object().kv2("name", "models/", id).kv("baseModelId", id).kv("version", "001");
    w.kv("displayName", id).kv("description", "ringgate-mock model");
    w.kv("inputTokenLimit", uint64_t{1048576}).kv("outputTokenLimit", embedding ? 1u : 65536u);
    w.key("supportedGenerationMethods").begin_array();
    if (embedding) {
        w.str("embedContent");
    } else {
        w.str("generateContent").str("countTokens");
    }
    w.end_array().end_object();
}

void error_body(uint16_t code, std::string_view status, std::string_view message,
                std::string_view details, JsonWriter& w) {
    w.begin_object().key("error").begin_object().kv("code", uint64_t{code});
    w.kv("message", message).kv("status", status);
    if (!details.empty()) {
        w.key("details").raw(details);
    }
    w.end_object().end_object();
}

std::unique_ptr<StreamDialect> generate_stream(const Answer& a) {
    return std::make_unique<GenerateStream>(a);
}

}  // namespace rg::mock::gemini
