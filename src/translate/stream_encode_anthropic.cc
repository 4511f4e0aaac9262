// IR deltas -> Anthropic Messages stream (wire-formats.md §2.3, §4.6 (c), (e)). Blocks get
// dense, increasing indexes; one block is open at a time and is stopped before the next
// starts; a delta always matches its block's type (the SDK's rules, §4.6 (c)).
// message_start goes out with the first event (Gemini's prompt count when known, else 0);
// the real counts travel in message_delta. Foreign thinking is not sent (§4.9 #9).
#include "translate/common.h"
#include "translate/sse_encoder.h"
#include "translate/stream_encode_common.h"
#include "translate/stream_translate_internal.h"
#include "translate/translate.h"

namespace rg::translate::stream {
namespace {

enum class Open : uint8_t { none = 0, text, tool };

class AnthropicEncoder final : public Encoder {
  public:
    explicit AnthropicEncoder(Pipe& pipe) : pipe_(pipe) {}

    void reset() override {
        start_.reset(pipe_.options().model);
        open_ = Open::none;
        open_tool_ = 0;
        next_block_ = 0;
        saw_tool_ = false;
        finish_ = FinishReason::unset;
    }

    void on_delta(const Delta& d, ByteBuffer& out) override {
        switch (d.kind) {
            case DeltaKind::start:
                start_.on_start(pipe_.arena(), d.name);
                break;
            case DeltaKind::text:
                if (!d.text.empty()) {
                    ensure_started(out);
                    open_text(out);
                    write_delta(out, "text_delta", "text", d.text);
                }
                break;
            case DeltaKind::tool_call_start:
                ensure_started(out);
                open_tool(d, out);
                break;
            case DeltaKind::tool_args:
                if (open_ == Open::tool && open_tool_ == d.index) {
                    write_delta(out, "input_json_delta", "partial_json", d.text);
                } else {
                    // A call resumed after its block stopped: Anthropic cannot reopen it.
                    pipe_.count_dropped();
                }
                break;
            case DeltaKind::tool_call_end:
                if (open_ == Open::tool && open_tool_ == d.index) {
                    close_block(out);
                }
                break;
            case DeltaKind::finish:
                finish_ = d.finish;
                break;
            case DeltaKind::reasoning:  // foreign thinking has no valid signature (§4.9 #9)
            case DeltaKind::signature:
            case DeltaKind::usage:  // the Pipe keeps the running total
                break;
        }
    }

    void on_event_end(ByteBuffer& out) override {
        if (start_.due) {
            ensure_started(out);
        }
    }

    void on_end(ByteBuffer& out) override {
        ensure_started(out);
        close_block(out);
        const Usage& u = pipe_.usage();
        JsonWriter w = begin();
        w.begin_object();
        w.field("type", "message_delta");
        w.key("delta");
        w.begin_object();
        const FinishReason f = saw_tool_ ? FinishReason::tool_calls : finish_;
        w.field("stop_reason",
                anthropic_stop_reason(f == FinishReason::unset ? FinishReason::stop : f));
        w.key("stop_sequence");
        w.null();
        w.end_object();
        w.key("usage");
        w.begin_object();
        w.field_uint("input_tokens", sub_sat(u.input, u.cached_input + u.cache_creation));
        w.field_uint("output_tokens", u.output);
        w.field_uint("cache_read_input_tokens", u.cached_input);
        if (u.cache_creation > 0) {
            w.field_uint("cache_creation_input_tokens", u.cache_creation);
        }
        w.end_object();
        w.end_object();
        send(out, "message_delta");
        append_sse_event(out, "message_stop", R"({"type":"message_stop"})");
    }

    void on_error(std::string_view envelope, ByteBuffer& out) override {
        append_sse_event(out, "error", envelope);
    }

  private:
    JsonWriter begin() {
        buf_.clear();
        return JsonWriter(buf_);
    }
    void send(ByteBuffer& out, std::string_view event) {
        append_sse_event(out, event, buf_.view());
    }

    void ensure_started(ByteBuffer& out) {
        if (!start_.begin()) {
            return;
        }
        const Usage& u = pipe_.usage();  // Gemini reports the prompt early; OpenAI: zeros
        JsonWriter w = begin();
        w.begin_object();
        w.field("type", "message_start");
        w.key("message");
        w.begin_object();
        w.field("id", mint_id(pipe_.arena(), "msg_", pipe_.options().id_token));
        w.field("type", "message");
        w.field("role", "assistant");
        w.field("model", start_.model);
        w.key("content");
        w.begin_array();
        w.end_array();
        w.key("stop_reason");
        w.null();
        w.key("stop_sequence");
        w.null();
        w.key("usage");
        w.begin_object();
        w.field_uint("input_tokens", sub_sat(u.input, u.cached_input + u.cache_creation));
        w.field_uint("output_tokens", u.output);
        if (u.cached_input > 0) {
            w.field_uint("cache_read_input_tokens", u.cached_input);
        }
        if (u.cache_creation > 0) {
            w.field_uint("cache_creation_input_tokens", u.cache_creation);
        }
        w.end_object();
        w.end_object();
        w.end_object();
        send(out, "message_start");
    }

    void open_text(ByteBuffer& out) {
        if (open_ == Open::text) {
            return;
        }
        close_block(out);
        JsonWriter w = begin();
        w.begin_object();
        w.field("type", "content_block_start");
        w.field_uint("index", next_block_);
        w.key("content_block");
        w.begin_object();
        w.field("type", "text");
        w.field("text", "");
        w.end_object();
        w.end_object();
        send(out, "content_block_start");
        open_ = Open::text;
    }

    void open_tool(const Delta& d, ByteBuffer& out) {
        close_block(out);
        saw_tool_ = true;
        JsonWriter w = begin();
        w.begin_object();
        w.field("type", "content_block_start");
        w.field_uint("index", next_block_);
        w.key("content_block");
        w.begin_object();
        w.field("type", "tool_use");
        w.field("id", d.id.empty() ? mint_tool_id(pipe_, "toolu_", d.index) : d.id);
        w.field("name", d.name);
        w.key("input");
        w.begin_object();
        w.end_object();
        w.end_object();
        w.end_object();
        send(out, "content_block_start");
        open_ = Open::tool;
        open_tool_ = d.index;
    }

    void write_delta(ByteBuffer& out, std::string_view type, std::string_view key,
                     std::string_view text) {
        JsonWriter w = begin();
        w.begin_object();
        w.field("type", "content_block_delta");
        w.field_uint("index", next_block_);
        w.key("delta");
        w.begin_object();
        w.field("type", type);
        w.field(key, text);
        w.end_object();
        w.end_object();
        send(out, "content_block_delta");
    }

    void close_block(ByteBuffer& out) {
        if (open_ == Open::none) {
            return;
        }
        JsonWriter w = begin();
        w.begin_object();
        w.field("type", "content_block_stop");
        w.field_uint("index", next_block_);
        w.end_object();
        send(out, "content_block_stop");
        open_ = Open::none;
        ++next_block_;
    }

    Pipe& pipe_;
    DeferredStart start_;
    Open open_ = Open::none;
    uint32_t open_tool_ = 0;
    uint32_t next_block_ = 0;  // the open block's index, or the next one's
    bool saw_tool_ = false;
    FinishReason finish_ = FinishReason::unset;
    ByteBuffer buf_;
};

}  // namespace

std::unique_ptr<Encoder> make_anthropic_encoder(Pipe& pipe) {
    return std::make_unique<AnthropicEncoder>(pipe);
}

}  // namespace rg::translate::stream
