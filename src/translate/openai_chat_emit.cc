// IR -> OpenAI Chat Completions request body (wire-formats.md §4.1, §4.2 "Anthropic ->
// OpenAI" and "OpenAI <-> Gemini", read in the other direction).
#include "translate/common.h"
#include "translate/formats.h"

namespace rg::translate {
namespace {

std::string_view effort_name(Effort e) {
    switch (e) {
        case Effort::none:
            return "none";
        case Effort::minimal:
            return "minimal";
        case Effort::low:
            return "low";
        case Effort::medium:
            return "medium";
        case Effort::high:
            return "high";
        case Effort::max:
            return "xhigh";
        case Effort::unset:
            break;
    }
    return {};
}

void write_media_part(JsonWriter& w, const Block& b, Arena& arena) {
    const std::string_view url = b.url.empty() ? make_data_uri(arena, b.media_type, b.data) : b.url;
    w.begin_object();
    if (b.kind == BlockKind::image) {
        w.field("type", "image_url");
        w.key("image_url");
        w.begin_object();
        w.field("url", url);
        w.end_object();
    } else {
        w.field("type", "file");
        w.key("file");
        w.begin_object();
        w.field("file_data", url);
        w.field("filename", b.media_type == "application/pdf" ? "document.pdf" : "document");
        w.end_object();
    }
    w.end_object();
}

// A tool result as its own "tool" message; is_error has no field, so it prefixes the text.
void write_tool_message(JsonWriter& w, const Block& b, Arena& arena) {
    const std::string_view text = b.content_is_json ? compact_json(arena, b.text) : b.text;
    w.begin_object();
    w.field("role", "tool");
    w.field("tool_call_id", b.id);
    if (b.is_error) {
        const std::string_view parts[] = {"[tool_error] ", text};
        w.field("content", arena.join(parts, 2, ""));
    } else {
        w.field("content", text);
    }
    w.end_object();
}

// The user blocks other than tool results, as one user message (none when there are none).
void write_user_message(JsonWriter& w, const Request& r, const Message& m, Arena& arena) {
    const Block* first = nullptr;
    uint32_t parts = 0;
    bool only_text = true;
    for (uint32_t i = 0; i < m.count; ++i) {
        const Block& b = r.blocks[m.first + i];
        if (b.kind == BlockKind::tool_result) {
            continue;
        }
        first = first == nullptr ? &b : first;
        ++parts;
        only_text &= b.kind == BlockKind::text;
    }
    if (parts == 0) {
        return;
    }
    w.begin_object();
    w.field("role", "user");
    if (parts == 1 && only_text) {
        w.field("content", first->text);
    } else {
        w.key("content");
        w.begin_array();
        for (uint32_t i = 0; i < m.count; ++i) {
            const Block& b = r.blocks[m.first + i];
            if (b.kind == BlockKind::text) {
                w.begin_object();
                w.field("type", "text");
                w.field("text", b.text);
                w.end_object();
            } else if (b.kind == BlockKind::image || b.kind == BlockKind::document) {
                write_media_part(w, b, arena);
            }
        }
        w.end_array();
    }
    w.end_object();
}

void write_assistant_message(JsonWriter& w, const Request& r, const Message& m, Arena& arena) {
    std::vector<std::string_view>& texts = arena.parsers().texts;
    texts.clear();
    uint32_t calls = 0;
    for (uint32_t i = 0; i < m.count; ++i) {
        const Block& b = r.blocks[m.first + i];
        if (b.kind == BlockKind::text && !b.text.empty()) {
            texts.push_back(b.text);
        }
        calls += b.kind == BlockKind::tool_call ? 1 : 0;
    }
    if (texts.empty() && calls == 0) {
        return;  // thinking only: OpenAI has no input slot for it
    }
    w.begin_object();
    w.field("role", "assistant");
    w.key("content");
    if (texts.empty()) {
        w.null();
    } else {
        w.string(arena.join(texts.data(), texts.size(), ""));
    }
    if (calls > 0) {
        w.key("tool_calls");
        w.begin_array();
        for (uint32_t i = 0; i < m.count; ++i) {
            const Block& b = r.blocks[m.first + i];
            if (b.kind != BlockKind::tool_call) {
                continue;
            }
            w.begin_object();
            w.field("id", b.id);
            w.field("type", "function");
            w.key("function");
            w.begin_object();
            w.field("name", b.name);
            w.field("arguments", compact_json(arena, b.args));  // the object as a string
            w.end_object();
            w.end_object();
        }
        w.end_array();
    }
    w.end_object();
}

Result<void> write_messages(JsonWriter& w, const Request& r, Arena& arena) {
    w.key("messages");
    w.begin_array();
    for (std::string_view s : r.system) {
        w.begin_object();
        w.field("role", "system");
        w.field("content", s);
        w.end_object();
    }
    for (const Message& m : r.messages) {
        if (m.role == Role::assistant) {
            write_assistant_message(w, r, m, arena);
            continue;
        }
        // Tool results first, each its own message, then the rest of the turn (§4.2).
        for (uint32_t i = 0; i < m.count; ++i) {
            const Block& b = r.blocks[m.first + i];
            if (b.kind == BlockKind::tool_result) {
                write_tool_message(w, b, arena);
            }
        }
        write_user_message(w, r, m, arena);
    }
    w.end_array();
    return ok_result();
}

Result<void> write_tools(JsonWriter& w, const Request& r, Arena& arena) {
    if (r.tools.empty()) {
        return ok_result();
    }
    const bool from_gemini = r.source == Format::gemini;
    w.key("tools");
    w.begin_array();
    for (const Tool& t : r.tools) {
        w.begin_object();
        w.field("type", "function");
        w.key("function");
        w.begin_object();
        w.field("name", t.name);
        if (!t.description.empty()) {
            w.field("description", t.description);
        }
        if (!t.parameters.empty()) {
            w.key("parameters");
            if (from_gemini) {
                RG_TRY(write_schema(arena, t.parameters, SchemaMode::lowercase_types, w));
            } else {
                w.raw(t.parameters);
            }
        }
        if (t.strict != Tri::unset) {
            w.field_bool("strict", t.strict == Tri::yes);
        }
        w.end_object();
        w.end_object();
    }
    w.end_array();
    switch (r.tool_choice.kind) {
        case ToolChoiceKind::unset:
            break;
        case ToolChoiceKind::auto_:
            w.field("tool_choice", "auto");
            break;
        case ToolChoiceKind::none:
            w.field("tool_choice", "none");
            break;
        case ToolChoiceKind::required:
            w.field("tool_choice", "required");
            break;
        case ToolChoiceKind::named:
            w.key("tool_choice");
            w.begin_object();
            w.field("type", "function");
            w.key("function");
            w.begin_object();
            w.field("name", r.tool_choice.name);
            w.end_object();
            w.end_object();
            break;
    }
    if (r.parallel_tool_calls != Tri::unset) {
        w.field_bool("parallel_tool_calls", r.parallel_tool_calls == Tri::yes);
    }
    return ok_result();
}

Result<void> write_response_format(JsonWriter& w, const Request& r, Arena& arena) {
    const ResponseFormat& rf = r.response_format;
    if (rf.kind == ResponseFormatKind::unset) {
        return ok_result();
    }
    w.key("response_format");
    w.begin_object();
    if (rf.kind == ResponseFormatKind::text) {
        w.field("type", "text");
    } else if (rf.kind == ResponseFormatKind::json_object || rf.schema.empty()) {
        w.field("type", "json_object");
    } else {
        w.field("type", "json_schema");
        w.key("json_schema");
        w.begin_object();
        w.field("name", rf.name.empty() ? std::string_view("response") : rf.name);
        if (!rf.description.empty()) {
            w.field("description", rf.description);
        }
        w.key("schema");
        if (r.source == Format::gemini) {
            RG_TRY(write_schema(arena, rf.schema, SchemaMode::lowercase_types, w));
        } else {
            w.raw(rf.schema);
        }
        if (rf.strict != Tri::unset) {
            w.field_bool("strict", rf.strict == Tri::yes);
        }
        w.end_object();
    }
    w.end_object();
    return ok_result();
}

void write_number(JsonWriter& w, std::string_view key, const Number& n) {
    if (n.set) {
        w.field_raw(key, n.raw);
    }
}

void write_sampling(JsonWriter& w, const Request& r) {
    if (r.has_max_tokens) {
        // Reasoning models reject max_tokens (§4.9 #22).
        w.field_uint("max_completion_tokens", r.max_tokens);
    }
    write_number(w, "temperature", r.temperature);
    write_number(w, "top_p", r.top_p);  // top_k has no OpenAI equivalent
    write_number(w, "presence_penalty", r.presence_penalty);
    write_number(w, "frequency_penalty", r.frequency_penalty);
    write_number(w, "seed", r.seed);
    if (r.n > 0) {
        w.field_uint("n", r.n);
    }
    if (!r.stop.empty()) {
        w.key("stop");
        w.begin_array();
        for (size_t i = 0; i < r.stop.size() && i < 4; ++i) {  // OpenAI takes at most 4
            w.string(r.stop[i]);
        }
        w.end_array();
    }
    Effort effort = r.reasoning.effort;
    if (effort == Effort::unset && r.reasoning.has_budget && r.reasoning.budget_tokens != 0) {
        effort = effort_for_budget(r.reasoning.budget_tokens);
    }
    if (effort != Effort::unset) {
        w.field("reasoning_effort", effort_name(effort));
    }
    if (!r.user.empty()) {
        w.field("user", r.user);
    }
}

}  // namespace

Result<void> emit_openai_chat_request(const Request& r, const EmitOptions& options, Arena& arena,
                                      ByteBuffer& out) {
    JsonWriter w(out);
    w.begin_object();
    w.field("model", options.model);
    RG_TRY(write_messages(w, r, arena));
    RG_TRY(write_tools(w, r, arena));
    RG_TRY(write_response_format(w, r, arena));
    write_sampling(w, r);
    if (r.stream) {
        w.field_bool("stream", true);
        // Always ask for usage: billing needs it; the caller strips the usage chunk when
        // the client did not ask (§4.1 "Stream usage", §4.9 #5).
        w.key("stream_options");
        w.begin_object();
        w.field_bool("include_usage", true);
        w.end_object();
    }
    w.end_object();
    return ok_result();
}

}  // namespace rg::translate
