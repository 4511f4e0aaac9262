#include "translate/json_read.h"

#include <charconv>
#include <cstdint>
#include <cstring>

namespace rg::translate {
namespace {

constexpr size_t padding = simdjson::SIMDJSON_PADDING;

// Grows `buf` to hold `len` bytes plus padding; the old contents are not kept.
char* padded(std::unique_ptr<char[]>& buf, size_t& capacity, std::string_view s) {
    const size_t need = s.size() + padding;
    if (capacity < need) {
        size_t cap = capacity == 0 ? 4096 : capacity;
        while (cap < need) {
            cap *= 2;
        }
        buf.reset(new char[cap]);
        capacity = cap;
    }
    if (!s.empty()) {
        std::memcpy(buf.get(), s.data(), s.size());
    }
    std::memset(buf.get() + s.size(), 0, padding);
    return buf.get();
}

bool is_space(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

}  // namespace

simdjson::error_code open_document(Arena& arena, std::string_view body, od::document* doc) {
    detail::Parsers& p = arena.parsers();
    const char* data = padded(p.source, p.source_capacity, body);
    return p.main.iterate(simdjson::padded_string_view(data, body.size(), body.size() + padding))
        .get(*doc);
}

JsonKind check_json(Arena& arena, std::string_view raw) {
    detail::Parsers& p = arena.parsers();
    const char* data = padded(p.scratch, p.scratch_capacity, raw);
    simdjson::dom::element root;
    if (p.validator.parse(data, raw.size(), false).get(root) != simdjson::SUCCESS) {
        return JsonKind::invalid;
    }
    switch (root.type()) {
        case simdjson::dom::element_type::OBJECT:
            return JsonKind::object;
        case simdjson::dom::element_type::ARRAY:
            return JsonKind::array;
        case simdjson::dom::element_type::STRING:
            return JsonKind::string;
        case simdjson::dom::element_type::BOOL:
            return JsonKind::boolean;
        case simdjson::dom::element_type::NULL_VALUE:
            return JsonKind::null;
        default:
            return JsonKind::number;
    }
}

simdjson::padded_string_view scratch_copy(Arena& arena, std::string_view raw) {
    detail::Parsers& p = arena.parsers();
    const char* data = padded(p.scratch, p.scratch_capacity, raw);
    return simdjson::padded_string_view(data, raw.size(), raw.size() + padding);
}

simdjson::error_code raw_value(od::value& v, std::string_view* out) {
    od::json_type type;
    if (auto e = v.type().get(type)) {
        return e;
    }
    if (type == od::json_type::object) {
        od::object o;
        if (auto e = v.get_object().get(o)) {
            return e;
        }
        return o.raw_json().get(*out);
    }
    if (type == od::json_type::array) {
        od::array a;
        if (auto e = v.get_array().get(a)) {
            return e;
        }
        return a.raw_json().get(*out);
    }
    std::string_view token = v.raw_json_token();
    while (!token.empty() && is_space(token.back())) {
        token.remove_suffix(1);
    }
    *out = token;
    return simdjson::SUCCESS;
}

simdjson::error_code read_number(od::value& v, double* value, std::string_view* raw) {
    std::string_view token = v.raw_json_token();
    while (!token.empty() && is_space(token.back())) {
        token.remove_suffix(1);
    }
    *raw = token;
    if (auto e = v.get_double().get(*value)) {
        return e;
    }
    // The token is re-emitted as it is, so an integer must also be one that strict parsers
    // (simdjson's DOM among them) accept: at most 64 bits.
    if (token.find_first_of(".eE") == std::string_view::npos) {
        const char* first = token.data() + (token.front() == '-' ? 1 : 0);
        uint64_t magnitude = 0;
        const std::from_chars_result r =
            std::from_chars(first, token.data() + token.size(), magnitude);
        if (r.ec != std::errc() || (token.front() == '-' && magnitude > (uint64_t{1} << 63))) {
            return simdjson::NUMBER_OUT_OF_RANGE;
        }
    }
    return simdjson::SUCCESS;
}

Error json_error(simdjson::error_code code, Side side) {
    switch (code) {
        case simdjson::MEMALLOC:
            return Error{ErrorCode::resource, Side::internal, false, 0, "out of memory"};
        case simdjson::EMPTY:
            return bad_input(side, "body is empty");
        case simdjson::UTF8_ERROR:
            return bad_input(side, "body is not valid UTF-8");
        case simdjson::DEPTH_ERROR:
            return bad_input(side, "body nests too deeply");
        case simdjson::CAPACITY:
            return bad_input(side, "body is too large to parse");
        default:
            return bad_input(side, "body is not valid JSON");
    }
}

}  // namespace rg::translate
