// Embeddings requests and answers between OpenAI and Gemini (embeddings.h). Dropped on the
// way: OpenAI `user`; Gemini `taskType` and `title` (OpenAI has no equivalent).
#include "translate/embeddings.h"

#include <charconv>
#include <cstring>

#include "translate/common.h"

namespace rg::translate {
namespace {

constexpr Side down = Side::downstream;
constexpr Side up = Side::upstream;

// --- Vectors ---------------------------------------------------------------------------

bool is_space(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// The end of the JSON number (RFC 8259 §6) starting at `i`, or npos. from_chars alone would
// also take "-.5", "1." and "01", which are not JSON and must not be passed on as vectors.
// Integers of more than 18 digits are refused too (see below).
size_t json_number_end(std::string_view s, size_t i) {
    auto digits = [&](size_t at) {
        size_t j = at;
        while (j < s.size() && is_digit(s[j])) {
            ++j;
        }
        return j;
    };
    if (i < s.size() && s[i] == '-') {
        ++i;
    }
    if (i == s.size() || !is_digit(s[i])) {
        return std::string_view::npos;
    }
    const size_t int_start = i;
    i = s[i] == '0' ? i + 1 : digits(i);
    const bool fraction = i < s.size() && (s[i] == '.' || s[i] == 'e' || s[i] == 'E');
    if (!fraction && i - int_start > 18) {
        // Strict parsers (simdjson among them) refuse integers past 64 bits; no embedding
        // value is one.
        return std::string_view::npos;
    }
    if (i < s.size() && s[i] == '.') {
        size_t j = digits(i + 1);
        if (j == i + 1) {
            return std::string_view::npos;
        }
        i = j;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
            ++i;
        }
        size_t j = digits(i);
        if (j == i) {
            return std::string_view::npos;
        }
        i = j;
    }
    return i;
}

// Calls on_number(double) for each element of the JSON array of numbers `raw`; false when
// it is not one (or holds more than embed_dimensions_max numbers).
template <typename OnNumber>
bool for_each_number(std::string_view raw, OnNumber&& on_number) {
    size_t i = 0;
    auto skip = [&] {
        while (i < raw.size() && is_space(raw[i])) {
            ++i;
        }
    };
    skip();
    if (i == raw.size() || raw[i] != '[') {
        return false;
    }
    ++i;
    skip();
    if (i < raw.size() && raw[i] == ']') {
        ++i;
        skip();
        return i == raw.size();
    }
    uint32_t count = 0;
    while (i < raw.size()) {
        const size_t end = json_number_end(raw, i);
        if (end == std::string_view::npos || ++count > embed_dimensions_max) {
            return false;
        }
        double v = 0;
        const std::from_chars_result r = std::from_chars(raw.data() + i, raw.data() + end, v);
        // Out of double range (1e999) is not an embedding either.
        if (r.ec != std::errc() || r.ptr != raw.data() + end) {
            return false;
        }
        on_number(v);
        i = end;
        skip();
        if (i < raw.size() && raw[i] == ',') {
            ++i;
            skip();
            continue;
        }
        if (i < raw.size() && raw[i] == ']') {
            ++i;
            skip();
            return i == raw.size();
        }
        return false;
    }
    return false;
}

// A JSON array of numbers at `v`, kept as its raw text.
Result<void> read_vector(od::value& v, std::string_view* raw) {
    od::array a;
    RG_TJ(v.get_array().get(a), up, "an embedding is not an array of numbers");
    RG_TJ(a.raw_json().get(*raw), up, "an embedding is not valid JSON");
    if (!for_each_number(*raw, [](double) {})) {
        return bad_input(up, "an embedding is not an array of numbers");
    }
    return ok_result();
}

// --- OpenAI request --------------------------------------------------------------------

Result<void> parse_openai_input(od::value& v, EmbedRequest& r) {
    od::json_type type;
    RG_TJ(v.type().get(type), down, "input is not valid JSON");
    if (type == od::json_type::string) {
        std::string_view s;
        RG_TJ(v.get_string().get(s), down, "input is not a string");
        r.inputs.push_back(s);
        return ok_result();
    }
    if (type != od::json_type::array) {
        return bad_input(down, "input must be a string or an array");
    }
    r.batch = true;
    od::array items;
    RG_TJ(v.get_array().get(items), down, "input is not an array");
    size_t count = 0;
    for (auto item : items) {
        od::value iv;
        RG_TJ(item.get(iv), down, "input is not valid JSON");
        od::json_type it;
        RG_TJ(iv.type().get(it), down, "input is not valid JSON");
        if (++count > embed_inputs_max) {
            return bad_input(down, "input holds more than 2048 items");
        }
        if (it == od::json_type::string) {
            std::string_view s;
            RG_TJ(iv.get_string().get(s), down, "input[] is not a string");
            r.inputs.push_back(s);
        } else if (it == od::json_type::number || it == od::json_type::array) {
            r.token_ids = true;  // token ids, or arrays of them; skipped by the iterator
        } else {
            return bad_input(down, "input[] must be a string or token ids");
        }
    }
    if (count == 0) {
        return bad_input(down, "input must not be empty");
    }
    return ok_result();
}

Result<void> parse_openai_embed(od::object& root, EmbedRequest& r) {
    bool has_input = false;
    for (auto f : root) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), down, "request body is not valid JSON");
        od::value v;
        RG_TJ(f.value().get(v), down, "request body is not valid JSON");
        if (key == "input") {
            RG_TRY(parse_openai_input(v, r));
            has_input = true;
        } else if (key == "model") {
            RG_TJ(v.get_string().get(r.model), down, "model is not a string");
        } else if (key == "dimensions") {
            RG_TJ(v.get_uint64().get(r.dimensions), down, "dimensions is not a positive integer");
            if (r.dimensions == 0 || r.dimensions > embed_dimensions_max) {
                return bad_input(down, "dimensions is out of range");
            }
        } else if (key == "encoding_format") {
            std::string_view format;
            RG_TJ(v.get_string().get(format), down, "encoding_format is not a string");
            if (format != "float" && format != "base64") {
                return bad_input(down, "encoding_format must be float or base64");
            }
            r.base64 = format == "base64";
        }
    }
    if (!has_input) {
        return bad_input(down, "input is required");
    }
    return ok_result();
}

// --- Gemini request --------------------------------------------------------------------

// content.parts[].text joined with '\n' as one input.
Result<void> parse_gemini_content(od::value& v, Arena& arena, EmbedRequest& r) {
    od::object content;
    RG_TJ(v.get_object().get(content), down, "content is not an object");
    od::value pv;
    RG_TJ(content.find_field_unordered("parts").get(pv), down, "content.parts is required");
    od::array parts;
    RG_TJ(pv.get_array().get(parts), down, "content.parts is not an array");
    std::vector<std::string_view>& texts = arena.parsers().texts;
    texts.clear();
    for (auto item : parts) {
        od::object part;
        RG_TJ(item.get_object().get(part), down, "content.parts[] is not an object");
        od::value tv;
        bool has_text = false;
        RG_TJ(soft(part.find_field_unordered("text").get(tv), &has_text), down,
              "content.parts[] is not valid JSON");
        if (!has_text) {
            return bad_input(down, "only text parts can be embedded by this model");
        }
        std::string_view text;
        RG_TJ(tv.get_string().get(text), down, "parts[].text is not a string");
        texts.push_back(text);
    }
    if (texts.empty()) {
        return bad_input(down, "content.parts must not be empty");
    }
    r.inputs.push_back(arena.join(texts.data(), texts.size(), "\n"));
    return ok_result();
}

// One EmbedContentRequest (the whole :embedContent body, or one of a batch's requests).
Result<void> parse_gemini_one(od::object& o, Arena& arena, EmbedRequest& r) {
    bool has_content = false;
    for (auto f : o) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), down, "request body is not valid JSON");
        od::value fv;
        RG_TJ(f.value().get(fv), down, "request body is not valid JSON");
        if (key == "content") {
            RG_TRY(parse_gemini_content(fv, arena, r));
            has_content = true;
        } else if (key_is(key, "outputDimensionality", "output_dimensionality")) {
            uint64_t dims = 0;
            RG_TJ(fv.get_uint64().get(dims), down, "outputDimensionality is not an integer");
            if (dims == 0 || dims > embed_dimensions_max) {
                return bad_input(down, "outputDimensionality is out of range");
            }
            // One OpenAI request has one `dimensions` for all its inputs.
            if (r.dimensions != 0 && r.dimensions != dims) {
                return bad_input(down,
                                 "every request of a batch must ask the same "
                                 "outputDimensionality for this model");
            }
            r.dimensions = dims;
        }
    }
    if (!has_content) {
        return bad_input(down, "content is required");
    }
    return ok_result();
}

Result<void> parse_gemini_embed(od::object& root, bool batch, Arena& arena, EmbedRequest& r) {
    r.batch = batch;
    if (!batch) {
        return parse_gemini_one(root, arena, r);
    }
    od::value rv;
    RG_TJ(root.find_field_unordered("requests").get(rv), down, "requests is required");
    od::array requests;
    RG_TJ(rv.get_array().get(requests), down, "requests is not an array");
    for (auto item : requests) {
        od::object one;
        RG_TJ(item.get_object().get(one), down, "requests[] is not an object");
        RG_TRY(parse_gemini_one(one, arena, r));
        if (r.inputs.size() > embed_inputs_max) {
            return bad_input(down, "requests holds more than 2048 items");
        }
    }
    if (r.inputs.empty()) {
        return bad_input(down, "requests must not be empty");
    }
    return ok_result();
}

// --- Emitters --------------------------------------------------------------------------

void write_gemini_model(JsonWriter& w, std::string_view model) {
    w.key("model");
    w.buffer().append_char('"');
    if (model.substr(0, 7) != "models/") {
        w.buffer().append("models/");
    }
    w.buffer().append(model);  // upstream model names are plain ids, never escaped
    w.buffer().append_char('"');
}

void write_gemini_one(JsonWriter& w, const EmbedRequest& r, std::string_view text,
                      std::string_view model) {
    w.begin_object();
    write_gemini_model(w, model);
    w.key("content");
    w.begin_object();
    w.key("parts");
    w.begin_array();
    w.begin_object();
    w.field("text", text);
    w.end_object();
    w.end_array();
    w.end_object();
    if (r.dimensions != 0) {
        w.field_uint("outputDimensionality", r.dimensions);
    }
    w.end_object();
}

Result<void> emit_gemini(const EmbedRequest& r, std::string_view model, ByteBuffer& out) {
    if (r.token_ids) {
        return bad_input(down,
                         "This model is served by Gemini, which embeds text only: token-id input "
                         "(arrays of integers) cannot be sent to it; send the input as text");
    }
    JsonWriter w(out);
    if (!gemini_embed_batch(r)) {
        write_gemini_one(w, r, r.inputs[0], model);
        return ok_result();
    }
    w.begin_object();
    w.key("requests");
    w.begin_array();
    for (std::string_view text : r.inputs) {
        write_gemini_one(w, r, text, model);
    }
    w.end_array();
    w.end_object();
    return ok_result();
}

void emit_openai(const EmbedRequest& r, std::string_view model, ByteBuffer& out) {
    JsonWriter w(out);
    w.begin_object();
    w.field("model", model);
    w.key("input");
    if (r.batch) {
        w.begin_array();
        for (std::string_view text : r.inputs) {
            w.string(text);
        }
        w.end_array();
    } else {
        w.string(r.inputs[0]);
    }
    // Floats come back whatever the client asked: the gateway re-encodes them.
    w.field("encoding_format", "float");
    if (r.dimensions != 0) {
        w.field_uint("dimensions", r.dimensions);
    }
    w.end_object();
}

// --- Answers ---------------------------------------------------------------------------

Result<void> parse_openai_data_item(od::value& v, EmbedResponse& out) {
    od::object item;
    RG_TJ(v.get_object().get(item), up, "data[] is not an object");
    uint64_t index = 0;
    std::string_view raw;
    bool has_index = false;
    for (auto f : item) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), up, "data[] is not valid JSON");
        od::value fv;
        RG_TJ(f.value().get(fv), up, "data[] is not valid JSON");
        if (key == "index") {
            RG_TJ(fv.get_uint64().get(index), up, "data[].index is not an integer");
            has_index = true;
        } else if (key == "embedding") {
            RG_TRY(read_vector(fv, &raw));
        }
    }
    if (!has_index || raw.empty() || index >= out.vectors.size() || !out.vectors[index].empty()) {
        return bad_input(up, "data[] does not match the inputs");
    }
    out.vectors[index] = raw;
    return ok_result();
}

Result<void> parse_openai_answer(od::object& root, EmbedResponse& out) {
    for (auto f : root) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), up, "response body is not valid JSON");
        od::value v;
        RG_TJ(f.value().get(v), up, "response body is not valid JSON");
        if (key == "data") {
            od::array data;
            RG_TJ(v.get_array().get(data), up, "data is not an array");
            for (auto item : data) {
                od::value iv;
                RG_TJ(item.get(iv), up, "data is not valid JSON");
                RG_TRY(parse_openai_data_item(iv, out));
            }
        } else if (key == "usage") {
            od::object usage;
            RG_TJ(v.get_object().get(usage), up, "usage is not an object");
            od::value pv;
            bool has = false;
            RG_TJ(soft(usage.find_field_unordered("prompt_tokens").get(pv), &has), up,
                  "usage is not valid JSON");
            if (has) {
                RG_TJ(pv.get_uint64().get(out.prompt_tokens), up, "prompt_tokens is invalid");
                out.has_usage = true;
            }
        }
    }
    return ok_result();
}

// {"values":[...]}
Result<void> parse_gemini_embedding(od::value& v, std::string_view* raw) {
    od::object o;
    RG_TJ(v.get_object().get(o), up, "embedding is not an object");
    od::value vv;
    RG_TJ(o.find_field_unordered("values").get(vv), up, "embedding has no values");
    return read_vector(vv, raw);
}

Result<void> parse_gemini_answer(od::object& root, bool batch, EmbedResponse& out) {
    if (!batch) {
        od::value v;
        RG_TJ(root.find_field_unordered("embedding").get(v), up, "the answer has no embedding");
        return parse_gemini_embedding(v, &out.vectors[0]);
    }
    od::value v;
    RG_TJ(root.find_field_unordered("embeddings").get(v), up, "the answer has no embeddings");
    od::array list;
    RG_TJ(v.get_array().get(list), up, "embeddings is not an array");
    size_t i = 0;
    for (auto item : list) {
        od::value iv;
        RG_TJ(item.get(iv), up, "embeddings is not valid JSON");
        if (i >= out.vectors.size()) {
            return bad_input(up, "the answer has more embeddings than inputs");
        }
        RG_TRY(parse_gemini_embedding(iv, &out.vectors[i++]));
    }
    return ok_result();
}

Result<void> emit_openai_answer(const EmbedRequest& r, const EmbedResponse& resp,
                                const EmbedAnswerOptions& o, ByteBuffer& out) {
    JsonWriter w(out);
    w.begin_object();
    w.field("object", "list");
    w.key("data");
    w.begin_array();
    for (size_t i = 0; i < resp.vectors.size(); ++i) {
        w.begin_object();
        w.field("object", "embedding");
        w.field_uint("index", i);
        w.key("embedding");
        if (r.base64) {
            w.raw("\"");
            if (!append_float32_base64(resp.vectors[i], out)) {
                return bad_input(up, "an embedding is not an array of numbers");
            }
            out.append_char('"');
        } else {
            w.raw(resp.vectors[i]);
        }
        w.end_object();
    }
    w.end_array();
    w.field("model", o.model);
    // Gemini reports no tokens for embeddings: the gateway's estimate stands in for them.
    uint64_t tokens = resp.has_usage ? resp.prompt_tokens : o.prompt_tokens_estimate;
    w.key("usage");
    w.begin_object();
    w.field_uint("prompt_tokens", tokens);
    w.field_uint("total_tokens", tokens);
    w.end_object();
    w.end_object();
    return ok_result();
}

void emit_gemini_answer(const EmbedRequest& r, const EmbedResponse& resp, ByteBuffer& out) {
    JsonWriter w(out);
    w.begin_object();
    if (r.batch) {
        w.key("embeddings");
        w.begin_array();
    } else {
        w.key("embedding");
    }
    for (std::string_view v : resp.vectors) {
        w.begin_object();
        w.field_raw("values", v);
        w.end_object();
    }
    if (r.batch) {
        w.end_array();
    }
    w.end_object();
}

}  // namespace

void EmbedRequest::clear() {
    inputs.clear();
    batch = token_ids = base64 = false;
    dimensions = 0;
    model = {};
}

void EmbedResponse::clear() {
    vectors.clear();
    has_usage = false;
    prompt_tokens = 0;
}

Result<void> parse_embed_request(Format format, std::string_view body, bool gemini_batch,
                                 Arena& arena, EmbedRequest* out) {
    out->clear();
    od::document doc;
    od::object root;
    RG_TRY(open_object(arena, body, down, &doc, &root));
    switch (format) {
        case Format::openai_chat:
            return parse_openai_embed(root, *out);
        case Format::gemini:
            return parse_gemini_embed(root, gemini_batch, arena, *out);
        default:
            return bad_input(down, "this API has no embeddings endpoint");
    }
}

Result<void> emit_embed_request(Format format, const EmbedRequest& request, std::string_view model,
                                ByteBuffer& out) {
    if (request.inputs.empty() && !request.token_ids) {
        return bad_input(down, "input must not be empty");
    }
    switch (format) {
        case Format::openai_chat:
            if (request.token_ids) {
                return bad_input(down, "token-id input is only passed through unchanged");
            }
            emit_openai(request, model, out);
            return ok_result();
        case Format::gemini:
            return emit_gemini(request, model, out);
        default:
            return bad_input(down, "this model's API has no embeddings endpoint");
    }
}

Result<void> parse_embed_response(Format format, std::string_view body, const EmbedRequest& request,
                                  Arena& arena, EmbedResponse* out) {
    out->clear();
    out->vectors.resize(request.inputs.size());
    od::document doc;
    od::object root;
    RG_TRY(open_object(arena, body, up, &doc, &root));
    Result<void> parsed = ok_result();
    switch (format) {
        case Format::openai_chat:
            parsed = parse_openai_answer(root, *out);
            break;
        case Format::gemini:
            parsed = parse_gemini_answer(root, gemini_embed_batch(request), *out);
            break;
        default:
            return bad_input(up, "this API has no embeddings endpoint");
    }
    RG_TRY(parsed);
    for (std::string_view v : out->vectors) {
        if (v.empty()) {
            return bad_input(up, "the answer has fewer embeddings than inputs");
        }
    }
    return ok_result();
}

Result<void> emit_embed_response(Format format, const EmbedRequest& request,
                                 const EmbedResponse& response, const EmbedAnswerOptions& options,
                                 ByteBuffer& out) {
    switch (format) {
        case Format::openai_chat:
            return emit_openai_answer(request, response, options, out);
        case Format::gemini:
            emit_gemini_answer(request, response, out);
            return ok_result();
        default:
            return bad_input(Side::internal, "this API has no embeddings endpoint");
    }
}

bool append_float32_base64(std::string_view json_array, ByteBuffer& out) {
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    // Three bytes in, four characters out; floats are 4 bytes, so bytes carry over.
    unsigned char pending[3];
    size_t held = 0;
    auto flush = [&] {
        char* dst = out.reserve_tail(4);
        dst[0] = alphabet[pending[0] >> 2];
        dst[1] = alphabet[((pending[0] & 0x03) << 4) | (pending[1] >> 4)];
        dst[2] = alphabet[((pending[1] & 0x0f) << 2) | (pending[2] >> 6)];
        dst[3] = alphabet[pending[2] & 0x3f];
        out.commit(4);
        held = 0;
    };
    bool ok = for_each_number(json_array, [&](double v) {
        const float f = static_cast<float>(v);
        uint32_t bits = 0;
        std::memcpy(&bits, &f, sizeof(bits));
        for (int b = 0; b < 4; ++b) {
            pending[held++] = static_cast<unsigned char>(bits >> (8 * b));  // little-endian
            if (held == 3) {
                flush();
            }
        }
    });
    if (held > 0) {
        const size_t tail = held;
        for (size_t i = held; i < 3; ++i) {
            pending[i] = 0;
        }
        flush();
        char* end = out.data() + out.size();
        for (size_t i = tail + 1; i < 4; ++i) {
            end[static_cast<ptrdiff_t>(i) - 4] = '=';
        }
    }
    return ok;
}

}  // namespace rg::translate
