// Limiter: admits, settles and releases requests against a client key's limits. Callable
// from any worker at any time: all state is in the key's KeyState atomics, so a decision
// is a few CAS loops, with no lock, allocation or syscall. With storage.redis the same calls
// take request permits from leases the Redis thread keeps filled and add the other
// instances' usage to each check (limiter_shared.cc, README.md).
#pragma once

#include <cstdint>

#include "limits/client_key_table.h"
#include "limits/key_state.h"
#include "limits/options.h"
#include "limits/shared_limits.h"
#include "limits/usage.h"

namespace rg::limits {

inline constexpr uint64_t never_ms = UINT64_MAX;

struct Admission {
    bool ok = false;
    // Not decided (ok false, nothing taken): shared limits, no leased permit yet. The
    // request waits, and asks again when its shard is woken or its wait runs out.
    bool wait = false;
    // Refused because shared limits cannot be checked (Redis unreachable, failure closed).
    bool unavailable = false;
    // Refused: the limit that refused. Admitted: the limit the answer's x-ratelimit-*
    // headers describe (requests_per_second if set, else requests_per_day, else none).
    LimitKind limit = LimitKind::none;
    uint64_t limit_value = 0;     // requests, tokens, or micro-USD for budgets
    uint64_t remaining = 0;       // what is left of it now
    uint64_t reset_after_ms = 0;  // until it is whole again (never_ms: rate 0, never)
    uint64_t retry_after_ms = 0;  // refused: until the same request can pass (never_ms:
                                  // waiting will not help: blocked key, request too large)

    // The ticket settle() and release() need back.
    uint64_t estimated_tokens = 0;
    uint64_t admitted_s = 0;  // monotonic second of the reservation in the token window
    int64_t day = 0;          // UTC day of the reservation in tokens_per_day
    uint8_t reserved = 0;     // which token reservations were made (bits below)
    static constexpr uint8_t reserved_minute = 1;
    static constexpr uint8_t reserved_day = 2;
};

class Limiter {
  public:
    // `shared` (may be null): limits shared through Redis; null keeps every decision local.
    explicit Limiter(SharedLimits* shared = nullptr) : shared_(shared) {}

    // Checks every limit of `key` and, if all pass, takes one request from the bucket and
    // the daily quota and reserves `estimated_input_tokens` in the token window and the
    // daily token quota. `now_ms` is monotonic (base/clock.h), `wall_ms` UTC since the epoch.
    // A refusal takes nothing. Budgets refuse once the period's settled spend reached them.
    Admission admit(const ClientKey& key, uint64_t now_ms, int64_t wall_ms,
                    uint64_t estimated_input_tokens) const;

    // The answer's real usage (what the upstream produced, also when the client went away
    // mid-stream): replaces the token estimate and bills the cost (`price` null: unpriced).
    // Costs land in the day and month current at `wall_ms`.
    void settle(const ClientKey& key, const Admission& admitted, const Usage& actual,
                const PriceOptions* price, uint64_t now_ms, int64_t wall_ms) const;

    // The request was admitted but no attempt produced an answer (failed attempts are not
    // billed): the token estimate is refunded. The request still counts against the bucket
    // and the daily request quota, which limit what clients ask, not what succeeds.
    void release(const ClientKey& key, const Admission& admitted, uint64_t now_ms) const;

    // The decision when shared limits cannot be had (Redis unreachable, or a request
    // waited for permits past its deadline): storage.redis_failure open admits by this
    // instance's own limiter with the full limits (counted for reconciliation), closed
    // answers `unavailable`. Without shared limits, admit().
    Admission admit_fallback(const ClientKey& key, uint64_t now_ms, int64_t wall_ms,
                             uint64_t estimated_input_tokens) const;

    SharedLimits* shared() const { return shared_; }

  private:
    Admission admit_local(const ClientKey& key, uint64_t now_ms, int64_t wall_ms,
                          uint64_t estimated) const;
    Admission admit_shared(const ClientKey& key, uint64_t now_ms, int64_t wall_ms,
                           uint64_t estimated) const;
    bool shared_checks(const ClientKey& key, uint64_t now_ms, int64_t wall_ms, Admission* a) const;
    Admission no_permit(const ClientKey& key, Admission a, LimitKind kind, uint64_t now_ms,
                        int64_t wall_ms) const;
    Admission refuse(const ClientKey& key, Admission a, LimitKind kind, uint64_t limit,
                     uint64_t used, uint64_t reset_ms, uint64_t retry_ms) const;
    void undo(const ClientKey& key, const Admission& a, bool request_taken) const;
    void describe_admitted(const ClientKey& key, const RequestBucket::Take& take,
                           uint64_t requests_today, int64_t wall_ms, Admission* a) const;

    SharedLimits* shared_ = nullptr;
};

// Header values for an answer: x-ratelimit-limit / -remaining / -reset (seconds until the
// limit is whole, rounded up) and, on a refusal, retry-after (seconds, rounded up, at
// least 1; absent when waiting will not help).
struct RateLimitHeaders {
    bool has_limit = false;
    uint64_t limit = 0;
    uint64_t remaining = 0;
    bool has_reset = false;
    uint64_t reset_s = 0;
    bool has_retry_after = false;
    uint64_t retry_after_s = 0;
};
RateLimitHeaders rate_limit_headers(const Admission& a);

}  // namespace rg::limits
