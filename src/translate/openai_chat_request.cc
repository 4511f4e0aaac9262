// OpenAI Chat Completions requests <-> IR (wire-formats.md §1.1, §4.1, §4.2).
#include "translate/common.h"
#include "translate/formats.h"
#include "translate/request_common.h"

namespace rg::translate {
namespace {

constexpr Side down = Side::downstream;

// The "type" member of an object, read out of order; the object is rewound after.
Result<void> object_type(od::object& o, std::string_view* type) {
    *type = {};
    od::value v;
    bool has_type = false;
    RG_TJ(soft(o.find_field_unordered("type").get(v), &has_type), down, "body is not valid JSON");
    if (has_type) {
        RG_TJ(v.get_string().get(*type), down, "a content part's type is not a string");
    }
    bool empty = false;
    RG_TJ(o.reset().get(empty), down, "a content part is not valid JSON");
    return ok_result();
}

Result<void> string_member(od::object& o, std::string_view name, std::string_view* out,
                           const char* message) {
    od::value v;
    bool has_name = false;
    RG_TJ(soft(o.find_field_unordered(name).get(v), &has_name), down, "body is not valid JSON");
    if (!has_name) {
        return bad_input(down, message);
    }
    RG_TJ(v.get_string().get(*out), down, message);
    return ok_result();
}

void add_url_media(Request& r, BlockKind kind, std::string_view url) {
    Block& b = add_block(r, kind);
    if (!split_data_uri(url, &b.media_type, &b.data)) {
        b.url = url;
    }
}

Result<void> parse_image_part(od::object& part, Request& r) {
    od::value iv;
    RG_TJ(part.find_field_unordered("image_url").get(iv), down,
          "an image_url part has no image_url");
    od::json_type t;
    RG_TJ(iv.type().get(t), down, "image_url is not valid JSON");
    std::string_view url;
    if (t == od::json_type::string) {
        RG_TJ(iv.get_string().get(url), down, "image_url is not a string");
    } else {
        od::object io;
        RG_TJ(iv.get_object().get(io), down, "image_url is not an object");
        RG_TRY(string_member(io, "url", &url, "image_url.url is missing or not a string"));
    }
    add_url_media(r, BlockKind::image, url);
    return ok_result();
}

Result<void> parse_file_part(od::object& part, Request& r) {
    od::object fo;
    RG_TJ(part.find_field_unordered("file").get_object().get(fo), down,
          "a file part has no file object");
    od::value dv;
    bool has_file_data = false;
    RG_TJ(soft(fo.find_field_unordered("file_data").get(dv), &has_file_data), down,
          "body is not valid JSON");
    if (!has_file_data) {
        return ok_result();  // file_id refers to OpenAI's file store: no equivalent
    }
    std::string_view data;
    RG_TJ(dv.get_string().get(data), down, "file.file_data is not a string");
    Block& b = add_block(r, BlockKind::document);
    if (!split_data_uri(data, &b.media_type, &b.data)) {
        b.media_type = "application/pdf";
        b.data = data;
    }
    return ok_result();
}

// User content: a string or an array of parts.
Result<void> parse_user_content(od::value& v, Request& r) {
    od::json_type t;
    RG_TJ(v.type().get(t), down, "message content is not valid JSON");
    if (t == od::json_type::string) {
        RG_TJ(v.get_string().get(add_block(r, BlockKind::text).text), down,
              "message content is not a string");
        return ok_result();
    }
    if (t == od::json_type::null) {
        return ok_result();
    }
    od::array parts;
    RG_TJ(v.get_array().get(parts), down, "message content is not a string or an array");
    for (auto item : parts) {
        od::object part;
        RG_TJ(item.get_object().get(part), down, "a content part is not an object");
        std::string_view type;
        RG_TRY(object_type(part, &type));
        if (type == "text" || type == "refusal") {
            std::string_view text;
            RG_TRY(string_member(part, type, &text, "a text part has no text"));
            add_block(r, BlockKind::text).text = text;
        } else if (type == "image_url") {
            RG_TRY(parse_image_part(part, r));
        } else if (type == "file") {
            RG_TRY(parse_file_part(part, r));
        }
        // input_audio and unknown parts have no equivalent in the other formats: dropped.
    }
    return ok_result();
}

// System/developer and tool content: a string or text parts, as one or more texts.
Result<void> parse_texts(od::value& v, std::vector<std::string_view>* texts) {
    od::json_type t;
    RG_TJ(v.type().get(t), down, "message content is not valid JSON");
    if (t == od::json_type::string) {
        std::string_view s;
        RG_TJ(v.get_string().get(s), down, "message content is not a string");
        texts->push_back(s);
        return ok_result();
    }
    if (t == od::json_type::null) {
        return ok_result();
    }
    od::array parts;
    RG_TJ(v.get_array().get(parts), down, "message content is not a string or an array");
    for (auto item : parts) {
        od::object part;
        RG_TJ(item.get_object().get(part), down, "a content part is not an object");
        std::string_view type;
        RG_TRY(object_type(part, &type));
        if (type == "text") {
            std::string_view text;
            RG_TRY(string_member(part, "text", &text, "a text part has no text"));
            texts->push_back(text);
        }
    }
    return ok_result();
}

Result<void> parse_tool_calls(od::value& v, Arena& arena, Request& r) {
    od::array calls;
    RG_TJ(v.get_array().get(calls), down, "tool_calls is not an array");
    for (auto item : calls) {
        od::object call;
        RG_TJ(item.get_object().get(call), down, "a tool call is not an object");
        Block& b = add_block(r, BlockKind::tool_call);
        std::string_view args;
        for (auto f : call) {
            std::string_view key;
            RG_TJ(f.unescaped_key().get(key), down, "a tool call is not valid JSON");
            if (key == "id") {
                RG_TJ(f.value().get_string().get(b.id), down, "tool_calls[].id is not a string");
            } else if (key == "function") {
                od::object fn;
                RG_TJ(f.value().get_object().get(fn), down, "tool_calls[].function is invalid");
                for (auto ff : fn) {
                    std::string_view fkey;
                    RG_TJ(ff.unescaped_key().get(fkey), down, "a tool call is not valid JSON");
                    if (fkey == "name") {
                        RG_TJ(ff.value().get_string().get(b.name), down,
                              "tool_calls[].function.name is not a string");
                    } else if (fkey == "arguments") {
                        RG_TJ(ff.value().get_string().get(args), down,
                              "tool_calls[].function.arguments is not a string");
                    } else if (fkey == "thought_signature") {
                        // Portkey's extension: a Gemini thought signature kept across the
                        // OpenAI hop (§4.9 #8).
                        RG_TJ(ff.value().get_string().get(b.signature), down,
                              "tool_calls[].function.thought_signature is not a string");
                    }
                }
            }
        }
        if (b.id.empty() || b.name.empty()) {
            return bad_input(down, "tool_calls[] needs an id and a function name");
        }
        b.args = args_object(arena, args);
    }
    return ok_result();
}

// LiteLLM's "thinking_blocks" extension: Anthropic thinking blocks with their signatures,
// so a client can send them back across the OpenAI hop.
Result<void> parse_thinking_blocks(od::value& v, Request& r) {
    od::array blocks;
    RG_TJ(v.get_array().get(blocks), down, "thinking_blocks is not an array");
    for (auto item : blocks) {
        od::object o;
        RG_TJ(item.get_object().get(o), down, "a thinking block is not an object");
        std::string_view type;
        RG_TRY(object_type(o, &type));
        if (type == "thinking") {
            Block& b = add_block(r, BlockKind::thinking);
            b.origin = Format::anthropic;
            RG_TRY(string_member(o, "thinking", &b.text, "thinking block has no thinking"));
            RG_TRY(string_member(o, "signature", &b.signature, "thinking block has no signature"));
        } else if (type == "redacted_thinking") {
            Block& b = add_block(r, BlockKind::redacted_thinking);
            b.origin = Format::anthropic;
            RG_TRY(string_member(o, "data", &b.data, "redacted_thinking block has no data"));
        }
    }
    return ok_result();
}

// Thinking first, then text and media, then tool calls: the order Anthropic requires.
int block_rank(BlockKind k) {
    if (k == BlockKind::thinking || k == BlockKind::redacted_thinking) {
        return 0;
    }
    return k == BlockKind::tool_call ? 2 : 1;
}

void order_assistant_blocks(Request& r) {
    const Message& m = r.messages.back();
    Block* b = r.blocks.data() + m.first;
    for (uint32_t i = 1; i < m.count; ++i) {  // insertion sort: stable, no allocation
        for (uint32_t j = i; j > 0 && block_rank(b[j].kind) < block_rank(b[j - 1].kind); --j) {
            std::swap(b[j], b[j - 1]);
        }
    }
}

Result<void> parse_assistant(od::object& m, Arena& arena, Request& r) {
    begin_message(r, Role::assistant);
    for (auto f : m) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), down, "a message is not valid JSON");
        od::value v;
        RG_TJ(f.value().get(v), down, "a message is not valid JSON");
        if (key == "content") {
            RG_TRY(parse_user_content(v, r));
        } else if (key == "tool_calls") {
            bool is_null = false;
            RG_TJ(null_check(v, &is_null), down, "body is not valid JSON");
            if (is_null) {
                continue;
            }
            RG_TRY(parse_tool_calls(v, arena, r));
        } else if (key == "reasoning_content") {
            std::string_view text;
            bool is_string = false;
            RG_TJ(soft(v.get_string().get(text), &is_string), down, "body is not valid JSON");
            if (is_string && !text.empty()) {
                Block& b = add_block(r, BlockKind::thinking);
                b.origin = Format::openai_chat;  // no signature: never replayed to Anthropic
                b.text = text;
            }
        } else if (key == "thinking_blocks") {
            RG_TRY(parse_thinking_blocks(v, r));
        }
    }
    order_assistant_blocks(r);
    return ok_result();
}

Result<void> parse_tool_message(od::object& m, Arena& arena, Request& r,
                                std::vector<std::string_view>& texts) {
    begin_message(r, Role::user);
    Block& b = add_block(r, BlockKind::tool_result);
    texts.clear();
    for (auto f : m) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), down, "a message is not valid JSON");
        if (key == "tool_call_id") {
            RG_TJ(f.value().get_string().get(b.id), down, "tool_call_id is not a string");
        } else if (key == "content") {
            od::value v;
            RG_TJ(f.value().get(v), down, "a message is not valid JSON");
            RG_TRY(parse_texts(v, &texts));
        }
    }
    if (b.id.empty()) {
        return bad_input(down, "a tool message needs a tool_call_id");
    }
    b.text = arena.join(texts.data(), texts.size(), "");
    return ok_result();
}

Result<void> parse_message(od::value& item, Arena& arena, Request& r,
                           std::vector<std::string_view>& scratch) {
    od::object m;
    RG_TJ(item.get_object().get(m), down, "messages[] must be objects");
    std::string_view role;
    RG_TJ(m.find_field_unordered("role").get_string().get(role), down,
          "messages[].role is missing or not a string");
    bool empty = false;
    RG_TJ(m.reset().get(empty), down, "a message is not valid JSON");
    if (role == "system" || role == "developer") {
        od::value content;
        RG_TJ(m.find_field_unordered("content").get(content), down,
              "a system message has no content");
        return parse_texts(content, &r.system);
    }
    if (role == "user") {
        begin_message(r, Role::user);
        od::value content;
        RG_TJ(m.find_field_unordered("content").get(content), down,
              "a user message has no content");
        return parse_user_content(content, r);
    }
    if (role == "assistant") {
        return parse_assistant(m, arena, r);
    }
    if (role == "tool") {
        return parse_tool_message(m, arena, r, scratch);
    }
    return bad_input(down, "messages[].role must be system, developer, user, assistant or tool");
}

Result<void> parse_tools(od::value& v, Arena& arena, Request& r) {
    od::array tools;
    RG_TJ(v.get_array().get(tools), down, "tools is not an array");
    for (auto item : tools) {
        od::object t;
        RG_TJ(item.get_object().get(t), down, "tools[] must be objects");
        std::string_view type;
        RG_TRY(object_type(t, &type));
        if (type != "function") {
            continue;  // custom tools have no equivalent
        }
        od::object fn;
        RG_TJ(t.find_field_unordered("function").get_object().get(fn), down,
              "tools[].function is missing or not an object");
        Tool tool;
        for (auto f : fn) {
            std::string_view key;
            RG_TJ(f.unescaped_key().get(key), down, "a tool is not valid JSON");
            od::value fv;
            RG_TJ(f.value().get(fv), down, "a tool is not valid JSON");
            if (key == "name") {
                RG_TJ(fv.get_string().get(tool.name), down,
                      "tools[].function.name is not a string");
            } else if (key == "description") {
                RG_TJ(fv.get_string().get(tool.description), down,
                      "tools[].function.description is not a string");
            } else if (key == "parameters") {
                RG_TJ(raw_value(fv, &tool.parameters), down,
                      "tools[].function.parameters is invalid");
                if (check_json(arena, tool.parameters) != JsonKind::object) {
                    return bad_input(down, "tools[].function.parameters must be a JSON object");
                }
            } else if (key == "strict") {
                bool strict = false;
                RG_TJ(fv.get_bool().get(strict), down, "tools[].function.strict is not a boolean");
                tool.strict = strict ? Tri::yes : Tri::no;
            }
        }
        if (tool.name.empty()) {
            return bad_input(down, "tools[].function.name is required");
        }
        r.tools.push_back(tool);
    }
    return ok_result();
}

Result<void> parse_tool_choice(od::value& v, Request& r) {
    od::json_type t;
    RG_TJ(v.type().get(t), down, "tool_choice is not valid JSON");
    if (t == od::json_type::string) {
        std::string_view s;
        RG_TJ(v.get_string().get(s), down, "tool_choice is not a string");
        if (s == "auto") {
            r.tool_choice.kind = ToolChoiceKind::auto_;
        } else if (s == "none") {
            r.tool_choice.kind = ToolChoiceKind::none;
        } else if (s == "required") {
            r.tool_choice.kind = ToolChoiceKind::required;
        } else {
            return bad_input(down, "tool_choice must be auto, none, required or an object");
        }
        return ok_result();
    }
    od::object o;
    RG_TJ(v.get_object().get(o), down, "tool_choice must be a string or an object");
    std::string_view type;
    RG_TRY(object_type(o, &type));
    if (type == "function") {
        od::object fn;
        RG_TJ(o.find_field_unordered("function").get_object().get(fn), down,
              "tool_choice.function is missing");
        RG_TRY(
            string_member(fn, "name", &r.tool_choice.name, "tool_choice.function.name is missing"));
        r.tool_choice.kind = ToolChoiceKind::named;
    } else {
        r.tool_choice.kind = ToolChoiceKind::auto_;  // allowed_tools, custom: closest is auto
    }
    return ok_result();
}

Result<void> parse_response_format(od::value& v, Arena& arena, Request& r) {
    od::object o;
    RG_TJ(v.get_object().get(o), down, "response_format is not an object");
    std::string_view type;
    RG_TRY(object_type(o, &type));
    ResponseFormat& rf = r.response_format;
    if (type == "text") {
        rf.kind = ResponseFormatKind::text;
    } else if (type == "json_object") {
        rf.kind = ResponseFormatKind::json_object;
    } else if (type == "json_schema") {
        rf.kind = ResponseFormatKind::json_schema;
        od::object js;
        RG_TJ(o.find_field_unordered("json_schema").get_object().get(js), down,
              "response_format.json_schema is missing");
        for (auto f : js) {
            std::string_view key;
            RG_TJ(f.unescaped_key().get(key), down, "response_format is not valid JSON");
            od::value fv;
            RG_TJ(f.value().get(fv), down, "response_format is not valid JSON");
            if (key == "name") {
                RG_TJ(fv.get_string().get(rf.name), down, "json_schema.name is not a string");
            } else if (key == "description") {
                RG_TJ(fv.get_string().get(rf.description), down,
                      "json_schema.description is not a string");
            } else if (key == "schema") {
                RG_TJ(raw_value(fv, &rf.schema), down, "json_schema.schema is invalid");
                if (check_json(arena, rf.schema) != JsonKind::object) {
                    return bad_input(down, "json_schema.schema must be a JSON object");
                }
            } else if (key == "strict") {
                bool strict = false;
                RG_TJ(fv.get_bool().get(strict), down, "json_schema.strict is not a boolean");
                rf.strict = strict ? Tri::yes : Tri::no;
            }
        }
    } else {
        return bad_input(down, "response_format.type must be text, json_object or json_schema");
    }
    return ok_result();
}

Effort effort_from(std::string_view s) {
    static constexpr std::pair<std::string_view, Effort> table[] = {
        {"none", Effort::none},     {"minimal", Effort::minimal}, {"low", Effort::low},
        {"medium", Effort::medium}, {"high", Effort::high},       {"xhigh", Effort::max},
        {"max", Effort::max},
    };
    for (const auto& [name, effort] : table) {
        if (s == name) {
            return effort;
        }
    }
    return Effort::unset;
}

Result<void> parse_top_field(std::string_view key, od::value& v, Arena& arena, Request& r,
                             bool* has_messages, bool* has_max_completion,
                             std::vector<std::string_view>& scratch) {
    bool is_null = false;
    RG_TJ(null_check(v, &is_null), down, "body is not valid JSON");
    if (is_null) {
        return ok_result();  // null means absent for every optional field
    }
    if (key == "model") {
        RG_TJ(v.get_string().get(r.model), down, "model is not a string");
    } else if (key == "messages") {
        od::array messages;
        RG_TJ(v.get_array().get(messages), down, "messages is not an array");
        for (auto item : messages) {
            od::value mv;
            RG_TJ(item.get(mv), down, "messages is not valid JSON");
            RG_TRY(parse_message(mv, arena, r, scratch));
            drop_empty_last_message(r);
        }
        *has_messages = true;
    } else if (key == "max_completion_tokens" || key == "max_tokens") {
        uint64_t n = 0;
        RG_TJ(v.get_uint64().get(n), down, "max_tokens is not a non-negative integer");
        if (key == "max_completion_tokens" || !*has_max_completion) {
            r.max_tokens = n;
            r.has_max_tokens = true;
        }
        *has_max_completion |= key == "max_completion_tokens";
    } else if (key == "temperature") {
        RG_TRY(parse_number(v, &r.temperature, "temperature is not a number"));
    } else if (key == "top_p") {
        RG_TRY(parse_number(v, &r.top_p, "top_p is not a number"));
    } else if (key == "presence_penalty") {
        RG_TRY(parse_number(v, &r.presence_penalty, "presence_penalty is not a number"));
    } else if (key == "frequency_penalty") {
        RG_TRY(parse_number(v, &r.frequency_penalty, "frequency_penalty is not a number"));
    } else if (key == "seed") {
        RG_TRY(parse_number(v, &r.seed, "seed is not a number"));
    } else if (key == "n") {
        uint64_t n = 0;
        RG_TJ(v.get_uint64().get(n), down, "n is not a positive integer");
        r.n = static_cast<uint32_t>(n > UINT32_MAX ? UINT32_MAX : n);
    } else if (key == "stop") {
        RG_TRY(parse_stop(v, r));
    } else if (key == "tools") {
        RG_TRY(parse_tools(v, arena, r));
    } else if (key == "tool_choice") {
        RG_TRY(parse_tool_choice(v, r));
    } else if (key == "parallel_tool_calls") {
        bool p = false;
        RG_TJ(v.get_bool().get(p), down, "parallel_tool_calls is not a boolean");
        r.parallel_tool_calls = p ? Tri::yes : Tri::no;
    } else if (key == "response_format") {
        RG_TRY(parse_response_format(v, arena, r));
    } else if (key == "stream") {
        RG_TJ(v.get_bool().get(r.stream), down, "stream is not a boolean");
    } else if (key == "stream_options") {
        RG_TRY(parse_stream_options(v, r, "stream_options.include_usage is not a boolean"));
    } else if (key == "reasoning_effort") {
        std::string_view s;
        RG_TJ(v.get_string().get(s), down, "reasoning_effort is not a string");
        r.reasoning.effort = effort_from(s);
    } else if (key == "user" || key == "safety_identifier") {
        RG_TJ(v.get_string().get(r.user), down, "user is not a string");
    }
    // Everything else (logit_bias, logprobs, metadata, store, service_tier, modalities,
    // audio, prediction, web_search_options, prompt_cache_key, verbosity, functions, ...)
    // has no equivalent in the other formats and is dropped (README "Dropped fields").
    return ok_result();
}

}  // namespace

Result<void> parse_openai_chat_request(std::string_view body, Arena& arena, Request* out) {
    Request& r = *out;
    r.clear();
    r.source = Format::openai_chat;
    od::document doc;
    od::object root;
    RG_TRY(open_object(arena, body, down, &doc, &root));
    bool has_messages = false;
    bool has_max_completion = false;
    std::vector<std::string_view>& scratch = arena.parsers().texts;
    RG_TRY(for_each_field(
        root, down, "request body is not valid JSON", [&](std::string_view key, od::value& v) {
            return parse_top_field(key, v, arena, r, &has_messages, &has_max_completion, scratch);
        }));
    RG_TRY(require_document_end(doc, down));
    if (!has_messages) {
        return bad_input(down, "messages is required");
    }
    if (r.model.empty()) {
        return bad_input(down, "model is required");
    }
    resolve_tool_result_names(r);
    return ok_result();
}

}  // namespace rg::translate
