// LeasePlan: lease length and tolerance from a bucket rule, and how much to ask for.
#include "redis/lease_plan.h"

#include <gtest/gtest.h>

namespace rg::redis {
namespace {

TEST(RpsLeaseRule, LeasesHalfTheToleranceWithinBoundsAndKeepsTheRestForRedis) {
    // 100/s, burst 150: tau 1.49 s; the lease is capped at 100 ms, Redis applies 1.39 s.
    RpsLeaseRule r = rps_lease_rule(limits::RequestRate::from(100.0, 150));
    EXPECT_FALSE(r.fixed);
    EXPECT_EQ(r.interval_us, 10000u);
    EXPECT_EQ(r.lease_ms, lease_max_ms);
    EXPECT_EQ(r.tolerance_us, 1490000u - 100000u);
    EXPECT_EQ(r.lease_burst, 140u);
    // 10/s, burst 2: tau 100 ms, lease 50 ms, tolerance 50 ms: one permit per grant.
    RpsLeaseRule small = rps_lease_rule(limits::RequestRate::from(10.0, 2));
    EXPECT_EQ(small.lease_ms, 50u);
    EXPECT_EQ(small.tolerance_us, 50000u);
    EXPECT_EQ(small.lease_burst, 1u);
    // Burst 1: no tolerance at all; permits still live lease_min_ms.
    RpsLeaseRule one = rps_lease_rule(limits::RequestRate::from(5.0, 1));
    EXPECT_EQ(one.lease_ms, lease_min_ms);
    EXPECT_EQ(one.tolerance_us, 0u);
    EXPECT_EQ(one.lease_burst, 1u);
    RpsLeaseRule fixed = rps_lease_rule(limits::RequestRate::from(0.0, 7));
    EXPECT_TRUE(fixed.fixed);
    EXPECT_EQ(fixed.lease_burst, 7u);
}

TEST(RpsWant, IdleOrSlowKeysClaimPerRequestAndBusyKeysLeaseOneLeaseAhead) {
    RpsLeaseRule r = rps_lease_rule(limits::RequestRate::from(100.0, 150));
    EXPECT_EQ(rps_want(r, Demand{0, false, 0}, 0, true), 0u);
    EXPECT_EQ(rps_want(r, Demand{0, false, 3}, 0, false), 3u);
    // 5/s is half a request per 100 ms lease: nothing ahead, parked requests only.
    EXPECT_EQ(rps_want(r, Demand{5, true, 0}, 0, true), 0u);
    EXPECT_EQ(rps_want(r, Demand{5, true, 2}, 0, true), 2u);
    // 50/s over one 100 ms lease: 5 ahead; a lease with 3 left is enough.
    EXPECT_EQ(rps_want(r, Demand{50, true, 0}, 3, false), 0u);
    EXPECT_EQ(rps_want(r, Demand{50, true, 0}, 2, false), 3u);
    EXPECT_EQ(rps_want(r, Demand{50, true, 0}, 2, true), 5u);
    // Never more than half of what one grant may carry.
    EXPECT_EQ(rps_want(r, Demand{100000, true, 0}, 0, false), 70u);
}

TEST(DayWant, NearTheEndOfTheQuotaOnlyParkedRequestsAreClaimed) {
    EXPECT_EQ(day_want(1000, 1000, Demand{0, false, 0}, 0), 0u);
    EXPECT_EQ(day_want(1000, 1000, Demand{20, true, 0}, 0), 21u);
    EXPECT_EQ(day_want(1000, 1000, Demand{20, true, 0}, 15), 0u);
    EXPECT_EQ(day_want(1000, 100, Demand{20, true, 0}, 0), 0u);  // 100 < 8 x 21
    EXPECT_EQ(day_want(1000, 100, Demand{20, true, 4}, 0), 4u);
    EXPECT_EQ(day_want(32, 32, Demand{100, true, 0}, 0), 2u);  // ahead capped at 32/16 = 2
}

}  // namespace
}  // namespace rg::redis
