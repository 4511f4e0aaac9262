// Pieces of the Prometheus text exposition format 0.0.4, appended to a ByteBuffer: exact
// fixed-point numbers, and the escaping rules of HELP text and label values. Pure
// functions; any thread.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/byte_buffer.h"

namespace rg::observe {

// `v` / 10^decimals in plain decimal, trailing fractional zeros dropped:
// (1500, 3) -> "1.5", (100, 6) -> "0.0001", (7, 0) -> "7".
void append_fixed(ByteBuffer& out, uint64_t v, uint8_t decimals);
// The same for a signed value (gauges).
void append_fixed_signed(ByteBuffer& out, int64_t v, uint8_t decimals);
// Label value: backslash, double quote and line feed become \\, \" and \n.
void append_label_value(ByteBuffer& out, std::string_view v);
// HELP text: backslash and line feed become \\ and \n.
void append_help(ByteBuffer& out, std::string_view v);

}  // namespace rg::observe
