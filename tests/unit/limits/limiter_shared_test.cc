// Admission with shared limits, without Redis: leases filled by hand stand for the Redis
// thread. Request permits come only from leases (and expire), a request without one waits,
// a "no" from Redis refuses at once, other instances' usage narrows the token checks, and
// while Redis is down the failure rule decides.
#include <gtest/gtest.h>

#include "limits/limiter.h"
#include "limits/utc_period.h"
#include "limits_test_util.h"

namespace rg::limits {
namespace {

using test::key_options;
using test::wall_noon;

constexpr uint64_t now = 1000000;
const int64_t day = utc_day(wall_noon);

std::shared_ptr<const ClientKeyTable> table_with(ClientKeyOptions o) {
    return ClientKeyTable::build({o}, AuthOptions{true}, nullptr);
}

TEST(RpsLease, PermitsAreTakenUntilTheyRunOutOrExpire) {
    RpsLease l;
    EXPECT_FALSE(l.take(now));
    EXPECT_EQ(l.refill(2, now + 100, now), 0u);
    EXPECT_TRUE(l.take(now));
    EXPECT_EQ(l.left(now), 1u);
    EXPECT_FALSE(l.take(now + 100));  // expired
    EXPECT_EQ(l.left(now + 100), 0u);
    // A refill keeps valid permits past keep_until (with the earlier expiry), else drops.
    EXPECT_EQ(l.refill(3, now + 200, now + 10), 0u);
    EXPECT_EQ(l.left(now + 50), 4u);
    EXPECT_EQ(l.expiry_ms(), now + 100);
    EXPECT_EQ(l.refill(5, now + 300, now + 150), 4u);
    EXPECT_EQ(l.left(now + 150), 5u);
}

TEST(DayLease, PermitsBelongToTheirDay) {
    DayLease l;
    l.grant(day, 2);
    EXPECT_TRUE(l.take(day));
    l.put_back(day);
    EXPECT_EQ(l.left(day), 2u);
    EXPECT_FALSE(l.take(day + 1));
    EXPECT_EQ(l.drain(day), 2u);
    EXPECT_FALSE(l.take(day));
}

struct Shared : ::testing::Test {
    SharedLimits shared{RedisFailure::open, 1};
    Limiter limiter{&shared};
    void SetUp() override { shared.set_up(true); }
};

TEST_F(Shared, RequestsWaitForALeaseAndThenTakeFromIt) {
    ClientKeyOptions o = key_options("k", "ck");
    o.rate_limit.requests_per_second = 10;
    o.quota.requests_per_day = 100;
    auto t = table_with(o);
    const ClientKey& k = t->key(0);
    Admission a = limiter.admit(k, now, wall_noon, 0);
    EXPECT_FALSE(a.ok);
    EXPECT_TRUE(a.wait);
    EXPECT_EQ(k.state().shared.waiting.load(), 1u);
    k.state().shared.day.grant(day, 1);
    a = limiter.admit(k, now, wall_noon, 0);
    EXPECT_TRUE(a.wait);  // a day permit, no bucket permit: the day permit goes back
    EXPECT_EQ(k.state().shared.day.left(day), 1u);
    k.state().shared.rps.refill(5, now + 50, now);
    EXPECT_TRUE(limiter.admit(k, now, wall_noon, 0).ok);
    EXPECT_EQ(k.state().shared.day.left(day), 0u);
    EXPECT_EQ(k.state().shared.rps.left(now), 4u);
    EXPECT_EQ(k.state().requests_today.load(day), 1u);  // this instance's own count
}

TEST_F(Shared, ANoFromRedisRefusesAtOnceWithItsWait) {
    ClientKeyOptions o = key_options("k", "ck");
    o.rate_limit.requests_per_second = 10;
    o.quota.requests_per_day = 100;
    auto t = table_with(o);
    const ClientKey& k = t->key(0);
    k.state().shared.day.grant(day, 5);
    k.state().shared.rps_denied_until_ms.store(now + 80);
    Admission a = limiter.admit(k, now, wall_noon, 0);
    EXPECT_FALSE(a.ok);
    EXPECT_FALSE(a.wait);
    EXPECT_EQ(a.limit, LimitKind::requests_per_second);
    EXPECT_EQ(a.retry_after_ms, 80u);
    EXPECT_EQ(k.state().shared.day.left(day), 5u);  // nothing taken
    k.state().shared.day_denied.store(day + 1);
    k.state().shared.day.drain(day);
    a = limiter.admit(k, now + 100, wall_noon, 0);
    EXPECT_EQ(a.limit, LimitKind::requests_per_day);
    EXPECT_FALSE(a.wait);
}

TEST_F(Shared, OtherInstancesUsageNarrowsTokenAndBudgetChecks) {
    ClientKeyOptions o = key_options("k", "ck");
    o.quota.tokens_per_day = 1000;
    o.budget.usd_per_day = 1;
    auto t = table_with(o);
    const ClientKey& k = t->key(0);
    k.state().shared.others_tokens_day.store(day, 900);
    EXPECT_EQ(limiter.admit(k, now, wall_noon, 150).limit, LimitKind::tokens_per_day);
    Admission a = limiter.admit(k, now, wall_noon, 100);
    ASSERT_TRUE(a.ok);
    Usage u;
    u.prompt_tokens = 10;
    PriceOptions price{"m", 1000, 1000, 1000};
    limiter.settle(k, a, u, &price, now, wall_noon);
    EXPECT_EQ(k.state().shared.pending_tokens.load(), 10u);
    EXPECT_EQ(k.state().shared.pending_cost_micro_usd.load(), 10000u);
    k.state().shared.others_cost_day_micro_usd.store(day, 990000);
    EXPECT_EQ(limiter.admit(k, now, wall_noon, 1).limit, LimitKind::budget_per_day);
}

TEST_F(Shared, RedisDownFailsOpenToTheLocalLimiterOrClosedAsUnavailable) {
    ClientKeyOptions o = key_options("k", "ck");
    o.quota.requests_per_day = 2;
    auto t = table_with(o);
    const ClientKey& k = t->key(0);
    shared.set_up(false);
    EXPECT_TRUE(limiter.admit(k, now, wall_noon, 0).ok);
    EXPECT_TRUE(limiter.admit(k, now, wall_noon, 0).ok);
    EXPECT_EQ(limiter.admit(k, now, wall_noon, 0).limit, LimitKind::requests_per_day);
    EXPECT_EQ(k.state().shared.pending_requests.load(), 2u);  // to reconcile
    EXPECT_EQ(shared.counts().fail_open, 2u);
    SharedLimits closed(RedisFailure::closed, 1);
    Limiter strict(&closed);
    Admission a = strict.admit(k, now, wall_noon, 0);
    EXPECT_TRUE(a.unavailable);
    EXPECT_FALSE(a.ok);
    EXPECT_EQ(closed.counts().fail_closed, 1u);
}

TEST_F(Shared, KeysWithoutLimitsNeverTouchTheSharedPath) {
    auto t = table_with(key_options("free", "ck"));
    shared.set_up(false);
    SharedLimits closed(RedisFailure::closed, 1);
    EXPECT_TRUE(Limiter(&closed).admit(t->key(0), now, wall_noon, 0).ok);
}

}  // namespace
}  // namespace rg::limits
