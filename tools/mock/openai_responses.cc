// OpenAI Responses API (POST /v1/responses): the response object and its event stream
// (response.created ... response.completed, each event with a rising sequence_number).
#include "mock/openai.h"

namespace rg::mock::openai {
namespace {

bool incomplete(const Answer& a) {
    return a.truncated && !a.tool;
}

void usage_object(const Answer& a, JsonWriter& w) {
    w.begin_object().kv("input_tokens", a.prompt_tokens);
    w.key("input_tokens_details").begin_object().kv("cached_tokens", 0u).end_object();
    w.kv("output_tokens", a.tokens);
    w.key("output_tokens_details").begin_object().kv("reasoning_tokens", 0u).end_object();
    w.kv("total_tokens", uint64_t{a.prompt_tokens} + a.tokens).end_object();
}

void text_part(const Answer& a, JsonWriter& w, bool with_text) {
    w.begin_object().kv("type", "output_text").key("text");
    ByteBuffer& b = w.buffer();
    b.append_char('"');
    if (with_text) {
        append_answer_text(b, a.tokens);
    }
    b.append_char('"');
    w.mark_value();
    w.key("annotations").begin_array().end_array().key("logprobs").begin_array().end_array();
    w.end_object();
}

void output_item(const Answer& a, JsonWriter& w, bool done) {
    const char* status = done ? "completed" : "in_progress";
    w.begin_object();
    if (a.tool) {
        w.kv2("id", "fc_mock", a.id).kv("type", "function_call").kv("status", status);
        w.kv2("call_id", "call_mock", a.id).kv("name", a.tool_name);
        w.kv("arguments", done ? std::string_view(a.tool_args) : std::string_view());
    } else {
        w.kv2("id", "msg_mock", a.id).kv("type", "message").kv("status", status);
        w.kv("role", "assistant").key("content").begin_array();
        if (done) {
            text_part(a, w, true);
        }
        w.end_array();
    }
    w.end_object();
}

// The Response object; `done` adds the output and usage.
void response_object(const Answer& a, JsonWriter& w, bool done) {
    const char* status = !done ? "in_progress" : incomplete(a) ? "incomplete" : "completed";
    w.begin_object()
        .kv2("id", "resp_mock", a.id)
        .kv("object", "response")
        .kv("created_at", a.created_s)
        .kv("status", status)
        .kv_null("error");
    if (done && incomplete(a)) {
        w.key("incomplete_details").begin_object().kv("reason", "max_output_tokens").end_object();
    } else {
        w.kv_null("incomplete_details");
    }
    w.kv_null("instructions").kv_null("max_output_tokens").kv("model", a.model);
    w.key("output").begin_array();
    if (done) {
        output_item(a, w, true);
    }
    w.end_array().kv("parallel_tool_calls", true).kv_null("previous_response_id");
    w.key("reasoning").begin_object().kv_null("effort").kv_null("summary").end_object();
    w.kv("store", false).key("temperature").raw("1.0");
    w.key("text").begin_object().key("format").begin_object().kv("type", "text");
    w.end_object().end_object();
    w.kv("tool_choice", "auto").key("tools").begin_array().end_array();
    w.key("top_p").raw("1.0").kv("truncation", "disabled").key("usage");
    if (done) {
        usage_object(a, w);
    } else {
        w.null();
    }
    w.key("metadata").begin_object().end_object().end_object();
}

class ResponsesStream final : public StreamDialect {
  public:
    using StreamDialect::StreamDialect;

    uint32_t units() const override { return a_.tool ? tool_units(a_) : a_.tokens; }

    void begin(EventSink& sink) override {
        lifecycle(sink, "response.created", false);
        lifecycle(sink, "response.in_progress", false);
        JsonWriter& w = open(sink, "response.output_item.added");
        w.kv("output_index", 0u).key("item");
        output_item(a_, w, false);
        close(sink);
        if (!a_.tool) {
            JsonWriter& p = open(sink, "response.content_part.added");
            p.kv2("item_id", "msg_mock", a_.id).kv("output_index", 0u).kv("content_index", 0u);
            p.key("part");
            text_part(a_, p, false);
            close(sink);
        }
    }

    void unit(EventSink& sink, uint32_t i) override {
        if (a_.tool) {
            JsonWriter& w = open(sink, "response.function_call_arguments.delta");
            w.kv2("item_id", "fc_mock", a_.id).kv("output_index", 0u);
            w.kv("delta", args_fragment(a_.tool_args, units(), i));
            close(sink);
            return;
        }
        JsonWriter& w = open(sink, "response.output_text.delta");
        w.kv2("item_id", "msg_mock", a_.id).kv("output_index", 0u).kv("content_index", 0u);
        w.key("delta");
        ByteBuffer& b = w.buffer();
        b.append_char('"');
        append_token(b, i);
        b.append_char('"');
        w.mark_value().key("logprobs").begin_array().end_array();
        close(sink);
    }

    void end(EventSink& sink, bool terminator) override {
        if (a_.tool) {
            JsonWriter& w = open(sink, "response.function_call_arguments.done");
            w.kv2("item_id", "fc_mock", a_.id).kv("output_index", 0u);
            w.kv("name", a_.tool_name).kv("arguments", a_.tool_args);
            close(sink);
        } else {
            text_done(sink);
        }
        JsonWriter& w = open(sink, "response.output_item.done");
        w.kv("output_index", 0u).key("item");
        output_item(a_, w, true);
        close(sink);
        if (terminator) {
            lifecycle(sink, incomplete(a_) ? "response.incomplete" : "response.completed", true);
        }
    }

    void malformed(EventSink& sink) override {
        sink.literal("response.output_text.delta",
                     "{\"type\":\"response.output_text.delta\",\"sequence_number\":");
        ++seq_;
    }

    void error(EventSink& sink) override {
        JsonWriter& w = open(sink, "error");
        w.kv("code", "server_error")
            .kv("message", "The server had an error while processing your request.")
            .kv_null("param");
        close(sink);
    }

  private:
    JsonWriter& open(EventSink& sink, std::string_view type) {
        JsonWriter& w = sink.data(type);
        w.begin_object().kv("type", type).kv("sequence_number", seq_++);
        return w;
    }

    // Closes the object open() started and the event.
    static void close(EventSink& sink) {
        sink.writer().end_object();
        sink.end();
    }

    void lifecycle(EventSink& sink, std::string_view type, bool done) {
        JsonWriter& w = open(sink, type);
        w.key("response");
        response_object(a_, w, done);
        close(sink);
    }

    void text_done(EventSink& sink) {
        JsonWriter& w = open(sink, "response.output_text.done");
        w.kv2("item_id", "msg_mock", a_.id).kv("output_index", 0u).kv("content_index", 0u);
        w.key("text");
        ByteBuffer& b = w.buffer();
        b.append_char('"');
        append_answer_text(b, a_.tokens);
        b.append_char('"');
        w.mark_value().key("logprobs").begin_array().end_array();
        close(sink);
        JsonWriter& p = open(sink, "response.content_part.done");
        p.kv2("item_id", "msg_mock", a_.id).kv("output_index", 0u).kv("content_index", 0u);
        p.key("part");
        text_part(a_, p, true);
        close(sink);
    }

    uint64_t seq_ = 0;
};

}  // namespace

void responses_body(const Answer& a, JsonWriter& w) {
    response_object(a, w, true);
}

std::unique_ptr<StreamDialect> responses_stream(const Answer& a) {
    return std::make_unique<ResponsesStream>(a);
}

}  // namespace rg::mock::openai
