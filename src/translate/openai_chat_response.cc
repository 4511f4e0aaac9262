// OpenAI Chat Completions non-streamed answers <-> IR (wire-formats.md §1.1, §4.3-§4.5).
#include "translate/common.h"
#include "translate/formats.h"

namespace rg::translate {
namespace {

constexpr Side up = Side::upstream;

Result<void> parse_calls(od::value& v, Arena& arena, Response& r) {
    od::array calls;
    RG_TJ(v.get_array().get(calls), up, "tool_calls is not an array");
    for (auto item : calls) {
        od::object call;
        RG_TJ(item.get_object().get(call), up, "a tool call is not an object");
        Block b;
        b.kind = BlockKind::tool_call;
        std::string_view args;
        for (auto f : call) {
            std::string_view key;
            RG_TJ(f.unescaped_key().get(key), up, "a tool call is not valid JSON");
            if (key == "id") {
                RG_TJ(f.value().get_string().get(b.id), up, "tool_calls[].id is not a string");
            } else if (key == "function") {
                od::object fn;
                RG_TJ(f.value().get_object().get(fn), up, "tool_calls[].function is invalid");
                for (auto ff : fn) {
                    std::string_view fkey;
                    RG_TJ(ff.unescaped_key().get(fkey), up, "a tool call is not valid JSON");
                    if (fkey == "name") {
                        RG_TJ(ff.value().get_string().get(b.name), up, "function.name is invalid");
                    } else if (fkey == "arguments") {
                        RG_TJ(ff.value().get_string().get(args), up,
                              "function.arguments is not a string");
                    }
                }
            }
        }
        b.id_synthesized = b.id.empty();
        b.args = args_object(arena, args);
        r.blocks.push_back(b);
    }
    return ok_result();
}

Result<void> parse_message(od::value& v, Arena& arena, Response& r) {
    od::object m;
    RG_TJ(v.get_object().get(m), up, "choices[].message is not an object");
    for (auto f : m) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), up, "a message is not valid JSON");
        od::value fv;
        RG_TJ(f.value().get(fv), up, "a message is not valid JSON");
        bool is_null = false;
        RG_TJ(null_check(fv, &is_null), up, "body is not valid JSON");
        if (is_null) {
            continue;
        }
        if (key == "content" || key == "refusal") {
            Block b;
            RG_TJ(fv.get_string().get(b.text), up, "message.content is not a string");
            if (!b.text.empty()) {
                r.blocks.push_back(b);
            }
        } else if (key == "reasoning_content" || key == "reasoning") {
            // Compatible upstreams' reasoning extension (§1.1 "Reasoning text").
            Block b;
            b.kind = BlockKind::thinking;
            b.origin = Format::openai_chat;
            bool is_string = false;
            RG_TJ(soft(fv.get_string().get(b.text), &is_string), up, "body is not valid JSON");
            if (is_string && !b.text.empty()) {
                r.blocks.push_back(b);
            }
        } else if (key == "tool_calls") {
            RG_TRY(parse_calls(fv, arena, r));
        }
    }
    return ok_result();
}

Result<void> parse_choice(od::value& v, Arena& arena, Response& r) {
    od::object c;
    RG_TJ(v.get_object().get(c), up, "choices[] is not an object");
    for (auto f : c) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), up, "a choice is not valid JSON");
        od::value fv;
        RG_TJ(f.value().get(fv), up, "a choice is not valid JSON");
        if (key == "message") {
            RG_TRY(parse_message(fv, arena, r));
        } else if (key == "finish_reason") {
            std::string_view reason;
            bool is_string = false;
            RG_TJ(soft(fv.get_string().get(reason), &is_string), up, "body is not valid JSON");
            if (is_string) {
                r.finish = finish_from_openai(reason);
            }
        }
    }
    return ok_result();
}

void write_message(JsonWriter& w, const Response& r, const ResponseOptions& o, Arena& arena,
                   bool* has_calls) {
    std::vector<std::string_view>& texts = arena.parsers().texts;
    texts.clear();
    for (const Block& b : r.blocks) {
        if (b.kind == BlockKind::text) {
            texts.push_back(b.text);
        }
    }
    w.key("message");
    w.begin_object();
    w.field("role", "assistant");
    w.key("content");
    if (texts.empty()) {
        w.null();
    } else {
        w.string(arena.join(texts.data(), texts.size(), ""));
    }
    if (o.include_reasoning) {
        // reasoning_content (the most common extension, §4.9 #14) and LiteLLM's
        // thinking_blocks, which keep Anthropic signatures for the client to send back.
        texts.clear();
        bool signed_blocks = false;
        for (const Block& b : r.blocks) {
            if (b.kind == BlockKind::thinking) {
                texts.push_back(b.text);
            }
            signed_blocks |=
                (b.kind == BlockKind::thinking || b.kind == BlockKind::redacted_thinking) &&
                b.origin == Format::anthropic;
        }
        if (!texts.empty()) {
            w.field("reasoning_content", arena.join(texts.data(), texts.size(), ""));
        }
        if (signed_blocks) {
            w.key("thinking_blocks");
            w.begin_array();
            for (const Block& b : r.blocks) {
                if (b.kind == BlockKind::thinking && b.origin == Format::anthropic) {
                    w.begin_object();
                    w.field("type", "thinking");
                    w.field("thinking", b.text);
                    w.field("signature", b.signature);
                    w.end_object();
                } else if (b.kind == BlockKind::redacted_thinking) {
                    w.begin_object();
                    w.field("type", "redacted_thinking");
                    w.field("data", b.data);
                    w.end_object();
                }
            }
            w.end_array();
        }
    }
    w.key("refusal");
    w.null();
    uint32_t n = 0;
    for (const Block& b : r.blocks) {
        if (b.kind != BlockKind::tool_call) {
            continue;
        }
        if (n == 0) {
            w.key("tool_calls");
            w.begin_array();
        }
        w.begin_object();
        w.field("id", b.id.empty() ? mint_indexed_id(arena, "call_", o.id_token, n) : b.id);
        w.field("type", "function");
        w.key("function");
        w.begin_object();
        w.field("name", b.name);
        w.field("arguments", b.args.empty() ? std::string_view("{}") : compact_json(arena, b.args));
        if (!b.signature.empty()) {
            w.field("thought_signature", b.signature);  // Portkey's slot (§4.9 #8)
        }
        w.end_object();
        w.end_object();
        ++n;
    }
    if (n > 0) {
        w.end_array();
    }
    w.end_object();
    *has_calls = n > 0;
}

}  // namespace

Result<void> parse_openai_chat_response(std::string_view body, Arena& arena, Response* out) {
    Response& r = *out;
    r.clear();
    od::document doc;
    od::object root;
    RG_TRY(open_object(arena, body, up, &doc, &root));
    bool has_choice = false;
    for (auto f : root) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), up, "response body is not valid JSON");
        od::value v;
        RG_TJ(f.value().get(v), up, "response body is not valid JSON");
        if (key == "id") {
            RG_TJ(v.get_string().get(r.id), up, "id is not a string");
        } else if (key == "model") {
            RG_TJ(v.get_string().get(r.model), up, "model is not a string");
        } else if (key == "choices") {
            od::array choices;
            RG_TJ(v.get_array().get(choices), up, "choices is not an array");
            for (auto c : choices) {
                od::value cv;
                RG_TJ(c.get(cv), up, "choices is not valid JSON");
                if (!has_choice) {  // the first choice only (n > 1 is not translated)
                    RG_TRY(parse_choice(cv, arena, r));
                    has_choice = true;
                }
            }
        } else if (key == "usage") {
            bool is_null = false;
            RG_TJ(null_check(v, &is_null), up, "body is not valid JSON");
            if (is_null) {
                continue;
            }
            RG_TRY(parse_openai_usage(v, &r.usage));
            r.has_usage = true;
        }
    }
    if (!has_choice) {
        return bad_input(up, "response has no choices");
    }
    return ok_result();
}

Result<void> emit_openai_chat_response(const Response& r, const ResponseOptions& o, Arena& arena,
                                       ByteBuffer& out) {
    JsonWriter w(out);
    w.begin_object();
    w.field("id", mint_id(arena, "chatcmpl-", o.id_token));
    w.field("object", "chat.completion");
    w.key("created");
    w.integer(o.created_s);
    w.field("model", o.model);
    w.key("choices");
    w.begin_array();
    w.begin_object();
    w.field_uint("index", 0);
    bool has_calls = false;
    write_message(w, r, o, arena, &has_calls);
    w.key("logprobs");
    w.null();
    // Tool calls decide the reason, whatever the upstream said (§4.3, §4.4).
    const FinishReason finish = has_calls ? FinishReason::tool_calls : r.finish;
    w.field("finish_reason", openai_finish_reason(finish));
    w.end_object();
    w.end_array();
    if (r.has_usage) {
        w.key("usage");
        write_openai_usage(w, r.usage);
    }
    w.end_object();
    return ok_result();
}

}  // namespace rg::translate
