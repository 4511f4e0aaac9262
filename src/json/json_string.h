// JSON string writer: appends a string as a quoted JSON string literal (RFC 8259 §7).
// Stateless; call it on the thread that owns the buffer. No allocation once `out` has room.
#pragma once

#include <string_view>

#include "base/byte_buffer.h"

namespace rg::json {

// Appends `"` + `s` escaped + `"`. Escapes '"', '\\' and every control byte below 0x20
// (\b \f \n \r \t by name, the rest as \u00XX); all other bytes, UTF-8 included, are
// copied as they are. The caller passes UTF-8: invalid sequences are not repaired.
void append_json_string(ByteBuffer& out, std::string_view s);

}  // namespace rg::json
