// Gemini generateContent non-streamed answers <-> IR (wire-formats.md §1.3, §4.3-§4.5).
#include "translate/common.h"
#include "translate/formats.h"

namespace rg::translate {
namespace {

constexpr Side up = Side::upstream;

Result<void> parse_part(od::value& v, Arena& arena, Response& r) {
    od::object o;
    RG_TJ(v.get_object().get(o), up, "parts[] is not an object");
    Block b;
    b.origin = Format::gemini;
    bool has_text = false, thought = false, call = false;
    for (auto f : o) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), up, "a part is not valid JSON");
        od::value fv;
        RG_TJ(f.value().get(fv), up, "a part is not valid JSON");
        if (key == "text") {
            RG_TJ(fv.get_string().get(b.text), up, "parts[].text is not a string");
            has_text = true;
        } else if (key == "thought") {
            RG_TJ(fv.get_bool().get(thought), up, "parts[].thought is not a boolean");
        } else if (key_is(key, "thoughtSignature", "thought_signature")) {
            RG_TJ(fv.get_string().get(b.signature), up, "thoughtSignature is not a string");
        } else if (key_is(key, "functionCall", "function_call")) {
            od::object fc;
            RG_TJ(fv.get_object().get(fc), up, "functionCall is not an object");
            for (auto ff : fc) {
                std::string_view fkey;
                RG_TJ(ff.unescaped_key().get(fkey), up, "functionCall is not valid JSON");
                od::value av;
                RG_TJ(ff.value().get(av), up, "functionCall is not valid JSON");
                if (fkey == "name") {
                    RG_TJ(av.get_string().get(b.name), up, "functionCall.name is not a string");
                } else if (fkey == "id") {
                    RG_TJ(av.get_string().get(b.id), up, "functionCall.id is not a string");
                } else if (fkey == "args") {
                    RG_TJ(raw_value(av, &b.args), up, "functionCall.args is invalid");
                    if (check_json(arena, b.args) != JsonKind::object) {
                        return bad_input(up, "functionCall.args is not a JSON object");
                    }
                }
            }
            call = true;
        }
    }
    if (call) {
        b.kind = BlockKind::tool_call;
        b.id_synthesized = b.id.empty();
        if (b.args.empty()) {
            b.args = "{}";  // a call without arguments (§4.9 #2)
        }
        r.blocks.push_back(b);
    } else if (has_text && !b.text.empty()) {
        // The trailing empty text part of newer models makes no block (§4.9 #6).
        b.kind = thought ? BlockKind::thinking : BlockKind::text;
        r.blocks.push_back(b);
    }
    return ok_result();
}

Result<void> parse_candidate(od::value& v, Arena& arena, Response& r) {
    od::object c;
    RG_TJ(v.get_object().get(c), up, "candidates[] is not an object");
    for (auto f : c) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), up, "a candidate is not valid JSON");
        od::value fv;
        RG_TJ(f.value().get(fv), up, "a candidate is not valid JSON");
        if (key == "content") {
            od::object content;
            RG_TJ(fv.get_object().get(content), up, "candidate.content is not an object");
            od::value pv;
            bool has_parts = false;
            RG_TJ(soft(content.find_field_unordered("parts").get(pv), &has_parts), up,
                  "body is not valid JSON");
            if (!has_parts) {
                continue;  // a candidate cut by safety may have no parts
            }
            od::array parts;
            RG_TJ(pv.get_array().get(parts), up, "content.parts is not an array");
            for (auto item : parts) {
                od::value part;
                RG_TJ(item.get(part), up, "parts is not valid JSON");
                RG_TRY(parse_part(part, arena, r));
            }
        } else if (key_is(key, "finishReason", "finish_reason")) {
            std::string_view reason;
            RG_TJ(fv.get_string().get(reason), up, "finishReason is not a string");
            r.finish = finish_from_gemini(reason);
        }
    }
    return ok_result();
}

}  // namespace

Result<void> parse_gemini_response(std::string_view body, Arena& arena, Response* out) {
    Response& r = *out;
    r.clear();
    od::document doc;
    od::object root;
    RG_TRY(open_object(arena, body, up, &doc, &root));
    bool has_candidate = false;
    bool blocked = false;
    for (auto f : root) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), up, "response body is not valid JSON");
        od::value v;
        RG_TJ(f.value().get(v), up, "response body is not valid JSON");
        if (key == "candidates") {
            od::array cands;
            RG_TJ(v.get_array().get(cands), up, "candidates is not an array");
            for (auto item : cands) {
                od::value cv;
                RG_TJ(item.get(cv), up, "candidates is not valid JSON");
                if (!has_candidate) {  // the first candidate only
                    RG_TRY(parse_candidate(cv, arena, r));
                    has_candidate = true;
                }
            }
        } else if (key_is(key, "usageMetadata", "usage_metadata")) {
            RG_TRY(parse_gemini_usage(v, &r.usage));
            r.has_usage = true;
        } else if (key_is(key, "modelVersion", "model_version")) {
            RG_TJ(v.get_string().get(r.model), up, "modelVersion is not a string");
        } else if (key_is(key, "responseId", "response_id")) {
            RG_TJ(v.get_string().get(r.id), up, "responseId is not a string");
        } else if (key_is(key, "promptFeedback", "prompt_feedback")) {
            od::object pf;
            RG_TJ(v.get_object().get(pf), up, "promptFeedback is not an object");
            od::value br;
            bool has_block_reason = false;
            RG_TJ(soft(pf.find_field_unordered("blockReason").get(br), &has_block_reason), up,
                  "body is not valid JSON");
            blocked = has_block_reason;
        }
    }
    if (!has_candidate) {
        if (!blocked) {
            return bad_input(up, "response has no candidates");
        }
        r.finish = FinishReason::content_filter;  // a blocked prompt (§4.4)
    }
    return ok_result();
}

Result<void> emit_gemini_response(const Response& r, const ResponseOptions& o, Arena& arena,
                                  ByteBuffer& out) {
    JsonWriter w(out);
    w.begin_object();
    w.key("candidates");
    w.begin_array();
    w.begin_object();
    w.key("content");
    w.begin_object();
    w.key("parts");
    w.begin_array();
    uint32_t parts = 0;
    for (const Block& b : r.blocks) {
        if (b.kind == BlockKind::thinking && o.include_reasoning) {
            w.begin_object();
            w.field("text", b.text);
            w.field_bool("thought", true);
            w.end_object();
            ++parts;
        } else if (b.kind == BlockKind::text) {
            w.begin_object();
            w.field("text", b.text);
            w.end_object();
            ++parts;
        } else if (b.kind == BlockKind::tool_call) {
            w.begin_object();
            w.key("functionCall");
            w.begin_object();
            w.field("name", b.name);
            w.field_raw("args", b.args.empty() ? std::string_view("{}") : b.args);
            if (!b.id.empty()) {
                w.field("id", b.id);  // echoed back in functionResponse.id
            }
            w.end_object();
            w.end_object();
            ++parts;
        }
    }
    if (parts == 0) {
        w.begin_object();
        w.field("text", "");
        w.end_object();
    }
    w.end_array();
    w.field("role", "model");
    w.end_object();
    w.field("finishReason", gemini_finish_reason(r.finish));
    w.field_uint("index", 0);
    w.end_object();
    w.end_array();
    w.key("usageMetadata");
    write_gemini_usage(w, r.usage);
    w.field("modelVersion", o.model);
    w.field("responseId", o.id_token);
    w.end_object();
    static_cast<void>(arena);
    return ok_result();
}

}  // namespace rg::translate
