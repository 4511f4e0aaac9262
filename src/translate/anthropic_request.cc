// Anthropic Messages request body -> IR (wire-formats.md §1.2, §4.1, §4.2).
#include "translate/common.h"
#include "translate/formats.h"
#include "translate/request_common.h"

namespace rg::translate {
namespace {

constexpr Side down = Side::downstream;

Result<void> type_of(od::object& o, std::string_view* type) {
    *type = {};
    od::value v;
    bool has_type = false;
    RG_TJ(soft(o.find_field_unordered("type").get(v), &has_type), down, "body is not valid JSON");
    if (has_type) {
        RG_TJ(v.get_string().get(*type), down, "a content block's type is not a string");
    }
    bool empty = false;
    RG_TJ(o.reset().get(empty), down, "a content block is not valid JSON");
    return ok_result();
}

Result<void> string_field(od::object& o, std::string_view name, std::string_view* out,
                          const char* message) {
    RG_TJ(o.find_field_unordered(name).get_string().get(*out), down, message);
    return ok_result();
}

// image/document: {source: {type: base64, media_type, data} | {type: url, url} | ...}.
Result<void> parse_media(od::object& block, BlockKind kind, Request& r) {
    od::object src;
    RG_TJ(block.find_field_unordered("source").get_object().get(src), down,
          "an image or document block has no source");
    std::string_view type;
    RG_TRY(type_of(src, &type));
    if (type == "base64") {
        Block& b = add_block(r, kind);
        for (auto f : src) {
            std::string_view key;
            RG_TJ(f.unescaped_key().get(key), down, "a source is not valid JSON");
            if (key == "media_type") {
                RG_TJ(f.value().get_string().get(b.media_type), down,
                      "source.media_type is invalid");
            } else if (key == "data") {
                RG_TJ(f.value().get_string().get(b.data), down, "source.data is invalid");
            }
        }
    } else if (type == "url") {
        Block& b = add_block(r, kind);
        RG_TRY(string_field(src, "url", &b.url, "source.url is missing"));
    }
    // "file" (Anthropic's file store) and "text"/"content" documents: no equivalent.
    return ok_result();
}

// tool_result content: a string or blocks; texts are joined, images follow the result as
// blocks of their own (OpenAI tool messages cannot hold images, §4.2).
Result<void> parse_tool_result(od::object& block, Arena& arena, Request& r) {
    const size_t index = r.blocks.size();
    add_block(r, BlockKind::tool_result);
    std::vector<std::string_view>& texts = arena.parsers().texts;
    texts.clear();
    for (auto f : block) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), down, "a tool_result block is not valid JSON");
        od::value v;
        RG_TJ(f.value().get(v), down, "a tool_result block is not valid JSON");
        if (key == "tool_use_id") {
            RG_TJ(v.get_string().get(r.blocks[index].id), down, "tool_use_id is not a string");
        } else if (key == "is_error") {
            RG_TJ(v.get_bool().get(r.blocks[index].is_error), down, "is_error is not a boolean");
        } else if (key == "content") {
            od::json_type t;
            RG_TJ(v.type().get(t), down, "tool_result content is invalid");
            if (t == od::json_type::string) {
                std::string_view s;
                RG_TJ(v.get_string().get(s), down, "tool_result content is invalid");
                texts.push_back(s);
                continue;
            }
            od::array parts;
            RG_TJ(v.get_array().get(parts), down, "tool_result content must be a string or array");
            for (auto item : parts) {
                od::object part;
                RG_TJ(item.get_object().get(part), down, "tool_result content[] must be objects");
                std::string_view type;
                RG_TRY(type_of(part, &type));
                if (type == "text") {
                    std::string_view s;
                    RG_TRY(string_field(part, "text", &s, "a text block has no text"));
                    texts.push_back(s);
                } else if (type == "image") {
                    RG_TRY(parse_media(part, BlockKind::image, r));
                }
            }
        }
    }
    if (r.blocks[index].id.empty()) {
        return bad_input(down, "tool_result needs a tool_use_id");
    }
    r.blocks[index].text = arena.join(texts.data(), texts.size(), "\n");
    return ok_result();
}

Result<void> parse_tool_use(od::object& block, Arena& arena, Request& r) {
    Block& b = add_block(r, BlockKind::tool_call);
    for (auto f : block) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), down, "a tool_use block is not valid JSON");
        od::value v;
        RG_TJ(f.value().get(v), down, "a tool_use block is not valid JSON");
        if (key == "id") {
            RG_TJ(v.get_string().get(b.id), down, "tool_use.id is not a string");
        } else if (key == "name") {
            RG_TJ(v.get_string().get(b.name), down, "tool_use.name is not a string");
        } else if (key == "input") {
            RG_TJ(raw_value(v, &b.args), down, "tool_use.input is invalid");
            if (check_json(arena, b.args) != JsonKind::object) {
                return bad_input(down, "tool_use.input must be a JSON object");
            }
        }
    }
    if (b.id.empty() || b.name.empty()) {
        return bad_input(down, "tool_use needs an id and a name");
    }
    if (b.args.empty()) {
        b.args = "{}";
    }
    return ok_result();
}

Result<void> parse_block(od::value& item, Arena& arena, Request& r) {
    od::object block;
    RG_TJ(item.get_object().get(block), down, "content blocks must be objects");
    std::string_view type;
    RG_TRY(type_of(block, &type));
    if (type == "text") {
        std::string_view text;
        RG_TRY(string_field(block, "text", &text, "a text block has no text"));
        add_block(r, BlockKind::text).text = text;
    } else if (type == "image") {
        RG_TRY(parse_media(block, BlockKind::image, r));
    } else if (type == "document") {
        RG_TRY(parse_media(block, BlockKind::document, r));
    } else if (type == "tool_use") {
        RG_TRY(parse_tool_use(block, arena, r));
    } else if (type == "tool_result") {
        RG_TRY(parse_tool_result(block, arena, r));
    } else if (type == "thinking") {
        Block& b = add_block(r, BlockKind::thinking);
        b.origin = Format::anthropic;
        RG_TRY(string_field(block, "thinking", &b.text, "a thinking block has no thinking"));
        RG_TRY(string_field(block, "signature", &b.signature, "a thinking block has no signature"));
    } else if (type == "redacted_thinking") {
        Block& b = add_block(r, BlockKind::redacted_thinking);
        b.origin = Format::anthropic;
        RG_TRY(string_field(block, "data", &b.data, "a redacted_thinking block has no data"));
    }
    // server_tool_use, web_search_tool_result, search_result, container_upload, ...:
    // server-side tools have no equivalent in the other formats; dropped.
    return ok_result();
}

Result<void> parse_message(od::value& item, Arena& arena, Request& r) {
    od::object m;
    RG_TJ(item.get_object().get(m), down, "messages[] must be objects");
    std::string_view role;
    RG_TJ(m.find_field_unordered("role").get_string().get(role), down,
          "messages[].role is missing or not a string");
    if (role == "user") {
        begin_message(r, Role::user);
    } else if (role == "assistant") {
        begin_message(r, Role::assistant);
    } else {
        return bad_input(down, "messages[].role must be user or assistant");
    }
    od::value content;
    RG_TJ(m.find_field_unordered("content").get(content), down, "messages[].content is required");
    od::json_type t;
    RG_TJ(content.type().get(t), down, "messages[].content is invalid");
    if (t == od::json_type::string) {
        RG_TJ(content.get_string().get(add_block(r, BlockKind::text).text), down,
              "messages[].content is invalid");
        return ok_result();
    }
    od::array blocks;
    RG_TJ(content.get_array().get(blocks), down, "messages[].content must be a string or array");
    for (auto b : blocks) {
        od::value bv;
        RG_TJ(b.get(bv), down, "messages[].content is not valid JSON");
        RG_TRY(parse_block(bv, arena, r));
    }
    return ok_result();
}

Result<void> parse_system(od::value& v, Request& r) {
    od::json_type t;
    RG_TJ(v.type().get(t), down, "system is invalid");
    if (t == od::json_type::string) {
        std::string_view s;
        RG_TJ(v.get_string().get(s), down, "system is invalid");
        r.system.push_back(s);
        return ok_result();
    }
    od::array blocks;
    RG_TJ(v.get_array().get(blocks), down, "system must be a string or an array of text blocks");
    for (auto item : blocks) {
        od::object block;
        RG_TJ(item.get_object().get(block), down, "system[] must be text blocks");
        std::string_view s;
        RG_TRY(string_field(block, "text", &s, "system[] must be text blocks"));
        r.system.push_back(s);
    }
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
        if (!type.empty() && type != "custom") {
            continue;  // server tools (web_search_..., bash_..., ...) have no equivalent
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
                      "tools[].description is not a string");
            } else if (key == "input_schema") {
                RG_TJ(raw_value(fv, &tool.parameters), down, "tools[].input_schema is invalid");
                if (check_json(arena, tool.parameters) != JsonKind::object) {
                    return bad_input(down, "tools[].input_schema must be a JSON object");
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
    od::object o;
    RG_TJ(v.get_object().get(o), down, "tool_choice is not an object");
    for (auto f : o) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), down, "tool_choice is not valid JSON");
        od::value fv;
        RG_TJ(f.value().get(fv), down, "tool_choice is not valid JSON");
        if (key == "type") {
            std::string_view type;
            RG_TJ(fv.get_string().get(type), down, "tool_choice.type is not a string");
            if (type == "auto") {
                r.tool_choice.kind = ToolChoiceKind::auto_;
            } else if (type == "any") {
                r.tool_choice.kind = ToolChoiceKind::required;
            } else if (type == "tool") {
                r.tool_choice.kind = ToolChoiceKind::named;
            } else if (type == "none") {
                r.tool_choice.kind = ToolChoiceKind::none;
            } else {
                return bad_input(down, "tool_choice.type must be auto, any, tool or none");
            }
        } else if (key == "name") {
            RG_TJ(fv.get_string().get(r.tool_choice.name), down, "tool_choice.name is invalid");
        } else if (key == "disable_parallel_tool_use") {
            bool disable = false;
            RG_TJ(fv.get_bool().get(disable), down, "disable_parallel_tool_use is not a boolean");
            r.parallel_tool_calls = disable ? Tri::no : Tri::yes;
        }
    }
    if (r.tool_choice.kind == ToolChoiceKind::named && r.tool_choice.name.empty()) {
        return bad_input(down, "tool_choice of type tool needs a name");
    }
    return ok_result();
}

Result<void> parse_thinking(od::value& v, Request& r) {
    od::object o;
    RG_TJ(v.get_object().get(o), down, "thinking is not an object");
    std::string_view type;
    RG_TRY(type_of(o, &type));
    if (type == "enabled") {
        int64_t budget = 0;
        RG_TJ(o.find_field_unordered("budget_tokens").get_int64().get(budget), down,
              "thinking.budget_tokens is missing or not an integer");
        r.reasoning.has_budget = true;
        r.reasoning.budget_tokens = budget;
        r.reasoning.include_thoughts = Tri::yes;
    } else if (type == "adaptive") {
        r.reasoning.has_budget = true;
        r.reasoning.budget_tokens = -1;
        r.reasoning.include_thoughts = Tri::yes;
    } else if (type == "disabled") {
        r.reasoning.effort = Effort::none;
    }
    return ok_result();
}

// output_config {effort?, format?: {type: json_schema, schema}} (older beta: output_format).
Result<void> parse_format(od::value& v, Arena& arena, Request& r) {
    od::object o;
    RG_TJ(v.get_object().get(o), down, "output_config.format is not an object");
    std::string_view type;
    RG_TRY(type_of(o, &type));
    if (type != "json_schema") {
        return ok_result();
    }
    od::value schema;
    RG_TJ(o.find_field_unordered("schema").get(schema), down, "output format needs a schema");
    RG_TJ(raw_value(schema, &r.response_format.schema), down, "output format schema is invalid");
    if (check_json(arena, r.response_format.schema) != JsonKind::object) {
        return bad_input(down, "output format schema must be a JSON object");
    }
    r.response_format.kind = ResponseFormatKind::json_schema;
    return ok_result();
}

Result<void> parse_output_config(od::value& v, Arena& arena, Request& r) {
    od::object o;
    RG_TJ(v.get_object().get(o), down, "output_config is not an object");
    for (auto f : o) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), down, "output_config is not valid JSON");
        od::value fv;
        RG_TJ(f.value().get(fv), down, "output_config is not valid JSON");
        if (key == "format") {
            RG_TRY(parse_format(fv, arena, r));
        } else if (key == "effort") {
            std::string_view e;
            RG_TJ(fv.get_string().get(e), down, "output_config.effort is not a string");
            r.reasoning.effort = e == "low"      ? Effort::low
                                 : e == "medium" ? Effort::medium
                                 : e == "high"   ? Effort::high
                                 : e == "max"    ? Effort::max
                                                 : r.reasoning.effort;
        }
    }
    return ok_result();
}

Result<void> parse_top_field(std::string_view key, od::value& v, Arena& arena, Request& r,
                             bool* has_messages) {
    bool is_null = false;
    RG_TJ(null_check(v, &is_null), down, "body is not valid JSON");
    if (is_null) {
        return ok_result();
    }
    if (key == "model") {
        RG_TJ(v.get_string().get(r.model), down, "model is not a string");
    } else if (key == "messages") {
        od::array messages;
        RG_TJ(v.get_array().get(messages), down, "messages is not an array");
        for (auto item : messages) {
            od::value mv;
            RG_TJ(item.get(mv), down, "messages is not valid JSON");
            RG_TRY(parse_message(mv, arena, r));
            drop_empty_last_message(r);
        }
        *has_messages = true;
    } else if (key == "max_tokens") {
        RG_TJ(v.get_uint64().get(r.max_tokens), down, "max_tokens is not a non-negative integer");
        r.has_max_tokens = true;
    } else if (key == "system") {
        RG_TRY(parse_system(v, r));
    } else if (key == "temperature") {
        RG_TRY(parse_number(v, &r.temperature, "temperature is not a number"));
    } else if (key == "top_p") {
        RG_TRY(parse_number(v, &r.top_p, "top_p is not a number"));
    } else if (key == "top_k") {
        RG_TRY(parse_number(v, &r.top_k, "top_k is not a number"));
    } else if (key == "stop_sequences") {
        RG_TRY(parse_string_list(v, r.stop, "stop_sequences is not an array",
                                 "stop_sequences[] must be strings"));
    } else if (key == "stream") {
        RG_TJ(v.get_bool().get(r.stream), down, "stream is not a boolean");
    } else if (key == "tools") {
        RG_TRY(parse_tools(v, arena, r));
    } else if (key == "tool_choice") {
        RG_TRY(parse_tool_choice(v, r));
    } else if (key == "thinking") {
        RG_TRY(parse_thinking(v, r));
    } else if (key == "output_config") {
        RG_TRY(parse_output_config(v, arena, r));
    } else if (key == "output_format") {
        RG_TRY(parse_format(v, arena, r));
    } else if (key == "metadata") {
        od::object md;
        RG_TJ(v.get_object().get(md), down, "metadata is not an object");
        od::value uid;
        bool has_user_id = false;
        RG_TJ(soft(md.find_field_unordered("user_id").get(uid), &has_user_id), down,
              "body is not valid JSON");
        if (has_user_id) {
            RG_TJ(uid.get_string().get(r.user), down, "metadata.user_id is not a string");
        }
    }
    // service_tier, cache_control, container, inference_geo, mcp_servers: dropped.
    return ok_result();
}

}  // namespace

Result<void> parse_anthropic_request(std::string_view body, Arena& arena, Request* out) {
    Request& r = *out;
    r.clear();
    r.source = Format::anthropic;
    od::document doc;
    od::object root;
    RG_TRY(open_object(arena, body, down, &doc, &root));
    bool has_messages = false;
    RG_TRY(for_each_field(root, down, "request body is not valid JSON",
                          [&](std::string_view key, od::value& v) {
                              return parse_top_field(key, v, arena, r, &has_messages);
                          }));
    RG_TRY(require_document_end(doc, down));
    if (!has_messages) {
        return bad_input(down, "messages is required");
    }
    if (r.model.empty()) {
        return bad_input(down, "model is required");
    }
    if (!r.has_max_tokens) {
        return bad_input(down, "max_tokens is required");
    }
    resolve_tool_result_names(r);
    return ok_result();
}

}  // namespace rg::translate
