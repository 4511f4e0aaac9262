// IR -> OpenAI Responses API request body (wire-formats.md §1.1 "Responses API").
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

void write_user(JsonWriter& w, const Request& r, const Message& m, Arena& arena) {
    // Tool outputs are items of their own, before the rest of the turn.
    for (uint32_t i = 0; i < m.count; ++i) {
        const Block& b = r.blocks[m.first + i];
        if (b.kind != BlockKind::tool_result) {
            continue;
        }
        w.begin_object();
        w.field("type", "function_call_output");
        w.field("call_id", b.id);
        const std::string_view text = b.content_is_json ? compact_json(arena, b.text) : b.text;
        if (b.is_error) {
            const std::string_view parts[] = {"[tool_error] ", text};
            w.field("output", arena.join(parts, 2, ""));
        } else {
            w.field("output", text);
        }
        w.end_object();
    }
    bool open = false;
    for (uint32_t i = 0; i < m.count; ++i) {
        const Block& b = r.blocks[m.first + i];
        if (b.kind == BlockKind::tool_result || (b.kind == BlockKind::text && b.text.empty())) {
            continue;
        }
        if (!open) {
            w.begin_object();
            w.field("role", "user");
            w.key("content");
            w.begin_array();
            open = true;
        }
        w.begin_object();
        if (b.kind == BlockKind::text) {
            w.field("type", "input_text");
            w.field("text", b.text);
        } else {
            const std::string_view url =
                b.url.empty() ? make_data_uri(arena, b.media_type, b.data) : b.url;
            if (b.kind == BlockKind::image) {
                w.field("type", "input_image");
                w.field("image_url", url);
            } else {
                w.field("type", "input_file");
                w.field("file_data", url);
                w.field("filename", "document.pdf");
            }
        }
        w.end_object();
    }
    if (open) {
        w.end_array();
        w.end_object();
    }
}

void write_assistant(JsonWriter& w, const Request& r, const Message& m, Arena& arena) {
    bool open = false;
    for (uint32_t i = 0; i < m.count; ++i) {
        const Block& b = r.blocks[m.first + i];
        if (b.kind != BlockKind::text || b.text.empty()) {
            continue;
        }
        if (!open) {
            w.begin_object();
            w.field("role", "assistant");
            w.key("content");
            w.begin_array();
            open = true;
        }
        w.begin_object();
        w.field("type", "output_text");
        w.field("text", b.text);
        w.end_object();
    }
    if (open) {
        w.end_array();
        w.end_object();
    }
    for (uint32_t i = 0; i < m.count; ++i) {
        const Block& b = r.blocks[m.first + i];
        if (b.kind != BlockKind::tool_call) {
            continue;
        }
        w.begin_object();
        w.field("type", "function_call");
        w.field("call_id", b.id);
        w.field("name", b.name);
        w.field("arguments", compact_json(arena, b.args));
        w.end_object();
    }
}

Result<void> write_tools(JsonWriter& w, const Request& r, Arena& arena) {
    if (r.tools.empty()) {
        return ok_result();
    }
    w.key("tools");
    w.begin_array();
    for (const Tool& t : r.tools) {
        w.begin_object();
        w.field("type", "function");
        w.field("name", t.name);
        if (!t.description.empty()) {
            w.field("description", t.description);
        }
        if (!t.parameters.empty()) {
            w.key("parameters");
            if (r.source == Format::gemini) {
                RG_TRY(write_schema(arena, t.parameters, SchemaMode::lowercase_types, w));
            } else {
                w.raw(t.parameters);
            }
        }
        if (t.strict != Tri::unset) {
            w.field_bool("strict", t.strict == Tri::yes);
        }
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
            w.field("name", r.tool_choice.name);
            w.end_object();
            break;
    }
    if (r.parallel_tool_calls != Tri::unset) {
        w.field_bool("parallel_tool_calls", r.parallel_tool_calls == Tri::yes);
    }
    return ok_result();
}

Result<void> write_text_format(JsonWriter& w, const Request& r, Arena& arena) {
    const ResponseFormat& rf = r.response_format;
    if (rf.kind == ResponseFormatKind::unset) {
        return ok_result();
    }
    w.key("text");
    w.begin_object();
    w.key("format");
    w.begin_object();
    if (rf.kind == ResponseFormatKind::text) {
        w.field("type", "text");
    } else if (rf.kind == ResponseFormatKind::json_object || rf.schema.empty()) {
        w.field("type", "json_object");
    } else {
        w.field("type", "json_schema");
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
    }
    w.end_object();
    w.end_object();
    return ok_result();
}

}  // namespace

Result<void> emit_responses_request(const Request& r, const EmitOptions& o, Arena& arena,
                                    ByteBuffer& out) {
    if (r.n > 1) {
        return bad_input(Side::downstream, "n > 1 is not supported by the Responses API");
    }
    JsonWriter w(out);
    w.begin_object();
    w.field("model", o.model);
    std::vector<std::string_view>& texts = arena.parsers().texts;
    texts.clear();
    for (std::string_view s : r.system) {
        texts.push_back(s);
    }
    if (!texts.empty()) {
        w.field("instructions", arena.join(texts.data(), texts.size(), "\n\n"));
    }
    w.key("input");
    w.begin_array();
    for (const Message& m : r.messages) {
        if (m.role == Role::user) {
            write_user(w, r, m, arena);
        } else {
            write_assistant(w, r, m, arena);
        }
    }
    w.end_array();
    RG_TRY(write_tools(w, r, arena));
    RG_TRY(write_text_format(w, r, arena));
    if (r.has_max_tokens) {
        w.field_uint("max_output_tokens", r.max_tokens);
    }
    if (r.temperature.set) {
        w.field_raw("temperature", r.temperature.raw);
    }
    if (r.top_p.set) {
        w.field_raw("top_p", r.top_p.raw);
    }
    Effort effort = r.reasoning.effort;
    if (effort == Effort::unset && r.reasoning.has_budget && r.reasoning.budget_tokens != 0) {
        effort = effort_for_budget(r.reasoning.budget_tokens);
    }
    if (effort != Effort::unset) {
        w.key("reasoning");
        w.begin_object();
        w.field("effort", effort_name(effort));
        w.end_object();
    }
    if (!r.user.empty()) {
        w.field("user", r.user);
    }
    // The client's format keeps no server-side state: nothing to store at OpenAI.
    w.field_bool("store", false);
    if (r.stream) {
        w.field_bool("stream", true);
    }
    w.end_object();
    return ok_result();
}

}  // namespace rg::translate
