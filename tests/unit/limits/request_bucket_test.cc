#include "limits/request_bucket.h"

#include <gtest/gtest.h>

#include "limits/period_counter.h"

namespace rg::limits {
namespace {

constexpr uint64_t ms = 1000000;  // ns per ms
constexpr uint64_t t0 = 5000 * ms;

TEST(RequestRate, BuildsTheRuleFromOptions) {
    RequestRate r = RequestRate::from(std::nullopt, std::nullopt);
    EXPECT_EQ(r.mode, RequestRate::Mode::unlimited);
    r = RequestRate::from(50.0, 10u);
    EXPECT_EQ(r.mode, RequestRate::Mode::refill);
    EXPECT_EQ(r.interval_ns, 20 * ms);
    EXPECT_EQ(r.tolerance_ns, 9 * 20 * ms);
    r = RequestRate::from(2.5, std::nullopt);  // burst defaults to one second's worth
    EXPECT_EQ(r.burst, 3u);
    EXPECT_EQ(r.interval_ns, 400 * ms);
    r = RequestRate::from(3.0, 1u);  // 1e9/3 rounds up: never faster than the rate
    EXPECT_EQ(r.interval_ns, 333333334u);
    r = RequestRate::from(0.0, 0u);
    EXPECT_EQ(r.mode, RequestRate::Mode::fixed);
    EXPECT_EQ(r.burst, 0u);
    r = RequestRate::from(1e-9, 5u);  // one per 31 years: treated as never refilling
    EXPECT_EQ(r.mode, RequestRate::Mode::fixed);
    EXPECT_EQ(r.burst, 5u);
}

TEST(RequestBucket, BurstThenOnePerInterval) {
    const RequestRate rule = RequestRate::from(10.0, 3u);  // 100 ms interval
    RequestBucket b;
    for (uint64_t left = 3; left-- > 0;) {
        const RequestBucket::Take t = b.take(rule, t0);
        ASSERT_TRUE(t.ok);
        EXPECT_EQ(t.remaining, left);
    }
    RequestBucket::Take t = b.take(rule, t0);
    EXPECT_FALSE(t.ok);
    EXPECT_EQ(t.retry_after_ns, 100 * ms);
    EXPECT_EQ(t.full_after_ns, 300 * ms);
    EXPECT_FALSE(b.take(rule, t0 + 99 * ms).ok);
    t = b.take(rule, t0 + 100 * ms);
    EXPECT_TRUE(t.ok);
    EXPECT_EQ(t.remaining, 0u);
    EXPECT_EQ(t.full_after_ns, 300 * ms);
    // Idle long enough and the bucket is full again, not more.
    int admitted = 0;
    while (b.take(rule, t0 + 10000 * ms).ok) {
        ++admitted;
    }
    EXPECT_EQ(admitted, 3);
}

TEST(RequestBucket, AdmissionsNeverExceedBurstPlusRateTimesElapsed) {
    const RequestRate rule = RequestRate::from(7.0, 4u);
    RequestBucket b;
    uint64_t admitted = 0;
    for (uint64_t t = 0; t <= 3000; ++t) {  // ten tries every ms for 3 s
        for (int i = 0; i < 10; ++i) {
            admitted += b.take(rule, t0 + t * ms).ok;
        }
        const uint64_t bound = 4 + (t * 7) / 1000;
        ASSERT_LE(admitted, bound) << "at " << t << " ms";
        ASSERT_GE(admitted + 1, bound) << "at " << t << " ms";
    }
}

TEST(RequestBucket, RateZeroAdmitsTheBurstOnceAndZeroZeroBlocks) {
    RequestBucket b;
    const RequestRate five = RequestRate::from(0.0, 5u);
    for (uint64_t left = 5; left-- > 0;) {
        const RequestBucket::Take t = b.take(five, t0);
        ASSERT_TRUE(t.ok);
        EXPECT_EQ(t.remaining, left);
    }
    const RequestBucket::Take t = b.take(five, t0 + 1000000 * ms);
    EXPECT_FALSE(t.ok);
    EXPECT_EQ(t.retry_after_ns, RequestBucket::never_ns);
    RequestBucket blocked;
    EXPECT_FALSE(blocked.take(RequestRate::from(0.0, 0u), t0).ok);
}

TEST(RequestBucket, AStaleClockNeverRefillsEarly) {
    const RequestRate rule = RequestRate::from(1.0, 1u);
    RequestBucket b;
    ASSERT_TRUE(b.take(rule, t0 + 1000 * ms).ok);
    // A worker whose clock reads earlier sees the bucket no fuller than at the later time.
    EXPECT_FALSE(b.take(rule, t0).ok);
    EXPECT_FALSE(b.take(rule, t0 + 1999 * ms).ok);
    EXPECT_TRUE(b.take(rule, t0 + 2000 * ms).ok);
}

TEST(PeriodCounter, AddsWithinTheLimitAndRollsOverToANewPeriod) {
    PeriodCounter c;
    uint64_t before = 0;
    EXPECT_TRUE(c.try_add(100, 3, 5, &before));
    EXPECT_EQ(before, 0u);
    EXPECT_TRUE(c.try_add(100, 2, 5, &before));
    EXPECT_FALSE(c.try_add(100, 1, 5, &before));
    EXPECT_EQ(before, 5u);
    EXPECT_EQ(c.load(100), 5u);
    EXPECT_EQ(c.load(101), 0u);
    EXPECT_TRUE(c.try_add(101, 4, 5, &before));
    EXPECT_EQ(before, 0u);
    EXPECT_EQ(c.load(101), 4u);
    // A worker a period behind adds to the newer period rather than resetting it.
    c.add(100, 1);
    EXPECT_EQ(c.load(101), 5u);
    // Refunds apply to their own period only, and never go below zero.
    EXPECT_FALSE(c.sub(100, 1));
    EXPECT_TRUE(c.sub(101, 9));
    EXPECT_EQ(c.load(101), 0u);
}

TEST(PeriodCounter, FreshCounterTakesAnyPeriodIncludingOnesThatWrapTheTag) {
    for (int64_t period : {int64_t{0}, int64_t{65535}, int64_t{65534}, int64_t{20528}}) {
        PeriodCounter c;
        c.add(period, 7);
        EXPECT_EQ(c.load(period), 7u) << period;
        EXPECT_EQ(c.load(period + 1), 0u) << period;
    }
}

TEST(PeriodCounter, SaturatesInsteadOfWrapping) {
    PeriodCounter c;
    c.add(1, PeriodCounter::count_max - 1);
    c.add(1, 10);
    EXPECT_EQ(c.load(1), PeriodCounter::count_max);
    uint64_t before;
    EXPECT_FALSE(c.try_add(1, 1, UINT64_MAX, &before));
}

}  // namespace
}  // namespace rg::limits
