// The spool payload of a trace: one JSON object with the contract's field names (spool
// README), absent values as null. Strings are escaped; invalid UTF-8 becomes U+FFFD.
// Trace thread only (appends to a std::string it reuses).
#pragma once

#include <string>
#include <string_view>

#include "traces/trace_slot.h"

namespace rg::traces {

void append_trace_json(const TraceSlot& s, std::string& out);

// A JSON string literal of `v` (quotes included).
void append_json_string(std::string& out, std::string_view v);

}  // namespace rg::traces
