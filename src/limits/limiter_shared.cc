// Admission when limits are shared by several instances through Redis (storage.redis).
// Request limits are taken from leases (permits the Redis thread took from the shared
// bucket and day counter ahead of need); token and budget limits add what the other
// instances used, as last read back, to this instance's own counts. See README.md for
// the bounds. Lock-free and syscall-free like the local path.
#include "base/assert.h"
#include "limits/limiter.h"
#include "limits/utc_period.h"

namespace rg::limits {

namespace {

constexpr auto relaxed = std::memory_order_relaxed;
constexpr uint64_t no_limit = LimitRules::no_limit;

uint64_t minus(uint64_t limit, uint64_t others) {
    return limit == no_limit ? no_limit : (others >= limit ? 0 : limit - others);
}

}  // namespace

Admission Limiter::admit_shared(const ClientKey& key, uint64_t now_ms, int64_t wall_ms,
                                uint64_t estimated) const {
    KeyState& st = key.state();
    const LimitRules& r = key.rules();
    if (!shared_->up()) {
        return admit_fallback(key, now_ms, wall_ms, estimated);
    }
    Admission a;
    a.estimated_tokens = estimated;
    a.admitted_s = now_ms / 1000;
    a.day = utc_day(wall_ms);
    if (!shared_checks(key, now_ms, wall_ms, &a)) {
        return a;
    }
    // Request permits: the day's first (a put-back is exact), then the bucket's.
    const bool per_day = r.requests_per_day != no_limit;
    if (per_day && !st.shared.day.take(a.day)) {
        undo(key, a, false);
        return no_permit(key, a, LimitKind::requests_per_day, now_ms, wall_ms);
    }
    if (r.requests.mode != RequestRate::Mode::unlimited && !st.shared.rps.take(now_ms)) {
        undo(key, a, false);
        if (per_day) {
            st.shared.day.put_back(a.day);
        }
        return no_permit(key, a, LimitKind::requests_per_second, now_ms, wall_ms);
    }
    uint64_t requests_today = 0;
    if (per_day) {
        // This instance's own count: what the local limiter starts from if Redis goes away.
        st.requests_today.add(a.day, 1);
        requests_today = r.requests_per_day - st.shared.day.left(a.day);
    }
    st.counters.admitted.fetch_add(1, relaxed);
    a.ok = true;
    RequestBucket::Take take;
    take.ok = true;
    take.remaining = st.shared.rps.left(now_ms);
    describe_admitted(key, take, requests_today, wall_ms, &a);
    return a;
}

Admission Limiter::admit_fallback(const ClientKey& key, uint64_t now_ms, int64_t wall_ms,
                                  uint64_t estimated) const {
    if (shared_ == nullptr || !key.rules().any()) {
        return admit_local(key, now_ms, wall_ms, estimated);
    }
    if (shared_->failure() == RedisFailure::closed) {
        shared_->count_fail_closed();
        Admission a;
        a.unavailable = true;
        a.retry_after_ms = 1000;
        return a;
    }
    Admission a = admit_local(key, now_ms, wall_ms, estimated);
    if (a.ok) {
        shared_->count_fail_open();
        if (key.rules().requests_per_day != no_limit) {
            // Reconciled: the Redis thread adds it to the day's count when Redis returns.
            key.state().shared.pending_requests.fetch_add(1, relaxed);
        }
    }
    return a;
}

// Budgets and token limits, with the other instances' usage added: the local checks of
// admit_local() against the limit minus what the others used.
bool Limiter::shared_checks(const ClientKey& key, uint64_t now_ms, int64_t wall_ms,
                            Admission* a) const {
    KeyState& st = key.state();
    const LimitRules& r = key.rules();
    const SharedKeyState& sh = st.shared;
    const uint64_t estimated = a->estimated_tokens;
    uint64_t seen = 0;
    if (r.budget_day_micro_usd != no_limit) {
        seen = st.cost_today_micro_usd.load(a->day) + sh.others_cost_day_micro_usd.load(a->day);
        if (seen >= r.budget_day_micro_usd) {
            const uint64_t reset = ms_until_next_day(wall_ms);
            *a = refuse(key, *a, LimitKind::budget_per_day, r.budget_day_micro_usd, seen, reset,
                        reset);
            return false;
        }
    }
    if (r.budget_month_micro_usd != no_limit) {
        const int64_t month = utc_month(wall_ms);
        seen = st.cost_month_micro_usd.load(month) + sh.others_cost_month_micro_usd.load(month);
        if (seen >= r.budget_month_micro_usd) {
            const uint64_t reset = ms_until_next_month(wall_ms);
            *a = refuse(key, *a, LimitKind::budget_per_month, r.budget_month_micro_usd, seen, reset,
                        reset);
            return false;
        }
    }
    if (r.tokens_per_minute != no_limit) {
        const uint64_t others = sh.others_tokens_minute.load(relaxed);
        const uint64_t limit = minus(r.tokens_per_minute, others);
        if (!st.tokens_minute.try_add(a->admitted_s, estimated, limit, &seen)) {
            const uint64_t wait = st.tokens_minute.ms_until_fits(now_ms, estimated, limit);
            *a = refuse(key, *a, LimitKind::tokens_per_minute, r.tokens_per_minute, seen + others,
                        wait, wait);
            return false;
        }
        a->reserved |= Admission::reserved_minute;
    }
    if (r.tokens_per_day != no_limit) {
        const uint64_t others = sh.others_tokens_day.load(a->day);
        if (!st.tokens_today.try_add(a->day, estimated, minus(r.tokens_per_day, others), &seen)) {
            undo(key, *a, false);
            const uint64_t reset = ms_until_next_day(wall_ms);
            *a = refuse(key, *a, LimitKind::tokens_per_day, r.tokens_per_day, seen + others, reset,
                        estimated > r.tokens_per_day ? never_ms : reset);
            return false;
        }
        a->reserved |= Admission::reserved_day;
    }
    return true;
}

// No leased permit for `kind`: refused if Redis already said there is none (the day's
// quota is spent, or the bucket's next permit is not due yet), else the request waits for
// the Redis thread, which is asked for permits now.
Admission Limiter::no_permit(const ClientKey& key, Admission a, LimitKind kind, uint64_t now_ms,
                             int64_t wall_ms) const {
    SharedKeyState& sh = key.state().shared;
    const LimitRules& r = key.rules();
    if (kind == LimitKind::requests_per_day) {
        if (r.requests_per_day == 0 || sh.day_denied.load(std::memory_order_acquire) == a.day + 1) {
            const uint64_t reset = ms_until_next_day(wall_ms);
            return refuse(key, a, kind, r.requests_per_day, r.requests_per_day, reset,
                          r.requests_per_day == 0 ? never_ms : reset);
        }
    } else {
        const uint64_t until = sh.rps_denied_until_ms.load(std::memory_order_acquire);
        const bool blocked = r.requests.burst == 0;
        if (blocked || until > now_ms || until == never_ms) {
            const uint64_t retry = blocked || until == never_ms ? never_ms : until - now_ms;
            return refuse(key, a, kind, r.requests.burst, r.requests.burst, retry, retry);
        }
    }
    a.ok = false;
    a.wait = true;
    a.reserved = 0;
    sh.waiting.fetch_add(1, relaxed);
    return a;
}

}  // namespace rg::limits
