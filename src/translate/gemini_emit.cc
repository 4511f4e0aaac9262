// IR -> Gemini generateContent request body (wire-formats.md §4.1, §4.2 "OpenAI <->
// Gemini", "Anthropic <-> Gemini", §4.9 #7, #8, #10, #12, #13).
#include "translate/common.h"
#include "translate/formats.h"

namespace rg::translate {
namespace {

constexpr std::string_view placeholder_text = "(continued)";
constexpr std::string_view no_result_json = R"({"error":"no result"})";
// Community workaround for Gemini 3's signature check on foreign history (§4.9 #8).
constexpr std::string_view signature_sentinel = "skip_thought_signature_validator";

bool emittable(const Block& b) {
    switch (b.kind) {
        case BlockKind::text:
            return !b.text.empty();
        case BlockKind::thinking:
            return b.origin == Format::gemini;  // only Gemini's own thoughts go back
        case BlockKind::redacted_thinking:
            return false;
        default:
            return true;
    }
}

bool has_emittable(const Request& r, const Message& m) {
    for (uint32_t i = 0; i < m.count; ++i) {
        if (emittable(r.blocks[m.first + i])) {
            return true;
        }
    }
    return false;
}

struct Turn {
    Role role = Role::user;
    size_t begin = 0;
    size_t end = 0;
};

class ContentEmitter {
  public:
    ContentEmitter(const Request& r, const EmitOptions& o, Arena& arena, JsonWriter& w)
        : r_(r), o_(o), arena_(arena), w_(w) {}

    void run() {
        w_.key("contents");
        w_.begin_array();
        Turn t;
        bool open = false;
        for (size_t i = 0; i < r_.messages.size(); ++i) {
            const Message& m = r_.messages[i];
            if (!has_emittable(r_, m)) {
                continue;
            }
            if (open && m.role == t.role) {
                t.end = i + 1;
                continue;
            }
            if (open) {
                flush(t);
            }
            t = Turn{m.role, i, i + 1};
            open = true;
        }
        if (open) {
            flush(t);
        }
        if (pending_calls_ > 0) {
            begin_content("user");
            answer_missing(Turn{});
            end_content();
        }
        w_.end_array();
    }

  private:
    void flush(const Turn& t) {
        if (first_ && t.role == Role::assistant) {
            // Never start with a model turn (§4.9 #10).
            begin_content("user");
            write_text(placeholder_text, {});
            end_content();
        }
        first_ = false;
        if (t.role == Role::user) {
            user_turn(t);
        } else {
            model_turn(t);
        }
    }

    template <typename F>
    void each_block(const Turn& t, F&& f) {
        for (size_t i = t.begin; i < t.end; ++i) {
            const Message& m = r_.messages[i];
            for (uint32_t j = 0; j < m.count; ++j) {
                const Block& b = r_.blocks[m.first + j];
                if (emittable(b)) {
                    f(b, static_cast<uint32_t>(m.first + j));
                }
            }
        }
    }

    void begin_content(std::string_view role) {
        w_.begin_object();
        w_.field("role", role);
        w_.key("parts");
        w_.begin_array();
    }
    void end_content() {
        w_.end_array();
        w_.end_object();
    }

    void write_text(std::string_view text, std::string_view signature) {
        w_.begin_object();
        w_.field("text", text);
        if (!signature.empty()) {
            w_.field("thoughtSignature", signature);
        }
        w_.end_object();
    }

    void write_media(const Block& b) {
        w_.begin_object();
        if (b.url.empty()) {
            w_.key("inlineData");
            w_.begin_object();
            w_.field("mimeType", b.media_type);
            w_.field("data", b.data);
        } else {
            // The Developer API reliably reads only File-API/GCS URIs; other URLs are passed
            // as they are (the gateway never fetches them).
            w_.key("fileData");
            w_.begin_object();
            if (!b.media_type.empty()) {
                w_.field("mimeType", b.media_type);
            }
            w_.field("fileUri", b.url);
        }
        w_.end_object();
        w_.end_object();
    }

    // functionResponse.response must be an object (§4.9 #13): an object result goes as it
    // is, other JSON and plain text are wrapped as {"result": ...} ({"error": ...} when the
    // result is an error, §4.2).
    void write_response_value(const Block& b) {
        const std::string_view wrap_key = b.is_error ? "error" : "result";
        const JsonKind kind = b.content_is_json ? JsonKind::object : check_json(arena_, b.text);
        if (kind == JsonKind::object && !b.is_error) {
            w_.raw(b.text);
            return;
        }
        w_.begin_object();
        if (kind == JsonKind::invalid) {
            w_.field(wrap_key, b.text);
        } else {
            w_.field_raw(wrap_key, b.text);
        }
        w_.end_object();
    }

    void write_function_response(std::string_view name, std::string_view id, const Block* b) {
        w_.begin_object();
        w_.key("functionResponse");
        w_.begin_object();
        w_.field("name", name);
        w_.key("response");
        if (b == nullptr) {
            w_.raw(no_result_json);
        } else {
            write_response_value(*b);
        }
        if (!id.empty()) {
            w_.field("id", id);
        }
        w_.end_object();
        w_.end_object();
    }

    const Block* pending_call(std::string_view id) const {
        for (uint32_t i = 0; i < pending_calls_; ++i) {
            const Block& c = r_.blocks[call_index_[i]];
            if (c.id == id) {
                return &c;
            }
        }
        return nullptr;
    }

    // Responses for the previous model turn's calls that `t` does not answer: Gemini wants
    // as many responses as calls (§4.9 #10).
    void answer_missing(const Turn& t) {
        for (uint32_t i = 0; i < pending_calls_; ++i) {
            const Block& call = r_.blocks[call_index_[i]];
            bool found = false;
            each_block(t, [&](const Block& b, uint32_t) {
                found |= b.kind == BlockKind::tool_result && b.id == call.id;
            });
            if (!found) {
                write_function_response(
                    call.name, call.id_synthesized ? std::string_view() : call.id, nullptr);
            }
        }
    }

    // One content with every function response, then the rest of the turn in a content of
    // its own: the response turn holds nothing else (§4.2, opencode PR 43479).
    void user_turn(const Turn& t) {
        bool results = pending_calls_ > 0;
        each_block(t, [&](const Block& b, uint32_t) {
            results |= b.kind == BlockKind::tool_result && pending_call(b.id) != nullptr;
        });
        if (results) {
            begin_content("user");
            each_block(t, [&](const Block& b, uint32_t) {
                if (b.kind != BlockKind::tool_result) {
                    return;
                }
                if (const Block* call = pending_call(b.id)) {
                    write_function_response(
                        call->name, call->id_synthesized ? std::string_view() : call->id, &b);
                }
            });
            answer_missing(t);
            end_content();
        }
        bool rest = false;
        each_block(t, [&](const Block& b, uint32_t) {
            rest |= b.kind != BlockKind::tool_result || pending_call(b.id) == nullptr;
        });
        if (rest) {
            begin_content("user");
            each_block(t, [&](const Block& b, uint32_t) {
                if (b.kind == BlockKind::text) {
                    write_text(b.text, {});
                } else if (b.kind == BlockKind::image || b.kind == BlockKind::document) {
                    write_media(b);
                } else if (b.kind == BlockKind::tool_result && pending_call(b.id) == nullptr) {
                    // A result for no call of the previous turn: kept as text.
                    const std::string_view parts[] = {"Tool result (", b.name, "): ", b.text};
                    write_text(arena_.join(parts, 4, ""), {});
                }
            });
            end_content();
        }
        pending_calls_ = 0;
    }

    void model_turn(const Turn& t) {
        begin_content("model");
        pending_calls_ = 0;
        bool first_call = true;
        each_block(t, [&](const Block& b, uint32_t index) {
            if (b.kind == BlockKind::thinking) {
                w_.begin_object();
                w_.field("text", b.text);
                w_.field_bool("thought", true);
                if (!b.signature.empty()) {
                    w_.field("thoughtSignature", b.signature);
                }
                w_.end_object();
            } else if (b.kind == BlockKind::text) {
                write_text(b.text, b.signature);
            } else if (b.kind == BlockKind::tool_call) {
                w_.begin_object();
                w_.key("functionCall");
                w_.begin_object();
                w_.field("name", b.name);
                w_.field_raw("args", b.args.empty() ? std::string_view("{}") : b.args);
                if (!b.id_synthesized) {
                    w_.field("id", b.id);
                }
                w_.end_object();
                // Returned signatures must come back (§4.9 #8); only the first parallel
                // call carries one, so the sentinel goes on the first call only.
                if (!b.signature.empty()) {
                    w_.field("thoughtSignature", b.signature);
                } else if (first_call && o_.thought_signature_sentinel) {
                    w_.field("thoughtSignature", signature_sentinel);
                }
                w_.end_object();
                first_call = false;
                if (pending_calls_ < calls_max) {
                    call_index_[pending_calls_++] = index;
                }
            } else if (b.kind == BlockKind::image || b.kind == BlockKind::document) {
                write_media(b);
            }
        });
        end_content();
    }

    static constexpr uint32_t calls_max = 128;

    const Request& r_;
    const EmitOptions& o_;
    Arena& arena_;
    JsonWriter& w_;
    bool first_ = true;
    uint32_t call_index_[calls_max] = {};
    uint32_t pending_calls_ = 0;
};

Result<void> write_tools(JsonWriter& w, const Request& r, Arena& arena) {
    if (r.tools.empty()) {
        return ok_result();
    }
    // All declarations in one tool object (§4.1 Tools).
    w.key("tools");
    w.begin_array();
    w.begin_object();
    w.key("functionDeclarations");
    w.begin_array();
    for (const Tool& t : r.tools) {
        w.begin_object();
        w.field("name", t.name);
        if (!t.description.empty()) {
            w.field("description", t.description);
        }
        if (!t.parameters.empty()) {
            w.key("parameters");
            RG_TRY(write_schema(arena, t.parameters, SchemaMode::gemini_openapi, w));
        }
        w.end_object();
    }
    w.end_array();
    w.end_object();
    w.end_array();
    if (r.tool_choice.kind == ToolChoiceKind::unset) {
        return ok_result();
    }
    w.key("toolConfig");
    w.begin_object();
    w.key("functionCallingConfig");
    w.begin_object();
    switch (r.tool_choice.kind) {
        case ToolChoiceKind::unset:
        case ToolChoiceKind::auto_:
            w.field("mode", "AUTO");
            break;
        case ToolChoiceKind::none:
            w.field("mode", "NONE");
            break;
        case ToolChoiceKind::required:
            w.field("mode", "ANY");
            break;
        case ToolChoiceKind::named:
            w.field("mode", "ANY");
            w.key("allowedFunctionNames");
            w.begin_array();
            w.string(r.tool_choice.name);
            w.end_array();
            break;
    }
    w.end_object();
    w.end_object();
    return ok_result();
}

void write_number(JsonWriter& w, std::string_view key, const Number& n) {
    if (n.set) {
        w.field_raw(key, n.raw);
    }
}

bool has_generation_config(const Request& r) {
    return r.temperature.set || r.top_p.set || r.top_k.set || r.n > 0 || r.has_max_tokens ||
           !r.stop.empty() || r.presence_penalty.set || r.frequency_penalty.set || r.seed.set ||
           r.response_format.kind == ResponseFormatKind::json_object ||
           r.response_format.kind == ResponseFormatKind::json_schema || r.reasoning.has_budget ||
           r.reasoning.effort != Effort::unset || r.reasoning.include_thoughts != Tri::unset;
}

Result<void> write_generation_config(JsonWriter& w, const Request& r, Arena& arena) {
    if (!has_generation_config(r)) {
        return ok_result();
    }
    w.key("generationConfig");
    w.begin_object();
    write_number(w, "temperature", r.temperature);
    write_number(w, "topP", r.top_p);
    write_number(w, "topK", r.top_k);
    if (r.n > 0) {
        w.field_uint("candidateCount", r.n);
    }
    if (r.has_max_tokens) {
        w.field_uint("maxOutputTokens", r.max_tokens);
    }
    if (!r.stop.empty()) {
        w.key("stopSequences");
        w.begin_array();
        for (size_t i = 0; i < r.stop.size() && i < 5; ++i) {  // at most 5 (§4.9 #20)
            w.string(r.stop[i]);
        }
        w.end_array();
    }
    write_number(w, "presencePenalty", r.presence_penalty);
    write_number(w, "frequencyPenalty", r.frequency_penalty);
    write_number(w, "seed", r.seed);
    const ResponseFormat& rf = r.response_format;
    if (rf.kind == ResponseFormatKind::json_object || rf.kind == ResponseFormatKind::json_schema) {
        w.field("responseMimeType", "application/json");
        if (rf.kind == ResponseFormatKind::json_schema && !rf.schema.empty()) {
            w.key("responseJsonSchema");
            RG_TRY(write_schema(arena, rf.schema, SchemaMode::gemini_json, w));
        }
    }
    const Reasoning& re = r.reasoning;
    if (re.has_budget || re.effort != Effort::unset || re.include_thoughts != Tri::unset) {
        w.key("thinkingConfig");
        w.begin_object();
        if (re.has_budget) {
            w.key("thinkingBudget");
            w.integer(re.budget_tokens);
        } else if (re.effort != Effort::unset) {
            w.key("thinkingBudget");
            w.integer(effort_budget_tokens(re.effort));
        }
        if (re.include_thoughts != Tri::unset) {
            w.field_bool("includeThoughts", re.include_thoughts == Tri::yes);
        }
        w.end_object();
    }
    w.end_object();
    return ok_result();
}

}  // namespace

Result<void> emit_gemini_request(const Request& r, const EmitOptions& o, Arena& arena,
                                 ByteBuffer& out) {
    bool any = false;
    for (const Message& m : r.messages) {
        any |= has_emittable(r, m);
    }
    if (!any) {
        return bad_input(Side::downstream, "the request has no message with content");
    }
    JsonWriter w(out);
    w.begin_object();
    ContentEmitter(r, o, arena, w).run();
    std::vector<std::string_view>& texts = arena.parsers().texts;
    texts.clear();
    for (std::string_view s : r.system) {
        if (!s.empty()) {
            texts.push_back(s);
        }
    }
    if (!texts.empty()) {
        w.key("systemInstruction");
        w.begin_object();
        w.key("parts");
        w.begin_array();
        w.begin_object();
        w.field("text", arena.join(texts.data(), texts.size(), "\n\n"));
        w.end_object();
        w.end_array();
        w.end_object();
    }
    RG_TRY(write_tools(w, r, arena));
    RG_TRY(write_generation_config(w, r, arena));
    w.end_object();
    return ok_result();
}

}  // namespace rg::translate
