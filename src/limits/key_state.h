// KeyState: the mutable part of one client key, shared by all workers: its request bucket,
// day and month counters, token window and metrics counters, all atomic. Created with the
// first snapshot that has the key and handed on (shared_ptr) to each rebuilt table that
// keeps the key's name, so counters survive reloads and requests admitted under the old
// snapshot settle into the same state. Hot words sit on cache lines apart from the counters.
#pragma once

#include <atomic>
#include <cstdint>

#include "limits/period_counter.h"
#include "limits/request_bucket.h"
#include "limits/shared_key_state.h"
#include "limits/token_window.h"
#include "limits/usage.h"

namespace rg::limits {

// The limit that refused a request (or, on an admitted one, the limit its headers report).
enum class LimitKind : uint8_t {
    none = 0,
    requests_per_second,  // rate_limit.requests_per_second + burst
    tokens_per_minute,    // rate_limit.tokens_per_minute
    requests_per_day,     // quota.requests_per_day
    tokens_per_day,       // quota.tokens_per_day
    budget_per_day,       // budget.usd_per_day
    budget_per_month,     // budget.usd_per_month
};
inline constexpr size_t limit_kind_count = 7;
const char* limit_kind_name(LimitKind k);  // metric label: "requests_per_second", ...

// A consistent-enough read of one key's counters for metrics and the admin API (relaxed
// loads of independent words: each is exact, the set is not one instant).
struct KeyCounters {
    uint64_t admitted = 0;
    uint64_t refused[limit_kind_count] = {};  // by the limit that refused; [none] unused
    uint64_t released = 0;                    // admitted, then never ran (estimate refunded)
    uint64_t settled = 0;                     // admitted and answered (billed)
    uint64_t tokens[token_kind_count] = {};
    uint64_t cost_micro_usd = 0;
};

struct KeyState {
    alignas(64) RequestBucket bucket;
    alignas(64) PeriodCounter requests_today;
    PeriodCounter tokens_today;
    PeriodCounter cost_today_micro_usd;
    PeriodCounter cost_month_micro_usd;
    alignas(64) TokenWindow tokens_minute;

    struct alignas(64) Counters {
        std::atomic<uint64_t> admitted{0};
        std::atomic<uint64_t> refused[limit_kind_count] = {};
        std::atomic<uint64_t> released{0};
        std::atomic<uint64_t> settled{0};
        std::atomic<uint64_t> tokens[token_kind_count] = {};
        std::atomic<uint64_t> cost_micro_usd{0};
    } counters;

    // Leases and read-backs of limits shared through Redis (storage.redis); idle without.
    SharedKeyState shared;

    KeyCounters read_counters() const;
};

}  // namespace rg::limits
