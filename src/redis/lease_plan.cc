#include "redis/lease_plan.h"

#include <algorithm>

namespace rg::redis {

RpsLeaseRule rps_lease_rule(const limits::RequestRate& rate) {
    RpsLeaseRule r;
    if (rate.mode == limits::RequestRate::Mode::fixed) {
        r.fixed = true;
        r.lease_burst = rate.burst;
        return r;
    }
    r.interval_us = std::max<uint64_t>(1, (rate.interval_ns + 999) / 1000);
    const uint64_t tau_us = rate.tolerance_ns / 1000;
    r.lease_ms = std::clamp<uint64_t>(tau_us / 2000, lease_min_ms, lease_max_ms);
    r.tolerance_us = tau_us > r.lease_ms * 1000 ? tau_us - r.lease_ms * 1000 : 0;
    r.lease_burst = r.tolerance_us / r.interval_us + 1;
    return r;
}

uint64_t rps_want(const RpsLeaseRule& rule, const Demand& d, uint64_t left, bool renew) {
    // Ahead of demand: what the recent rate will use within one lease, only when that is
    // at least one request (a slower key claims a permit per request: leases it would not
    // use would drain the shared bucket for the other instances). At most half of what one
    // grant may carry: the rest stays in Redis for the other instances.
    const uint64_t horizon_ms = rule.fixed ? 1000 : rule.lease_ms;
    const uint64_t expected = d.per_s * horizon_ms;
    uint64_t ahead = expected >= 1000 ? (expected + 999) / 1000 : 0;
    ahead = std::min(ahead, std::max<uint64_t>(1, rule.lease_burst / 2));
    if (ahead == 0) {
        return d.waiting;
    }
    if (renew) {
        return d.waiting + ahead;  // the permits held expire within half a lease
    }
    if (d.waiting == 0 && left > ahead / 2) {
        return 0;
    }
    return d.waiting + (ahead > left ? ahead - left : 0);
}

uint64_t day_want(uint64_t limit, uint64_t remaining, const Demand& d, uint64_t left) {
    if (!d.active && d.waiting == 0) {
        return 0;
    }
    uint64_t ahead = d.per_s + 1;  // about a second's worth
    ahead = std::min(ahead, std::max<uint64_t>(1, limit / 16));
    if (remaining < 8 * ahead) {
        ahead = 0;  // the end is near: claims only
    }
    if (d.waiting == 0 && left > ahead / 2) {
        return 0;
    }
    return d.waiting + (ahead > left ? ahead - left : 0);
}

}  // namespace rg::redis
