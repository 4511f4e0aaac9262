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

// storage.redis_failure: what client-key limits do while Redis is unreachable or slower
// than its timeout.
enum class RedisFailure : uint8_t {
    open = 0,  // each instance falls back to its own limiter with the full limits
    closed,    // requests of keys with limits are refused (503) until Redis answers
};

struct Options {
    TracesOptions traces;
    // The durable trace spool (spool/README.md): every trace goes here first; the SQLite
    // sink and the PostgreSQL exporter read it. Used only when `traces` is set.
    std::string spool_dir = "/var/lib/ringgate/spool";
    uint64_t spool_max_bytes = 1ull << 30;  // past it new traces are dropped and counted
    uint64_t retention_s = 30ull * 86400;   // older traces and spool segments are deleted
    bool has_redis = false;
    RedisOptions redis;
    RedisFailure redis_failure = RedisFailure::open;
};

}  // namespace rg::storage
