// Gemini generateContent request body -> IR (wire-formats.md §1.3, §4.1, §4.2). Keys are
// accepted in camelCase and snake_case (Google's proto-JSON takes both).
#include "translate/common.h"
#include "translate/formats.h"
#include "translate/request_common.h"

namespace rg::translate {
namespace {

constexpr Side down = Side::downstream;

// One part's members, collected before the block is made: "thoughtSignature" may come
// before or after the functionCall it belongs to.
struct PartFields {
    bool has_text = false;
    bool thought = false;
    std::string_view text;
    std::string_view signature;
    BlockKind media_kind = BlockKind::image;
    bool has_media = false;
    std::string_view media_type;
    std::string_view data;
    std::string_view url;
    bool has_call = false;
    bool has_response = false;
    std::string_view name;
    std::string_view id;
    std::string_view json;  // functionCall.args / functionResponse.response
};

Result<void> parse_media(od::value& v, bool inline_data, PartFields* p) {
    od::object o;
    RG_TJ(v.get_object().get(o), down, "inlineData/fileData is not an object");
    for (auto f : o) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), down, "a part is not valid JSON");
        od::value fv;
        RG_TJ(f.value().get(fv), down, "a part is not valid JSON");
        if (key_is(key, "mimeType", "mime_type")) {
            RG_TJ(fv.get_string().get(p->media_type), down, "mimeType is not a string");
        } else if (inline_data && key == "data") {
            RG_TJ(fv.get_string().get(p->data), down, "inlineData.data is not a string");
        } else if (!inline_data && key_is(key, "fileUri", "file_uri")) {
            RG_TJ(fv.get_string().get(p->url), down, "fileData.fileUri is not a string");
        }
    }
    p->has_media = true;
    const bool image = p->media_type.substr(0, 6) == "image/";
    p->media_kind = image ? BlockKind::image : BlockKind::document;
    return ok_result();
}

Result<void> parse_function(od::value& v, Arena& arena, bool call, PartFields* p) {
    od::object o;
    RG_TJ(v.get_object().get(o), down, "functionCall/functionResponse is not an object");
    for (auto f : o) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), down, "a part is not valid JSON");
        od::value fv;
        RG_TJ(f.value().get(fv), down, "a part is not valid JSON");
        if (key == "name") {
            RG_TJ(fv.get_string().get(p->name), down, "function name is not a string");
        } else if (key == "id") {
            RG_TJ(fv.get_string().get(p->id), down, "function id is not a string");
        } else if ((call && key == "args") || (!call && key == "response")) {
            RG_TJ(raw_value(fv, &p->json), down, "function args/response is invalid");
            if (check_json(arena, p->json) != JsonKind::object) {
                return bad_input(down,
                                 "functionCall.args and functionResponse.response must be objects");
            }
        }
    }
    if (p->name.empty()) {
        return bad_input(down, "functionCall and functionResponse need a name");
    }
    (call ? p->has_call : p->has_response) = true;
    return ok_result();
}

Result<void> parse_part(od::value& v, Arena& arena, Request& r, uint32_t* call_count) {
    od::object o;
    RG_TJ(v.get_object().get(o), down, "parts[] must be objects");
    PartFields p;
    for (auto f : o) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), down, "a part is not valid JSON");
        od::value fv;
        RG_TJ(f.value().get(fv), down, "a part is not valid JSON");
        if (key == "text") {
            RG_TJ(fv.get_string().get(p.text), down, "parts[].text is not a string");
            p.has_text = true;
        } else if (key == "thought") {
            RG_TJ(fv.get_bool().get(p.thought), down, "parts[].thought is not a boolean");
        } else if (key_is(key, "thoughtSignature", "thought_signature")) {
            RG_TJ(fv.get_string().get(p.signature), down, "thoughtSignature is not a string");
        } else if (key_is(key, "inlineData", "inline_data")) {
            RG_TRY(parse_media(fv, true, &p));
        } else if (key_is(key, "fileData", "file_data")) {
            RG_TRY(parse_media(fv, false, &p));
        } else if (key_is(key, "functionCall", "function_call")) {
            RG_TRY(parse_function(fv, arena, true, &p));
        } else if (key_is(key, "functionResponse", "function_response")) {
            RG_TRY(parse_function(fv, arena, false, &p));
        }
        // executableCode, codeExecutionResult, videoMetadata: no equivalent; dropped.
    }
    if (p.has_call) {
        Block& b = add_block(r, BlockKind::tool_call);
        b.name = p.name;
        b.args = p.json.empty() ? std::string_view("{}") : p.json;
        b.signature = p.signature;
        b.id = p.id;
        if (b.id.empty()) {
            // Gemini's calls carry no id; results are matched to calls by name and order.
            b.id = mint_indexed_id(arena, "call_", "", (*call_count)++);
            b.id_synthesized = true;
        }
    } else if (p.has_response) {
        Block& b = add_block(r, BlockKind::tool_result);
        b.name = p.name;
        b.id = p.id;  // filled by match_results() when absent
        b.text = p.json.empty() ? std::string_view("{}") : p.json;
        b.content_is_json = true;
    } else if (p.has_media) {
        Block& b = add_block(r, p.media_kind);
        b.media_type = p.media_type;
        b.data = p.data;
        b.url = p.url;
    } else if (p.has_text) {
        Block& b = add_block(r, p.thought ? BlockKind::thinking : BlockKind::text);
        b.text = p.text;
        b.signature = p.signature;
        b.origin = Format::gemini;
    }
    return ok_result();
}

Result<void> parse_content(od::value& v, Arena& arena, Request& r, uint32_t* call_count) {
    od::object o;
    RG_TJ(v.get_object().get(o), down, "contents[] must be objects");
    std::string_view role = "user";
    od::value rv;
    bool has_role = false;
    RG_TJ(soft(o.find_field_unordered("role").get(rv), &has_role), down, "body is not valid JSON");
    if (has_role) {
        RG_TJ(rv.get_string().get(role), down, "contents[].role is not a string");
    }
    if (role == "user" || role == "function") {  // "function": old docs' tool-result role
        begin_message(r, Role::user);
    } else if (role == "model") {
        begin_message(r, Role::assistant);
    } else {
        return bad_input(down, "contents[].role must be user or model");
    }
    od::array parts;
    RG_TJ(o.find_field_unordered("parts").get_array().get(parts), down,
          "contents[].parts is missing or not an array");
    for (auto item : parts) {
        od::value pv;
        RG_TJ(item.get(pv), down, "parts is not valid JSON");
        RG_TRY(parse_part(pv, arena, r, call_count));
    }
    return ok_result();
}

// Gives every functionResponse without an id the id of its call: the first call of the
// same name in the nearest earlier model turn that no earlier response took.
void match_results(Arena& arena, Request& r, uint32_t* call_count) {
    size_t model_msg = SIZE_MAX;
    for (size_t mi = 0; mi < r.messages.size(); ++mi) {
        const Message& m = r.messages[mi];
        if (m.role == Role::assistant) {
            model_msg = mi;
            continue;
        }
        for (uint32_t k = 0; k < m.count; ++k) {
            Block& res = r.blocks[m.first + k];
            if (res.kind != BlockKind::tool_result || !res.id.empty()) {
                continue;
            }
            if (model_msg != SIZE_MAX) {
                const Message& mm = r.messages[model_msg];
                for (uint32_t c = 0; c < mm.count && res.id.empty(); ++c) {
                    const Block& call = r.blocks[mm.first + c];
                    if (call.kind != BlockKind::tool_call || call.name != res.name) {
                        continue;
                    }
                    bool taken = false;
                    for (uint32_t e = 0; e < k; ++e) {
                        taken |= r.blocks[m.first + e].id == call.id;
                    }
                    if (!taken) {
                        res.id = call.id;
                        res.id_synthesized = call.id_synthesized;
                    }
                }
            }
            if (res.id.empty()) {
                res.id = mint_indexed_id(arena, "call_", "", (*call_count)++);
                res.id_synthesized = true;
            }
        }
    }
}

Result<void> parse_system(od::value& v, Request& r) {
    od::object o;
    RG_TJ(v.get_object().get(o), down, "systemInstruction is not an object");
    od::array parts;
    RG_TJ(o.find_field_unordered("parts").get_array().get(parts), down,
          "systemInstruction.parts is missing or not an array");
    for (auto item : parts) {
        od::object part;
        RG_TJ(item.get_object().get(part), down, "systemInstruction.parts[] must be objects");
        od::value tv;
        bool has_text = false;
        RG_TJ(soft(part.find_field_unordered("text").get(tv), &has_text), down,
              "body is not valid JSON");
        if (has_text) {
            std::string_view s;
            RG_TJ(tv.get_string().get(s), down, "systemInstruction text is not a string");
            r.system.push_back(s);
        }
    }
    return ok_result();
}

Result<void> parse_declaration(od::value& v, Arena& arena, Request& r) {
    od::object o;
    RG_TJ(v.get_object().get(o), down, "functionDeclarations[] must be objects");
    Tool t;
    for (auto f : o) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), down, "a function declaration is not valid JSON");
        od::value fv;
        RG_TJ(f.value().get(fv), down, "a function declaration is not valid JSON");
        if (key == "name") {
            RG_TJ(fv.get_string().get(t.name), down, "function declaration name is invalid");
        } else if (key == "description") {
            RG_TJ(fv.get_string().get(t.description), down, "function description is invalid");
        } else if (key == "parameters" ||
                   key_is(key, "parametersJsonSchema", "parameters_json_schema")) {
            RG_TJ(raw_value(fv, &t.parameters), down, "function parameters are invalid");
            if (check_json(arena, t.parameters) != JsonKind::object) {
                return bad_input(down, "function parameters must be a JSON object");
            }
        }
    }
    if (t.name.empty()) {
        return bad_input(down, "functionDeclarations[].name is required");
    }
    r.tools.push_back(t);
    return ok_result();
}

Result<void> parse_tools(od::value& v, Arena& arena, Request& r) {
    od::array tools;
    RG_TJ(v.get_array().get(tools), down, "tools is not an array");
    for (auto item : tools) {
        od::object t;
        RG_TJ(item.get_object().get(t), down, "tools[] must be objects");
        for (auto f : t) {
            std::string_view key;
            RG_TJ(f.unescaped_key().get(key), down, "a tool is not valid JSON");
            if (!key_is(key, "functionDeclarations", "function_declarations")) {
                continue;  // googleSearch, codeExecution, urlContext, ...: no equivalent
            }
            od::array decls;
            RG_TJ(f.value().get_array().get(decls), down, "functionDeclarations is not an array");
            for (auto d : decls) {
                od::value dv;
                RG_TJ(d.get(dv), down, "functionDeclarations is not valid JSON");
                RG_TRY(parse_declaration(dv, arena, r));
            }
        }
    }
    return ok_result();
}

Result<void> parse_tool_config(od::value& v, Request& r) {
    od::object o;
    RG_TJ(v.get_object().get(o), down, "toolConfig is not an object");
    od::value fcv;
    bool has_function_calling_config = false;
    RG_TJ(soft(o.find_field_unordered("functionCallingConfig").get(fcv),
               &has_function_calling_config),
          down, "body is not valid JSON");
    if (!has_function_calling_config) {
        bool empty = false;
        RG_TJ(o.reset().get(empty), down, "toolConfig is not valid JSON");
        bool has_function_calling_config = false;
        RG_TJ(soft(o.find_field_unordered("function_calling_config").get(fcv),
                   &has_function_calling_config),
              down, "body is not valid JSON");
        if (!has_function_calling_config) {
            return ok_result();
        }
    }
    od::object fc;
    RG_TJ(fcv.get_object().get(fc), down, "functionCallingConfig is not an object");
    std::string_view mode;
    std::string_view only;
    uint32_t names = 0;
    for (auto f : fc) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), down, "functionCallingConfig is not valid JSON");
        if (key == "mode") {
            RG_TJ(f.value().get_string().get(mode), down, "functionCallingConfig.mode is invalid");
        } else if (key_is(key, "allowedFunctionNames", "allowed_function_names")) {
            od::array a;
            RG_TJ(f.value().get_array().get(a), down, "allowedFunctionNames is not an array");
            for (auto item : a) {
                RG_TJ(item.get_string().get(only), down, "allowedFunctionNames[] must be strings");
                ++names;
            }
        }
    }
    if (mode == "ANY") {
        // One allowed name is a named choice; several cannot be expressed elsewhere and
        // widen to "required".
        r.tool_choice.kind = names == 1 ? ToolChoiceKind::named : ToolChoiceKind::required;
        r.tool_choice.name = names == 1 ? only : std::string_view();
    } else if (mode == "NONE") {
        r.tool_choice.kind = ToolChoiceKind::none;
    } else if (mode == "AUTO" || mode == "VALIDATED") {
        r.tool_choice.kind = ToolChoiceKind::auto_;
    }
    return ok_result();
}

Result<void> parse_thinking_config(od::value& v, Request& r) {
    od::object o;
    RG_TJ(v.get_object().get(o), down, "thinkingConfig is not an object");
    for (auto f : o) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), down, "thinkingConfig is not valid JSON");
        od::value fv;
        RG_TJ(f.value().get(fv), down, "thinkingConfig is not valid JSON");
        if (key_is(key, "thinkingBudget", "thinking_budget")) {
            RG_TJ(fv.get_int64().get(r.reasoning.budget_tokens), down,
                  "thinkingBudget is not an integer");
            r.reasoning.has_budget = true;
        } else if (key_is(key, "includeThoughts", "include_thoughts")) {
            bool include = false;
            RG_TJ(fv.get_bool().get(include), down, "includeThoughts is not a boolean");
            r.reasoning.include_thoughts = include ? Tri::yes : Tri::no;
        } else if (key_is(key, "thinkingLevel", "thinking_level")) {
            std::string_view level;
            RG_TJ(fv.get_string().get(level), down, "thinkingLevel is not a string");
            r.reasoning.effort = (level == "LOW" || level == "low")           ? Effort::low
                                 : (level == "MEDIUM" || level == "medium")   ? Effort::medium
                                 : (level == "MINIMAL" || level == "minimal") ? Effort::minimal
                                                                              : Effort::high;
        }
    }
    return ok_result();
}

Result<void> parse_generation_config(od::value& v, Arena& arena, Request& r) {
    od::object o;
    RG_TJ(v.get_object().get(o), down, "generationConfig is not an object");
    std::string_view mime;
    for (auto f : o) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), down, "generationConfig is not valid JSON");
        od::value fv;
        RG_TJ(f.value().get(fv), down, "generationConfig is not valid JSON");
        if (key == "temperature") {
            RG_TRY(parse_number(fv, &r.temperature, "temperature is not a number"));
        } else if (key_is(key, "topP", "top_p")) {
            RG_TRY(parse_number(fv, &r.top_p, "topP is not a number"));
        } else if (key_is(key, "topK", "top_k")) {
            RG_TRY(parse_number(fv, &r.top_k, "topK is not a number"));
        } else if (key_is(key, "presencePenalty", "presence_penalty")) {
            RG_TRY(parse_number(fv, &r.presence_penalty, "presencePenalty is not a number"));
        } else if (key_is(key, "frequencyPenalty", "frequency_penalty")) {
            RG_TRY(parse_number(fv, &r.frequency_penalty, "frequencyPenalty is not a number"));
        } else if (key == "seed") {
            RG_TRY(parse_number(fv, &r.seed, "seed is not a number"));
        } else if (key_is(key, "candidateCount", "candidate_count")) {
            uint64_t n = 0;
            RG_TJ(fv.get_uint64().get(n), down, "candidateCount is not an integer");
            r.n = static_cast<uint32_t>(n > UINT32_MAX ? UINT32_MAX : n);
        } else if (key_is(key, "maxOutputTokens", "max_output_tokens")) {
            RG_TJ(fv.get_uint64().get(r.max_tokens), down, "maxOutputTokens is not an integer");
            r.has_max_tokens = true;
        } else if (key_is(key, "stopSequences", "stop_sequences")) {
            RG_TRY(parse_string_list(fv, r.stop, "stopSequences is not an array",
                                     "stopSequences[] must be strings"));
        } else if (key_is(key, "responseMimeType", "response_mime_type")) {
            RG_TJ(fv.get_string().get(mime), down, "responseMimeType is not a string");
        } else if (key_is(key, "responseJsonSchema", "response_json_schema") ||
                   key_is(key, "responseSchema", "response_schema")) {
            RG_TJ(raw_value(fv, &r.response_format.schema), down, "response schema is invalid");
            if (check_json(arena, r.response_format.schema) != JsonKind::object) {
                return bad_input(down, "the response schema must be a JSON object");
            }
        } else if (key_is(key, "thinkingConfig", "thinking_config")) {
            RG_TRY(parse_thinking_config(fv, r));
        }
        // responseModalities, responseLogprobs, logprobs, mediaResolution, speechConfig:
        // dropped.
    }
    if (mime == "application/json") {
        r.response_format.kind = r.response_format.schema.empty() ? ResponseFormatKind::json_object
                                                                  : ResponseFormatKind::json_schema;
    } else {
        r.response_format.schema = {};  // a schema only applies to JSON output
    }
    return ok_result();
}

Result<void> parse_top_field(std::string_view key, od::value& v, Arena& arena, Request& r,
                             bool* has_contents, uint32_t* call_count) {
    if (key == "contents") {
        od::array contents;
        RG_TJ(v.get_array().get(contents), down, "contents is not an array");
        for (auto item : contents) {
            od::value cv;
            RG_TJ(item.get(cv), down, "contents is not valid JSON");
            RG_TRY(parse_content(cv, arena, r, call_count));
            drop_empty_last_message(r);
        }
        *has_contents = true;
    } else if (key_is(key, "systemInstruction", "system_instruction")) {
        RG_TRY(parse_system(v, r));
    } else if (key == "tools") {
        RG_TRY(parse_tools(v, arena, r));
    } else if (key_is(key, "toolConfig", "tool_config")) {
        RG_TRY(parse_tool_config(v, r));
    } else if (key_is(key, "generationConfig", "generation_config")) {
        RG_TRY(parse_generation_config(v, arena, r));
    }
    // safetySettings, cachedContent, labels: gateway or provider specifics; dropped.
    return ok_result();
}

}  // namespace

Result<void> parse_gemini_request(std::string_view body, const ParseOptions& options, Arena& arena,
                                  Request* out) {
    Request& r = *out;
    r.clear();
    r.source = Format::gemini;
    r.model = options.gemini_model;
    r.stream = options.gemini_stream;
    od::document doc;
    od::object root;
    RG_TRY(open_object(arena, body, down, &doc, &root));
    bool has_contents = false;
    uint32_t call_count = 0;
    RG_TRY(for_each_field(root, down, "request body is not valid JSON",
                          [&](std::string_view key, od::value& v) {
                              return parse_top_field(key, v, arena, r, &has_contents, &call_count);
                          }));
    RG_TRY(require_document_end(doc, down));
    if (!has_contents) {
        return bad_input(down, "contents is required");
    }
    match_results(arena, r, &call_count);
    return ok_result();
}

}  // namespace rg::translate
