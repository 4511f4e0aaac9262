#include "mock/anthropic.h"

namespace rg::mock::anthropic {
namespace {

const char* stop_reason(const Answer& a) {
    if (a.tool) {
        return "tool_use";
    }
    return a.truncated ? "max_tokens" : "end_turn";
}

void usage_object(const Answer& a, JsonWriter& w, uint32_t output_tokens) {
    w.begin_object()
        .kv("input_tokens", a.prompt_tokens)
        .kv("cache_creation_input_tokens", 0u)
        .kv("cache_read_input_tokens", 0u)
        .kv("output_tokens", output_tokens)
        .kv("service_tier", "standard")
        .end_object();
}

void message_open(const Answer& a, JsonWriter& w) {
    w.begin_object()
        .kv2("id", "msg_mock", a.id)
        .kv("type", "message")
        .kv("role", "assistant")
        .kv("model", a.model);
}

void tool_block(const Answer& a, JsonWriter& w, bool with_input) {
    w.begin_object().kv("type", "tool_use").kv2("id", "toolu_mock", a.id);
    w.kv("name", a.tool_name).key("input");
    if (with_input) {
        w.raw(a.tool_args);
    } else {
        w.begin_object().end_object();
    }
    w.end_object();
}

class MessageStream final : public StreamDialect {
  public:
    using StreamDialect::StreamDialect;

    uint32_t units() const override { return a_.tool ? tool_units(a_) : a_.tokens; }

    void begin(EventSink& sink) override {
        JsonWriter& w = sink.data("message_start");
        w.begin_object().kv("type", "message_start").key("message");
        message_open(a_, w);
        w.key("content").begin_array().end_array().kv_null("stop_reason").kv_null("stop_sequence");
        w.key("usage");
        usage_object(a_, w, 1);
        w.end_object().end_object();
        sink.end();
        JsonWriter& b = sink.data("content_block_start");
        b.begin_object().kv("type", "content_block_start").kv("index", 0u).key("content_block");
        if (a_.tool) {
            tool_block(a_, b, false);
        } else {
            b.begin_object().kv("type", "text").kv("text", "").end_object();
        }
        b.end_object();
        sink.end();
        sink.literal("ping", "{\"type\":\"ping\"}");
        if (a_.tool) {
            delta(sink, "input_json_delta", "partial_json", "");
        }
    }

    void unit(EventSink& sink, uint32_t i) override {
        if (a_.tool) {
            delta(sink, "input_json_delta", "partial_json",
                  args_fragment(a_.tool_args, units(), i));
            return;
        }
        JsonWriter& w = sink.data("content_block_delta");
        w.begin_object().kv("type", "content_block_delta").kv("index", 0u).key("delta");
        w.begin_object().kv("type", "text_delta").key("text");
        ByteBuffer& b = w.buffer();
        b.append_char('"');
        append_token(b, i);
        b.append_char('"');
        w.mark_value().end_object().end_object();
        sink.end();
    }

    void end(EventSink& sink, bool terminator) override {
        sink.literal("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
        JsonWriter& w = sink.data("message_delta");
        w.begin_object().kv("type", "message_delta").key("delta").begin_object();
        w.kv("stop_reason", stop_reason(a_)).kv_null("stop_sequence").end_object();
        w.key("usage").begin_object().kv("output_tokens", a_.tokens).end_object().end_object();
        sink.end();
        if (terminator) {
            sink.literal("message_stop", "{\"type\":\"message_stop\"}");
        }
    }

    void malformed(EventSink& sink) override {
        sink.literal(
            "content_block_delta",
            "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_del");
    }

    void error(EventSink& sink) override {
        JsonWriter& w = sink.data("error");
        error_body("overloaded_error", "Overloaded", {}, w);
        sink.end();
    }

  private:
    void delta(EventSink& sink, std::string_view type, std::string_view field,
               std::string_view value) {
        JsonWriter& w = sink.data("content_block_delta");
        w.begin_object().kv("type", "content_block_delta").kv("index", 0u).key("delta");
        w.begin_object().kv("type", type).kv(field, value).end_object().end_object();
        sink.end();
    }
};

}  // namespace

void message_body(const Answer& a, JsonWriter& w) {
    message_open(a, w);
    w.key("content").begin_array();
    if (a.tool) {
        tool_block(a, w, true);
    } else {
        w.begin_object().kv("type", "text").key("text");
        ByteBuffer& b = w.buffer();
        b.append_char('"');
        append_answer_text(b, a.tokens);
        b.append_char('"');
        w.mark_value().end_object();
    }
    w.end_array().kv("stop_reason", stop_reason(a)).kv_null("stop_sequence").key("usage");
    usage_object(a, w, a.tokens);
    w.end_object();
}

void count_tokens_body(const Answer& a, JsonWriter& w) {
    w.begin_object().kv("input_tokens", a.prompt_tokens).end_object();
}

void models_body(JsonWriter& w) {
    static constexpr std::string_view kModels[] = {"claude-sonnet-4-5-20250929",
                                                   "claude-haiku-4-5-20251001", "mock-large"};
    w.begin_object().key("data").begin_array();
    for (std::string_view id : kModels) {
        model_body(id, w);
    }
    w.end_array().kv("has_more", false).kv("first_id", kModels[0]).kv("last_id", kModels[2]);
    w.end_object();
}

void model_body(std::string_view id, JsonWriter& w) {
    w.begin_object().kv("type", "model").kv("id", id).kv("display_name", id);
    w.kv("created_at", "2025-09-29T00:00:00Z").end_object();
}

void error_body(std::string_view type, std::string_view message, std::string_view request_id,
                JsonWriter& w) {
    w.begin_object().kv("type", "error").key("error").begin_object();
    w.kv("type", type).kv("message", message).end_object();
    if (!request_id.empty()) {
        w.kv2("request_id", "req_", request_id);
    }
    w.end_object();
}

std::unique_ptr<StreamDialect> message_stream(const Answer& a) {
    return std::make_unique<MessageStream>(a);
}

}  // namespace rg::mock::anthropic
