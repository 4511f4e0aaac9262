// OpenAI Responses API non-streamed answers <-> IR (wire-formats.md §1.1 "Responses API").
#include "translate/common.h"
#include "translate/formats.h"

namespace rg::translate {
namespace {

constexpr Side up = Side::upstream;

Result<void> parse_message(od::object& item, Response& r) {
    od::array content;
    RG_TJ(item.find_field_unordered("content").get_array().get(content), up,
          "a message item has no content");
    for (auto c : content) {
        od::object part;
        RG_TJ(c.get_object().get(part), up, "message content parts must be objects");
        Block b;
        for (auto f : part) {
            std::string_view key;
            RG_TJ(f.unescaped_key().get(key), up, "a content part is not valid JSON");
            if (key == "text" || key == "refusal") {
                RG_TJ(f.value().get_string().get(b.text), up, "a content part's text is invalid");
            }
        }
        if (!b.text.empty()) {
            r.blocks.push_back(b);
        }
    }
    return ok_result();
}

Result<void> parse_item(od::value& v, Arena& arena, Response& r) {
    od::object item;
    RG_TJ(v.get_object().get(item), up, "output[] items must be objects");
    std::string_view type;
    od::value tv;
    bool has_type = false;
    RG_TJ(soft(item.find_field_unordered("type").get(tv), &has_type), up, "body is not valid JSON");
    if (has_type) {
        RG_TJ(tv.get_string().get(type), up, "output[].type is not a string");
    }
    bool empty = false;
    RG_TJ(item.reset().get(empty), up, "an output item is not valid JSON");
    if (type == "message") {
        return parse_message(item, r);
    }
    if (type == "function_call") {
        Block b;
        b.kind = BlockKind::tool_call;
        std::string_view args;
        for (auto f : item) {
            std::string_view key;
            RG_TJ(f.unescaped_key().get(key), up, "a function_call item is not valid JSON");
            if (key == "call_id") {
                RG_TJ(f.value().get_string().get(b.id), up, "function_call.call_id is invalid");
            } else if (key == "name") {
                RG_TJ(f.value().get_string().get(b.name), up, "function_call.name is invalid");
            } else if (key == "arguments") {
                RG_TJ(f.value().get_string().get(args), up, "function_call.arguments is invalid");
            }
        }
        b.id_synthesized = b.id.empty();
        b.args = args_object(arena, args);
        r.blocks.push_back(b);
    } else if (type == "reasoning") {
        od::array summary;
        bool has_summary = false;
        RG_TJ(soft(item.find_field_unordered("summary").get_array().get(summary), &has_summary), up,
              "body is not valid JSON");
        if (has_summary) {
            for (auto s : summary) {
                od::object so;
                RG_TJ(s.get_object().get(so), up, "reasoning.summary[] must be objects");
                Block b;
                b.kind = BlockKind::thinking;
                b.origin = Format::openai_responses;
                RG_TJ(so.find_field_unordered("text").get_string().get(b.text), up,
                      "a summary part has no text");
                r.blocks.push_back(b);
            }
        }
    }
    return ok_result();
}

}  // namespace

Result<void> parse_responses_response(std::string_view body, Arena& arena, Response* out) {
    Response& r = *out;
    r.clear();
    od::document doc;
    od::object root;
    RG_TRY(open_object(arena, body, up, &doc, &root));
    bool has_output = false;
    std::string_view status;
    std::string_view incomplete;
    for (auto f : root) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), up, "response body is not valid JSON");
        od::value v;
        RG_TJ(f.value().get(v), up, "response body is not valid JSON");
        bool is_null = false;
        RG_TJ(null_check(v, &is_null), up, "body is not valid JSON");
        if (is_null) {
            continue;
        }
        if (key == "id") {
            RG_TJ(v.get_string().get(r.id), up, "id is not a string");
        } else if (key == "model") {
            RG_TJ(v.get_string().get(r.model), up, "model is not a string");
        } else if (key == "status") {
            RG_TJ(v.get_string().get(status), up, "status is not a string");
        } else if (key == "incomplete_details") {
            od::object d;
            RG_TJ(v.get_object().get(d), up, "incomplete_details is not an object");
            od::value rv;
            bool has_reason = false;
            RG_TJ(soft(d.find_field_unordered("reason").get(rv), &has_reason), up,
                  "body is not valid JSON");
            if (has_reason) {
                RG_TJ(rv.get_string().get(incomplete), up, "incomplete_details.reason is invalid");
            }
        } else if (key == "output") {
            od::array items;
            RG_TJ(v.get_array().get(items), up, "output is not an array");
            for (auto item : items) {
                od::value iv;
                RG_TJ(item.get(iv), up, "output is not valid JSON");
                RG_TRY(parse_item(iv, arena, r));
            }
            has_output = true;
        } else if (key == "usage") {
            RG_TRY(parse_responses_usage(v, &r.usage));
            r.has_usage = true;
        }
    }
    if (!has_output) {
        return bad_input(up, "response has no output");
    }
    r.finish = incomplete == "max_output_tokens" ? FinishReason::length
               : incomplete == "content_filter"  ? FinishReason::content_filter
                                                 : FinishReason::stop;
    static_cast<void>(status);
    return ok_result();
}

Result<void> emit_responses_response(const Response& r, const ResponseOptions& o, Arena& arena,
                                     ByteBuffer& out) {
    const bool incomplete =
        r.finish == FinishReason::length || r.finish == FinishReason::content_filter;
    JsonWriter w(out);
    w.begin_object();
    w.field("id", mint_id(arena, "resp_", o.id_token));
    w.field("object", "response");
    w.key("created_at");
    w.integer(o.created_s);
    w.field("status", incomplete ? "incomplete" : "completed");
    w.key("error");
    w.null();
    w.key("incomplete_details");
    if (incomplete) {
        w.begin_object();
        w.field("reason",
                r.finish == FinishReason::length ? "max_output_tokens" : "content_filter");
        w.end_object();
    } else {
        w.null();
    }
    w.field("model", o.model);
    w.key("output");
    w.begin_array();
    std::vector<std::string_view>& texts = arena.parsers().texts;
    if (o.include_reasoning) {
        texts.clear();
        for (const Block& b : r.blocks) {
            if (b.kind == BlockKind::thinking) {
                texts.push_back(b.text);
            }
        }
        if (!texts.empty()) {
            w.begin_object();
            w.field("type", "reasoning");
            w.field("id", mint_id(arena, "rs_", o.id_token));
            w.key("summary");
            w.begin_array();
            for (std::string_view t : texts) {
                w.begin_object();
                w.field("type", "summary_text");
                w.field("text", t);
                w.end_object();
            }
            w.end_array();
            w.end_object();
        }
    }
    texts.clear();
    for (const Block& b : r.blocks) {
        if (b.kind == BlockKind::text) {
            texts.push_back(b.text);
        }
    }
    if (!texts.empty()) {
        w.begin_object();
        w.field("type", "message");
        w.field("id", mint_id(arena, "msg_", o.id_token));
        w.field("status", "completed");
        w.field("role", "assistant");
        w.key("content");
        w.begin_array();
        w.begin_object();
        w.field("type", "output_text");
        w.field("text", arena.join(texts.data(), texts.size(), ""));
        w.key("annotations");
        w.begin_array();
        w.end_array();
        w.end_object();
        w.end_array();
        w.end_object();
    }
    uint32_t n = 0;
    for (const Block& b : r.blocks) {
        if (b.kind != BlockKind::tool_call) {
            continue;
        }
        w.begin_object();
        w.field("type", "function_call");
        w.field("id", mint_indexed_id(arena, "fc_", o.id_token, n));
        w.field("call_id", b.id.empty() ? mint_indexed_id(arena, "call_", o.id_token, n) : b.id);
        w.field("name", b.name);
        w.field("arguments", b.args.empty() ? std::string_view("{}") : compact_json(arena, b.args));
        w.field("status", "completed");
        w.end_object();
        ++n;
    }
    w.end_array();
    if (r.has_usage) {
        w.key("usage");
        write_responses_usage(w, r.usage);
    }
    w.end_object();
    return ok_result();
}

}  // namespace rg::translate
