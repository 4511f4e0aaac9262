// OpenAI Chat Completions stream -> IR deltas (wire-formats.md §2.2.1, §4.6 (a)-(d) upstream
// side). Tool calls are keyed by the chunk's `index` (dense in OpenAI, §4.9 #1); a call whose
// arguments arrive before its name is held until the name comes (§4.6 (c)). The finish is
// held until [DONE] so it follows every tool call's end.
#include "translate/common.h"
#include "translate/json_read.h"
#include "translate/stream_decode_common.h"
#include "translate/stream_scan.h"
#include "translate/stream_translate_internal.h"
#include "translate/translate.h"

namespace rg::translate::stream {
namespace {

struct ToolSlot {
    bool started = false;
    uint32_t ir_index = 0;
    std::string_view id;  // in the Arena
    std::string_view name;
    ByteBuffer held_args;  // arguments before the name arrived
};

class OpenAiChatDecoder final : public Decoder {
  public:
    void reset() override {
        for (uint32_t i = 0; i < slots_used_; ++i) {
            ToolSlot& s = slots_[i];
            s.started = false;
            s.id = s.name = {};
            s.held_args.clear();
        }
        slots_used_ = 0;
        next_tool_ = 0;
        started_ = false;
        finish_ = FinishReason::unset;
        last_slot_ = 0;
    }

    bool on_event(const SseEvent& event, Pipe& pipe) override {
        if (event.data == "[DONE]") {
            end(pipe);
            return true;
        }
        if (event.event == "error" || !json_top_level_member(event.data, "error").empty()) {
            const std::string_view err = json_top_level_member(event.data, "error");
            if (!err.empty() && err.front() != 'n') {  // "error": null is no error
                const std::string_view type = json_find_member(err, "type");
                pipe.error(error_status_for_type(unquote(type)), event.data);
                return true;
            }
        }
        od::document doc;
        od::object root;
        if (!open_event_object(pipe.arena(), event.data, &doc, &root)) {
            return false;
        }
        return read_chunk(root, pipe);
    }

    bool on_eof(Pipe&) override { return false; }  // no [DONE]: cut

  private:
    bool read_chunk(od::object& root, Pipe& pipe) {
        for (auto field : root) {
            std::string_view key;
            od::value v;
            if (!read_member(field, &key, &v)) {
                return false;
            }
            if (key == "model" && !started_) {
                std::string_view model;
                if (v.get_string().get(model) == simdjson::SUCCESS) {
                    start(pipe, model);
                }
            } else if (key == "choices") {
                start(pipe, {});
                if (!read_choices(v, pipe)) {
                    return false;
                }
            } else if (key == "usage") {
                bool is_null = false;
                if (v.is_null().get(is_null) == simdjson::SUCCESS && is_null) {
                    continue;
                }
                Delta d = make_delta(DeltaKind::usage);
                if (!parse_openai_usage(v, &d.usage).ok()) {
                    return false;
                }
                pipe.delta(d);
            }
        }
        return true;
    }

    void start(Pipe& pipe, std::string_view model) {
        if (started_) {
            return;
        }
        started_ = true;
        Delta d = make_delta(DeltaKind::start);
        d.name = model;  // start: the model rides in `name`
        pipe.delta(d);
    }

    bool read_choices(od::value& v, Pipe& pipe) {
        od::array choices;
        bool is_null = false;
        if (v.is_null().get(is_null) == simdjson::SUCCESS && is_null) {
            return true;  // vLLM's usage chunk (§4.9 #19)
        }
        if (v.get_array().get(choices) != simdjson::SUCCESS) {
            return false;
        }
        for (auto item : choices) {
            od::object choice;
            if (item.get_object().get(choice) != simdjson::SUCCESS) {
                return false;
            }
            if (!read_choice(choice, pipe)) {
                return false;
            }
        }
        return true;
    }

    bool read_choice(od::object& choice, Pipe& pipe) {
        for (auto field : choice) {
            std::string_view key;
            od::value v;
            if (!read_member(field, &key, &v)) {
                return false;
            }
            if (key == "index") {
                uint64_t index = 0;
                if (v.get_uint64().get(index) == simdjson::SUCCESS && index != 0) {
                    return true;  // the first choice only (n > 1 is not translated)
                }
            } else if (key == "delta") {
                od::object delta;
                if (v.get_object().get(delta) != simdjson::SUCCESS) {
                    return false;
                }
                if (!read_delta(delta, pipe)) {
                    return false;
                }
            } else if (key == "finish_reason") {
                std::string_view reason;
                if (v.get_string().get(reason) == simdjson::SUCCESS) {
                    finish_ = finish_from_openai(reason);
                }
            }
        }
        return true;
    }

    bool read_delta(od::object& delta, Pipe& pipe) {
        for (auto field : delta) {
            std::string_view key;
            od::value v;
            if (!read_member(field, &key, &v)) {
                return false;
            }
            std::string_view text;
            if (key == "content" || key == "refusal") {
                if (v.get_string().get(text) == simdjson::SUCCESS && !text.empty()) {
                    Delta d = make_delta(DeltaKind::text);
                    d.text = text;
                    pipe.delta(d);
                }
            } else if (key == "reasoning_content" || key == "reasoning") {
                if (v.get_string().get(text) == simdjson::SUCCESS && !text.empty()) {
                    Delta d = make_delta(DeltaKind::reasoning);
                    d.text = text;
                    pipe.delta(d);
                }
            } else if (key == "tool_calls") {
                od::array calls;
                bool is_null = false;
                if (v.is_null().get(is_null) == simdjson::SUCCESS && is_null) {
                    continue;
                }
                if (v.get_array().get(calls) != simdjson::SUCCESS) {
                    return false;
                }
                for (auto call : calls) {
                    od::object o;
                    if (call.get_object().get(o) != simdjson::SUCCESS || !read_call(o, pipe)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    bool read_call(od::object& call, Pipe& pipe) {
        bool has_index = false;
        uint64_t index = 0;
        std::string_view id, name, args;
        for (auto field : call) {
            std::string_view key;
            od::value v;
            if (!read_member(field, &key, &v)) {
                return false;
            }
            if (key == "index") {
                has_index = v.get_uint64().get(index) == simdjson::SUCCESS;
            } else if (key == "id") {
                if (v.get_string().get(id) != simdjson::SUCCESS) {
                    id = {};
                }
            } else if (key == "function") {
                od::object fn;
                if (v.get_object().get(fn) != simdjson::SUCCESS) {
                    return false;
                }
                for (auto f : fn) {
                    std::string_view k;
                    od::value fv;
                    if (!read_member(f, &k, &fv)) {
                        return false;
                    }
                    if (k == "name") {
                        if (fv.get_string().get(name) != simdjson::SUCCESS) {
                            name = {};
                        }
                    } else if (k == "arguments") {
                        if (fv.get_string().get(args) != simdjson::SUCCESS) {
                            args = {};
                        }
                    }
                }
            }
        }
        // Compatible upstreams may omit `index` (§4.9 #19): a delta with an id starts the
        // next call, one without continues the last.
        if (!has_index) {
            index = (!id.empty() && slots_used_ > 0 && slot(last_slot_).started) ? slots_used_
                                                                                 : last_slot_;
        }
        if (index >= tool_calls_max) {
            pipe.count_dropped();
            return true;
        }
        last_slot_ = static_cast<uint32_t>(index);
        ToolSlot& s = slot(last_slot_);
        if (!id.empty() && s.id.empty()) {
            s.id = pipe.arena().copy(id);
        }
        if (!name.empty() && s.name.empty()) {
            s.name = pipe.arena().copy(name);
        }
        if (!s.started && !s.name.empty()) {
            s.started = true;
            s.ir_index = next_tool_++;
            Delta d = make_delta(DeltaKind::tool_call_start, s.ir_index);
            d.id = s.id;
            d.name = s.name;
            pipe.delta(d);
            if (s.held_args.size() > 0) {
                Delta a = make_delta(DeltaKind::tool_args, s.ir_index);
                a.text = s.held_args.view();
                pipe.delta(a);
                s.held_args.clear();
            }
        }
        if (!args.empty()) {
            if (s.started) {
                Delta a = make_delta(DeltaKind::tool_args, s.ir_index);
                a.text = args;
                pipe.delta(a);
            } else {
                s.held_args.append(args);
            }
        }
        return true;
    }

    ToolSlot& slot(uint32_t index) {
        if (slots_.size() <= index) {
            slots_.resize(index + 1);  // grows once per stream shape, then reused
        }
        if (slots_used_ <= index) {
            slots_used_ = index + 1;
        }
        return slots_[index];
    }

    void end(Pipe& pipe) {
        start(pipe, {});
        // Every started call ends, in the order they started.
        for (uint32_t ir = 0; ir < next_tool_; ++ir) {
            for (uint32_t i = 0; i < slots_used_; ++i) {
                if (slots_[i].started && slots_[i].ir_index == ir) {
                    pipe.delta(make_delta(DeltaKind::tool_call_end, ir));
                }
            }
        }
        for (uint32_t i = 0; i < slots_used_; ++i) {
            if (!slots_[i].started && slots_[i].held_args.size() > 0) {
                pipe.count_dropped();  // arguments of a call that never got a name
            }
        }
        Delta f = make_delta(DeltaKind::finish);
        f.finish = finish_;
        pipe.delta(f);
        pipe.end();
    }

    std::vector<ToolSlot> slots_;
    uint32_t slots_used_ = 0;
    uint32_t next_tool_ = 0;
    uint32_t last_slot_ = 0;
    bool started_ = false;
    FinishReason finish_ = FinishReason::unset;
};

}  // namespace

std::unique_ptr<Decoder> make_openai_chat_decoder() {
    return std::make_unique<OpenAiChatDecoder>();
}

}  // namespace rg::translate::stream
