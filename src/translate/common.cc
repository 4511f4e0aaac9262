#include "translate/common.h"

#include <cstring>

namespace rg::translate {

bool split_data_uri(std::string_view url, std::string_view* media_type, std::string_view* data) {
    constexpr std::string_view scheme = "data:";
    constexpr std::string_view marker = ";base64,";
    if (url.substr(0, scheme.size()) != scheme) {
        return false;
    }
    const size_t at = url.find(marker);
    if (at == std::string_view::npos) {
        return false;
    }
    *media_type = url.substr(scheme.size(), at - scheme.size());
    *data = url.substr(at + marker.size());
    return true;
}

std::string_view make_data_uri(Arena& arena, std::string_view media_type, std::string_view data) {
    const std::string_view parts[] = {"data:", media_type, ";base64,", data};
    return arena.join(parts, 4, "");
}

void begin_message(Request& request, Role role) {
    Message m;
    m.role = role;
    m.first = static_cast<uint32_t>(request.blocks.size());
    request.messages.push_back(m);
}

Block& add_block(Request& request, BlockKind kind) {
    RG_ASSERT(!request.messages.empty());
    request.blocks.emplace_back();
    request.messages.back().count += 1;
    Block& b = request.blocks.back();
    b.kind = kind;
    return b;
}

void drop_empty_last_message(Request& request) {
    if (!request.messages.empty() && request.messages.back().count == 0) {
        request.messages.pop_back();
    }
}

void resolve_tool_result_names(Request& request) {
    for (size_t i = 0; i < request.blocks.size(); ++i) {
        Block& r = request.blocks[i];
        if (r.kind != BlockKind::tool_result || !r.name.empty()) {
            continue;
        }
        // The call precedes its result; search backwards from it.
        for (size_t j = i; j-- > 0;) {
            const Block& c = request.blocks[j];
            if (c.kind == BlockKind::tool_call && c.id == r.id) {
                r.name = c.name;
                break;
            }
        }
    }
}

bool is_blank(std::string_view s) {
    for (char c : s) {
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
            return false;
        }
    }
    return true;
}

namespace {

Result<void> read_uint(od::value& v, uint64_t* out, Side side) {
    // Some upstreams send null for absent counts.
    bool is_null = false;
    RG_TJ(null_check(v, &is_null), Side::upstream, "body is not valid JSON");
    if (is_null) {
        return ok_result();
    }
    RG_TJ(v.get_uint64().get(*out), side, "usage count is not a non-negative integer");
    return ok_result();
}

// Reads `"name": <uint>` members of the object at `v` into the table of (key, target).
struct UintField {
    std::string_view key;
    uint64_t* target;
    bool* seen = nullptr;
};

Result<void> read_uint_fields(od::value& v, const UintField* fields, size_t n) {
    od::object o;
    RG_TJ(v.get_object().get(o), Side::upstream, "usage is not an object");
    for (auto f : o) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), Side::upstream, "usage key is invalid");
        for (size_t i = 0; i < n; ++i) {
            if (key == fields[i].key) {
                od::value val;
                RG_TJ(f.value().get(val), Side::upstream, "usage value is invalid");
                RG_TRY(read_uint(val, fields[i].target, Side::upstream));
                if (fields[i].seen != nullptr) {
                    *fields[i].seen = true;
                }
                break;
            }
        }
    }
    return ok_result();
}

}  // namespace

Result<void> parse_openai_usage(od::value v, Usage* usage) {
    uint64_t prompt = 0, completion = 0;
    od::object o;
    RG_TJ(v.get_object().get(o), Side::upstream, "usage is not an object");
    for (auto f : o) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), Side::upstream, "usage key is invalid");
        od::value val;
        RG_TJ(f.value().get(val), Side::upstream, "usage value is invalid");
        if (key == "prompt_tokens") {
            RG_TRY(read_uint(val, &prompt, Side::upstream));
        } else if (key == "completion_tokens") {
            RG_TRY(read_uint(val, &completion, Side::upstream));
        } else if (key == "prompt_tokens_details") {
            const UintField fields[] = {{"cached_tokens", &usage->cached_input},
                                        {"cache_write_tokens", &usage->cache_creation}};
            bool is_null = false;
            RG_TJ(null_check(val, &is_null), Side::upstream, "body is not valid JSON");
            if (is_null) {
                continue;
            }
            RG_TRY(read_uint_fields(val, fields, 2));
        } else if (key == "completion_tokens_details") {
            const UintField fields[] = {
                {"reasoning_tokens", &usage->reasoning, &usage->has_reasoning}};
            bool is_null = false;
            RG_TJ(null_check(val, &is_null), Side::upstream, "body is not valid JSON");
            if (is_null) {
                continue;
            }
            RG_TRY(read_uint_fields(val, fields, 1));
        }
    }
    usage->input = prompt;
    usage->output = completion;
    return ok_result();
}

Result<void> parse_responses_usage(od::value v, Usage* usage) {
    od::object o;
    RG_TJ(v.get_object().get(o), Side::upstream, "usage is not an object");
    for (auto f : o) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), Side::upstream, "usage key is invalid");
        od::value val;
        RG_TJ(f.value().get(val), Side::upstream, "usage value is invalid");
        if (key == "input_tokens") {
            RG_TRY(read_uint(val, &usage->input, Side::upstream));
        } else if (key == "output_tokens") {
            RG_TRY(read_uint(val, &usage->output, Side::upstream));
        } else if (key == "input_tokens_details") {
            const UintField fields[] = {{"cached_tokens", &usage->cached_input},
                                        {"cache_write_tokens", &usage->cache_creation}};
            RG_TRY(read_uint_fields(val, fields, 2));
        } else if (key == "output_tokens_details") {
            const UintField fields[] = {
                {"reasoning_tokens", &usage->reasoning, &usage->has_reasoning}};
            RG_TRY(read_uint_fields(val, fields, 1));
        }
    }
    return ok_result();
}

Result<void> parse_anthropic_usage(od::value v, Usage* usage) {
    uint64_t input = 0;
    od::object o;
    RG_TJ(v.get_object().get(o), Side::upstream, "usage is not an object");
    for (auto f : o) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), Side::upstream, "usage key is invalid");
        od::value val;
        RG_TJ(f.value().get(val), Side::upstream, "usage value is invalid");
        if (key == "input_tokens") {
            RG_TRY(read_uint(val, &input, Side::upstream));
        } else if (key == "cache_read_input_tokens") {
            RG_TRY(read_uint(val, &usage->cached_input, Side::upstream));
        } else if (key == "cache_creation_input_tokens") {
            RG_TRY(read_uint(val, &usage->cache_creation, Side::upstream));
        } else if (key == "output_tokens") {
            RG_TRY(read_uint(val, &usage->output, Side::upstream));
        } else if (key == "output_tokens_details") {
            const UintField fields[] = {
                {"thinking_tokens", &usage->reasoning, &usage->has_reasoning}};
            RG_TRY(read_uint_fields(val, fields, 1));
        }
    }
    // input_tokens counts only the uncached part (§1.2 Usage).
    usage->input = input + usage->cached_input + usage->cache_creation;
    return ok_result();
}

Result<void> parse_gemini_usage(od::value v, Usage* usage) {
    uint64_t prompt = 0, candidates = 0, thoughts = 0;
    bool has_thoughts = false;
    const UintField fields[] = {
        {"promptTokenCount", &prompt},
        {"candidatesTokenCount", &candidates},
        {"thoughtsTokenCount", &thoughts, &has_thoughts},
        {"cachedContentTokenCount", &usage->cached_input},
        {"toolUsePromptTokenCount", &usage->tool_prompt},
    };
    RG_TRY(read_uint_fields(v, fields, sizeof(fields) / sizeof(fields[0])));
    // promptTokenCount includes the cached part; candidates exclude thoughts (§1.3).
    usage->input = prompt + usage->tool_prompt;
    usage->output = candidates + thoughts;
    usage->reasoning = thoughts;
    usage->has_reasoning = has_thoughts;
    return ok_result();
}

void write_openai_usage(JsonWriter& w, const Usage& u) {
    w.begin_object();
    w.field_uint("prompt_tokens", u.input);
    w.field_uint("completion_tokens", u.output);
    w.field_uint("total_tokens", u.input + u.output);
    w.key("prompt_tokens_details");
    w.begin_object();
    w.field_uint("cached_tokens", u.cached_input);
    if (u.cache_creation > 0) {
        w.field_uint("cache_write_tokens", u.cache_creation);
    }
    w.end_object();
    w.key("completion_tokens_details");
    w.begin_object();
    w.field_uint("reasoning_tokens", u.reasoning);
    w.end_object();
    w.end_object();
}

void write_responses_usage(JsonWriter& w, const Usage& u) {
    w.begin_object();
    w.field_uint("input_tokens", u.input);
    w.key("input_tokens_details");
    w.begin_object();
    w.field_uint("cached_tokens", u.cached_input);
    w.end_object();
    w.field_uint("output_tokens", u.output);
    w.key("output_tokens_details");
    w.begin_object();
    w.field_uint("reasoning_tokens", u.reasoning);
    w.end_object();
    w.field_uint("total_tokens", u.input + u.output);
    w.end_object();
}

void write_anthropic_usage(JsonWriter& w, const Usage& u) {
    w.begin_object();
    w.field_uint("input_tokens", sub_sat(u.input, u.cached_input + u.cache_creation));
    w.field_uint("cache_creation_input_tokens", u.cache_creation);
    w.field_uint("cache_read_input_tokens", u.cached_input);
    w.field_uint("output_tokens", u.output);
    w.end_object();
}

void write_gemini_usage(JsonWriter& w, const Usage& u) {
    w.begin_object();
    w.field_uint("promptTokenCount", sub_sat(u.input, u.tool_prompt));
    w.field_uint("candidatesTokenCount", sub_sat(u.output, u.reasoning));
    w.field_uint("totalTokenCount", u.input + u.output);
    if (u.cached_input > 0) {
        w.field_uint("cachedContentTokenCount", u.cached_input);
    }
    if (u.reasoning > 0) {
        w.field_uint("thoughtsTokenCount", u.reasoning);
    }
    if (u.tool_prompt > 0) {
        w.field_uint("toolUsePromptTokenCount", u.tool_prompt);
    }
    w.end_object();
}

std::string_view mint_id(Arena& arena, std::string_view prefix, std::string_view token) {
    const std::string_view parts[] = {prefix, token};
    return arena.join(parts, 2, "");
}

std::string_view mint_indexed_id(Arena& arena, std::string_view prefix, std::string_view token,
                                 uint32_t n) {
    char digits[12];
    size_t len = 0;
    do {
        digits[sizeof(digits) - 1 - len] = static_cast<char>('0' + n % 10);
        n /= 10;
        ++len;
    } while (n != 0);
    const std::string_view number(digits + sizeof(digits) - len, len);
    if (token.empty()) {
        const std::string_view parts[] = {prefix, number};
        return arena.join(parts, 2, "");
    }
    const std::string_view parts[] = {prefix, token, "_", number};
    return arena.join(parts, 4, "");
}

std::string_view args_object(Arena& arena, std::string_view text) {
    if (is_blank(text)) {
        return "{}";
    }
    if (check_json(arena, text) == JsonKind::object) {
        return text;
    }
    return "{}";
}

std::string_view compact_json(Arena& arena, std::string_view json) {
    size_t spaces = 0;
    bool in_string = false;
    for (size_t i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (in_string) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            ++spaces;
        }
    }
    if (spaces == 0) {
        return json;
    }
    char* out = arena.allocate(json.size() - spaces);
    size_t n = 0;
    in_string = false;
    for (size_t i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (in_string) {
            out[n++] = c;
            if (c == '\\' && i + 1 < json.size()) {
                out[n++] = json[++i];
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
            out[n++] = c;
        } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
            out[n++] = c;
        }
    }
    return {out, n};
}

}  // namespace rg::translate
