// The Lua scripts that make each shared-limit step atomic on the Redis server, and the
// EVALSHA call with its EVAL fallback (a server that restarted or was flushed has no
// scripts cached: NOSCRIPT). Used by the Redis thread (LimitsSync) and tests only.
#pragma once

#include <string>
#include <vector>

#include "redis/resp_connection.h"

namespace rg::redis {

struct Script {
    const char* name;
    const char* text;
    std::string sha1;  // hex, computed from `text`
};

// Takes up to ARGV[3] permits from a GCRA bucket in one step. KEYS[1]: the instant the
// bucket is full again (µs, server clock: TIME). ARGV: interval_us, tolerance_us, want.
// Returns {granted, wait_us}: wait_us is how long until the next permit is due.
const Script& gcra_lease_script();
// Takes up to ARGV[2] from a capped counter. KEYS[1]: the count. ARGV: limit, want,
// ttl_ms (0: none). Returns {granted, count after}.
const Script& counter_lease_script();
// Adds this instance's usage and reads every instance's back. KEYS: tokens of the day,
// cost of the day, cost of the month, requests of the day. ARGV: tokens, cost, requests,
// day ttl_ms, month ttl_ms, per-second key prefix, wall second, tokens of that second.
// Returns {tokens_day, cost_day, cost_month, requests_day, tokens of the last 61 s}.
const Script& usage_script();

// A script call, to be sent as EVALSHA and, if the server does not know the script, as
// EVAL.
Command evalsha(const Script& s, const std::vector<std::string>& keys,
                const std::vector<std::string>& args);

// Runs `commands` in one round; every NOSCRIPT answer is sent again as EVAL in a second
// round and its reply put in its place.
Result<void> round_with_scripts(RespConnection& conn, const std::vector<Command>& commands,
                                std::vector<Reply>* replies, uint32_t timeout_ms);

}  // namespace rg::redis
