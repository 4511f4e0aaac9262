#include "limits/limiter.h"

#include "base/assert.h"
#include "limits/utc_period.h"

namespace rg::limits {

namespace {

constexpr auto relaxed = std::memory_order_relaxed;
constexpr uint64_t no_limit = LimitRules::no_limit;

uint64_t ns_to_ms_up(uint64_t ns) {
    return ns == RequestBucket::never_ns ? never_ms : (ns + 999999) / 1000000;
}

uint64_t left(uint64_t limit, uint64_t used) {
    return used >= limit ? 0 : limit - used;
}

void count_tokens(KeyState::Counters& c, const Usage& u) {
    const uint64_t by_kind[token_kind_count] = {u.prompt_tokens, u.cached_prompt_tokens,
                                                u.cache_creation_tokens, u.completion_tokens,
                                                u.reasoning_tokens};
    for (size_t i = 0; i < token_kind_count; ++i) {
        if (by_kind[i] != 0) {
            c.tokens[i].fetch_add(by_kind[i], relaxed);
        }
    }
}

}  // namespace

// Order: read-only budget checks, then reservations whose undo is exact (token window, day
// tokens, day requests), then the request bucket last, so a bucket slot is never handed back
// (an undone GCRA step could let a later request through early).
Admission Limiter::admit(const ClientKey& key, uint64_t now_ms, int64_t wall_ms,
                         uint64_t estimated) const {
    if (shared_ != nullptr && key.rules().any()) {
        return admit_shared(key, now_ms, wall_ms, estimated);
    }
    return admit_local(key, now_ms, wall_ms, estimated);
}

Admission Limiter::admit_local(const ClientKey& key, uint64_t now_ms, int64_t wall_ms,
                               uint64_t estimated) const {
    KeyState& st = key.state();
    const LimitRules& r = key.rules();
    Admission a;
    a.estimated_tokens = estimated;
    a.admitted_s = now_ms / 1000;
    a.day = utc_day(wall_ms);
    uint64_t seen = 0;
    if (r.budget_day_micro_usd != no_limit) {
        seen = st.cost_today_micro_usd.load(a.day);
        if (seen >= r.budget_day_micro_usd) {
            const uint64_t reset = ms_until_next_day(wall_ms);
            return refuse(key, a, LimitKind::budget_per_day, r.budget_day_micro_usd, seen, reset,
                          reset);
        }
    }
    if (r.budget_month_micro_usd != no_limit) {
        seen = st.cost_month_micro_usd.load(utc_month(wall_ms));
        if (seen >= r.budget_month_micro_usd) {
            const uint64_t reset = ms_until_next_month(wall_ms);
            return refuse(key, a, LimitKind::budget_per_month, r.budget_month_micro_usd, seen,
                          reset, reset);
        }
    }
    if (r.tokens_per_minute != no_limit) {
        if (!st.tokens_minute.try_add(a.admitted_s, estimated, r.tokens_per_minute, &seen)) {
            const uint64_t wait =
                st.tokens_minute.ms_until_fits(now_ms, estimated, r.tokens_per_minute);
            const uint64_t full =
                st.tokens_minute.ms_until_fits(now_ms, r.tokens_per_minute, r.tokens_per_minute);
            return refuse(key, a, LimitKind::tokens_per_minute, r.tokens_per_minute, seen, full,
                          wait);
        }
        a.reserved |= Admission::reserved_minute;
    }
    if (r.tokens_per_day != no_limit) {
        if (!st.tokens_today.try_add(a.day, estimated, r.tokens_per_day, &seen)) {
            undo(key, a, false);
            const uint64_t reset = ms_until_next_day(wall_ms);
            return refuse(key, a, LimitKind::tokens_per_day, r.tokens_per_day, seen, reset,
                          estimated > r.tokens_per_day ? never_ms : reset);
        }
        a.reserved |= Admission::reserved_day;
    }
    uint64_t requests_today = 0;
    if (r.requests_per_day != no_limit) {
        if (!st.requests_today.try_add(a.day, 1, r.requests_per_day, &requests_today)) {
            undo(key, a, false);
            const uint64_t reset = ms_until_next_day(wall_ms);
            return refuse(key, a, LimitKind::requests_per_day, r.requests_per_day, requests_today,
                          reset, r.requests_per_day == 0 ? never_ms : reset);
        }
        ++requests_today;
    }
    const RequestBucket::Take take = st.bucket.take(r.requests, now_ms * 1000000);
    if (!take.ok) {
        undo(key, a, r.requests_per_day != no_limit);
        return refuse(key, a, LimitKind::requests_per_second, r.requests.burst,
                      r.requests.burst - take.remaining, ns_to_ms_up(take.full_after_ns),
                      ns_to_ms_up(take.retry_after_ns));
    }
    st.counters.admitted.fetch_add(1, relaxed);
    a.ok = true;
    describe_admitted(key, take, requests_today, wall_ms, &a);
    return a;
}

Admission Limiter::refuse(const ClientKey& key, Admission a, LimitKind kind, uint64_t limit,
                          uint64_t used, uint64_t reset_ms, uint64_t retry_ms) const {
    key.state().counters.refused[static_cast<size_t>(kind)].fetch_add(1, relaxed);
    a.ok = false;
    a.limit = kind;
    a.limit_value = limit;
    a.remaining = left(limit, used);
    a.reset_after_ms = reset_ms;
    a.retry_after_ms = retry_ms;
    a.reserved = 0;
    return a;
}

// Hands back what admit() reserved before a later limit refused. Each undo is the exact
// inverse of its reservation (a subtraction), so counts stay exact; a concurrent request
// may see the reservation for a moment and be refused, never the other way round.
void Limiter::undo(const ClientKey& key, const Admission& a, bool request_taken) const {
    KeyState& st = key.state();
    if (a.reserved & Admission::reserved_minute) {
        st.tokens_minute.refund(a.admitted_s, a.estimated_tokens, a.admitted_s);
    }
    if (a.reserved & Admission::reserved_day) {
        st.tokens_today.sub(a.day, a.estimated_tokens);
    }
    if (request_taken) {
        st.requests_today.sub(a.day, 1);
    }
}

void Limiter::describe_admitted(const ClientKey& key, const RequestBucket::Take& take,
                                uint64_t requests_today, int64_t wall_ms, Admission* a) const {
    const LimitRules& r = key.rules();
    if (r.requests.mode != RequestRate::Mode::unlimited) {
        a->limit = LimitKind::requests_per_second;
        a->limit_value = r.requests.burst;
        a->remaining = take.remaining;
        a->reset_after_ms = ns_to_ms_up(take.full_after_ns);
    } else if (r.requests_per_day != no_limit) {
        a->limit = LimitKind::requests_per_day;
        a->limit_value = r.requests_per_day;
        a->remaining = left(r.requests_per_day, requests_today);
        a->reset_after_ms = ms_until_next_day(wall_ms);
    }
}

void Limiter::settle(const ClientKey& key, const Admission& a, const Usage& actual,
                     const PriceOptions* price, uint64_t now_ms, int64_t wall_ms) const {
    RG_ASSERT(a.ok);
    KeyState& st = key.state();
    const LimitRules& r = key.rules();
    const uint64_t used = actual.total_tokens();
    const uint64_t est = a.estimated_tokens;
    const uint64_t now_s = now_ms / 1000;
    if (a.reserved & Admission::reserved_minute) {
        if (used >= est) {
            st.tokens_minute.add(now_s, used - est);
        } else {
            st.tokens_minute.refund(a.admitted_s, est - used, now_s);
        }
    }
    const int64_t day = utc_day(wall_ms);
    if (a.reserved & Admission::reserved_day) {
        if (day != a.day) {
            st.tokens_today.add(day, used);  // the estimate's day is over: bill the new one
        } else if (used >= est) {
            st.tokens_today.add(day, used - est);
        } else {
            st.tokens_today.sub(day, est - used);
        }
    }
    const uint64_t cost = cost_micro_usd(actual, price);
    if (cost != 0 && r.budget_day_micro_usd != no_limit) {
        st.cost_today_micro_usd.add(day, cost);
    }
    if (cost != 0 && r.budget_month_micro_usd != no_limit) {
        st.cost_month_micro_usd.add(utc_month(wall_ms), cost);
    }
    if (shared_ != nullptr) {
        // Told to Redis by its thread (also after an outage: reconciliation).
        st.shared.pending_tokens.fetch_add(used, relaxed);
        st.shared.pending_cost_micro_usd.fetch_add(cost, relaxed);
    }
    st.counters.settled.fetch_add(1, relaxed);
    count_tokens(st.counters, actual);
    if (cost != 0) {
        st.counters.cost_micro_usd.fetch_add(cost, relaxed);
    }
}

void Limiter::release(const ClientKey& key, const Admission& a, uint64_t now_ms) const {
    RG_ASSERT(a.ok);
    KeyState& st = key.state();
    if (a.reserved & Admission::reserved_minute) {
        st.tokens_minute.refund(a.admitted_s, a.estimated_tokens, now_ms / 1000);
    }
    if (a.reserved & Admission::reserved_day) {
        st.tokens_today.sub(a.day, a.estimated_tokens);
    }
    st.counters.released.fetch_add(1, relaxed);
}

RateLimitHeaders rate_limit_headers(const Admission& a) {
    RateLimitHeaders h;
    if (a.limit == LimitKind::none) {
        return h;
    }
    h.has_limit = true;
    h.limit = a.limit_value;
    h.remaining = a.remaining;
    h.has_reset = a.reset_after_ms != never_ms;
    h.reset_s = h.has_reset ? (a.reset_after_ms + 999) / 1000 : 0;
    if (!a.ok && a.retry_after_ms != never_ms) {
        h.has_retry_after = true;
        h.retry_after_s = a.retry_after_ms == 0 ? 1 : (a.retry_after_ms + 999) / 1000;
    }
    return h;
}

}  // namespace rg::limits
