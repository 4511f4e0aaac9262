// Token-count requests and answers between Anthropic and Gemini (count_tokens.h).
#include "translate/count_tokens.h"

#include <cstring>

#include "translate/common.h"
#include "translate/formats.h"

namespace rg::translate {
namespace {

constexpr Side down = Side::downstream;
constexpr Side up = Side::upstream;

// Anthropic's count_tokens takes a Messages request without max_tokens, which the Messages
// parser requires: a placeholder goes in first (cleared after parsing).
Result<void> parse_anthropic_count(std::string_view body, Arena& arena, Request* out) {
    size_t open = body.find('{');
    if (open == std::string_view::npos || body.find_first_not_of(" \t\r\n") != open) {
        return bad_input(down, "request body is not a JSON object");
    }
    size_t next = body.find_first_not_of(" \t\r\n", open + 1);
    bool empty = next != std::string_view::npos && body[next] == '}';
    constexpr std::string_view placeholder = "{\"max_tokens\":1,";
    const std::string_view insert =
        empty ? placeholder.substr(0, placeholder.size() - 1) : placeholder;
    const std::string_view rest = body.substr(open + 1);
    const std::string_view parts[] = {insert, rest};
    std::string_view patched = arena.join(parts, 2, "");
    RG_TRY(parse_anthropic_request(patched, arena, out));
    out->has_max_tokens = false;
    out->max_tokens = 0;
    return ok_result();
}

// Gemini's countTokens takes {contents} or {generateContentRequest: {model, contents, ...}}.
Result<void> parse_gemini_count(std::string_view body, std::string_view model, Arena& arena,
                                Request* out) {
    std::string_view inner;
    {
        od::document doc;
        od::object root;
        RG_TRY(open_object(arena, body, down, &doc, &root));
        od::value v;
        bool has = false;
        RG_TJ(soft(root.find_field_unordered("generateContentRequest").get(v), &has), down,
              "request body is not valid JSON");
        if (!has) {
            root.reset();
            RG_TJ(soft(root.find_field_unordered("generate_content_request").get(v), &has), down,
                  "request body is not valid JSON");
        }
        if (has) {
            std::string_view raw;
            RG_TJ(raw_value(v, &raw), down, "generateContentRequest is not valid JSON");
            // The parser copies its input into the buffer `raw` points into: copy it out.
            inner = arena.copy(raw);
        }
    }
    ParseOptions po;
    po.gemini_model = model;
    return parse_gemini_request(inner.empty() ? body : inner, po, arena, out);
}

// Copies the members of the JSON object `body` that Anthropic's count_tokens accepts.
Result<void> keep_count_members(std::string_view body, Arena& arena, ByteBuffer& out) {
    static constexpr std::string_view kept[] = {"model", "messages",    "system",
                                                "tools", "tool_choice", "thinking"};
    od::document doc;
    od::object root;
    RG_TRY(open_object(arena, body, Side::internal, &doc, &root));
    JsonWriter w(out);
    w.begin_object();
    for (auto f : root) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), Side::internal, "emitted body is not valid JSON");
        od::value v;
        RG_TJ(f.value().get(v), Side::internal, "emitted body is not valid JSON");
        bool keep = false;
        for (std::string_view k : kept) {
            keep = keep || key == k;
        }
        if (keep) {
            std::string_view raw;
            RG_TJ(raw_value(v, &raw), Side::internal, "emitted body is not valid JSON");
            w.field_raw(key, raw);
        }
    }
    w.end_object();
    return ok_result();
}

}  // namespace

Result<void> parse_count_request(Format format, std::string_view body,
                                 std::string_view gemini_model, Arena& arena, Request* out) {
    switch (format) {
        case Format::anthropic:
            return parse_anthropic_count(body, arena, out);
        case Format::gemini:
            return parse_gemini_count(body, gemini_model, arena, out);
        default:
            return bad_input(down, "this API has no token count endpoint");
    }
}

Result<void> emit_count_request(Format format, const Request& request, std::string_view model,
                                Arena& arena, ByteBuffer& work, ByteBuffer& out) {
    EmitOptions eo;
    eo.model = model;
    switch (format) {
        case Format::anthropic: {
            work.clear();
            RG_TRY(emit_anthropic_request(request, eo, arena, work));
            return keep_count_members(work.view(), arena, out);
        }
        case Format::gemini: {
            // {"generateContentRequest":{"model":"models/M", <the generateContent members>}}
            out.append("{\"generateContentRequest\":{\"model\":\"");
            if (model.substr(0, 7) != "models/") {
                out.append("models/");
            }
            out.append(model);
            out.append("\"");
            const size_t at = out.size();
            RG_TRY(emit_gemini_request(request, eo, arena, out));
            RG_ASSERT(out.size() > at + 2 && out.data()[at] == '{');
            out.data()[at] = ',';  // the emitted object's members continue the outer one
            out.append_char('}');
            return ok_result();
        }
        default:
            return bad_input(down, "this model's API has no token count endpoint");
    }
}

Result<void> parse_count_response(Format format, std::string_view body, Arena& arena,
                                  uint64_t* tokens) {
    std::string_view name;
    switch (format) {
        case Format::anthropic:
            name = "input_tokens";
            break;
        case Format::gemini:
            name = "totalTokens";
            break;
        default:
            return bad_input(up, "this API has no token count endpoint");
    }
    od::document doc;
    od::object root;
    RG_TRY(open_object(arena, body, up, &doc, &root));
    od::value v;
    bool has = false;
    RG_TJ(soft(root.find_field_unordered(name).get(v), &has), up,
          "response body is not valid JSON");
    if (!has) {
        // Gemini leaves totalTokens out when it is 0 (proto3 JSON drops zero values).
        if (format == Format::gemini) {
            *tokens = 0;
            return ok_result();
        }
        return bad_input(up, "the answer has no token count");
    }
    RG_TJ(v.get_uint64().get(*tokens), up, "the token count is not an integer");
    return ok_result();
}

void emit_count_response(Format format, uint64_t tokens, ByteBuffer& out) {
    out.append(format == Format::gemini ? std::string_view("{\"totalTokens\":")
                                        : std::string_view("{\"input_tokens\":"));
    out.append_decimal(tokens);
    out.append_char('}');
}

}  // namespace rg::translate
