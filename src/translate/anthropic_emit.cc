// IR -> Anthropic Messages request body (wire-formats.md §4.1, §4.2 "OpenAI -> Anthropic",
// §4.9 #3, #4, #9, #11, #20, #21).
#include <algorithm>

#include "translate/common.h"
#include "translate/formats.h"

namespace rg::translate {
namespace {

// The user turn put first when a history starts with the assistant (§4.2 rule 4).
constexpr std::string_view placeholder_text = "(continued)";
// JSON mode has no Anthropic flag: the instruction goes into the system prompt (§4.1).
constexpr std::string_view json_mode_text = "Respond with a single valid JSON object only.";
// A call the history never answered gets this result (§4.2 rule 5).
constexpr std::string_view no_result_text = "no result";
// Anthropic's smallest thinking.budget_tokens.
constexpr int64_t thinking_budget_min = 1024;

// Blocks Anthropic accepts, given where they are.
bool emittable(const Block& b) {
    switch (b.kind) {
        case BlockKind::text:
            return !is_blank(b.text);  // "text content blocks must be non-empty" (§4.9 #3)
        case BlockKind::thinking:
        case BlockKind::redacted_thinking:
            // Signatures are provider-bound: only Anthropic's own go back (§4.9 #9).
            return b.origin == Format::anthropic;
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

// A run of messages [begin, end) with the same role once empty ones are skipped.
struct Turn {
    Role role = Role::user;
    size_t begin = 0;
    size_t end = 0;
};

class TurnEmitter {
  public:
    TurnEmitter(const Request& r, Arena& arena, JsonWriter& w) : r_(r), arena_(arena), w_(w) {}

    void run() {
        w_.key("messages");
        w_.begin_array();
        Turn t;
        bool open = false;
        bool first = true;
        for (size_t i = 0; i < r_.messages.size(); ++i) {
            const Message& m = r_.messages[i];
            if (!has_emittable(r_, m)) {
                continue;
            }
            if (open && m.role == t.role) {
                t.end = i + 1;  // merge consecutive same-role turns
                continue;
            }
            if (open) {
                flush(t, &first);
            }
            t = Turn{m.role, i, i + 1};
            open = true;
        }
        if (open) {
            flush(t, &first);
        }
        if (pending_calls_ > 0) {
            // The history ends with unanswered calls: answer them so the turn is valid.
            begin_turn(Role::user);
            answer_missing(Turn{Role::user, 0, 0});
            end_turn();
        }
        w_.end_array();
    }

  private:
    void flush(const Turn& t, bool* first) {
        if (*first && t.role == Role::assistant) {
            w_.begin_object();
            w_.field("role", "user");
            w_.field("content", placeholder_text);
            w_.end_object();
        }
        *first = false;
        if (t.role == Role::user) {
            user_turn(t);
        } else {
            if (pending_calls_ > 0) {
                begin_turn(Role::user);
                answer_missing(Turn{Role::user, 0, 0});
                end_turn();
            }
            assistant_turn(t);
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

    void begin_turn(Role role) {
        w_.begin_object();
        w_.field("role", role == Role::user ? "user" : "assistant");
        w_.key("content");
        w_.begin_array();
    }
    void end_turn() {
        w_.end_array();
        w_.end_object();
    }

    void write_text(std::string_view text) {
        w_.begin_object();
        w_.field("type", "text");
        w_.field("text", text);
        w_.end_object();
    }

    void write_media(const Block& b) {
        w_.begin_object();
        w_.field("type", b.kind == BlockKind::image ? "image" : "document");
        w_.key("source");
        w_.begin_object();
        if (b.url.empty()) {
            w_.field("type", "base64");
            w_.field("media_type", b.media_type);
            w_.field("data", b.data);
        } else {
            w_.field("type", "url");
            w_.field("url", b.url);
        }
        w_.end_object();
        w_.end_object();
    }

    void write_result(std::string_view id, std::string_view text, bool is_error) {
        w_.begin_object();
        w_.field("type", "tool_result");
        w_.field("tool_use_id", id);
        if (!text.empty()) {
            w_.field("content", text);
        }
        if (is_error) {
            w_.field_bool("is_error", true);
        }
        w_.end_object();
    }

    bool answered_by_previous(std::string_view id) const {
        for (uint32_t i = 0; i < pending_calls_; ++i) {
            if (r_.blocks[call_index_[i]].id == id) {
                return true;
            }
        }
        return false;
    }

    // Error results for the previous assistant turn's calls that `t` does not answer.
    void answer_missing(const Turn& t) {
        for (uint32_t i = 0; i < pending_calls_; ++i) {
            const Block& call = r_.blocks[call_index_[i]];
            bool found = false;
            each_block(t, [&](const Block& b, uint32_t) {
                found |= b.kind == BlockKind::tool_result && b.id == call.id;
            });
            if (!found) {
                write_result(call.id, no_result_text, true);
            }
        }
        pending_calls_ = 0;
    }

    // The turn's only block when it is a text: sent as a plain string, as SDKs do.
    const Block* single_text(const Turn& t) {
        const Block* only = nullptr;
        uint32_t n = 0;
        each_block(t, [&](const Block& b, uint32_t) {
            only = &b;
            ++n;
        });
        return n == 1 && only->kind == BlockKind::text ? only : nullptr;
    }

    bool write_string_turn(const Turn& t) {
        const Block* text = single_text(t);
        if (text == nullptr || (t.role == Role::user && pending_calls_ > 0)) {
            return false;
        }
        w_.begin_object();
        w_.field("role", t.role == Role::user ? "user" : "assistant");
        w_.field("content", text->text);
        w_.end_object();
        if (t.role == Role::assistant) {
            pending_calls_ = 0;
        }
        return true;
    }

    // Tool results first, then the rest (§1.2: tool_result blocks come before any text).
    void user_turn(const Turn& t) {
        if (write_string_turn(t)) {
            return;
        }
        begin_turn(Role::user);
        each_block(t, [&](const Block& b, uint32_t) {
            if (b.kind != BlockKind::tool_result) {
                return;
            }
            if (answered_by_previous(b.id)) {
                write_result(b.id, b.content_is_json ? compact_json(arena_, b.text) : b.text,
                             b.is_error);
            } else {
                // A result for no call of the previous turn is rejected by Anthropic; keep
                // its content as text.
                const std::string_view parts[] = {"Tool result (", b.id, "): ", b.text};
                write_text(arena_.join(parts, 4, ""));
            }
        });
        answer_missing(t);
        each_block(t, [&](const Block& b, uint32_t) {
            if (b.kind == BlockKind::text) {
                write_text(b.text);
            } else if (b.kind == BlockKind::image || b.kind == BlockKind::document) {
                write_media(b);
            }
        });
        end_turn();
    }

    // Thinking first, then text, then tool_use (the order Anthropic answers in).
    void assistant_turn(const Turn& t) {
        if (write_string_turn(t)) {
            return;
        }
        begin_turn(Role::assistant);
        each_block(t, [&](const Block& b, uint32_t) {
            if (b.kind == BlockKind::thinking) {
                w_.begin_object();
                w_.field("type", "thinking");
                w_.field("thinking", b.text);
                w_.field("signature", b.signature);  // byte-exact replay
                w_.end_object();
            } else if (b.kind == BlockKind::redacted_thinking) {
                w_.begin_object();
                w_.field("type", "redacted_thinking");
                w_.field("data", b.data);
                w_.end_object();
            }
        });
        each_block(t, [&](const Block& b, uint32_t) {
            if (b.kind == BlockKind::text) {
                write_text(b.text);
            }
        });
        pending_calls_ = 0;
        each_block(t, [&](const Block& b, uint32_t index) {
            if (b.kind != BlockKind::tool_call) {
                return;
            }
            w_.begin_object();
            w_.field("type", "tool_use");
            w_.field("id", b.id);
            w_.field("name", b.name);
            w_.field_raw("input", b.args.empty() ? std::string_view("{}") : b.args);
            w_.end_object();
            if (pending_calls_ < calls_max) {
                call_index_[pending_calls_++] = index;
            }
        });
        end_turn();
    }

    // Parallel calls answered in one turn; more than this many are not checked.
    static constexpr uint32_t calls_max = 128;

    const Request& r_;
    Arena& arena_;
    JsonWriter& w_;
    uint32_t call_index_[calls_max] = {};
    uint32_t pending_calls_ = 0;
};

bool thinking_on(const Request& r) {
    if (r.reasoning.has_budget) {
        return r.reasoning.budget_tokens != 0;
    }
    return r.reasoning.effort != Effort::unset && r.reasoning.effort != Effort::none;
}

int64_t thinking_budget(const Request& r) {
    int64_t budget = r.reasoning.has_budget ? r.reasoning.budget_tokens
                                            : effort_budget_tokens(r.reasoning.effort);
    if (budget < 0) {
        budget = effort_budget_tokens(Effort::medium);  // dynamic
    }
    return std::max<int64_t>(budget, thinking_budget_min);
}

void write_system(JsonWriter& w, const Request& r, Arena& arena) {
    std::vector<std::string_view>& texts = arena.parsers().texts;
    texts.clear();
    for (std::string_view s : r.system) {
        if (!is_blank(s)) {
            texts.push_back(s);
        }
    }
    if (r.response_format.kind == ResponseFormatKind::json_object) {
        texts.push_back(json_mode_text);
    }
    if (!texts.empty()) {
        w.field("system", arena.join(texts.data(), texts.size(), "\n\n"));
    }
}

Result<void> write_tools(JsonWriter& w, const Request& r, bool thinking, Arena& arena) {
    if (r.tools.empty()) {
        return ok_result();
    }
    w.key("tools");
    w.begin_array();
    for (const Tool& t : r.tools) {
        w.begin_object();
        w.field("name", t.name);
        if (!t.description.empty()) {
            w.field("description", t.description);
        }
        w.key("input_schema");
        if (t.parameters.empty()) {
            w.raw(R"({"type":"object","properties":{}})");  // required field (§4.1 Tools)
        } else if (r.source == Format::gemini) {
            RG_TRY(write_schema(arena, t.parameters, SchemaMode::lowercase_types, w));
        } else {
            w.raw(t.parameters);
        }
        w.end_object();
    }
    w.end_array();
    ToolChoiceKind kind = r.tool_choice.kind;
    if (thinking && (kind == ToolChoiceKind::required || kind == ToolChoiceKind::named)) {
        kind = ToolChoiceKind::auto_;  // extended thinking rejects a forced tool
    }
    const bool no_parallel = r.parallel_tool_calls == Tri::no && kind != ToolChoiceKind::none;
    if (kind == ToolChoiceKind::unset && !no_parallel) {
        return ok_result();
    }
    w.key("tool_choice");
    w.begin_object();
    switch (kind) {
        case ToolChoiceKind::unset:
        case ToolChoiceKind::auto_:
            w.field("type", "auto");  // disable_parallel_tool_use needs an object (§4.1)
            break;
        case ToolChoiceKind::none:
            w.field("type", "none");
            break;
        case ToolChoiceKind::required:
            w.field("type", "any");
            break;
        case ToolChoiceKind::named:
            w.field("type", "tool");
            w.field("name", r.tool_choice.name);
            break;
    }
    if (no_parallel) {
        w.field_bool("disable_parallel_tool_use", true);
    }
    w.end_object();
    return ok_result();
}

void write_sampling(JsonWriter& w, const Request& r, const EmitOptions& o, bool thinking) {
    // Thinking allows no temperature/top_k changes; newer models none at all (§4.9 #21).
    if (!o.sampling_params || thinking) {
        return;
    }
    if (r.temperature.set) {
        // Anthropic's range is 0..1: clamp, do not rescale (§4.1 Temperature).
        if (r.temperature.value > 1) {
            w.field_raw("temperature", "1");
        } else if (r.temperature.value < 0) {
            w.field_raw("temperature", "0");
        } else {
            w.field_raw("temperature", r.temperature.raw);
        }
    }
    if (r.top_p.set) {
        w.field_raw("top_p", r.top_p.raw);
    }
    if (r.top_k.set) {
        w.field_raw("top_k", r.top_k.raw);
    }
}

}  // namespace

Result<void> emit_anthropic_request(const Request& r, const EmitOptions& o, Arena& arena,
                                    ByteBuffer& out) {
    if (r.n > 1) {
        return bad_input(Side::downstream, "n > 1 is not supported by this model's provider");
    }
    bool any = false;
    for (const Message& m : r.messages) {
        any |= has_emittable(r, m);
    }
    if (!any) {
        return bad_input(Side::downstream, "the request has no message with content");
    }
    bool thinking = thinking_on(r);
    int64_t budget = thinking ? thinking_budget(r) : 0;
    uint64_t max_tokens = r.has_max_tokens           ? r.max_tokens
                          : o.default_max_tokens > 0 ? o.default_max_tokens
                                                     : default_max_tokens_fallback;
    // The budget counts toward max_tokens and must stay below it. The client's own limit
    // bounds reasoning too (OpenAI's and Gemini's include it), so the budget shrinks to fit,
    // and thinking is off when less than Anthropic's minimum is left. A default limit grows
    // instead.
    if (thinking && max_tokens <= static_cast<uint64_t>(budget)) {
        if (r.has_max_tokens) {
            budget = static_cast<int64_t>(max_tokens) - 1;
            thinking = budget >= thinking_budget_min;
        } else {
            max_tokens += static_cast<uint64_t>(budget);
        }
    }
    JsonWriter w(out);
    w.begin_object();
    w.field("model", o.model);
    w.field_uint("max_tokens", max_tokens);
    write_system(w, r, arena);
    TurnEmitter(r, arena, w).run();
    RG_TRY(write_tools(w, r, thinking, arena));
    if (std::any_of(r.stop.begin(), r.stop.end(),
                    [](std::string_view s) { return !is_blank(s); })) {
        w.key("stop_sequences");
        w.begin_array();
        for (std::string_view s : r.stop) {
            if (!is_blank(s)) {
                w.string(s);  // whitespace-only entries are rejected (§4.9 #20)
            }
        }
        w.end_array();
    }
    write_sampling(w, r, o, thinking);
    if (thinking) {
        w.key("thinking");
        w.begin_object();
        w.field("type", "enabled");
        w.key("budget_tokens");
        w.integer(budget);
        w.end_object();
    }
    if (r.response_format.kind == ResponseFormatKind::json_schema &&
        !r.response_format.schema.empty()) {
        w.key("output_config");
        w.begin_object();
        w.key("format");
        w.begin_object();
        w.field("type", "json_schema");
        w.key("schema");
        if (r.source == Format::gemini) {
            RG_TRY(write_schema(arena, r.response_format.schema, SchemaMode::lowercase_types, w));
        } else {
            w.raw(r.response_format.schema);
        }
        w.end_object();
        w.end_object();
    }
    if (!r.user.empty()) {
        w.key("metadata");
        w.begin_object();
        w.field("user_id", r.user);
        w.end_object();
    }
    if (r.stream) {
        w.field_bool("stream", true);
    }
    w.end_object();
    return ok_result();
}

}  // namespace rg::translate
