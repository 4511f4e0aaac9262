// Legacy Completions <-> IR (completions.h).
#include "translate/completions.h"

#include "translate/common.h"
#include "translate/formats.h"
#include "translate/request_common.h"

namespace rg::translate {
namespace {

constexpr Side down = Side::downstream;
constexpr Side up = Side::upstream;

// `prompt`: a string, or an array holding one string. Token ids and several prompts have
// no chat equivalent.
Result<void> parse_prompt(od::value& v, std::string_view* prompt) {
    od::json_type t;
    RG_TJ(v.type().get(t), down, "prompt is not valid JSON");
    if (t == od::json_type::string) {
        RG_TJ(v.get_string().get(*prompt), down, "prompt is not a string");
        return ok_result();
    }
    if (t != od::json_type::array) {
        return bad_input(down, "prompt must be a string");
    }
    od::array items;
    RG_TJ(v.get_array().get(items), down, "prompt is not an array");
    size_t count = 0;
    for (auto item : items) {
        od::value iv;
        RG_TJ(item.get(iv), down, "prompt is not valid JSON");
        od::json_type it;
        RG_TJ(iv.type().get(it), down, "prompt is not valid JSON");
        if (it != od::json_type::string) {
            return bad_input(down,
                             "This model is served by a chat API: token-id prompts cannot be "
                             "sent to it; send the prompt as text");
        }
        if (++count > 1) {
            return bad_input(down,
                             "This model is served by a chat API: send one prompt per request");
        }
        RG_TJ(iv.get_string().get(*prompt), down, "prompt[] is not a string");
    }
    return ok_result();
}

// Fields with no chat equivalent that change the answer: refused rather than ignored.
Result<void> refuse_unsupported(std::string_view key, od::value& v) {
    if (key == "suffix") {
        std::string_view s;
        RG_TJ(v.get_string().get(s), down, "suffix is not a string");
        if (!s.empty()) {
            return bad_input(down, "suffix cannot be translated for this model");
        }
    } else if (key == "echo") {
        bool echo = false;
        RG_TJ(v.get_bool().get(echo), down, "echo is not a boolean");
        if (echo) {
            return bad_input(down, "echo cannot be translated for this model");
        }
    } else if (key == "best_of" || key == "n") {
        uint64_t n = 0;
        RG_TJ(v.get_uint64().get(n), down, "n and best_of must be positive integers");
        if (n > 1) {
            return bad_input(down, "this model answers one completion per request (n, best_of)");
        }
    }
    return ok_result();
}

Result<void> parse_field(std::string_view key, od::value& v, Request& r, std::string_view* prompt,
                         bool* has_prompt) {
    bool is_null = false;
    RG_TJ(null_check(v, &is_null), down, "body is not valid JSON");
    if (is_null) {
        return ok_result();
    }
    if (key == "model") {
        RG_TJ(v.get_string().get(r.model), down, "model is not a string");
    } else if (key == "prompt") {
        RG_TRY(parse_prompt(v, prompt));
        *has_prompt = true;
    } else if (key == "max_tokens") {
        RG_TJ(v.get_uint64().get(r.max_tokens), down, "max_tokens is not a non-negative integer");
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
    } else if (key == "stop") {
        RG_TRY(parse_stop(v, r));
    } else if (key == "stream") {
        RG_TJ(v.get_bool().get(r.stream), down, "stream is not a boolean");
    } else if (key == "stream_options") {
        RG_TRY(parse_stream_options(v, r, "include_usage is not a boolean"));
    } else if (key == "user") {
        RG_TJ(v.get_string().get(r.user), down, "user is not a string");
    } else {
        RG_TRY(refuse_unsupported(key, v));
    }
    return ok_result();
}

std::string_view joined_text(const Response& response, Arena& arena) {
    std::vector<std::string_view>& texts = arena.parsers().texts;
    texts.clear();
    for (const Block& b : response.blocks) {
        if (b.kind == BlockKind::text) {
            texts.push_back(b.text);
        }
    }
    return texts.empty() ? std::string_view() : arena.join(texts.data(), texts.size(), "");
}

// The chat chunk id "chatcmpl-<token>" as Completions' "cmpl-<token>".
void write_id(JsonWriter& w, std::string_view chat_id) {
    constexpr std::string_view chat_prefix = "chatcmpl-";
    if (chat_id.substr(0, chat_prefix.size()) == chat_prefix) {
        chat_id.remove_prefix(chat_prefix.size());
    }
    w.key("id");
    w.buffer().append("\"cmpl-");
    w.buffer().append(chat_id);  // minted from [A-Za-z0-9_-]: nothing to escape
    w.buffer().append_char('"');
}

struct ChatChunk {
    std::string_view id, model, created, text, finish, usage;
    bool has_choice = false;
};

Result<void> read_choice(od::value& v, ChatChunk& c) {
    od::array choices;
    RG_TJ(v.get_array().get(choices), up, "choices is not an array");
    for (auto item : choices) {
        od::object choice;
        RG_TJ(item.get_object().get(choice), up, "choices[] is not an object");
        c.has_choice = true;
        for (auto f : choice) {
            std::string_view key;
            RG_TJ(f.unescaped_key().get(key), up, "a chunk is not valid JSON");
            od::value fv;
            RG_TJ(f.value().get(fv), up, "a chunk is not valid JSON");
            bool is_null = false;
            RG_TJ(null_check(fv, &is_null), up, "a chunk is not valid JSON");
            if (is_null) {
                continue;
            }
            if (key == "finish_reason") {
                RG_TJ(fv.get_string().get(c.finish), up, "finish_reason is not a string");
            } else if (key == "delta") {
                od::object delta;
                RG_TJ(fv.get_object().get(delta), up, "delta is not an object");
                od::value tv;
                bool has = false;
                RG_TJ(soft(delta.find_field_unordered("content").get(tv), &has), up,
                      "delta is not valid JSON");
                bool text_null = false;
                if (has) {
                    RG_TJ(null_check(tv, &text_null), up, "delta is not valid JSON");
                }
                if (has && !text_null) {
                    RG_TJ(tv.get_string().get(c.text), up, "delta.content is not a string");
                }
            }
        }
        break;  // the first choice only, as the translators write
    }
    return ok_result();
}

Result<void> read_chunk(std::string_view data, Arena& arena, ChatChunk& c) {
    od::document doc;
    od::object root;
    RG_TRY(open_object(arena, data, up, &doc, &root));
    for (auto f : root) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), up, "a chunk is not valid JSON");
        od::value v;
        RG_TJ(f.value().get(v), up, "a chunk is not valid JSON");
        if (key == "id") {
            RG_TJ(v.get_string().get(c.id), up, "id is not a string");
        } else if (key == "model") {
            RG_TJ(v.get_string().get(c.model), up, "model is not a string");
        } else if (key == "created") {
            RG_TJ(raw_value(v, &c.created), up, "created is not valid JSON");
        } else if (key == "choices") {
            RG_TRY(read_choice(v, c));
        } else if (key == "usage") {
            bool is_null = false;
            RG_TJ(null_check(v, &is_null), up, "usage is not valid JSON");
            if (!is_null) {
                RG_TJ(raw_value(v, &c.usage), up, "usage is not valid JSON");
            }
        }
    }
    return ok_result();
}

void write_chunk(const ChatChunk& c, ByteBuffer& out) {
    JsonWriter w(out);
    w.begin_object();
    write_id(w, c.id);
    w.field("object", "text_completion");
    w.field_raw("created", c.created.empty() ? std::string_view("0") : c.created);
    w.field("model", c.model);
    w.key("choices");
    w.begin_array();
    if (c.has_choice) {
        w.begin_object();
        w.field("text", c.text);
        w.field_uint("index", 0);
        w.key("logprobs");
        w.null();
        w.key("finish_reason");
        if (c.finish.empty()) {
            w.null();
        } else {
            w.string(c.finish);
        }
        w.end_object();
    }
    w.end_array();
    if (!c.usage.empty()) {
        w.field_raw("usage", c.usage);
    }
    w.end_object();
}

}  // namespace

Result<void> parse_completions_request(std::string_view body, Arena& arena, Request* out) {
    Request& r = *out;
    r.clear();
    r.source = Format::openai_chat;
    r.max_tokens = completions_default_max_tokens;
    r.has_max_tokens = true;
    od::document doc;
    od::object root;
    RG_TRY(open_object(arena, body, down, &doc, &root));
    std::string_view prompt;
    bool has_prompt = false;
    RG_TRY(for_each_field(root, down, "request body is not valid JSON",
                          [&](std::string_view key, od::value& v) {
                              return parse_field(key, v, r, &prompt, &has_prompt);
                          }));
    RG_TRY(require_document_end(doc, down));
    if (!has_prompt) {
        return bad_input(down, "prompt is required");
    }
    if (r.model.empty()) {
        return bad_input(down, "model is required");
    }
    begin_message(r, Role::user);
    add_block(r, BlockKind::text).text = prompt.empty() ? std::string_view(" ") : prompt;
    return ok_result();
}

Result<void> emit_completions_response(const Response& response, const ResponseOptions& options,
                                       Arena& arena, ByteBuffer& out) {
    JsonWriter w(out);
    w.begin_object();
    w.key("id");
    w.raw("\"cmpl-");
    out.append(options.id_token);
    out.append_char('"');
    w.field("object", "text_completion");
    w.key("created");
    w.integer(options.created_s);
    w.field("model", options.model);
    w.key("choices");
    w.begin_array();
    w.begin_object();
    w.field("text", joined_text(response, arena));
    w.field_uint("index", 0);
    w.key("logprobs");
    w.null();
    w.field("finish_reason", openai_finish_reason(response.finish));
    w.end_object();
    w.end_array();
    if (response.has_usage) {
        w.key("usage");
        w.begin_object();
        w.field_uint("prompt_tokens", response.usage.input);
        w.field_uint("completion_tokens", response.usage.output);
        w.field_uint("total_tokens", response.usage.input + response.usage.output);
        w.end_object();
    }
    w.end_object();
    return ok_result();
}

void CompletionsReframer::reset() {
    sse_.reset();
}

void CompletionsReframer::feed(std::string_view chat_sse, Arena& arena, ByteBuffer& out) {
    sse_.feed_all(chat_sse, [&](const SseEvent& e) { on_event(e.data, arena, out); });
}

void CompletionsReframer::on_event(std::string_view data, Arena& arena, ByteBuffer& out) {
    arena.reset();
    ChatChunk c;
    if (data == "[DONE]" || !read_chunk(data, arena, c).ok() || c.id.empty()) {
        out.append("data: ");
        out.append(data);  // [DONE] and errors ({"error":...}) are the same in both APIs
        out.append("\n\n");
        return;
    }
    if (c.has_choice && c.text.empty() && c.finish.empty() && c.usage.empty()) {
        return;  // the role chunk: the legacy stream has none
    }
    out.append("data: ");
    write_chunk(c, out);
    out.append("\n\n");
}

}  // namespace rg::translate
