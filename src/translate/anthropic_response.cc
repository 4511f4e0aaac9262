// Anthropic Messages non-streamed answers <-> IR (wire-formats.md §1.2, §4.3-§4.5).
#include "translate/common.h"
#include "translate/formats.h"

namespace rg::translate {
namespace {

constexpr Side up = Side::upstream;

Result<void> parse_content_block(od::value& v, Arena& arena, Response& r) {
    od::object o;
    RG_TJ(v.get_object().get(o), up, "content[] is not an object");
    Block b;
    std::string_view type;
    for (auto f : o) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), up, "a content block is not valid JSON");
        od::value fv;
        RG_TJ(f.value().get(fv), up, "a content block is not valid JSON");
        if (key == "type") {
            RG_TJ(fv.get_string().get(type), up, "content[].type is not a string");
        } else if (key == "text" || key == "thinking") {
            RG_TJ(fv.get_string().get(b.text), up, "content[].text is not a string");
        } else if (key == "signature") {
            RG_TJ(fv.get_string().get(b.signature), up, "content[].signature is not a string");
        } else if (key == "data") {
            RG_TJ(fv.get_string().get(b.data), up, "content[].data is not a string");
        } else if (key == "id") {
            RG_TJ(fv.get_string().get(b.id), up, "content[].id is not a string");
        } else if (key == "name") {
            RG_TJ(fv.get_string().get(b.name), up, "content[].name is not a string");
        } else if (key == "input") {
            RG_TJ(raw_value(fv, &b.args), up, "content[].input is invalid");
            if (check_json(arena, b.args) != JsonKind::object) {
                return bad_input(up, "tool_use.input is not a JSON object");
            }
        }
    }
    b.origin = Format::anthropic;
    if (type == "text") {
        b.kind = BlockKind::text;
    } else if (type == "thinking") {
        b.kind = BlockKind::thinking;
    } else if (type == "redacted_thinking") {
        b.kind = BlockKind::redacted_thinking;
    } else if (type == "tool_use") {
        b.kind = BlockKind::tool_call;
        if (b.args.empty()) {
            b.args = "{}";
        }
    } else {
        return ok_result();  // server tool blocks: no equivalent
    }
    r.blocks.push_back(b);
    return ok_result();
}

// Adjacent text blocks as one (Gemini splits text into many parts; clients expect one).
void write_content(JsonWriter& w, const Response& r, const ResponseOptions& o, Arena& arena,
                   bool* has_calls) {
    std::vector<std::string_view>& texts = arena.parsers().texts;
    uint32_t calls = 0;
    w.key("content");
    w.begin_array();
    for (size_t i = 0; i < r.blocks.size(); ++i) {
        const Block& b = r.blocks[i];
        if (b.kind == BlockKind::text) {
            texts.clear();
            size_t j = i;
            for (; j < r.blocks.size() && r.blocks[j].kind == BlockKind::text; ++j) {
                texts.push_back(r.blocks[j].text);
            }
            i = j - 1;
            const std::string_view text = arena.join(texts.data(), texts.size(), "");
            if (!text.empty()) {
                w.begin_object();
                w.field("type", "text");
                w.field("text", text);
                w.end_object();
            }
        } else if (b.kind == BlockKind::thinking && b.origin == Format::anthropic) {
            // Foreign thoughts have no valid signature; a client would send them back to
            // Anthropic and get a 400 (§4.9 #9), so only Anthropic's own pass.
            w.begin_object();
            w.field("type", "thinking");
            w.field("thinking", b.text);
            w.field("signature", b.signature);
            w.end_object();
        } else if (b.kind == BlockKind::redacted_thinking && b.origin == Format::anthropic) {
            w.begin_object();
            w.field("type", "redacted_thinking");
            w.field("data", b.data);
            w.end_object();
        } else if (b.kind == BlockKind::tool_call) {
            w.begin_object();
            w.field("type", "tool_use");
            w.field("id",
                    b.id.empty() ? mint_indexed_id(arena, "toolu_", o.id_token, calls) : b.id);
            w.field("name", b.name);
            w.field_raw("input", b.args.empty() ? std::string_view("{}") : b.args);
            w.end_object();
            ++calls;
        }
    }
    w.end_array();
    *has_calls = calls > 0;
}

}  // namespace

Result<void> parse_anthropic_response(std::string_view body, Arena& arena, Response* out) {
    Response& r = *out;
    r.clear();
    od::document doc;
    if (auto e = open_document(arena, body, &doc)) {
        return json_error(e, up);
    }
    od::object root;
    if (auto e = doc.get_object().get(root)) {
        return json_error(e, up);
    }
    bool has_content = false;
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
        } else if (key == "content") {
            od::array blocks;
            RG_TJ(v.get_array().get(blocks), up, "content is not an array");
            for (auto item : blocks) {
                od::value bv;
                RG_TJ(item.get(bv), up, "content is not valid JSON");
                RG_TRY(parse_content_block(bv, arena, r));
            }
            has_content = true;
        } else if (key == "stop_reason") {
            std::string_view reason;
            RG_TJ(v.get_string().get(reason), up, "stop_reason is not a string");
            r.finish = finish_from_anthropic(reason);
        } else if (key == "stop_sequence") {
            RG_TJ(v.get_string().get(r.stop_sequence), up, "stop_sequence is not a string");
        } else if (key == "usage") {
            RG_TRY(parse_anthropic_usage(v, &r.usage));
            r.has_usage = true;
        }
    }
    if (!has_content) {
        return bad_input(up, "response has no content");
    }
    return ok_result();
}

Result<void> emit_anthropic_response(const Response& r, const ResponseOptions& o, Arena& arena,
                                     ByteBuffer& out) {
    JsonWriter w(out);
    w.begin_object();
    w.field("id", mint_id(arena, "msg_", o.id_token));
    w.field("type", "message");
    w.field("role", "assistant");
    w.field("model", o.model);
    bool has_calls = false;
    write_content(w, r, o, arena, &has_calls);
    const FinishReason finish = has_calls ? FinishReason::tool_calls : r.finish;
    w.field("stop_reason", anthropic_stop_reason(finish));
    w.key("stop_sequence");
    if (finish == FinishReason::stop_sequence && !r.stop_sequence.empty()) {
        w.string(r.stop_sequence);
    } else {
        w.null();
    }
    w.key("usage");
    write_anthropic_usage(w, r.usage);  // required: zeros when the upstream sent none
    w.end_object();
    return ok_result();
}

}  // namespace rg::translate
