// Options of persistent storage: where request traces go, and the Redis server that holds
// limits shared by several instances. Plain data filled by config/ from `storage:`;
// read-only afterwards, as part of an immutable snapshot. URLs may carry passwords: print
// them only through config's redacting summary.
#pragma once

#include <cstdint>
#include <string>

namespace rg::storage {

enum class TracesBackend : uint8_t { none = 0, sqlite = 1, postgresql = 2 };

struct TracesOptions {
    TracesBackend backend = TracesBackend::none;
    std::string url;          // as written: "sqlite:///var/lib/x.db" or "postgresql://..."
    std::string sqlite_path;  // absolute path, for the sqlite backend
};

// "redis://[[user]:password@]host[:port][/db]".
struct RedisOptions {
    std::string url;  // as written
    std::string host;
    uint16_t port = 6379;
    uint32_t db = 0;
    std::string username;
    std::string password;  // never logged or printed
};

struct Options {
    TracesOptions traces;
    bool has_redis = false;
    RedisOptions redis;
};

}  // namespace rg::storage
