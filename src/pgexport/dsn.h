// The PostgreSQL URL (storage.traces): checked, and described for logs without its
// password. libpq parses the URL itself (percent-encoding, ?sslmode=...); this only decides
// whether it is one and what may be printed. Any thread; pure functions.
#pragma once

#include <string>
#include <string_view>

namespace rg::pgexport {

// Empty when `url` is a postgresql:// (or postgres://) URL, else why not. The message
// never repeats the URL's credentials.
std::string check_dsn(std::string_view url);

// The URL with its scheme in lower case: ringgate takes `PostgreSQL://`, libpq only the
// lower-case forms.
std::string normalize_dsn(std::string_view url);

// "postgresql://user@host:port/db": the URL without its password and query parameters
// (which may carry `password=`), for log lines.
std::string describe_dsn(std::string_view url);

}  // namespace rg::pgexport
