// What ringgate-pgexport runs with: the PostgreSQL URL, the spool directory, the retention,
// from ringgate's own config file (`storage:` only) or from flags. Main thread only, read
// once at start-up.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace rg::pgexport {

struct Settings {
    std::string dsn;                                    // postgresql://user[:pw]@host[:port]/db
    std::string spool_dir = "/var/lib/ringgate/spool";  // storage.spool's default
    uint64_t retention_s = 30 * 86400;     // storage.retention (ringgate's default 30d)
    std::string consumer = "pgexport";     // cursor file <consumer>.cursor
    uint32_t batch_records_max = 512;      // one INSERT per batch
    uint32_t batch_bytes_max = 4u << 20;   // payload bytes per batch
    uint32_t fallback_poll_ms = 2000;      // re-read even without inotify events
    uint32_t retention_interval_s = 3600;  // hourly, as the issue asks
    uint32_t backoff_min_ms = 1000;
    uint32_t backoff_max_ms = 30000;
    bool print_version = false;
};

// Environment lookup: nullopt when the variable is unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;
EnvLookup process_env();

// Parses the command line: `--config FILE` or `--spool DIR --dsn DSN` (flags override the
// file's values), plus `--retention DURATION` and `--version`. Returns an error message,
// empty on success.
std::string parse_args(int argc, char** argv, const EnvLookup& env, Settings* out);

// Reads `storage.traces`, `storage.spool` and `storage.retention` from ringgate's YAML
// file; every other section is ignored (ringgate --check-config validates them). `${VAR}`
// and `${VAR:-default}` are replaced as ringgate does; an unset variable is an error only
// where it is used in those keys. Returns an error message, empty on success.
std::string load_config_file(const std::string& path, const EnvLookup& env, Settings* out);
std::string load_config_text(std::string_view text, const EnvLookup& env, Settings* out);

// "30d", "12h", "90m", "3600s" -> seconds; nullopt on anything else (0 is refused).
std::optional<uint64_t> parse_retention(std::string_view text);

}  // namespace rg::pgexport
