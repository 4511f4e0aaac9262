#include "mock/openai.h"

#include <cstring>

namespace rg::mock::openai {
namespace {

constexpr std::string_view kServerError =
    "The server had an error while processing your request. Sorry about that!";

void usage_object(const Answer& a, JsonWriter& w) {
    w.begin_object()
        .kv("prompt_tokens", a.prompt_tokens)
        .kv("completion_tokens", a.tokens)
        .kv("total_tokens", uint64_t{a.prompt_tokens} + a.tokens);
    w.key("prompt_tokens_details")
        .begin_object()
        .kv("cached_tokens", 0u)
        .kv("audio_tokens", 0u)
        .end_object();
    w.key("completion_tokens_details")
        .begin_object()
        .kv("reasoning_tokens", 0u)
        .kv("audio_tokens", 0u)
        .kv("accepted_prediction_tokens", 0u)
        .kv("rejected_prediction_tokens", 0u)
        .end_object();
    w.end_object();
}

void plain_usage(const Answer& a, JsonWriter& w) {
    w.begin_object()
        .kv("prompt_tokens", a.prompt_tokens)
        .kv("completion_tokens", a.tokens)
        .kv("total_tokens", uint64_t{a.prompt_tokens} + a.tokens)
        .end_object();
}

void tool_call(const Answer& a, JsonWriter& w) {
    w.begin_object().kv2("id", "call_mock", a.id).kv("type", "function");
    w.key("function").begin_object().kv("name", a.tool_name).kv("arguments", a.tool_args);
    w.end_object().end_object();
}

// Opens a chat.completion.chunk up to the start of choices[0].delta's content.
void chunk_open(const Answer& a, JsonWriter& w) {
    w.begin_object()
        .kv2("id", "chatcmpl-mock", a.id)
        .kv("object", "chat.completion.chunk")
        .kv("created", a.created_s)
        .kv("model", a.model)
        .kv("system_fingerprint", "fp_mock");
    w.key("choices").begin_array().begin_object().kv("index", 0u).key("delta").begin_object();
}

void chunk_close(const Answer& a, JsonWriter& w, const char* finish) {
    w.end_object().kv_null("logprobs");
    if (finish != nullptr) {
        w.kv("finish_reason", finish);
    } else {
        w.kv_null("finish_reason");
    }
    w.end_object().end_array();
    if (a.include_usage) {
        w.kv_null("usage");
    }
    w.end_object();
}

class ChatStream final : public StreamDialect {
  public:
    using StreamDialect::StreamDialect;

    uint32_t units() const override { return a_.tool ? tool_units(a_) : a_.tokens; }

    void begin(EventSink& sink) override {
        JsonWriter& w = sink.data();
        chunk_open(a_, w);
        w.kv("role", "assistant");
        if (a_.tool) {
            w.kv_null("content").kv_null("refusal");
            w.key("tool_calls").begin_array().begin_object().kv("index", 0u);
            w.kv2("id", "call_mock", a_.id).kv("type", "function");
            w.key("function").begin_object().kv("name", a_.tool_name).kv("arguments", "");
            w.end_object().end_object().end_array();
        } else {
            w.kv("content", "").kv_null("refusal");
        }
        chunk_close(a_, w, nullptr);
        sink.end();
    }

    void unit(EventSink& sink, uint32_t i) override {
        JsonWriter& w = sink.data();
        chunk_open(a_, w);
        if (a_.tool) {
            w.key("tool_calls").begin_array().begin_object().kv("index", 0u);
            w.key("function").begin_object();
            w.kv("arguments", args_fragment(a_.tool_args, units(), i));
            w.end_object().end_object().end_array();
        } else {
            w.key("content");
            ByteBuffer& b = w.buffer();
            b.append_char('"');
            append_token(b, i);
            b.append_char('"');
            w.mark_value();
        }
        chunk_close(a_, w, nullptr);
        sink.end();
    }

    void end(EventSink& sink, bool terminator) override {
        JsonWriter& w = sink.data();
        chunk_open(a_, w);
        chunk_close(a_, w, finish_reason(a_));
        sink.end();
        if (a_.include_usage) {
            JsonWriter& u = sink.data();
            u.begin_object()
                .kv2("id", "chatcmpl-mock", a_.id)
                .kv("object", "chat.completion.chunk")
                .kv("created", a_.created_s)
                .kv("model", a_.model)
                .kv("system_fingerprint", "fp_mock");
            u.key("choices").begin_array().end_array().key("usage");
            usage_object(a_, u);
            u.end_object();
            sink.end();
        }
        if (terminator) {
            sink.literal({}, "[DONE]");
        }
    }

    void malformed(EventSink& sink) override {
        sink.literal({},
                     "{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion.chunk\","
                     "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok");
    }

    void error(EventSink& sink) override {
        error_body(kServerError, "server_error", {}, {}, sink.data());
        sink.end();
    }
};

class CompletionsStream final : public StreamDialect {
  public:
    using StreamDialect::StreamDialect;

    uint32_t units() const override { return a_.tokens; }
    void begin(EventSink&) override {}

    void unit(EventSink& sink, uint32_t i) override {
        char buf[24];
        buf[0] = ' ';
        std::string_view word = token_word(i, buf + 1);
        write_chunk(sink, i == 0 ? word : std::string_view(buf, word.size() + 1), nullptr);
    }

    void end(EventSink& sink, bool terminator) override {
        write_chunk(sink, "", finish_reason(a_));
        if (a_.include_usage) {
            JsonWriter& w = sink.data();
            open(w);
            w.key("choices").begin_array().end_array().key("usage");
            plain_usage(a_, w);
            w.end_object();
            sink.end();
        }
        if (terminator) {
            sink.literal({}, "[DONE]");
        }
    }

    void malformed(EventSink& sink) override {
        sink.literal({}, "{\"id\":\"cmpl-mock\",\"object\":\"text_completion\",\"choices\":[{\"te");
    }

    void error(EventSink& sink) override {
        error_body(kServerError, "server_error", {}, {}, sink.data());
        sink.end();
    }

  private:
    void open(JsonWriter& w) {
        w.begin_object()
            .kv2("id", "cmpl-mock", a_.id)
            .kv("object", "text_completion")
            .kv("created", a_.created_s)
            .kv("model", a_.model);
    }

    void write_chunk(EventSink& sink, std::string_view text, const char* finish) {
        JsonWriter& w = sink.data();
        open(w);
        w.key("choices").begin_array().begin_object().kv("text", text).kv("index", 0u);
        w.kv_null("logprobs");
        if (finish != nullptr) {
            w.kv("finish_reason", finish);
        } else {
            w.kv_null("finish_reason");
        }
        w.end_object().end_array();
        if (a_.include_usage) {
            w.kv_null("usage");
        }
        w.end_object();
        sink.end();
    }
};

void base64_floats(const Answer& a, uint64_t seed, ByteBuffer& out) {
    static const char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    uint32_t acc = 0;
    int bits = 0;
    for (uint32_t j = 0; j < a.dimensions; ++j) {
        float f = embedding_value(seed, j, a.dimensions);
        unsigned char bytes[4];
        std::memcpy(bytes, &f, 4);  // little-endian float32, as OpenAI sends
        for (unsigned char byte : bytes) {
            acc = (acc << 8) | byte;
            bits += 8;
            while (bits >= 6) {
                bits -= 6;
                out.append_char(table[(acc >> bits) & 63]);
            }
        }
    }
    if (bits > 0) {
        out.append_char(table[(acc << (6 - bits)) & 63]);
        out.append(bits == 2 ? "==" : "=");
    }
}

}  // namespace

const char* finish_reason(const Answer& a) {
    if (a.tool) {
        return "tool_calls";
    }
    return a.truncated ? "length" : "stop";
}

void chat_body(const Answer& a, JsonWriter& w) {
    w.begin_object()
        .kv2("id", "chatcmpl-mock", a.id)
        .kv("object", "chat.completion")
        .kv("created", a.created_s)
        .kv("model", a.model);
    w.key("choices").begin_array().begin_object().kv("index", 0u);
    w.key("message").begin_object().kv("role", "assistant");
    if (a.tool) {
        w.kv_null("content").kv_null("refusal");
        w.key("annotations").begin_array().end_array();
        w.key("tool_calls").begin_array();
        tool_call(a, w);
        w.end_array();
    } else {
        w.key("content");
        ByteBuffer& b = w.buffer();
        b.append_char('"');
        append_answer_text(b, a.tokens);
        b.append_char('"');
        w.mark_value();
        w.kv_null("refusal").key("annotations").begin_array().end_array();
    }
    w.end_object().kv_null("logprobs").kv("finish_reason", finish_reason(a));
    w.end_object().end_array().key("usage");
    usage_object(a, w);
    w.kv("service_tier", "default").kv("system_fingerprint", "fp_mock").end_object();
}

void completions_body(const Answer& a, JsonWriter& w) {
    w.begin_object()
        .kv2("id", "cmpl-mock", a.id)
        .kv("object", "text_completion")
        .kv("created", a.created_s)
        .kv("model", a.model);
    w.key("choices").begin_array().begin_object().key("text");
    ByteBuffer& b = w.buffer();
    b.append_char('"');
    append_answer_text(b, a.tokens);
    b.append_char('"');
    w.mark_value();
    w.kv("index", 0u).kv_null("logprobs").kv("finish_reason", finish_reason(a));
    w.end_object().end_array().key("usage");
    plain_usage(a, w);
    w.end_object();
}

void embeddings_body(const Answer& a, JsonWriter& w) {
    w.begin_object().kv("object", "list").key("data").begin_array();
    for (size_t i = 0; i < a.inputs.size(); ++i) {
        w.begin_object().kv("object", "embedding").kv("index", uint64_t{i}).key("embedding");
        if (a.base64) {
            ByteBuffer& b = w.buffer();
            b.append_char('"');
            base64_floats(a, a.inputs[i], b);
            b.append_char('"');
            w.mark_value();
        } else {
            w.begin_array();
            for (uint32_t j = 0; j < a.dimensions; ++j) {
                w.fixed(embedding_value(a.inputs[i], j, a.dimensions), 8);
            }
            w.end_array();
        }
        w.end_object();
    }
    w.end_array().kv("model", a.model).key("usage").begin_object();
    w.kv("prompt_tokens", a.prompt_tokens).kv("total_tokens", a.prompt_tokens);
    w.end_object().end_object();
}

void models_body(JsonWriter& w) {
    static constexpr std::string_view kModels[] = {"mock-small", "mock-large", "gpt-4o",
                                                   "gpt-4o-mini", "text-embedding-3-small"};
    w.begin_object().kv("object", "list").key("data").begin_array();
    for (std::string_view id : kModels) {
        model_body(id, w);
    }
    w.end_array().end_object();
}

void model_body(std::string_view id, JsonWriter& w) {
    w.begin_object().kv("id", id).kv("object", "model").kv("created", uint64_t{1715367049});
    w.kv("owned_by", "ringgate-mock").end_object();
}

void error_body(std::string_view message, std::string_view type, std::string_view param,
                std::string_view code, JsonWriter& w) {
    w.begin_object().key("error").begin_object().kv("message", message).kv("type", type);
    if (param.empty()) {
        w.kv_null("param");
    } else {
        w.kv("param", param);
    }
    if (code.empty()) {
        w.kv_null("code");
    } else {
        w.kv("code", code);
    }
    w.end_object().end_object();
}

std::unique_ptr<StreamDialect> chat_stream(const Answer& a) {
    return std::make_unique<ChatStream>(a);
}

std::unique_ptr<StreamDialect> completions_stream(const Answer& a) {
    return std::make_unique<CompletionsStream>(a);
}

}  // namespace rg::mock::openai
