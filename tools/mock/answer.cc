#include "mock/answer.h"

#include "mock/json_writer.h"
#include "mock/limits.h"

namespace rg::mock {
namespace {

using simdjson::SUCCESS;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

bool get_str(const element& e, std::string_view key, std::string_view* out) {
    return e[key].get_string().get(*out) == SUCCESS;
}

bool get_u64(const element& e, std::string_view key, uint64_t* out) {
    return e[key].get_uint64().get(*out) == SUCCESS;
}

bool get_arr(const element& e, std::string_view key, array* out) {
    return e[key].get_array().get(*out) == SUCCESS;
}

bool child(const element& e, std::string_view key, element* out) {
    return e[key].get(*out) == SUCCESS;
}

bool get_bool(const element& e, std::string_view key) {
    bool v = false;
    return e[key].get_bool().get(v) == SUCCESS && v;
}

// First present key among two spellings (Gemini accepts camelCase and snake_case).
simdjson::simdjson_result<element> either(const element& e, std::string_view a,
                                          std::string_view b) {
    auto r = e[a];
    return r.error() == SUCCESS ? r : e[b];
}

// Words in a string, or in the "text" of every part of an array of parts.
uint32_t words_of_content(const element& content) {
    std::string_view s;
    if (content.get_string().get(s) == SUCCESS) {
        return count_words(s);
    }
    array parts;
    uint32_t n = 0;
    if (content.get_array().get(parts) == SUCCESS) {
        for (element part : parts) {
            if (get_str(part, "text", &s)) {
                n += count_words(s);
            } else if (part["content"].error() == SUCCESS) {
                n += words_of_content(part["content"].value_unsafe());  // tool_result
            }
        }
    }
    return n;
}

void default_value(const element& prop, JsonWriter& w) {
    array enums;
    std::string_view s;
    if (get_arr(prop, "enum", &enums) && enums.size() > 0 &&
        enums.at(0).get_string().get(s) == SUCCESS) {
        w.str(s);
        return;
    }
    std::string_view type;
    array types;
    if (get_arr(prop, "type", &types)) {  // ["string","null"]
        for (element t : types) {
            if (t.get_string().get(type) == SUCCESS && type != "null") {
                break;
            }
        }
    } else {
        get_str(prop, "type", &type);
    }
    auto is = [&](std::string_view want) {
        if (type.size() != want.size()) {
            return false;
        }
        for (size_t i = 0; i < want.size(); ++i) {
            if ((type[i] | 0x20) != want[i]) {
                return false;
            }
        }
        return true;
    };
    if (is("integer") || is("number")) {
        w.num(0);
    } else if (is("boolean")) {
        w.boolean(false);
    } else if (is("array")) {
        w.begin_array().end_array();
    } else if (is("object")) {
        w.begin_object().end_object();
    } else {
        w.str("mock");
    }
}

// Arguments filling each required property of `schema` with a type-correct placeholder.
std::string tool_arguments(const simdjson::simdjson_result<element>& schema) {
    ByteBuffer buf;
    JsonWriter w(buf);
    w.begin_object();
    array required;
    if (schema.error() == SUCCESS && get_arr(schema.value_unsafe(), "required", &required)) {
        element props = schema.value_unsafe();
        for (element name_el : required) {
            std::string_view name;
            if (name_el.get_string().get(name) != SUCCESS) {
                continue;
            }
            w.key(name);
            auto prop = props["properties"][name];
            if (prop.error() == SUCCESS) {
                default_value(prop.value_unsafe(), w);
            } else {
                w.str("mock");
            }
        }
    }
    w.end_object();
    return std::string(buf.view());
}

void set_tool(Answer* a, std::string_view name, const simdjson::simdjson_result<element>& schema) {
    a->tool = true;
    a->tool_name.assign(name);
    a->tool_args = tool_arguments(schema);
}

void cap_tokens(Answer* a, const element& root, std::string_view k1, std::string_view k2) {
    uint64_t max = 0;
    if ((get_u64(root, k1, &max) || (!k2.empty() && get_u64(root, k2, &max))) && max < a->tokens) {
        a->tokens = static_cast<uint32_t>(max);
        a->truncated = true;
    }
}

void finish_prompt(Answer* a, uint32_t words) {
    a->prompt_tokens = words == 0 ? 1 : words;
}

const char* extract_openai_chat(const element& root, Answer* a) {
    array messages;
    if (!get_arr(root, "messages", &messages)) {
        return "'messages' is a required property";
    }
    uint32_t words = 0;
    std::string_view role;
    for (element m : messages) {
        role = {};
        get_str(m, "role", &role);
        if (m["content"].error() == SUCCESS) {
            words += words_of_content(m["content"].value_unsafe());
        }
    }
    finish_prompt(a, words);
    element opts, fn;
    a->include_usage = child(root, "stream_options", &opts) && get_bool(opts, "include_usage");
    cap_tokens(a, root, "max_completion_tokens", "max_tokens");
    array tools;
    std::string_view choice;
    if (role == "tool" || !get_arr(root, "tools", &tools) || tools.size() == 0 ||
        (get_str(root, "tool_choice", &choice) && choice == "none")) {
        return nullptr;
    }
    std::string_view want;
    if (root["tool_choice"]["function"].get(fn) == SUCCESS) {
        get_str(fn, "name", &want);
    }
    for (element t : tools) {
        std::string_view name;
        if (child(t, "function", &fn) && get_str(fn, "name", &name) &&
            (want.empty() || name == want)) {
            set_tool(a, name, t["function"]["parameters"]);
            break;
        }
    }
    return nullptr;
}

const char* extract_openai_completions(const element& root, Answer* a) {
    auto prompt = root["prompt"];
    if (prompt.error() != SUCCESS) {
        return "You must provide a prompt parameter.";
    }
    uint32_t words = 0;
    std::string_view s;
    array items;
    if (prompt.get_string().get(s) == SUCCESS) {
        words = count_words(s);
    } else if (prompt.get_array().get(items) == SUCCESS) {
        for (element item : items) {
            array ids;
            if (item.get_string().get(s) == SUCCESS) {
                words += count_words(s);
            } else if (item.get_array().get(ids) == SUCCESS) {
                words += static_cast<uint32_t>(ids.size());
            } else {
                words += 1;  // a token id
            }
        }
    }
    finish_prompt(a, words);
    element opts;
    a->include_usage = child(root, "stream_options", &opts) && get_bool(opts, "include_usage");
    cap_tokens(a, root, "max_tokens", {});
    return nullptr;
}

uint64_t seed_of(std::string_view s) {
    uint64_t h = 1469598103934665603ull;  // FNV-1a
    for (char c : s) {
        h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    }
    return h;
}

const char* add_embedding_input(const element& item, Answer* a, uint32_t* words) {
    std::string_view s;
    array ids;
    if (item.get_string().get(s) == SUCCESS) {
        *words += count_words(s);
        a->inputs.push_back(seed_of(s));
    } else if (item.get_array().get(ids) == SUCCESS) {
        *words += static_cast<uint32_t>(ids.size());
        a->inputs.push_back(seed_of(simdjson::minify(item)));
    } else {
        return "'input' must be a string or an array of strings or token arrays";
    }
    return a->inputs.size() > limits::embedding_inputs_max ? "too many inputs" : nullptr;
}

const char* extract_openai_embeddings(const element& root, Answer* a) {
    auto input = root["input"];
    if (input.error() != SUCCESS) {
        return "'input' is a required property";
    }
    uint32_t words = 0;
    array items;
    std::string_view s;
    if (input.get_array().get(items) == SUCCESS && items.size() > 0 &&
        items.at(0).get_uint64().error() != SUCCESS) {
        for (element item : items) {
            if (const char* err = add_embedding_input(item, a, &words)) {
                return err;
            }
        }
    } else if (const char* err = add_embedding_input(input.value_unsafe(), a, &words)) {
        return err;
    }
    finish_prompt(a, words);
    a->base64 = get_str(root, "encoding_format", &s) && s == "base64";
    a->dimensions = a->model.find("3-large") != std::string::npos ? 3072 : 1536;
    uint64_t dims = 0;
    if (get_u64(root, "dimensions", &dims)) {
        if (dims == 0 || dims > limits::embedding_dims_max) {
            return "'dimensions' is out of range";
        }
        a->dimensions = static_cast<uint32_t>(dims);
    }
    return nullptr;
}

const char* extract_openai_responses(const element& root, Answer* a) {
    uint32_t words = 0;
    std::string_view s;
    if (get_str(root, "instructions", &s)) {
        words += count_words(s);
    }
    array items;
    bool after_tool = false;
    if (get_str(root, "input", &s)) {
        words += count_words(s);
    } else if (get_arr(root, "input", &items)) {
        for (element item : items) {
            std::string_view type;
            after_tool = get_str(item, "type", &type) && type == "function_call_output";
            if (after_tool && get_str(item, "output", &s)) {
                words += count_words(s);
            } else if (item["content"].error() == SUCCESS) {
                words += words_of_content(item["content"].value_unsafe());
            }
        }
    } else {
        return "Missing required parameter: 'input'.";
    }
    finish_prompt(a, words);
    cap_tokens(a, root, "max_output_tokens", {});
    array tools;
    std::string_view choice;
    if (after_tool || !get_arr(root, "tools", &tools) ||
        (get_str(root, "tool_choice", &choice) && choice == "none")) {
        return nullptr;
    }
    std::string_view want;
    element tc;
    if (child(root, "tool_choice", &tc)) {
        get_str(tc, "name", &want);
    }
    for (element t : tools) {
        std::string_view type, name;
        if (get_str(t, "type", &type) && type == "function" && get_str(t, "name", &name) &&
            (want.empty() || want == name)) {
            set_tool(a, name, t["parameters"]);
            break;
        }
    }
    return nullptr;
}

uint32_t anthropic_prompt_words(const element& root, bool* after_tool) {
    uint32_t words = 0;
    if (root["system"].error() == SUCCESS) {
        words += words_of_content(root["system"].value_unsafe());
    }
    array messages;
    if (get_arr(root, "messages", &messages)) {
        for (element m : messages) {
            *after_tool = false;
            array blocks;
            if (get_arr(m, "content", &blocks)) {
                for (element b : blocks) {
                    std::string_view type;
                    *after_tool =
                        *after_tool || (get_str(b, "type", &type) && type == "tool_result");
                }
            }
            if (m["content"].error() == SUCCESS) {
                words += words_of_content(m["content"].value_unsafe());
            }
        }
    }
    return words;
}

const char* extract_anthropic(const element& root, Answer* a) {
    array messages;
    if (!get_arr(root, "messages", &messages)) {
        return "messages: Field required";
    }
    bool after_tool = false;
    finish_prompt(a, anthropic_prompt_words(root, &after_tool));
    if (a->endpoint == Endpoint::anthropic_count_tokens) {
        return nullptr;
    }
    uint64_t max = 0;
    if (!get_u64(root, "max_tokens", &max)) {
        return "max_tokens: Field required";
    }
    cap_tokens(a, root, "max_tokens", {});
    array tools;
    std::string_view choice_type, want;
    element tc;
    if (child(root, "tool_choice", &tc)) {
        get_str(tc, "type", &choice_type);
        get_str(tc, "name", &want);
    }
    if (after_tool || choice_type == "none" || !get_arr(root, "tools", &tools)) {
        return nullptr;
    }
    for (element t : tools) {
        std::string_view type, name;
        bool client_tool = !get_str(t, "type", &type) || type == "custom";
        if (client_tool && get_str(t, "name", &name) && (want.empty() || want == name)) {
            set_tool(a, name, t["input_schema"]);
            break;
        }
    }
    return nullptr;
}

uint32_t gemini_parts_words(const element& content, bool* function_response) {
    array parts;
    uint32_t words = 0;
    *function_response = false;
    if (get_arr(content, "parts", &parts)) {
        for (element p : parts) {
            std::string_view s;
            if (get_str(p, "text", &s)) {
                words += count_words(s);
            }
            *function_response =
                *function_response ||
                either(p, "functionResponse", "function_response").error() == SUCCESS;
        }
    }
    return words;
}

void gemini_pick_tool(const element& root, Answer* a) {
    auto config = either(root, "toolConfig", "tool_config");
    std::string_view mode, want;
    if (config.error() == SUCCESS) {
        auto fcc =
            either(config.value_unsafe(), "functionCallingConfig", "function_calling_config");
        if (fcc.error() == SUCCESS) {
            get_str(fcc.value_unsafe(), "mode", &mode);
            array allowed;
            auto list =
                either(fcc.value_unsafe(), "allowedFunctionNames", "allowed_function_names");
            if (list.get_array().get(allowed) == SUCCESS && allowed.size() > 0) {
                if (allowed.at(0).get_string().get(want) != SUCCESS) {
                    want = {};
                }
            }
        }
    }
    array tools;
    if (mode == "NONE" || root["tools"].get_array().get(tools) != SUCCESS) {
        return;
    }
    for (element t : tools) {
        array decls;
        if (either(t, "functionDeclarations", "function_declarations").get_array().get(decls) !=
            SUCCESS) {
            continue;
        }
        for (element d : decls) {
            std::string_view name;
            if (get_str(d, "name", &name) && (want.empty() || want == name)) {
                auto schema = d["parameters"];
                if (schema.error() != SUCCESS) {
                    schema = either(d, "parametersJsonSchema", "parameters_json_schema");
                }
                set_tool(a, name, schema);
                return;
            }
        }
    }
}

const char* extract_gemini(const element& request_root, Answer* a) {
    element root = request_root;
    auto inner = either(request_root, "generateContentRequest", "generate_content_request");
    if (a->endpoint == Endpoint::gemini_count_tokens && inner.error() == SUCCESS) {
        root = inner.value_unsafe();
    }
    uint32_t words = 0;
    bool after_tool = false;
    auto system = either(root, "systemInstruction", "system_instruction");
    if (system.error() == SUCCESS) {
        words += gemini_parts_words(system.value_unsafe(), &after_tool);
    }
    array contents;
    if (!get_arr(root, "contents", &contents)) {
        return "* GenerateContentRequest.contents: contents is not specified";
    }
    for (element c : contents) {
        words += gemini_parts_words(c, &after_tool);
    }
    finish_prompt(a, words);
    auto gen = either(root, "generationConfig", "generation_config");
    if (gen.error() == SUCCESS) {
        cap_tokens(a, gen.value_unsafe(), "maxOutputTokens", "max_output_tokens");
    }
    if (!after_tool) {
        gemini_pick_tool(root, a);
    }
    return nullptr;
}

const char* add_gemini_embed(const element& req, Answer* a, uint32_t* words) {
    bool unused = false;
    auto content = req["content"];
    if (content.error() != SUCCESS) {
        return "* EmbedContentRequest.content: content is not specified";
    }
    *words += gemini_parts_words(content.value_unsafe(), &unused);
    // Seeded by the text (parts joined with '\n'), as OpenAI's input string is: the same
    // text gets the same vector from either API, whatever JSON carried it.
    std::string text;
    array parts;
    bool all_text = get_arr(content.value_unsafe(), "parts", &parts) && parts.size() > 0;
    bool first = true;
    for (element p : parts) {
        std::string_view s;
        all_text = all_text && get_str(p, "text", &s);
        text.append(first ? "" : "\n").append(s);
        first = false;
    }
    a->inputs.push_back(seed_of(all_text
                                    ? std::string_view(text)
                                    : std::string_view(simdjson::minify(content.value_unsafe()))));
    uint64_t dims = 0;
    auto d = either(req, "outputDimensionality", "output_dimensionality");
    if (d.get_uint64().get(dims) == SUCCESS) {
        if (dims == 0 || dims > limits::embedding_dims_max) {
            return "* EmbedContentRequest.output_dimensionality: out of range";
        }
        a->dimensions = static_cast<uint32_t>(dims);
    }
    return nullptr;
}

const char* extract_gemini_embed(const element& root, Answer* a) {
    a->dimensions = a->model.find("gemini-embedding") != std::string::npos ? 3072 : 768;
    uint32_t words = 0;
    if (a->endpoint == Endpoint::gemini_embed) {
        const char* err = add_gemini_embed(root, a, &words);
        finish_prompt(a, words);
        return err;
    }
    array requests;
    if (!get_arr(root, "requests", &requests)) {
        return "* BatchEmbedContentsRequest.requests: requests is not specified";
    }
    for (element r : requests) {
        if (const char* err = add_gemini_embed(r, a, &words)) {
            return err;
        }
        if (a->inputs.size() > limits::embedding_inputs_max) {
            return "* BatchEmbedContentsRequest.requests: too many requests";
        }
    }
    finish_prompt(a, words);
    return nullptr;
}

}  // namespace

BodyFacts body_facts(const element& root) {
    BodyFacts f;
    get_str(root, "model", &f.model);
    f.stream = get_bool(root, "stream");
    return f;
}

const char* extract_answer(const element& root, Answer* a) {
    switch (a->endpoint) {
        case Endpoint::openai_chat:
            return extract_openai_chat(root, a);
        case Endpoint::openai_completions:
            return extract_openai_completions(root, a);
        case Endpoint::openai_embeddings:
            return extract_openai_embeddings(root, a);
        case Endpoint::openai_responses:
            return extract_openai_responses(root, a);
        case Endpoint::anthropic_messages:
        case Endpoint::anthropic_count_tokens:
            return extract_anthropic(root, a);
        case Endpoint::gemini_generate:
        case Endpoint::gemini_stream:
        case Endpoint::gemini_count_tokens:
            return extract_gemini(root, a);
        case Endpoint::gemini_embed:
        case Endpoint::gemini_batch_embed:
            return extract_gemini_embed(root, a);
        default:
            return nullptr;
    }
}

}  // namespace rg::mock
