#include "redis/scripts.h"

#include <openssl/sha.h>

#include <cstdio>

namespace rg::redis {
namespace {

// GCRA (see limits/README.md): f is when the bucket is full again. A permit is due while
// f - now <= tolerance; k permits move f by k intervals. Lua numbers are doubles: µs since
// 1970 (about 2^51) are exact.
constexpr const char* gcra_text = R"(local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local T = tonumber(ARGV[1])
local tol = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local f = tonumber(redis.call('GET', KEYS[1]) or '0')
if f < now then f = now end
local k = 0
if f - now <= tol then k = math.floor((now + tol - f) / T) + 1 end
if k > want then k = want end
if k > 0 then
  f = f + k * T
  redis.call('SET', KEYS[1], string.format('%d', f), 'PX', math.floor((f - now) / 1000) + 1000)
end
local wait = f - tol - now
if wait < 0 then wait = 0 end
return {k, wait}
)";

constexpr const char* counter_text = R"(local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local k = tonumber(ARGV[1]) - used
local want = tonumber(ARGV[2])
if k > want then k = want end
if k < 0 then k = 0 end
if k > 0 then
  redis.call('INCRBY', KEYS[1], k)
  if tonumber(ARGV[3]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
end
return {k, used + k}
)";

constexpr const char* usage_text = R"(local function bump(key, delta, ttl)
  delta = tonumber(delta)
  if delta ~= 0 then
    local v = redis.call('INCRBY', key, delta)
    redis.call('PEXPIRE', key, ttl)
    return v
  end
  return tonumber(redis.call('GET', key) or '0')
end
local td = bump(KEYS[1], ARGV[1], ARGV[4])
local cd = bump(KEYS[2], ARGV[2], ARGV[4])
local cm = bump(KEYS[3], ARGV[2], ARGV[5])
local rq = bump(KEYS[4], ARGV[3], ARGV[4])
local prefix = ARGV[6]
local sec = tonumber(ARGV[7])
if tonumber(ARGV[8]) ~= 0 then
  redis.call('INCRBY', prefix .. sec, ARGV[8])
  redis.call('EXPIRE', prefix .. sec, 120)
end
local names = {}
for s = sec - 60, sec do names[#names + 1] = prefix .. s end
local sum = 0
for _, v in ipairs(redis.call('MGET', unpack(names))) do
  if v then sum = sum + tonumber(v) end
end
return {td, cd, cm, rq, sum}
)";

Script make(const char* name, const char* text) {
    unsigned char digest[SHA_DIGEST_LENGTH];
    const std::string_view t(text);
    SHA1(reinterpret_cast<const uint8_t*>(t.data()), t.size(), digest);
    std::string hex(2 * SHA_DIGEST_LENGTH, '0');
    for (size_t i = 0; i < SHA_DIGEST_LENGTH; ++i) {
        std::snprintf(&hex[2 * i], 3, "%02x", digest[i]);
    }
    return Script{name, text, hex};
}

bool is_noscript(const Reply& r) {
    return r.is_error() && r.str.rfind("NOSCRIPT", 0) == 0;
}

}  // namespace

const Script& gcra_lease_script() {
    static const Script s = make("gcra_lease", gcra_text);
    return s;
}

const Script& counter_lease_script() {
    static const Script s = make("counter_lease", counter_text);
    return s;
}

const Script& usage_script() {
    static const Script s = make("usage", usage_text);
    return s;
}

Command evalsha(const Script& s, const std::vector<std::string>& keys,
                const std::vector<std::string>& args) {
    Command c;
    c.reserve(3 + keys.size() + args.size());
    c.push_back("EVALSHA");
    c.push_back(s.sha1);
    c.push_back(std::to_string(keys.size()));
    c.insert(c.end(), keys.begin(), keys.end());
    c.insert(c.end(), args.begin(), args.end());
    return c;
}

Result<void> round_with_scripts(RespConnection& conn, const std::vector<Command>& commands,
                                std::vector<Reply>* replies, uint32_t timeout_ms) {
    auto done = conn.round(commands, replies, timeout_ms);
    if (!done.ok()) {
        return done;
    }
    std::vector<Command> again;
    std::vector<size_t> where;
    for (size_t i = 0; i < replies->size(); ++i) {
        if (!is_noscript((*replies)[i]) || commands[i].empty() || commands[i][0] != "EVALSHA") {
            continue;
        }
        const Script* known[] = {&gcra_lease_script(), &counter_lease_script(), &usage_script()};
        for (const Script* s : known) {
            if (s->sha1 == commands[i][1]) {
                Command eval = commands[i];
                eval[0] = "EVAL";
                eval[1] = s->text;
                again.push_back(std::move(eval));
                where.push_back(i);
            }
        }
    }
    if (again.empty()) {
        return ok_result();
    }
    std::vector<Reply> second;
    done = conn.round(again, &second, timeout_ms);
    if (!done.ok()) {
        return done;
    }
    for (size_t j = 0; j < where.size(); ++j) {
        (*replies)[where[j]] = std::move(second[j]);
    }
    return ok_result();
}

}  // namespace rg::redis
