// Internal to src/translate: field readers the client-request parsers share (sampling
// numbers, stop lists, OpenAI's stream_options). Pure functions over the caller's IR; any
// thread; no allocation beyond the IR's own vectors.
#pragma once

#include <string_view>
#include <vector>

#include "base/result.h"
#include "translate/ir.h"
#include "translate/json_read.h"

namespace rg::translate {

// A JSON number kept as value and raw token; `message` when `v` is not a number.
inline Result<void> parse_number(od::value& v, Number* n, const char* message) {
    RG_TJ(read_number(v, &n->value, &n->raw), Side::downstream, message);
    n->set = true;
    return ok_result();
}

// OpenAI's `stop`: null, a string, or an array of strings, appended to r.stop.
Result<void> parse_stop(od::value& v, Request& r);

// An array of strings appended to `out` (Anthropic `stop_sequences`, Gemini
// `stopSequences`): `not_array` / `not_string` name the field in the error.
Result<void> parse_string_list(od::value& v, std::vector<std::string_view>& out,
                               const char* not_array, const char* not_string);

// OpenAI's `stream_options`: include_usage into r.include_usage; `not_bool` when it is not a
// boolean.
Result<void> parse_stream_options(od::value& v, Request& r, const char* not_bool);

}  // namespace rg::translate
