// Internal to src/translate: pieces shared by the per-format parsers and emitters (data
// URIs, usage objects, schema rewriting, id minting). Pure functions; any thread.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/result.h"
#include "translate/arena.h"
#include "translate/ir.h"
#include "translate/json_read.h"
#include "translate/json_writer.h"

namespace rg::translate {

// "data:<mime>;base64,<data>" -> mime and data; false for anything else.
bool split_data_uri(std::string_view url, std::string_view* media_type, std::string_view* data);
// "data:" + mime + ";base64," + data, in the arena.
std::string_view make_data_uri(Arena& arena, std::string_view media_type, std::string_view data);

// Appends a block to `request`'s current (last) message, and starts messages.
Block& add_block(Request& request, BlockKind kind);
void begin_message(Request& request, Role role);
// Drops a trailing message that ended up with no blocks.
void drop_empty_last_message(Request& request);

// After parsing: fills tool_result names from the tool_call with the same id (OpenAI and
// Anthropic results carry only the id; Gemini needs the name, §4.9 #12).
void resolve_tool_result_names(Request& request);

// True when the text has nothing but whitespace (Anthropic rejects such blocks, §4.9 #3).
bool is_blank(std::string_view s);

// Usage objects per format (§4.5). Parsers fill `usage` from the object at `v`.
Result<void> parse_openai_usage(od::value v, Usage* usage);
Result<void> parse_anthropic_usage(od::value v, Usage* usage);
Result<void> parse_gemini_usage(od::value v, Usage* usage);
Result<void> parse_responses_usage(od::value v, Usage* usage);
void write_openai_usage(JsonWriter& w, const Usage& usage);
void write_anthropic_usage(JsonWriter& w, const Usage& usage);
void write_gemini_usage(JsonWriter& w, const Usage& usage);
void write_responses_usage(JsonWriter& w, const Usage& usage);

inline uint64_t sub_sat(uint64_t a, uint64_t b) {
    return a > b ? a - b : 0;
}

// "<prefix><token>" or "<prefix><token>_<n>" in the arena.
std::string_view mint_id(Arena& arena, std::string_view prefix, std::string_view token);
std::string_view mint_indexed_id(Arena& arena, std::string_view prefix, std::string_view token,
                                 uint32_t n);

// How a JSON Schema is rewritten on its way to a target (§1.3 "Schema dialect", §4.9 #7).
enum class SchemaMode : uint8_t {
    gemini_openapi,   // Gemini `parameters`/`responseSchema`: keep the OpenAPI subset only
    gemini_json,      // Gemini `responseJsonSchema`: drop "$schema"
    lowercase_types,  // from Gemini to JSON Schema: "OBJECT" -> "object"
};
// Writes the schema `raw` (validated JSON) rewritten for `mode` as the next value of `w`.
Result<void> write_schema(Arena& arena, std::string_view raw, SchemaMode mode, JsonWriter& w);

// A tool call's arguments as a JSON object text: `text` itself when it is a JSON object,
// "{}" when empty or not JSON (§4.2 rule 2: parse defensively), else wrapped.
std::string_view args_object(Arena& arena, std::string_view text);

// `json` (valid JSON) without insignificant whitespace, for raw values that travel as a
// string (OpenAI "arguments", tool message content); returned as is when already compact.
std::string_view compact_json(Arena& arena, std::string_view json);

}  // namespace rg::translate
