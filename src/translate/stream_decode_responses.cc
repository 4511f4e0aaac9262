// OpenAI Responses API stream -> IR deltas (wire-formats.md §2.2.4). Output items are keyed by
// their `output_index`; function_call items become dense IR tool indexes (§4.9 #1) with the
// item's `call_id` as the call id. Each event is read in one pass over its JSON (no field
// looked up again after broken input). The terminal event (response.completed or
// response.incomplete) carries the usage, counted once (§4.5); response.failed and `error`
// become the client's in-stream error.
#include "translate/common.h"
#include "translate/json_read.h"
#include "translate/stream_decode_common.h"
#include "translate/stream_scan.h"
#include "translate/stream_translate_internal.h"
#include "translate/translate.h"

namespace rg::translate::stream {
namespace {

enum class ItemKind : uint8_t { none = 0, message, function_call, other };

// What one event says, gathered in one pass (strings are views into the parser's buffer,
// valid until the next event is read).
struct Fields {
    bool has_index = false;
    uint64_t output_index = 0;
    std::string_view delta;
    std::string_view arguments;  // function_call_arguments.done; item.arguments
    std::string_view item_type;
    std::string_view call_id;
    std::string_view name;
    std::string_view model;
    std::string_view reason;   // response.incomplete_details.reason
    std::string_view code;     // response.error.code; error event code
    std::string_view message;  // response.error.message; error event message
    bool has_usage = false;
    Usage usage;
};

bool read_string(od::value& v, std::string_view* out) {
    const auto e = v.get_string().get(*out);
    if (e == simdjson::INCORRECT_TYPE) {
        *out = {};
        return true;  // null or another type: absent
    }
    return e == simdjson::SUCCESS;
}

// Reads `o`'s string members named in `keys` into `targets`; other members are skipped.
template <size_t N>
bool read_strings(od::value& v, const std::string_view (&keys)[N],
                  std::string_view* (&&targets)[N]) {
    od::object o;
    const auto e = v.get_object().get(o);
    if (e == simdjson::INCORRECT_TYPE) {
        return true;  // null
    }
    if (e != simdjson::SUCCESS) {
        return false;
    }
    for (auto field : o) {
        std::string_view key;
        od::value fv;
        if (!read_member(field, &key, &fv)) {
            return false;
        }
        for (size_t i = 0; i < N; ++i) {
            if (key == keys[i] && !read_string(fv, targets[i])) {
                return false;
            }
        }
    }
    return true;
}

bool read_response(od::value& v, Fields& f) {
    od::object o;
    if (v.get_object().get(o) != simdjson::SUCCESS) {
        return false;
    }
    for (auto field : o) {
        std::string_view key;
        od::value fv;
        if (!read_member(field, &key, &fv)) {
            return false;
        }
        bool intact = true;
        if (key == "model") {
            intact = read_string(fv, &f.model);
        } else if (key == "incomplete_details") {
            intact = read_strings(fv, {"reason"}, {&f.reason});
        } else if (key == "error") {
            intact = read_strings(fv, {"code", "message"}, {&f.code, &f.message});
        } else if (key == "usage") {
            bool is_null = false;
            if (fv.is_null().get(is_null) != simdjson::SUCCESS) {
                return false;
            }
            if (!is_null) {
                intact = parse_responses_usage(fv, &f.usage).ok();
                f.has_usage = intact;
            }
        }
        if (!intact) {
            return false;
        }
    }
    return true;
}

bool read_fields(od::object& root, Fields& f) {
    for (auto field : root) {
        std::string_view key;
        od::value v;
        if (!read_member(field, &key, &v)) {
            return false;
        }
        bool intact = true;
        if (key == "output_index") {
            f.has_index = v.get_uint64().get(f.output_index) == simdjson::SUCCESS;
        } else if (key == "delta") {
            intact = read_string(v, &f.delta);
        } else if (key == "arguments") {
            intact = read_string(v, &f.arguments);
        } else if (key == "code") {
            intact = read_string(v, &f.code);
        } else if (key == "message") {
            intact = read_string(v, &f.message);
        } else if (key == "item") {
            intact = read_strings(v, {"type", "call_id", "name", "arguments"},
                                  {&f.item_type, &f.call_id, &f.name, &f.arguments});
        } else if (key == "response") {
            intact = read_response(v, f);
        }
        if (!intact) {
            return false;
        }
    }
    return true;
}

class ResponsesDecoder final : public Decoder {
  public:
    void reset() override {
        items_.clear();
        next_tool_ = 0;
        started_ = false;
    }

    bool on_event(const SseEvent& event, Pipe& pipe) override {
        // The payload's type is authoritative; the event name stands in when it has none.
        std::string_view type = json_top_level_string(event.data, "type");
        if (type.empty()) {
            type = event.event;
        }
        if (type.empty()) {
            return false;
        }
        if (type == "error" && !json_top_level_member(event.data, "error").empty()) {
            // {"type":"error","error":{...}}: already an envelope.
            const std::string_view err = json_top_level_member(event.data, "error");
            pipe.error(error_status_for_type(unquote(json_find_member(err, "code"))), event.data);
            return true;
        }
        od::document doc;
        od::object root;
        if (!open_event_object(pipe.arena(), event.data, &doc, &root)) {
            return false;
        }
        Fields f;
        if (!read_fields(root, f)) {
            return false;
        }
        dispatch(type, f, pipe);
        return true;
    }

    bool on_eof(Pipe&) override { return false; }  // no terminal event: cut

  private:
    struct Item {
        ItemKind kind = ItemKind::none;
        uint32_t tool = 0;
        bool args_sent = false;
        bool ended = false;
    };

    void dispatch(std::string_view type, const Fields& f, Pipe& pipe) {
        if (type == "response.created" || type == "response.in_progress" ||
            type == "response.queued") {
            start(pipe, f.model);
        } else if (type == "response.output_text.delta" || type == "response.refusal.delta") {
            send_text(pipe, DeltaKind::text, f.delta, 0);
        } else if (type == "response.reasoning_summary_text.delta" ||
                   type == "response.reasoning_text.delta") {
            send_text(pipe, DeltaKind::reasoning, f.delta, 0);
        } else if (type == "response.output_item.added") {
            item_added(f, pipe);
        } else if (type == "response.function_call_arguments.delta") {
            args(f, f.delta, pipe);
        } else if (type == "response.function_call_arguments.done") {
            args_done(f, pipe);
        } else if (type == "response.output_item.done") {
            item_done(f, pipe);
        } else if (type == "response.completed" || type == "response.incomplete") {
            complete(f, pipe);
        } else if (type == "response.failed" || type == "error") {
            failed(f, pipe);
        }
        // Other events (content_part.*, *.done of text, summary parts, annotations, hosted
        // tools) carry nothing the IR needs: ignored, as new event types must be.
    }

    void start(Pipe& pipe, std::string_view model) {
        if (started_) {
            return;
        }
        started_ = true;
        Delta d = make_delta(DeltaKind::start);
        d.name = pipe.arena().copy(model);  // start: the model rides in `name`
        pipe.delta(d);
    }

    void send_text(Pipe& pipe, DeltaKind kind, std::string_view text, uint32_t index) {
        if (text.empty()) {
            return;
        }
        start(pipe, {});
        Delta d = make_delta(kind, index);
        d.text = text;
        pipe.delta(d);
    }

    // The item at `f.output_index`, or null when the index is missing or out of bounds.
    Item* item(const Fields& f, bool create) {
        if (!f.has_index || f.output_index >= blocks_max) {
            return nullptr;
        }
        if (items_.size() <= f.output_index) {
            if (!create) {
                return nullptr;
            }
            items_.resize(f.output_index + 1);  // grows once per stream shape, then reused
        }
        return &items_[f.output_index];
    }

    void item_added(const Fields& f, Pipe& pipe) {
        Item* it = item(f, true);
        if (it == nullptr || it->kind != ItemKind::none) {
            pipe.count_dropped();  // no index, or a second item at the same index
            return;
        }
        if (f.item_type == "message") {
            it->kind = ItemKind::message;
        } else if (f.item_type == "function_call") {
            start_call(*it, f, pipe);
        } else {
            it->kind = ItemKind::other;  // reasoning (its text comes in deltas), hosted tools
        }
    }

    void start_call(Item& it, const Fields& f, Pipe& pipe) {
        start(pipe, {});
        // A call without a name cannot be answered by any client: dropped.
        if (next_tool_ >= tool_calls_max || f.name.empty()) {
            it.kind = ItemKind::other;
            pipe.count_dropped();
            return;
        }
        it.kind = ItemKind::function_call;
        it.tool = next_tool_++;
        Delta d = make_delta(DeltaKind::tool_call_start, it.tool);
        d.id = pipe.arena().copy(f.call_id);
        d.name = pipe.arena().copy(f.name);
        pipe.delta(d);
        args_once(it, f.arguments, pipe);
    }

    void args(const Fields& f, std::string_view text, Pipe& pipe) {
        Item* it = item(f, false);
        if (it == nullptr || it->kind != ItemKind::function_call || it->ended) {
            if (!text.empty()) {
                pipe.count_dropped();
            }
            return;
        }
        if (!text.empty()) {
            it->args_sent = true;
            send_text(pipe, DeltaKind::tool_args, text, it->tool);
        }
    }

    // Arguments that arrive whole (the done event or the item) count only when no delta
    // brought them already.
    void args_once(Item& it, std::string_view text, Pipe& pipe) {
        if (!it.args_sent && !text.empty()) {
            it.args_sent = true;
            send_text(pipe, DeltaKind::tool_args, text, it.tool);
        }
    }

    void args_done(const Fields& f, Pipe& pipe) {
        Item* it = item(f, false);
        if (it != nullptr && it->kind == ItemKind::function_call && !it->ended) {
            args_once(*it, f.arguments, pipe);
        }
    }

    void item_done(const Fields& f, Pipe& pipe) {
        Item* it = item(f, true);
        if (it == nullptr) {
            return;
        }
        if (it->kind == ItemKind::none && f.item_type == "function_call") {
            start_call(*it, f, pipe);  // a call sent whole, without output_item.added
        }
        if (it->kind == ItemKind::function_call && !it->ended) {
            args_once(*it, f.arguments, pipe);
            end_call(*it, pipe);
        }
    }

    static void end_call(Item& it, Pipe& pipe) {
        it.ended = true;
        pipe.delta(make_delta(DeltaKind::tool_call_end, it.tool));
    }

    void complete(const Fields& f, Pipe& pipe) {
        start(pipe, f.model);
        for (Item& it : items_) {
            if (it.kind == ItemKind::function_call && !it.ended) {
                end_call(it, pipe);
            }
        }
        if (f.has_usage) {
            Delta u = make_delta(DeltaKind::usage);
            u.usage = f.usage;
            pipe.delta(u);
        }
        Delta d = make_delta(DeltaKind::finish);
        d.finish = f.reason == "max_output_tokens" ? FinishReason::length
                   : f.reason == "content_filter"  ? FinishReason::content_filter
                   : next_tool_ > 0                ? FinishReason::tool_calls
                                                   : FinishReason::stop;
        pipe.delta(d);
        pipe.end();
    }

    // response.failed (response.error) and the error event: an OpenAI envelope for
    // translate_error, which re-shapes it for the client.
    void failed(const Fields& f, Pipe& pipe) {
        const std::string_view code = f.code.empty() ? std::string_view("server_error") : f.code;
        ByteBuffer& env = pipe.scratch();
        env.clear();
        JsonWriter w(env);
        w.begin_object();
        w.key("error");
        w.begin_object();
        w.field("message", f.message);
        w.field("type", code);
        w.key("param");
        w.null();
        w.field("code", code);
        w.end_object();
        w.end_object();
        pipe.error(error_status_for_type(code), env.view());
    }

    std::vector<Item> items_;  // by output_index
    uint32_t next_tool_ = 0;
    bool started_ = false;
};

}  // namespace

std::unique_ptr<Decoder> make_responses_decoder() {
    return std::make_unique<ResponsesDecoder>();
}

}  // namespace rg::translate::stream
