// Internal to src/translate: reading JSON with simdjson On-Demand without exceptions. The
// parsers live in the Arena; strings read here are views into the Arena's padded source
// copy or the main parser's string buffer, both valid until the Arena parses again.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "translate/arena.h"

namespace rg::translate {

namespace od = simdjson::ondemand;

namespace detail {

// Deepest nesting accepted when walking values recursively (schemas); real schemas stay
// under 10 levels.
inline constexpr int walk_depth_max = 48;

struct Parsers {
    od::parser main;                  // the document whose views the IR keeps
    simdjson::dom::parser validator;  // full validation of opaque values
    std::unique_ptr<char[]> source;   // padded copy of the document
    size_t source_capacity = 0;
    std::unique_ptr<char[]> scratch;  // padded copy of a value being validated or walked
    size_t scratch_capacity = 0;
    od::parser walker;                    // second On-Demand parser, for schema rewriting
    std::vector<std::string_view> texts;  // pieces of one text being joined (reused)
};

}  // namespace detail

enum class JsonKind : uint8_t { invalid = 0, object, array, string, number, boolean, null };

// Copies `body` into the Arena's padded source buffer and starts an On-Demand document.
simdjson::error_code open_document(Arena& arena, std::string_view body, od::document* doc);

// True when nothing but whitespace follows the value just iterated.
inline bool document_at_end(od::document& doc) {
    return doc.current_location().error() == simdjson::OUT_OF_BOUNDS;
}

// Validates `raw` fully (simdjson DOM) and reports its top-level kind; invalid when it is
// not exactly one JSON value.
JsonKind check_json(Arena& arena, std::string_view raw);

// A padded copy of `raw` for the walker parser, valid until the next call.
simdjson::padded_string_view scratch_copy(Arena& arena, std::string_view raw);

// The raw text of any value (object, array or scalar), without surrounding whitespace.
simdjson::error_code raw_value(od::value& v, std::string_view* out);

// True when `key` equals either spelling (Gemini accepts camelCase and snake_case).
inline bool key_is(std::string_view key, std::string_view camel, std::string_view snake) {
    return key == camel || key == snake;
}

// Reads a number field as value + raw token.
simdjson::error_code read_number(od::value& v, double* value, std::string_view* raw);

// simdjson errors after which the document can still be read: a member is absent or a value
// has another type. Any other error abandons the On-Demand iterator, and reading on would
// touch a released parser, so it must end the parse.
inline bool recoverable(simdjson::error_code e) {
    return e == simdjson::SUCCESS || e == simdjson::NO_SUCH_FIELD || e == simdjson::INCORRECT_TYPE;
}
// For optional reads: *ok says whether `e` is success; only a fatal error is passed on.
inline simdjson::error_code soft(simdjson::error_code e, bool* ok) {
    *ok = e == simdjson::SUCCESS;
    return recoverable(e) ? simdjson::SUCCESS : e;
}
// Whether `v` is JSON null; a fatal error is passed on.
inline simdjson::error_code null_check(od::value& v, bool* is_null) {
    const simdjson::error_code e = v.is_null().get(*is_null);
    if (e == simdjson::INCORRECT_TYPE) {
        *is_null = false;
        return simdjson::SUCCESS;
    }
    return e;
}

// Result helpers.
inline Error bad_input(Side side, const char* message) {
    return Error{ErrorCode::invalid_argument, side, false, 0, message};
}
Error json_error(simdjson::error_code code, Side side);

}  // namespace rg::translate

// Early return for simdjson error codes inside functions returning Result<void>; `side` and
// the message name which party sent the bad bytes.
#define RG_TJ(expr, side, message)                            \
    do {                                                      \
        if ((expr) != ::simdjson::SUCCESS) {                  \
            return ::rg::translate::bad_input(side, message); \
        }                                                     \
    } while (0)

#define RG_TRY(expr)                         \
    do {                                     \
        ::rg::Result<void> rg_try_ = (expr); \
        if (!rg_try_.ok()) {                 \
            return rg_try_;                  \
        }                                    \
    } while (0)

namespace rg::translate {

// Copies `body` into the Arena and opens it as a JSON object: the start every body parser
// shares. `doc` must outlive `root`. Errors are json_error(e, side).
[[gnu::always_inline]] inline Result<void> open_object(Arena& arena, std::string_view body,
                                                       Side side, od::document* doc,
                                                       od::object* root) {
    if (auto e = open_document(arena, body, doc)) {
        return json_error(e, side);
    }
    if (auto e = doc->get_object().get(*root)) {
        return json_error(e, side);
    }
    return ok_result();
}

// After the root object was read: anything but whitespace left over is refused.
inline Result<void> require_document_end(od::document& doc, Side side) {
    if (!document_at_end(doc)) {
        return bad_input(side, "request body has data after the JSON object");
    }
    return ok_result();
}

// Calls on_field(key, value) for each member of `o` in order, stopping at the first error;
// a member that cannot be read is bad_input(side, invalid). Inlined: no allocation.
template <class OnField>
Result<void> for_each_field(od::object& o, Side side, const char* invalid, OnField&& on_field) {
    for (auto f : o) {
        std::string_view key;
        RG_TJ(f.unescaped_key().get(key), side, invalid);
        od::value v;
        RG_TJ(f.value().get(v), side, invalid);
        RG_TRY(on_field(key, v));
    }
    return ok_result();
}

}  // namespace rg::translate
