#include "limits/limiter.h"

#include <gtest/gtest.h>

#include "limits/utc_period.h"
#include "limits_test_util.h"

namespace rg::limits {
namespace {

using test::day_ms;
using test::key_options;
using test::wall_noon;

constexpr uint64_t now0 = 100000;  // monotonic ms; any value

struct Fixture {
    explicit Fixture(const ClientKeyOptions& o)
        : table(ClientKeyTable::build({o}, AuthOptions{true}, nullptr)) {}
    const ClientKey& key() const { return table->key(0); }
    KeyCounters counters() const { return key().state().read_counters(); }
    Admission admit(uint64_t now_ms, int64_t wall_ms, uint64_t estimate = 0) const {
        return limiter.admit(key(), now_ms, wall_ms, estimate);
    }

    std::shared_ptr<const ClientKeyTable> table;
    Limiter limiter;
};

Usage tokens(uint64_t prompt, uint64_t completion) {
    Usage u;
    u.prompt_tokens = prompt;
    u.completion_tokens = completion;
    return u;
}

TEST(UtcPeriod, DaysAndMonthsInUtc) {
    EXPECT_EQ(utc_day(0), 0);
    EXPECT_EQ(utc_day(day_ms - 1), 0);
    EXPECT_EQ(utc_day(day_ms), 1);
    EXPECT_EQ(utc_day(-1), -1);
    EXPECT_EQ(ms_until_next_day(wall_noon), static_cast<uint64_t>(day_ms / 2));
    EXPECT_EQ(utc_month(0), 0);
    EXPECT_EQ(utc_month(wall_noon), (2026 - 1970) * 12 + 2);  // March 2026
    // 2026-03-15 12:00 -> 2026-04-01 00:00 is 16.5 days.
    EXPECT_EQ(ms_until_next_month(wall_noon), static_cast<uint64_t>(16 * day_ms + day_ms / 2));
    // 2024-02-29 00:00 UTC (leap day) -> March 1st.
    const int64_t leap_day = 1709164800000;
    EXPECT_EQ(utc_month(leap_day), (2024 - 1970) * 12 + 1);
    EXPECT_EQ(ms_until_next_month(leap_day), static_cast<uint64_t>(day_ms));
    // December rolls into January of the next year.
    const int64_t dec31 = 1798675200000;  // 2026-12-31 00:00 UTC
    EXPECT_EQ(utc_month(dec31 + day_ms), utc_month(dec31) + 1);
    EXPECT_EQ(ms_until_next_month(dec31), static_cast<uint64_t>(day_ms));
}

TEST(Limiter, NoLimitsAdmitsEverythingWithoutHeaders) {
    Fixture f(key_options("a", "sk-a"));
    for (int i = 0; i < 1000; ++i) {
        ASSERT_TRUE(f.admit(now0, wall_noon, 1000000).ok);
    }
    const Admission a = f.admit(now0, wall_noon);
    EXPECT_EQ(a.limit, LimitKind::none);
    EXPECT_FALSE(rate_limit_headers(a).has_limit);
    EXPECT_EQ(f.counters().admitted, 1001u);
}

TEST(Limiter, RequestRateRefusesWithRetryAfterAndHeaders) {
    ClientKeyOptions o = key_options("a", "sk-a");
    o.rate_limit.requests_per_second = 2;
    o.rate_limit.burst = 2;
    Fixture f(o);
    Admission a = f.admit(now0, wall_noon);
    ASSERT_TRUE(a.ok);
    EXPECT_EQ(a.limit, LimitKind::requests_per_second);
    EXPECT_EQ(a.limit_value, 2u);
    EXPECT_EQ(a.remaining, 1u);
    EXPECT_EQ(a.reset_after_ms, 500u);
    ASSERT_TRUE(f.admit(now0, wall_noon).ok);
    a = f.admit(now0 + 100, wall_noon);
    EXPECT_FALSE(a.ok);
    EXPECT_EQ(a.limit, LimitKind::requests_per_second);
    EXPECT_EQ(a.remaining, 0u);
    EXPECT_EQ(a.retry_after_ms, 400u);
    EXPECT_EQ(a.reset_after_ms, 900u);
    const RateLimitHeaders h = rate_limit_headers(a);
    EXPECT_TRUE(h.has_limit);
    EXPECT_EQ(h.limit, 2u);
    EXPECT_EQ(h.remaining, 0u);
    EXPECT_EQ(h.reset_s, 1u);
    EXPECT_TRUE(h.has_retry_after);
    EXPECT_EQ(h.retry_after_s, 1u);
    EXPECT_TRUE(f.admit(now0 + 500, wall_noon).ok);
    EXPECT_EQ(f.counters().refused[static_cast<size_t>(LimitKind::requests_per_second)], 1u);
    EXPECT_EQ(f.counters().admitted, 3u);
}

TEST(Limiter, BlockedKeyIsRefusedWithoutRetryAfter) {
    ClientKeyOptions o = key_options("a", "sk-a");
    o.rate_limit.requests_per_second = 0;
    o.rate_limit.burst = 0;
    Fixture f(o);
    const Admission a = f.admit(now0, wall_noon);
    EXPECT_FALSE(a.ok);
    EXPECT_EQ(a.limit, LimitKind::requests_per_second);
    EXPECT_EQ(a.retry_after_ms, never_ms);
    const RateLimitHeaders h = rate_limit_headers(a);
    EXPECT_FALSE(h.has_retry_after);
    EXPECT_FALSE(h.has_reset);
    EXPECT_EQ(h.limit, 0u);
}

TEST(Limiter, DailyRequestQuotaResetsAtMidnightUtc) {
    ClientKeyOptions o = key_options("a", "sk-a");
    o.quota.requests_per_day = 3;
    Fixture f(o);
    const int64_t before_midnight = wall_noon + day_ms / 2 - 1000;  // 23:59:59
    for (uint64_t left = 3; left-- > 0;) {
        const Admission a = f.admit(now0, before_midnight);
        ASSERT_TRUE(a.ok);
        EXPECT_EQ(a.limit, LimitKind::requests_per_day);
        EXPECT_EQ(a.remaining, left);
    }
    Admission a = f.admit(now0, before_midnight);
    EXPECT_FALSE(a.ok);
    EXPECT_EQ(a.limit, LimitKind::requests_per_day);
    EXPECT_EQ(a.limit_value, 3u);
    EXPECT_EQ(a.retry_after_ms, 1000u);
    EXPECT_EQ(a.reset_after_ms, 1000u);
    a = f.admit(now0 + 1000, before_midnight + 1000);  // 00:00:00 the next day
    EXPECT_TRUE(a.ok);
    EXPECT_EQ(a.remaining, 2u);
}

TEST(Limiter, RequestRefusedByTheBucketDoesNotUseTheDailyQuota) {
    ClientKeyOptions o = key_options("a", "sk-a");
    o.rate_limit.requests_per_second = 1;
    o.rate_limit.burst = 1;
    o.quota.requests_per_day = 2;
    Fixture f(o);
    ASSERT_TRUE(f.admit(now0, wall_noon).ok);
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(f.admit(now0, wall_noon).limit, LimitKind::requests_per_second);
    }
    EXPECT_TRUE(f.admit(now0 + 1000, wall_noon).ok);
    EXPECT_EQ(f.admit(now0 + 2000, wall_noon).limit, LimitKind::requests_per_day);
}

TEST(Limiter, TokensPerMinuteUsesTheEstimateThenTheRealUsage) {
    ClientKeyOptions o = key_options("a", "sk-a");
    o.rate_limit.tokens_per_minute = 1000;
    Fixture f(o);
    const Admission first = f.admit(now0, wall_noon, 600);
    ASSERT_TRUE(first.ok);
    Admission a = f.admit(now0 + 10, wall_noon, 500);
    EXPECT_FALSE(a.ok);
    EXPECT_EQ(a.limit, LimitKind::tokens_per_minute);
    EXPECT_EQ(a.limit_value, 1000u);
    EXPECT_EQ(a.remaining, 400u);
    // The 600 reserved at second 100 leave the window at second 161.
    EXPECT_EQ(a.retry_after_ms, 161000 - (now0 + 10));
    // The answer used 100 prompt + 50 completion: 450 of the estimate come back.
    f.limiter.settle(f.key(), first, tokens(100, 50), nullptr, now0 + 20, wall_noon);
    a = f.admit(now0 + 30, wall_noon, 500);
    EXPECT_TRUE(a.ok);
    // An answer larger than its estimate adds the difference.
    f.limiter.settle(f.key(), a, tokens(500, 350), nullptr, now0 + 40, wall_noon);
    a = f.admit(now0 + 50, wall_noon, 1);
    EXPECT_FALSE(a.ok);
    EXPECT_EQ(a.remaining, 0u);
    EXPECT_TRUE(f.admit(now0 + 61000, wall_noon, 1000).ok);
}

TEST(Limiter, RequestLargerThanTheMinuteIsRefusedForGood) {
    ClientKeyOptions o = key_options("a", "sk-a");
    o.rate_limit.tokens_per_minute = 1000;
    Fixture f(o);
    const Admission a = f.admit(now0, wall_noon, 1001);
    EXPECT_FALSE(a.ok);
    EXPECT_EQ(a.retry_after_ms, never_ms);
    EXPECT_FALSE(rate_limit_headers(a).has_retry_after);
}

TEST(Limiter, ReleaseRefundsTheEstimate) {
    ClientKeyOptions o = key_options("a", "sk-a");
    o.rate_limit.tokens_per_minute = 1000;
    o.quota.tokens_per_day = 1500;
    Fixture f(o);
    const Admission a = f.admit(now0, wall_noon, 900);
    ASSERT_TRUE(a.ok);
    EXPECT_FALSE(f.admit(now0, wall_noon, 200).ok);
    f.limiter.release(f.key(), a, now0 + 5);
    EXPECT_TRUE(f.admit(now0 + 10, wall_noon, 1000).ok);
    const KeyCounters c = f.counters();
    EXPECT_EQ(c.released, 1u);
    EXPECT_EQ(c.settled, 0u);
    EXPECT_EQ(c.tokens[static_cast<size_t>(TokenKind::prompt)], 0u);
    EXPECT_EQ(c.cost_micro_usd, 0u);
}

TEST(Limiter, DailyTokenQuotaCorrectsAndRollsOver) {
    ClientKeyOptions o = key_options("a", "sk-a");
    o.quota.tokens_per_day = 1000;
    Fixture f(o);
    const Admission a = f.admit(now0, wall_noon, 800);
    ASSERT_TRUE(a.ok);
    Admission b = f.admit(now0, wall_noon, 300);
    EXPECT_FALSE(b.ok);
    EXPECT_EQ(b.limit, LimitKind::tokens_per_day);
    EXPECT_EQ(b.remaining, 200u);
    EXPECT_EQ(b.retry_after_ms, static_cast<uint64_t>(day_ms / 2));
    f.limiter.settle(f.key(), a, tokens(300, 200), nullptr, now0 + 1, wall_noon);
    EXPECT_TRUE(f.admit(now0 + 2, wall_noon, 300).ok);  // 500 + 300
    EXPECT_FALSE(f.admit(now0 + 3, wall_noon, 300).ok);
    EXPECT_TRUE(f.admit(now0 + 4, wall_noon + day_ms / 2, 1000).ok);  // next day
}

TEST(Limiter, UsageSettledAfterMidnightIsBilledToTheNewDay) {
    ClientKeyOptions o = key_options("a", "sk-a");
    o.quota.tokens_per_day = 1000;
    Fixture f(o);
    const int64_t late = wall_noon + day_ms / 2 - 10;
    const Admission a = f.admit(now0, late, 100);
    ASSERT_TRUE(a.ok);
    f.limiter.settle(f.key(), a, tokens(100, 500), nullptr, now0 + 20, late + 20);
    EXPECT_TRUE(f.admit(now0 + 30, late + 30, 400).ok);
    EXPECT_FALSE(f.admit(now0 + 30, late + 30, 1).ok);
}

TEST(Limiter, DailyBudgetRefusesOnceSettledSpendReachesIt) {
    ClientKeyOptions o = key_options("a", "sk-a");
    o.budget.usd_per_day = 0.01;  // 10 000 micro-USD
    Fixture f(o);
    const PriceOptions price{"m", 2.5, 1.25, 10.0};
    const Admission a = f.admit(now0, wall_noon);
    const Admission b = f.admit(now0, wall_noon);  // in flight together: both admitted
    ASSERT_TRUE(a.ok && b.ok);
    f.limiter.settle(f.key(), a, tokens(2000, 400), &price, now0 + 1, wall_noon);  // 9000
    EXPECT_TRUE(f.admit(now0 + 2, wall_noon).ok);
    f.limiter.settle(f.key(), b, tokens(1000, 0), &price, now0 + 3, wall_noon);  // 2500
    const Admission c = f.admit(now0 + 4, wall_noon);
    EXPECT_FALSE(c.ok);
    EXPECT_EQ(c.limit, LimitKind::budget_per_day);
    EXPECT_EQ(c.limit_value, 10000u);
    EXPECT_EQ(c.remaining, 0u);
    EXPECT_EQ(c.retry_after_ms, static_cast<uint64_t>(day_ms / 2));
    EXPECT_TRUE(f.admit(now0 + 5, wall_noon + day_ms / 2).ok);
    EXPECT_EQ(f.counters().cost_micro_usd, 11500u);
}

TEST(Limiter, MonthlyBudgetRollsOverOnTheFirst) {
    ClientKeyOptions o = key_options("a", "sk-a");
    o.budget.usd_per_month = 1;
    Fixture f(o);
    const PriceOptions price{"m", 1.0, 1.0, 1.0};
    const Admission a = f.admit(now0, wall_noon);
    f.limiter.settle(f.key(), a, tokens(1000000, 0), &price, now0, wall_noon);  // USD 1
    Admission b = f.admit(now0, wall_noon + 5 * day_ms);  // March 20th: same month
    EXPECT_FALSE(b.ok);
    EXPECT_EQ(b.limit, LimitKind::budget_per_month);
    EXPECT_EQ(b.retry_after_ms, static_cast<uint64_t>(11 * day_ms + day_ms / 2));
    const int64_t april_first = wall_noon + 16 * day_ms + day_ms / 2;
    EXPECT_FALSE(f.admit(now0, april_first - 1).ok);
    EXPECT_TRUE(f.admit(now0, april_first).ok);
}

TEST(Limiter, RefusalByALaterLimitUndoesEarlierReservations) {
    ClientKeyOptions o = key_options("a", "sk-a");
    o.rate_limit.tokens_per_minute = 100;
    o.quota.tokens_per_day = 100;
    o.quota.requests_per_day = 1;
    Fixture f(o);
    ASSERT_TRUE(f.admit(now0, wall_noon, 10).ok);
    // Refused by the request quota after both token reservations were made.
    EXPECT_EQ(f.admit(now0, wall_noon, 10).limit, LimitKind::requests_per_day);
    EXPECT_EQ(f.key().state().tokens_minute.used(now0 / 1000), 10u);
    EXPECT_EQ(f.key().state().tokens_today.load(utc_day(wall_noon)), 10u);
    EXPECT_EQ(f.key().state().requests_today.load(utc_day(wall_noon)), 1u);
}

TEST(Limiter, SettleCountsTokensByKindAndCost) {
    Fixture f(key_options("a", "sk-a"));
    const PriceOptions price{"m", 3.0, 0.3, 15.0};
    const Admission a = f.admit(now0, wall_noon, 10);
    Usage u;
    u.prompt_tokens = 1000;
    u.cached_prompt_tokens = 800;
    u.cache_creation_tokens = 100;
    u.completion_tokens = 200;
    u.reasoning_tokens = 50;
    f.limiter.settle(f.key(), a, u, &price, now0, wall_noon);
    const KeyCounters c = f.counters();
    EXPECT_EQ(c.settled, 1u);
    EXPECT_EQ(c.tokens[static_cast<size_t>(TokenKind::prompt)], 1000u);
    EXPECT_EQ(c.tokens[static_cast<size_t>(TokenKind::cached_prompt)], 800u);
    EXPECT_EQ(c.tokens[static_cast<size_t>(TokenKind::cache_creation)], 100u);
    EXPECT_EQ(c.tokens[static_cast<size_t>(TokenKind::completion)], 200u);
    EXPECT_EQ(c.tokens[static_cast<size_t>(TokenKind::reasoning)], 50u);
    EXPECT_EQ(c.cost_micro_usd, 200u * 3 + 800u * 3 / 10 + 200u * 15);  // 3840
}

TEST(RateLimitHeaders, RoundUpToWholeSecondsAndRetryAtLeastOne) {
    Admission a;
    a.ok = false;
    a.limit = LimitKind::tokens_per_minute;
    a.limit_value = 10;
    a.remaining = 3;
    a.reset_after_ms = 1001;
    a.retry_after_ms = 0;
    RateLimitHeaders h = rate_limit_headers(a);
    EXPECT_EQ(h.reset_s, 2u);
    EXPECT_EQ(h.retry_after_s, 1u);
    a.ok = true;
    h = rate_limit_headers(a);
    EXPECT_FALSE(h.has_retry_after);
    EXPECT_EQ(h.remaining, 3u);
}

TEST(LimitKind, NamesEveryKind) {
    EXPECT_STREQ(limit_kind_name(LimitKind::none), "none");
    EXPECT_STREQ(limit_kind_name(LimitKind::requests_per_second), "requests_per_second");
    EXPECT_STREQ(limit_kind_name(LimitKind::tokens_per_minute), "tokens_per_minute");
    EXPECT_STREQ(limit_kind_name(LimitKind::requests_per_day), "requests_per_day");
    EXPECT_STREQ(limit_kind_name(LimitKind::tokens_per_day), "tokens_per_day");
    EXPECT_STREQ(limit_kind_name(LimitKind::budget_per_day), "budget_per_day");
    EXPECT_STREQ(limit_kind_name(LimitKind::budget_per_month), "budget_per_month");
}

}  // namespace
}  // namespace rg::limits
