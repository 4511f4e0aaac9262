// IR deltas -> OpenAI Chat Completions stream (wire-formats.md §2.2.1, §4.6 (a), (b)). The
// deltas of one upstream event are batched into one chunk (role on the first, content,
// reasoning_content, tool_calls merged per index). The finish chunk comes at the end, forced
// to tool_calls when the answer called tools; the usage chunk only when the client asked
// include_usage; then [DONE]. An error is `data: {"error":...}` without [DONE] (§3.4).
#include <optional>

#include "translate/common.h"
#include "translate/sse_encoder.h"
#include "translate/stream_translate_internal.h"
#include "translate/translate.h"

namespace rg::translate::stream {
namespace {

// One tool_calls entry of the pending chunk; its arguments are args_[begin, begin + len).
struct ToolEntry {
    uint32_t index = 0;
    bool start = false;
    std::string_view id;
    std::string_view name;
    std::string_view signature;
    size_t args_begin = 0;
    size_t args_len = 0;
};

class OpenAiChatEncoder final : public Encoder {
  public:
    explicit OpenAiChatEncoder(Pipe& pipe) : pipe_(pipe) {}

    void reset() override {
        id_ = mint_id(pipe_.arena(), "chatcmpl-", pipe_.options().id_token);
        model_ = pipe_.options().model;
        role_sent_ = false;
        role_due_ = false;
        clear_pending();
        has_args_.clear();
        tools_ = 0;
        finish_ = FinishReason::unset;
        thinking_.clear();
    }

    void on_delta(const Delta& d, ByteBuffer&) override {
        const bool reasoning = pipe_.options().include_reasoning;
        switch (d.kind) {
            case DeltaKind::start:
                if (model_.empty()) {
                    model_ = pipe_.arena().copy(d.name);
                }
                role_due_ = true;
                break;
            case DeltaKind::text:
                text_.append(d.text);
                break;
            case DeltaKind::reasoning:
                if (reasoning) {
                    reasoning_.append(d.text);
                    thinking_.append(d.text);
                }
                break;
            case DeltaKind::signature:
                // Anthropic's signature: LiteLLM's thinking_blocks keep it for the client
                // to send back (parsed again by openai_chat_request).
                if (reasoning && pipe_.from() == Format::anthropic) {
                    signature_.clear();
                    signature_.append(d.signature);
                    block_due_ = true;
                }
                break;
            case DeltaKind::tool_call_start:
                tool_start(d);
                break;
            case DeltaKind::tool_args:
                if (!d.text.empty()) {
                    tool_args(d.index, d.text);
                }
                break;
            case DeltaKind::tool_call_end:
                if (d.index < has_args_.size() && has_args_[d.index] == 0) {
                    tool_args(d.index, "{}");  // no arguments: "{}", not "" (§4.9 #2)
                }
                break;
            case DeltaKind::finish:
                finish_ = d.finish;
                break;
            case DeltaKind::usage:
                break;  // the Pipe keeps the running total
        }
    }

    void on_event_end(ByteBuffer& out) override {
        if (!role_due_ && text_.size() == 0 && reasoning_.size() == 0 && !block_due_ &&
            entries_.empty()) {
            return;
        }
        JsonWriter& w = begin_chunk();
        w.begin_object();
        if (!role_sent_) {
            w.field("role", "assistant");
            w.key("content");
            if (text_.size() > 0) {
                w.string(text_.view());
            } else if (!entries_.empty()) {
                w.null();  // only tool calls (§4.6 (b))
            } else {
                w.string("");
            }
            role_sent_ = true;
        } else if (text_.size() > 0) {
            w.field("content", text_.view());
        }
        role_due_ = false;
        if (reasoning_.size() > 0) {
            w.field("reasoning_content", reasoning_.view());
        }
        if (block_due_) {
            write_thinking_block(w);
        }
        if (!entries_.empty()) {
            write_tool_calls(w);
        }
        w.end_object();
        end_chunk(out, {});
        clear_pending();
    }

    void on_end(ByteBuffer& out) override {
        if (!role_sent_) {
            role_due_ = true;  // an upstream that never started: the role chunk still leads
            on_event_end(out);
        }
        JsonWriter& w = begin_chunk();
        w.begin_object();
        w.end_object();
        const FinishReason f = tools_ > 0 ? FinishReason::tool_calls : finish_;
        end_chunk(out, openai_finish_reason(f == FinishReason::unset ? FinishReason::stop : f));
        if (pipe_.options().include_usage) {
            write_usage_chunk(out);
        }
        out.append(sse_done_event);
    }

    void on_error(std::string_view envelope, ByteBuffer& out) override {
        append_sse_data(out, envelope);  // no [DONE]: the SDK raises on the error object
    }

  private:
    void clear_pending() {
        text_.clear();
        reasoning_.clear();
        args_.clear();
        entries_.clear();
        block_due_ = false;
    }

    void tool_start(const Delta& d) {
        if (d.index >= tool_calls_max) {
            return;
        }
        if (has_args_.size() <= d.index) {
            has_args_.resize(d.index + 1, 0);
        }
        tools_ = tools_ > d.index + 1 ? tools_ : d.index + 1;
        ToolEntry e;
        e.index = d.index;
        e.start = true;
        e.id = d.id.empty() ? mint_tool_id(pipe_, "call_", d.index) : pipe_.arena().copy(d.id);
        e.name = pipe_.arena().copy(d.name);
        e.signature = pipe_.arena().copy(d.signature);
        e.args_begin = args_.size();
        entries_.push_back(e);
    }

    void tool_args(uint32_t index, std::string_view text) {
        if (index >= has_args_.size()) {
            pipe_.count_dropped();  // arguments for a call that never started
            return;
        }
        has_args_[index] = 1;
        // Fragments of one call within one event join one entry, if it is the last one.
        if (entries_.empty() || entries_.back().index != index ||
            entries_.back().args_begin + entries_.back().args_len != args_.size()) {
            ToolEntry e;
            e.index = index;
            e.args_begin = args_.size();
            entries_.push_back(e);
        }
        args_.append(text);
        entries_.back().args_len += text.size();
    }

    void write_tool_calls(JsonWriter& w) {
        w.key("tool_calls");
        w.begin_array();
        for (const ToolEntry& e : entries_) {
            w.begin_object();
            w.field_uint("index", e.index);
            if (e.start) {
                w.field("id", e.id);
                w.field("type", "function");
            }
            w.key("function");
            w.begin_object();
            if (e.start) {
                w.field("name", e.name);
            }
            w.field("arguments", std::string_view(args_.data() + e.args_begin, e.args_len));
            if (e.start && !e.signature.empty()) {
                w.field("thought_signature", e.signature);  // Portkey's slot (§4.9 #8)
            }
            w.end_object();
            w.end_object();
        }
        w.end_array();
    }

    void write_thinking_block(JsonWriter& w) {
        w.key("thinking_blocks");
        w.begin_array();
        w.begin_object();
        w.field("type", "thinking");
        w.field("thinking", thinking_.view());
        w.field("signature", signature_.view());
        w.end_object();
        w.end_array();
        thinking_.clear();
    }

    void write_usage_chunk(ByteBuffer& out) {
        const Usage& u = pipe_.usage();
        chunk_.clear();
        JsonWriter w(chunk_);
        w.begin_object();
        write_head(w);
        w.key("choices");
        w.begin_array();
        w.end_array();
        w.key("usage");
        w.begin_object();
        w.field_uint("prompt_tokens", u.input);
        w.field_uint("completion_tokens", u.output);
        w.field_uint("total_tokens", u.input + u.output);
        w.key("prompt_tokens_details");
        w.begin_object();
        w.field_uint("cached_tokens", u.cached_input);
        if (u.cache_creation > 0) {
            w.field_uint("cache_write_tokens", u.cache_creation);
        }
        w.end_object();
        if (u.has_reasoning) {
            w.key("completion_tokens_details");
            w.begin_object();
            w.field_uint("reasoning_tokens", u.reasoning);
            w.end_object();
        }
        w.end_object();
        w.end_object();
        append_sse_data(out, chunk_.view());
    }

    void write_head(JsonWriter& w) {
        w.field("id", id_);
        w.field("object", "chat.completion.chunk");
        w.key("created");
        w.integer(pipe_.options().created_s);
        w.field("model", model_);
    }

    // A chunk is written in two halves around its delta object: the head and choice
    // opening here, the finish and closing in end_chunk().
    JsonWriter& begin_chunk() {
        chunk_.clear();
        writer_.emplace(chunk_);
        JsonWriter& w = *writer_;
        w.begin_object();
        write_head(w);
        w.key("choices");
        w.begin_array();
        w.begin_object();
        w.field_uint("index", 0);
        w.key("delta");
        return w;
    }

    void end_chunk(ByteBuffer& out, std::string_view finish) {
        JsonWriter& w = *writer_;
        w.key("finish_reason");
        if (finish.empty()) {
            w.null();
        } else {
            w.string(finish);
        }
        w.end_object();
        w.end_array();
        w.end_object();
        append_sse_data(out, chunk_.view());
    }

    Pipe& pipe_;
    std::string_view id_;
    std::string_view model_;
    bool role_sent_ = false;
    bool role_due_ = false;
    bool block_due_ = false;
    ByteBuffer text_;
    ByteBuffer reasoning_;
    ByteBuffer thinking_;  // the open thinking block's text, for thinking_blocks
    ByteBuffer signature_;
    ByteBuffer args_;
    std::vector<ToolEntry> entries_;
    std::vector<uint8_t> has_args_;  // per tool index: a non-empty fragment was sent
    uint32_t tools_ = 0;
    FinishReason finish_ = FinishReason::unset;
    ByteBuffer chunk_;
    std::optional<JsonWriter> writer_;
};

}  // namespace

std::unique_ptr<Encoder> make_openai_chat_encoder(Pipe& pipe) {
    return std::make_unique<OpenAiChatEncoder>(pipe);
}

}  // namespace rg::translate::stream
