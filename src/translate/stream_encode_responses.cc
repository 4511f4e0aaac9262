// IR deltas -> OpenAI Responses API stream (wire-formats.md §2.2.4). Every event is
// `event: <type>` + a payload with the same `type` and a `sequence_number` rising from 0.
// response.created and response.in_progress open the stream; output items get dense
// `output_index`es, one open at a time: a message (content_part + output_text deltas), a
// reasoning item (summary text deltas, only with include_reasoning) or a function_call
// (call_id, name, argument deltas). Each item is closed with its *.done events before the
// next opens. The end is response.completed (response.incomplete at max tokens or a content
// filter) with the whole response: every item again, and the usage. An error is one
// `event: error` {type, code, message, param, sequence_number}, which the SDK raises.
#include <optional>

#include "translate/common.h"
#include "translate/json_read.h"
#include "translate/sse_encoder.h"
#include "translate/stream_encode_common.h"
#include "translate/stream_translate_internal.h"
#include "translate/translate.h"

namespace rg::translate::stream {
namespace {

enum class ItemKind : uint8_t { message = 0, reasoning, function_call };

// One output item; its text (message text, summary text or arguments) is
// store_[begin, begin + len): items are written one at a time, so their texts follow each
// other in the store.
struct Item {
    ItemKind kind = ItemKind::message;
    uint32_t tool = 0;    // function_call: the IR tool index
    std::string_view id;  // msg_/rs_/fc_ item id, in the Arena
    std::string_view call_id;
    std::string_view name;
    size_t begin = 0;
    size_t len = 0;
};

constexpr uint32_t none = UINT32_MAX;

class ResponsesEncoder final : public Encoder {
  public:
    explicit ResponsesEncoder(Pipe& pipe) : pipe_(pipe) {}

    void reset() override {
        id_ = mint_id(pipe_.arena(), "resp_", pipe_.options().id_token);
        start_.reset(pipe_.options().model);
        seq_ = 0;
        items_.clear();
        store_.clear();
        open_ = none;
        finish_ = FinishReason::unset;
    }

    void on_delta(const Delta& d, ByteBuffer& out) override {
        switch (d.kind) {
            case DeltaKind::start:
                start_.on_start(pipe_.arena(), d.name);
                break;
            case DeltaKind::text:
                if (!d.text.empty()) {
                    content(ItemKind::message, d.text, out);
                }
                break;
            case DeltaKind::reasoning:
                if (!d.text.empty() && pipe_.options().include_reasoning) {
                    content(ItemKind::reasoning, d.text, out);
                }
                break;
            case DeltaKind::tool_call_start:
                ensure_started(out);
                open_call(d, out);
                break;
            case DeltaKind::tool_args:
                tool_args(d, out);
                break;
            case DeltaKind::tool_call_end:
                if (open_ != none && items_[open_].kind == ItemKind::function_call &&
                    items_[open_].tool == d.index) {
                    close_item(out);
                }
                break;
            case DeltaKind::finish:
                finish_ = d.finish;
                break;
            case DeltaKind::signature:  // Anthropic signatures have no Responses slot
            case DeltaKind::usage:      // the Pipe keeps the running total
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
        close_item(out);
        const bool incomplete =
            finish_ == FinishReason::length || finish_ == FinishReason::content_filter;
        lifecycle(out, incomplete ? "response.incomplete" : "response.completed", true);
    }

    void on_error(std::string_view envelope, ByteBuffer& out) override {
        // The envelope is OpenAI's {"error":{message,type,param,code}} (translate_error).
        std::string_view message, type, code;
        read_envelope(envelope, &message, &type, &code);
        JsonWriter& w = begin("error");
        w.field("code", code.empty() ? type : code);
        w.field("message", message);
        w.key("param");
        w.null();
        send(out, "error");
    }

  private:
    void read_envelope(std::string_view envelope, std::string_view* message, std::string_view* type,
                       std::string_view* code) {
        od::document doc;
        od::object err;
        if (open_document(pipe_.arena(), envelope, &doc) != simdjson::SUCCESS ||
            doc.find_field_unordered("error").get_object().get(err) != simdjson::SUCCESS) {
            *message = "the upstream provider answered with an error";
            return;
        }
        for (auto f : err) {
            std::string_view key, value;
            if (f.unescaped_key().get(key) != simdjson::SUCCESS) {
                return;
            }
            if (f.value().get_string().get(value) != simdjson::SUCCESS) {
                continue;  // null code
            }
            std::string_view* target = key == "message" ? message
                                       : key == "type"  ? type
                                       : key == "code"  ? code
                                                        : nullptr;
            if (target != nullptr) {
                *target = pipe_.arena().copy(value);
            }
        }
    }

    // An event's payload is written between begin() and send().
    JsonWriter& begin(std::string_view type) {
        buf_.clear();
        writer_.emplace(buf_);
        JsonWriter& w = *writer_;
        w.begin_object();
        w.field("type", type);
        w.field_uint("sequence_number", seq_++);
        return w;
    }

    void send(ByteBuffer& out, std::string_view type) {
        writer_->end_object();
        append_sse_event(out, type, buf_.view());
    }

    void ensure_started(ByteBuffer& out) {
        if (!start_.begin()) {
            return;
        }
        lifecycle(out, "response.created", false);
        lifecycle(out, "response.in_progress", false);
    }

    void lifecycle(ByteBuffer& out, std::string_view type, bool done) {
        JsonWriter& w = begin(type);
        w.key("response");
        write_response(w, done);
        send(out, type);
    }

    void write_response(JsonWriter& w, bool done) {
        const bool incomplete =
            done && (finish_ == FinishReason::length || finish_ == FinishReason::content_filter);
        w.begin_object();
        w.field("id", id_);
        w.field("object", "response");
        w.key("created_at");
        w.integer(pipe_.options().created_s);
        w.field("status", !done ? "in_progress" : incomplete ? "incomplete" : "completed");
        w.key("error");
        w.null();
        w.key("incomplete_details");
        if (incomplete) {
            w.begin_object();
            w.field("reason",
                    finish_ == FinishReason::length ? "max_output_tokens" : "content_filter");
            w.end_object();
        } else {
            w.null();
        }
        w.field("model", start_.model);
        w.key("output");
        w.begin_array();
        if (done) {
            for (const Item& it : items_) {
                write_item(w, it, true);
            }
        }
        w.end_array();
        w.key("usage");
        if (done) {
            write_responses_usage(w, pipe_.usage());
        } else {
            w.null();
        }
        w.end_object();
    }

    std::string_view text_of(const Item& it) const {
        return std::string_view(store_.data() + it.begin, it.len);
    }

    void write_item(JsonWriter& w, const Item& it, bool done) {
        w.begin_object();
        w.field("id", it.id);
        switch (it.kind) {
            case ItemKind::message:
                w.field("type", "message");
                w.field("status", done ? "completed" : "in_progress");
                w.field("role", "assistant");
                w.key("content");
                w.begin_array();
                if (done) {
                    write_part(w, text_of(it), "output_text");
                }
                w.end_array();
                break;
            case ItemKind::reasoning:
                w.field("type", "reasoning");
                w.key("summary");
                w.begin_array();
                if (done) {
                    write_part(w, text_of(it), "summary_text");
                }
                w.end_array();
                break;
            case ItemKind::function_call:
                w.field("type", "function_call");
                w.field("status", done ? "completed" : "in_progress");
                w.field("call_id", it.call_id);
                w.field("name", it.name);
                w.field("arguments", done ? text_of(it) : std::string_view());
                break;
        }
        w.end_object();
    }

    static void write_part(JsonWriter& w, std::string_view text, std::string_view type) {
        w.begin_object();
        w.field("type", type);
        w.field("text", text);
        if (type == "output_text") {
            w.key("annotations");
            w.begin_array();
            w.end_array();
        }
        w.end_object();
    }

    // The head every item event shares.
    JsonWriter& begin_item_event(std::string_view type, const Item& it) {
        JsonWriter& w = begin(type);
        w.field("item_id", it.id);
        w.field_uint("output_index", open_);
        return w;
    }

    Item& open_item(ItemKind kind, ByteBuffer& out) {
        close_item(out);
        const uint32_t n = static_cast<uint32_t>(items_.size());
        Item it;
        it.kind = kind;
        it.begin = store_.size();
        const std::string_view prefix = kind == ItemKind::message     ? "msg_"
                                        : kind == ItemKind::reasoning ? "rs_"
                                                                      : "fc_";
        it.id = mint_indexed_id(pipe_.arena(), prefix, pipe_.options().id_token, n);
        items_.push_back(it);
        open_ = n;
        return items_.back();
    }

    void announce(ByteBuffer& out) {
        JsonWriter& w = begin("response.output_item.added");
        w.field_uint("output_index", open_);
        w.key("item");
        write_item(w, items_[open_], false);
        send(out, "response.output_item.added");
    }

    // Text or reasoning: into the open item of that kind, opened when another is open.
    void content(ItemKind kind, std::string_view text, ByteBuffer& out) {
        ensure_started(out);
        if (open_ == none || items_[open_].kind != kind) {
            if (items_.size() >= blocks_max) {
                pipe_.count_dropped();  // a hostile upstream alternating kinds forever
                return;
            }
            open_item(kind, out);
            announce(out);
            part_event(out, kind == ItemKind::message ? "response.content_part.added"
                                                      : "response.reasoning_summary_part.added");
        }
        Item& it = items_[open_];
        const bool message = kind == ItemKind::message;
        JsonWriter& w = begin_item_event(
            message ? "response.output_text.delta" : "response.reasoning_summary_text.delta", it);
        w.field_uint(message ? "content_index" : "summary_index", 0);
        w.field("delta", text);
        if (message) {
            w.key("logprobs");
            w.begin_array();
            w.end_array();
        }
        send(out, message ? "response.output_text.delta" : "response.reasoning_summary_text.delta");
        store_.append(text);
        it.len += text.size();
    }

    // content_part.added/.done, reasoning_summary_part.added/.done of the open item.
    void part_event(ByteBuffer& out, std::string_view type) {
        const Item& it = items_[open_];
        const bool message = it.kind == ItemKind::message;
        const bool done = type.ends_with(".done");
        JsonWriter& w = begin_item_event(type, it);
        w.field_uint(message ? "content_index" : "summary_index", 0);
        w.key("part");
        write_part(w, done ? text_of(it) : std::string_view(),
                   message ? "output_text" : "summary_text");
        send(out, type);
    }

    void open_call(const Delta& d, ByteBuffer& out) {
        if (items_.size() >= blocks_max) {
            pipe_.count_dropped();
            return;
        }
        Item& it = open_item(ItemKind::function_call, out);
        it.tool = d.index;
        it.call_id =
            d.id.empty() ? mint_tool_id(pipe_, "call_", d.index) : pipe_.arena().copy(d.id);
        it.name = pipe_.arena().copy(d.name);
        announce(out);
    }

    void tool_args(const Delta& d, ByteBuffer& out) {
        if (open_ == none || items_[open_].kind != ItemKind::function_call ||
            items_[open_].tool != d.index) {
            // A call resumed after its item was done: a Responses item cannot reopen.
            pipe_.count_dropped();
            return;
        }
        if (!d.text.empty()) {
            args_delta(d.text, out);
        }
    }

    void args_delta(std::string_view text, ByteBuffer& out) {
        Item& it = items_[open_];
        JsonWriter& w = begin_item_event("response.function_call_arguments.delta", it);
        w.field("delta", text);
        send(out, "response.function_call_arguments.delta");
        store_.append(text);
        it.len += text.size();
    }

    void close_item(ByteBuffer& out) {
        if (open_ == none) {
            return;
        }
        const Item& it = items_[open_];
        switch (it.kind) {
            case ItemKind::message: {
                JsonWriter& w = begin_item_event("response.output_text.done", it);
                w.field_uint("content_index", 0);
                w.field("text", text_of(it));
                w.key("logprobs");
                w.begin_array();
                w.end_array();
                send(out, "response.output_text.done");
                part_event(out, "response.content_part.done");
                break;
            }
            case ItemKind::reasoning: {
                JsonWriter& w = begin_item_event("response.reasoning_summary_text.done", it);
                w.field_uint("summary_index", 0);
                w.field("text", text_of(it));
                send(out, "response.reasoning_summary_text.done");
                part_event(out, "response.reasoning_summary_part.done");
                break;
            }
            case ItemKind::function_call: {
                if (it.len == 0) {
                    args_delta("{}", out);  // no arguments: "{}", not "" (§4.9 #2)
                }
                JsonWriter& w =
                    begin_item_event("response.function_call_arguments.done", items_[open_]);
                w.field("name", items_[open_].name);
                w.field("arguments", text_of(items_[open_]));
                send(out, "response.function_call_arguments.done");
                break;
            }
        }
        JsonWriter& w = begin("response.output_item.done");
        w.field_uint("output_index", open_);
        w.key("item");
        write_item(w, items_[open_], true);
        send(out, "response.output_item.done");
        open_ = none;
    }

    Pipe& pipe_;
    std::string_view id_;
    DeferredStart start_;
    uint64_t seq_ = 0;
    std::vector<Item> items_;
    ByteBuffer store_;  // every item's text, in item order
    uint32_t open_ = none;
    FinishReason finish_ = FinishReason::unset;
    ByteBuffer buf_;
    std::optional<JsonWriter> writer_;
};

}  // namespace

std::unique_ptr<Encoder> make_responses_encoder(Pipe& pipe) {
    return std::make_unique<ResponsesEncoder>(pipe);
}

}  // namespace rg::translate::stream
