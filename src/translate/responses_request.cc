// OpenAI Responses API request body <-> IR (wire-formats.md §1.1 "Responses API").
#include "translate/common.h"
#include "translate/formats.h"

namespace rg::translate {
namespace {

constexpr Side down = Side::downstream;

Result<void> type_of(od::object& o, std::string_view* type) {
    *type = {};
    od::value v;
    bool has_type = false;
    RG_TJ(soft(o.find_field_unordered("type").get(v), &has_type), down, "body is not valid JSON");
    if (has_type) {
        RG_TJ(v.get_string().get(*type), down, "an item's type is not a string");
    }
    bool empty = false;
    RG_TJ(o.reset().get(empty), down, "an item is not valid JSON");
    return ok_result();
}

Result<void> string_field(od::object& o, std::string_view name, std::string_view* out,
                          const char* message) {
    RG_TJ(o.find_field_unordered(name).get_string().get(*out), down, message);
    return ok_result();
}

// The message the next block goes to: the last one when it has `role`, else a new one.
void ensure_message(Request& r, Role role) {
    if (r.messages.empty() || r.messages.back().role != role ||
        r.messages.back().first + r.messages.back().count != r.blocks.size()) {
        begin_message(r, role);
    }
}

Result<void> parse_part(od::value& v, Request& r) {
    od::object part;
    RG_TJ(v.get_object().get(part), down, "content parts must be objects");
    std::string_view type;
    RG_TRY(type_of(part, &type));
    if (type == "input_text" || type == "output_text" || type == "text") {
        RG_TRY(string_field(part, "text", &add_block(r, BlockKind::text).text,
                            "a text part has no text"));
    } else if (type == "refusal") {
        RG_TRY(string_field(part, "refusal", &add_block(r, BlockKind::text).text,
                            "a refusal part has no refusal"));
    } else if (type == "input_image") {
        od::value uv;
        bool has_image_url = false;
        RG_TJ(soft(part.find_field_unordered("image_url").get(uv), &has_image_url), down,
              "body is not valid JSON");
        if (has_image_url) {
            std::string_view url;
            RG_TJ(uv.get_string().get(url), down, "input_image.image_url is not a string");
            Block& b = add_block(r, BlockKind::image);
            if (!split_data_uri(url, &b.media_type, &b.data)) {
                b.url = url;
            }
        }  // file_id: OpenAI's file store, no equivalent
    } else if (type == "input_file") {
        od::value dv;
        bool has_file_data = false;
        RG_TJ(soft(part.find_field_unordered("file_data").get(dv), &has_file_data), down,
              "body is not valid JSON");
        if (has_file_data) {
            std::string_view data;
            RG_TJ(dv.get_string().get(data), down, "input_file.file_data is not a string");
            Block& b = add_block(r, BlockKind::document);
            if (!split_data_uri(data, &b.media_type, &b.data)) {
                b.media_type = "application/pdf";
                b.data = data;
            }
        }
    }
    return ok_result();
}

Result<void> parse_message_item(od::object& item, Request& r) {
    std::string_view role;
    RG_TRY(string_field(item, "role", &role, "input[].role is missing or not a string"));
    od::value content;
    RG_TJ(item.find_field_unordered("content").get(content), down, "input[].content is required");
    od::json_type t;
    RG_TJ(content.type().get(t), down, "input[].content is invalid");
    if (role == "system" || role == "developer") {
        if (t == od::json_type::string) {
            std::string_view s;
            RG_TJ(content.get_string().get(s), down, "input[].content is invalid");
            r.system.push_back(s);
            return ok_result();
        }
        od::array parts;
        RG_TJ(content.get_array().get(parts), down, "input[].content must be a string or array");
        for (auto p : parts) {
            od::object po;
            RG_TJ(p.get_object().get(po), down, "content parts must be objects");
            std::string_view s;
            RG_TRY(string_field(po, "text", &s, "a system part has no text"));
            r.system.push_back(s);
        }
        return ok_result();
    }
    if (role != "user" && role != "assistant") {
        return bad_input(down, "input[].role must be user, assistant, system or developer");
    }
    begin_message(r, role == "user" ? Role::user : Role::assistant);
    if (t == od::json_type::string) {
        RG_TJ(content.get_string().get(add_block(r, BlockKind::text).text), down,
              "input[].content is invalid");
        return ok_result();
    }
    od::array parts;
    RG_TJ(content.get_array().get(parts), down, "input[].content must be a string or array");
    for (auto p : parts) {
        od::value pv;
        RG_TJ(p.get(pv), down, "input[].content is not valid JSON");
        RG_TRY(parse_part(pv, r));
    }
    return ok_result();
}

Result<void> parse_output_text(od::value& v, Arena& arena, std::string_view* out) {
    od::json_type t;
    RG_TJ(v.type().get(t), down, "function_call_output.output is invalid");
    if (t == od::json_type::string) {
        RG_TJ(v.get_string().get(*out), down, "function_call_output.output is invalid");
        return ok_result();
    }
    std::vector<std::string_view>& texts = arena.parsers().texts;
    texts.clear();
    od::array parts;
    RG_TJ(v.get_array().get(parts), down, "function_call_output.output must be a string or array");
    for (auto p : parts) {
        od::object po;
        RG_TJ(p.get_object().get(po), down, "output parts must be objects");
        od::value tv;
        bool has_text = false;
        RG_TJ(soft(po.find_field_unordered("text").get(tv), &has_text), down,
              "body is not valid JSON");
        if (has_text) {
            std::string_view s;
            RG_TJ(tv.get_string().get(s), down, "an output part's text is not a string");
            texts.push_back(s);
        }
    }
    *out = arena.join(texts.data(), texts.size(), "");
    return ok_result();
}

Result<void> parse_item(od::value& v, Arena& arena, Request& r) {
    od::object item;
    RG_TJ(v.get_object().get(item), down, "input[] items must be objects");
    std::string_view type;
    RG_TRY(type_of(item, &type));
    if (type.empty() || type == "message") {
        return parse_message_item(item, r);
    }
    if (type == "function_call") {
        ensure_message(r, Role::assistant);
        Block& b = add_block(r, BlockKind::tool_call);
        std::string_view args;
        RG_TRY(string_field(item, "call_id", &b.id, "function_call.call_id is required"));
        RG_TRY(string_field(item, "name", &b.name, "function_call.name is required"));
        od::value av;
        bool has_arguments = false;
        RG_TJ(soft(item.find_field_unordered("arguments").get(av), &has_arguments), down,
              "body is not valid JSON");
        if (has_arguments) {
            RG_TJ(av.get_string().get(args), down, "function_call.arguments is not a string");
        }
        b.args = args_object(arena, args);
    } else if (type == "function_call_output") {
        ensure_message(r, Role::user);
        const size_t index = r.blocks.size();
        add_block(r, BlockKind::tool_result);
        RG_TRY(string_field(item, "call_id", &r.blocks[index].id,
                            "function_call_output.call_id is required"));
        od::value ov;
        RG_TJ(item.find_field_unordered("output").get(ov), down,
              "function_call_output.output is required");
        RG_TRY(parse_output_text(ov, arena, &r.blocks[index].text));
    } else if (type == "reasoning") {
        // Summaries only; encrypted_content is bound to OpenAI and has no equivalent.
        od::array summary;
        bool has_summary = false;
        RG_TJ(soft(item.find_field_unordered("summary").get_array().get(summary), &has_summary),
              down, "body is not valid JSON");
        if (has_summary) {
            ensure_message(r, Role::assistant);
            for (auto s : summary) {
                od::object so;
                RG_TJ(s.get_object().get(so), down, "reasoning.summary[] must be objects");
                Block& b = add_block(r, BlockKind::thinking);
                b.origin = Format::openai_responses;
                RG_TRY(string_field(so, "text", &b.text, "a summary part has no text"));
            }
        }
    }
    // item_reference and hosted-tool items refer to OpenAI-side state: dropped.
    return ok_result();
}

Result<void> parse_tools(od::value& v, Arena& arena, Request& r) {
    od::array tools;
    RG_TJ(v.get_array().get(tools), down, "tools is not an array");
    for (auto item : tools) {
        od::object t;
        RG_TJ(item.get_object().get(t), down, "tools[] must be objects");
        std::string_view type;
        RG_TRY(type_of(t, &type));
        if (type != "function") {
            continue;  // hosted tools (web_search, file_search, ...) have no equivalent
        }
        Tool tool;
        for (auto f : t) {
            std::string_view key;
            RG_TJ(f.unescaped_key().get(key), down, "a tool is not valid JSON");
            od::value fv;
            RG_TJ(f.value().get(fv), down, "a tool is not valid JSON");
            if (key == "name") {
                RG_TJ(fv.get_string().get(tool.name), down, "tools[].name is not a string");
            } else if (key == "description") {
                RG_TJ(fv.get_string().get(tool.description), down,
                      "tools[].description is invalid");
            } else if (key == "parameters") {
                bool is_null = false;
                RG_TJ(null_check(fv, &is_null), down, "body is not valid JSON");
                if (is_null) {
                    continue;
                }
                RG_TJ(raw_value(fv, &tool.parameters), down, "tools[].parameters is invalid");
                if (check_json(arena, tool.parameters) != JsonKind::object) {
                    return bad_input(down, "tools[].parameters must be a JSON object");
                }
            } else if (key == "strict") {
                bool strict = false;
                RG_TJ(fv.get_bool().get(strict), down, "tools[].strict is not a boolean");
                tool.strict = strict ? Tri::yes : Tri::no;
            }
        }
        if (tool.name.empty()) {
            return bad_input(down, "tools[].name is required");
        }
        r.tools.push_back(tool);
    }
    return ok_result();
}

Result<void> parse_tool_choice(od::value& v, Request& r) {
    od::json_type t;
    RG_TJ(v.type().get(t), down, "tool_choice is invalid");
    if (t == od::json_type::string) {
        std::string_view s;
        RG_TJ(v.get_string().get(s), down, "tool_choice is invalid");
        r.tool_choice.kind = s == "none"       ? ToolChoiceKind::none
                             : s == "required" ? ToolChoiceKind::required
                                               : ToolChoiceKind::auto_;
        return ok_result();
    }
    od::object o;
    RG_TJ(v.get_object().get(o), down, "tool_choice must be a string or an object");
    std::string_view type;
    RG_TRY(type_of(o, &type));
    if (type == "function") {
        RG_TRY(string_field(o, "name", &r.tool_choice.name, "tool_choice.name is required"));
        r.tool_choice.kind = ToolChoiceKind::named;
    } else {
        r.tool_choice.kind = ToolChoiceKind::auto_;
    }
    return ok_result();
}

Result<void> parse_text(od::value& v, Arena& arena, Request& r) {
    od::object text;
    RG_TJ(v.get_object().get(text), down, "text is not an object");
    od::object format;
    bool has_format = false;
    RG_TJ(soft(text.find_field_unordered("format").get_object().get(format), &has_format), down,
          "body is not valid JSON");
    if (!has_format) {
        return ok_result();
    }
    ResponseFormat& rf = r.response_format;
    for (auto f : format) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), down, "text.format is not valid JSON");
        od::value fv;
        RG_TJ(f.value().get(fv), down, "text.format is not valid JSON");
        if (key == "type") {
            std::string_view type;
            RG_TJ(fv.get_string().get(type), down, "text.format.type is not a string");
            rf.kind = type == "json_schema"   ? ResponseFormatKind::json_schema
                      : type == "json_object" ? ResponseFormatKind::json_object
                                              : ResponseFormatKind::text;
        } else if (key == "name") {
            RG_TJ(fv.get_string().get(rf.name), down, "text.format.name is not a string");
        } else if (key == "description") {
            RG_TJ(fv.get_string().get(rf.description), down, "text.format.description is invalid");
        } else if (key == "schema") {
            RG_TJ(raw_value(fv, &rf.schema), down, "text.format.schema is invalid");
            if (check_json(arena, rf.schema) != JsonKind::object) {
                return bad_input(down, "text.format.schema must be a JSON object");
            }
        } else if (key == "strict") {
            bool strict = false;
            RG_TJ(fv.get_bool().get(strict), down, "text.format.strict is not a boolean");
            rf.strict = strict ? Tri::yes : Tri::no;
        }
    }
    return ok_result();
}

Effort effort_from(std::string_view s) {
    return s == "none"      ? Effort::none
           : s == "minimal" ? Effort::minimal
           : s == "low"     ? Effort::low
           : s == "medium"  ? Effort::medium
           : s == "high"    ? Effort::high
           : s == "xhigh"   ? Effort::max
                            : Effort::unset;
}

Result<void> parse_top_field(std::string_view key, od::value& v, Arena& arena, Request& r,
                             bool* has_input) {
    bool is_null = false;
    RG_TJ(null_check(v, &is_null), down, "body is not valid JSON");
    if (is_null) {
        return ok_result();
    }
    if (key == "model") {
        RG_TJ(v.get_string().get(r.model), down, "model is not a string");
    } else if (key == "instructions") {
        std::string_view s;
        RG_TJ(v.get_string().get(s), down, "instructions is not a string");
        r.system.insert(r.system.begin(), s);  // before any system item of the input
    } else if (key == "input") {
        *has_input = true;
        od::json_type t;
        RG_TJ(v.type().get(t), down, "input is invalid");
        if (t == od::json_type::string) {
            begin_message(r, Role::user);
            RG_TJ(v.get_string().get(add_block(r, BlockKind::text).text), down, "input is invalid");
            return ok_result();
        }
        od::array items;
        RG_TJ(v.get_array().get(items), down, "input must be a string or an array");
        for (auto item : items) {
            od::value iv;
            RG_TJ(item.get(iv), down, "input is not valid JSON");
            RG_TRY(parse_item(iv, arena, r));
            drop_empty_last_message(r);
        }
    } else if (key == "max_output_tokens") {
        RG_TJ(v.get_uint64().get(r.max_tokens), down, "max_output_tokens is not an integer");
        r.has_max_tokens = true;
    } else if (key == "temperature" || key == "top_p") {
        Number& n = key == "temperature" ? r.temperature : r.top_p;
        RG_TJ(read_number(v, &n.value, &n.raw), down, "temperature/top_p is not a number");
        n.set = true;
    } else if (key == "tools") {
        RG_TRY(parse_tools(v, arena, r));
    } else if (key == "tool_choice") {
        RG_TRY(parse_tool_choice(v, r));
    } else if (key == "parallel_tool_calls") {
        bool p = false;
        RG_TJ(v.get_bool().get(p), down, "parallel_tool_calls is not a boolean");
        r.parallel_tool_calls = p ? Tri::yes : Tri::no;
    } else if (key == "text") {
        RG_TRY(parse_text(v, arena, r));
    } else if (key == "reasoning") {
        od::object o;
        RG_TJ(v.get_object().get(o), down, "reasoning is not an object");
        od::value ev;
        bool has_effort = false;
        RG_TJ(soft(o.find_field_unordered("effort").get(ev), &has_effort), down,
              "body is not valid JSON");
        if (has_effort) {
            std::string_view e;
            bool is_string = false;
            RG_TJ(soft(ev.get_string().get(e), &is_string), down, "body is not valid JSON");
            if (is_string) {
                r.reasoning.effort = effort_from(e);
            }
        }
    } else if (key == "stream") {
        RG_TJ(v.get_bool().get(r.stream), down, "stream is not a boolean");
    } else if (key == "user" || key == "safety_identifier") {
        RG_TJ(v.get_string().get(r.user), down, "user is not a string");
    } else if (key == "previous_response_id" || key == "conversation") {
        // The history lives at OpenAI; another provider cannot continue it.
        return bad_input(down, "previous_response_id and conversation need an OpenAI model");
    }
    // store, include, metadata, truncation, service_tier, prompt, background: dropped.
    return ok_result();
}

}  // namespace

Result<void> parse_responses_request(std::string_view body, Arena& arena, Request* out) {
    Request& r = *out;
    r.clear();
    r.source = Format::openai_responses;
    od::document doc;
    od::object root;
    RG_TRY(open_object(arena, body, down, &doc, &root));
    bool has_input = false;
    RG_TRY(for_each_field(root, down, "request body is not valid JSON",
                          [&](std::string_view key, od::value& v) {
                              return parse_top_field(key, v, arena, r, &has_input);
                          }));
    RG_TRY(require_document_end(doc, down));
    if (!has_input) {
        return bad_input(down, "input is required");
    }
    if (r.model.empty()) {
        return bad_input(down, "model is required");
    }
    resolve_tool_result_names(r);
    return ok_result();
}

}  // namespace rg::translate
