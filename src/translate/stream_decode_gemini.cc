// Gemini streamGenerateContent?alt=sse -> IR deltas (wire-formats.md §2.4, §4.6 (b), (e)
// upstream side). Calls arrive whole: each becomes start + one args delta + end. The
// finish is held to EOF, Gemini's only terminator, and is tool_calls whenever a call was
// seen (Gemini says STOP, often in a trailing chunk, §4.9 #6). usageMetadata is a running
// total: each report overwrites the last.
#include "translate/common.h"
#include "translate/json_read.h"
#include "translate/stream_decode_common.h"
#include "translate/stream_scan.h"
#include "translate/stream_translate_internal.h"
#include "translate/translate.h"

namespace rg::translate::stream {
namespace {

class GeminiDecoder final : public Decoder {
  public:
    void reset() override {
        started_ = false;
        saw_finish_ = false;
        saw_call_ = false;
        next_tool_ = 0;
        finish_ = FinishReason::unset;
    }

    bool on_event(const SseEvent& event, Pipe& pipe) override {
        const std::string_view err = json_top_level_member(event.data, "error");
        if (!err.empty() && err.front() == '{') {
            pipe.error(error_code(err), event.data);
            return true;
        }
        od::document doc;
        od::object root;
        if (!open_event_object(pipe.arena(), event.data, &doc, &root)) {
            return false;
        }
        if (!started_) {
            // modelVersion usually comes last in the chunk: a cheap scan finds it first.
            // The document opened above, so its bytes are valid UTF-8.
            started_ = true;
            Delta d = make_delta(DeltaKind::start);
            d.name = pipe.arena().copy(json_top_level_string(event.data, "modelVersion"));
            pipe.delta(d);
        }
        // One pass over the chunk: usage is read, candidates kept as raw text. Usage goes
        // out first, so a client's message_start can carry the prompt count (§4.6 (e)).
        // (Looking fields up out of order instead is unsafe on broken JSON: simdjson may
        // not walk a document again after an error.)
        Delta usage = make_delta(DeltaKind::usage);
        bool has_usage = false;
        std::string_view candidates;
        for (auto field : root) {
            std::string_view key;
            od::value v;
            if (!read_member(field, &key, &v)) {
                return false;
            }
            if (key_is(key, "usageMetadata", "usage_metadata")) {
                if (!parse_gemini_usage(v, &usage.usage).ok()) {
                    return false;
                }
                has_usage = true;
            } else if (key == "candidates") {
                if (raw_value(v, &candidates) != simdjson::SUCCESS) {
                    return false;
                }
            }
        }
        if (!document_at_end(doc)) {
            return false;
        }
        if (has_usage) {
            pipe.delta(usage);
        }
        return candidates.empty() || read_candidates(candidates, pipe);  // usage-only chunk
    }

    bool on_eof(Pipe& pipe) override {
        if (!saw_finish_) {
            return false;  // the last chunk carries finishReason: without it, cut
        }
        Delta f = make_delta(DeltaKind::finish);
        f.finish = saw_call_ ? FinishReason::tool_calls : finish_;
        pipe.delta(f);
        pipe.end();
        return true;
    }

  private:
    static int error_code(std::string_view err) {
        const std::string_view v = json_find_member(err, "code");
        int code = 0;
        for (char ch : v) {
            if (ch < '0' || ch > '9' || code > 999) {
                break;
            }
            code = code * 10 + (ch - '0');
        }
        return code >= 400 && code <= 599 ? code : 500;
    }

    // The first candidate only. Parsed with the Arena's second parser: the chunk's
    // document is done with.
    static bool read_candidates_array(od::array& array, GeminiDecoder& self, Pipe& pipe) {
        for (auto item : array) {
            od::object candidate;
            if (item.get_object().get(candidate) != simdjson::SUCCESS) {
                return false;
            }
            return self.read_candidate(candidate, pipe);
        }
        return true;
    }

    bool read_candidates(std::string_view raw, Pipe& pipe) {
        const simdjson::padded_string_view copy = scratch_copy(pipe.arena(), raw);
        od::document doc;
        od::array array;
        if (pipe.arena().parsers().walker.iterate(copy).get(doc) != simdjson::SUCCESS ||
            doc.get_array().get(array) != simdjson::SUCCESS) {
            return false;
        }
        return read_candidates_array(array, *this, pipe);
    }

    bool read_candidate(od::object& candidate, Pipe& pipe) {
        for (auto field : candidate) {
            std::string_view key;
            od::value v;
            if (!read_member(field, &key, &v)) {
                return false;
            }
            if (key == "content") {
                od::object content;
                od::array parts;
                if (v.get_object().get(content) != simdjson::SUCCESS) {
                    return false;
                }
                const auto p = content.find_field_unordered("parts").get_array().get(parts);
                if (p == simdjson::NO_SUCH_FIELD) {
                    continue;
                }
                if (p != simdjson::SUCCESS) {
                    return false;
                }
                for (auto part : parts) {
                    od::object o;
                    if (part.get_object().get(o) != simdjson::SUCCESS || !read_part(o, pipe)) {
                        return false;
                    }
                }
            } else if (key_is(key, "finishReason", "finish_reason")) {
                std::string_view reason;
                if (v.get_string().get(reason) == simdjson::SUCCESS) {
                    finish_ = finish_from_gemini(reason);
                    saw_finish_ = true;
                }
            }
        }
        return true;
    }

    bool read_part(od::object& part, Pipe& pipe) {
        std::string_view text, signature, name, id, args;
        bool thought = false, has_text = false, call = false;
        for (auto field : part) {
            std::string_view key;
            od::value v;
            if (!read_member(field, &key, &v)) {
                return false;
            }
            if (key == "text") {
                has_text = v.get_string().get(text) == simdjson::SUCCESS;
            } else if (key == "thought") {
                if (v.get_bool().get(thought) != simdjson::SUCCESS) {
                    thought = false;
                }
            } else if (key_is(key, "thoughtSignature", "thought_signature")) {
                if (v.get_string().get(signature) != simdjson::SUCCESS) {
                    signature = {};
                }
            } else if (key_is(key, "functionCall", "function_call")) {
                call = true;
                if (!read_call(v, &name, &id, &args)) {
                    return false;
                }
            }
        }
        if (call) {
            send_call(pipe, name, id, args, signature);
        } else if (has_text && !text.empty()) {  // the trailing "" part is no content
            Delta d = make_delta(thought ? DeltaKind::reasoning : DeltaKind::text);
            d.text = text;
            pipe.delta(d);
        }
        return true;
    }

    static bool read_call(od::value& v, std::string_view* name, std::string_view* id,
                          std::string_view* args) {
        od::object fc;
        if (v.get_object().get(fc) != simdjson::SUCCESS) {
            return false;
        }
        for (auto field : fc) {
            std::string_view key;
            od::value fv;
            if (!read_member(field, &key, &fv)) {
                return false;
            }
            if (key == "name") {
                if (fv.get_string().get(*name) != simdjson::SUCCESS) {
                    return false;
                }
            } else if (key == "id") {
                if (fv.get_string().get(*id) != simdjson::SUCCESS) {
                    *id = {};
                }
            } else if (key == "args") {
                if (raw_value(fv, args) != simdjson::SUCCESS) {
                    return false;
                }
            }
        }
        return true;
    }

    void send_call(Pipe& pipe, std::string_view name, std::string_view id, std::string_view args,
                   std::string_view signature) {
        if (next_tool_ >= tool_calls_max || name.empty()) {
            pipe.count_dropped();  // a call without a name cannot be answered
            return;
        }
        saw_call_ = true;
        const uint32_t index = next_tool_++;
        Delta d = make_delta(DeltaKind::tool_call_start, index);
        d.id = id;  // usually none: the client's encoder mints one
        d.name = name;
        d.signature = signature;
        pipe.delta(d);
        Delta a = make_delta(DeltaKind::tool_args, index);
        // A call without args has none to send (§4.9 #2): "{}".
        a.text = args.empty() || args.front() != '{' ? std::string_view("{}")
                                                     : compact_json(pipe.arena(), args);
        pipe.delta(a);
        pipe.delta(make_delta(DeltaKind::tool_call_end, index));
    }

    bool started_ = false;
    bool saw_finish_ = false;
    bool saw_call_ = false;
    uint32_t next_tool_ = 0;
    FinishReason finish_ = FinishReason::unset;
};

}  // namespace

std::unique_ptr<Decoder> make_gemini_decoder() {
    return std::make_unique<GeminiDecoder>();
}

}  // namespace rg::translate::stream
