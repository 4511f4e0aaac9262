// Parsers of the URLs the configuration holds: provider base URLs, CORS origins and storage
// targets. Pure functions on text; any thread. Errors carry a static message in
// Error::context that the loader prefixes with the config path.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "keys/options.h"
#include "storage/options.h"

namespace rg::config {

// "http(s)://host[:port][/path]": no credentials, query or fragment. A trailing '/' of the
// path is dropped. Hosts are DNS names (lowercased) or IP literals, IPv6 in brackets.
Result<keys::BaseUrl> parse_base_url(std::string_view text);
// The official base URL of each provider type, used when `base_url` is absent.
std::string_view default_base_url(keys::ProviderType type);

// A CORS origin as browsers send it: "*" or "http(s)://host[:port]", no path.
Result<void> check_origin(std::string_view text);

// "sqlite:///absolute/path.db", "postgresql://..." or "postgres://...".
Result<storage::TracesOptions> parse_traces_url(std::string_view text);
// "redis://[[user]:password@]host[:port][/db]"; port defaults to 6379, db to 0.
Result<storage::RedisOptions> parse_redis_url(std::string_view text);

// `url` for printing: any "user:password@" becomes "***@" and any query "?***".
std::string redact_url(std::string_view url);

}  // namespace rg::config
