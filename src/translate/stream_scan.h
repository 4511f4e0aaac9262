// Cheap scans of one stream event's JSON payload, without building a DOM: enough to
// classify events (stream_sentinel.h) on every chunk of a passthrough stream. They assume
// well-formed JSON and never read outside the view; on malformed input they answer
// something, never crash. Pure functions: any thread, no allocation.
#pragma once

#include <string_view>

namespace rg::translate {

// The value of the first member `"key":` found at any depth, from its first byte to the
// end of `json`; empty when there is none. A match inside a string value is impossible in
// valid JSON: there, a quote before `key` or after it would be escaped.
std::string_view json_find_member(std::string_view json, std::string_view key, size_t from = 0);

// True when some member `"key":` (any depth) holds a non-empty string.
bool json_has_nonempty_string(std::string_view json, std::string_view key);
// True when some member `"key":` (any depth) holds a non-empty array.
bool json_has_nonempty_array(std::string_view json, std::string_view key);
// True when some member `"key":` (any depth) holds exactly the string `"value"` (no escapes).
bool json_has_string_member(std::string_view json, std::string_view key, std::string_view value);

// The value of member `key` of the top-level object (walking the object, skipping nested
// values), from its first byte to the end of `json`; empty when absent or not an object.
std::string_view json_top_level_member(std::string_view json, std::string_view key);
// The contents of the top-level string member `key` (`"abc"` -> abc); empty when absent,
// not a string, or holding escapes (event types never do).
std::string_view json_top_level_string(std::string_view json, std::string_view key);

}  // namespace rg::translate
