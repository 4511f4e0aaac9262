// LeasePlan: how many request permits the Redis thread asks for, and for how long they
// may be used. Pure arithmetic over a key's rule and what its state shows; the proof that
// leases keep the shared bucket exact is in limits/README.md. Any thread.
#pragma once

#include <cstdint>

#include "limits/request_bucket.h"

namespace rg::redis {

// How a requests_per_second rule is leased from the shared GCRA bucket.
struct RpsLeaseRule {
    bool fixed = false;         // requests_per_second 0: `burst` in all, a plain counter
    uint64_t interval_us = 0;   // T, rounded up
    uint64_t tolerance_us = 0;  // what Redis applies: tau - lease_ms (tau = (burst-1) T)
    uint64_t lease_ms = 0;      // how long after the request was sent a permit stays usable
    uint64_t lease_burst = 0;   // permits one grant can carry at most (tolerance / T + 1)
};

// Lease length: half the bucket's tolerance, within [lease_min_ms, lease_max_ms]. Under the
// minimum (burst 1: tau 0) permits are still usable lease_min_ms, which is the only case
// where two admissions may come closer than T (by at most lease_min_ms).
inline constexpr uint64_t lease_min_ms = 5;
inline constexpr uint64_t lease_max_ms = 100;

RpsLeaseRule rps_lease_rule(const limits::RequestRate& rate);

// What a key's recent traffic says about the next lease.
struct Demand {
    uint64_t per_s = 0;    // admissions per second, smoothed over about a second
    bool active = false;   // admitted anything in the last second
    uint64_t waiting = 0;  // requests parked for permits now (claimed in this grant)
};

// Permits to ask for a bucket lease, 0 for none. `left`: valid permits held; `renew`: the
// lease held expires within half a lease (its permits will not be kept).
uint64_t rps_want(const RpsLeaseRule& rule, const Demand& d, uint64_t left, bool renew);

// Permits to ask for a day lease, 0 for none. `remaining`: the day's quota left in Redis as
// last seen. Near the end of the quota only parked requests are claimed, so that permits
// do not sit unused in one instance while another's requests are refused.
uint64_t day_want(uint64_t limit, uint64_t remaining, const Demand& d, uint64_t left);

}  // namespace rg::redis
