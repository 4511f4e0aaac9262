// HTTP-date for the Date response header (IMF-fixdate, RFC 9110 §5.6.7). Each thread keeps
// its own cached copy, refreshed at most once per second: no locks, no allocation, and no
// gmtime_r (glibc takes its timezone lock even for UTC).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rg::http {

// "Sun, 06 Nov 1994 08:49:37 GMT"
inline constexpr size_t http_date_bytes = 29;

// Writes `unix_seconds` (years 1970..9999) as IMF-fixdate into out[0, http_date_bytes).
void format_http_date(int64_t unix_seconds, char* out);

// The current time as IMF-fixdate; the view stays valid on this thread until the next call.
std::string_view http_date();

}  // namespace rg::http
