// Several threads hammering one key: request admissions must be exact (no CAS lost, no
// admission past the bound), and token/quota counters must balance once all are settled.
// Threads meet at std::barrier steps instead of sleeping, so each step's clock is shared.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <thread>
#include <vector>

#include "limits/limiter.h"
#include "limits/utc_period.h"
#include "limits_test_util.h"

namespace rg::limits {
namespace {

using test::key_options;
using test::wall_noon;

constexpr int thread_count = 4;

std::shared_ptr<const ClientKeyTable> one_key(const ClientKeyOptions& o) {
    return ClientKeyTable::build({o}, AuthOptions{true}, nullptr);
}

template <typename Body>
void run_threads(Body body) {
    std::vector<std::thread> threads;
    for (int t = 0; t < thread_count; ++t) {
        threads.emplace_back(body, t);
    }
    for (std::thread& t : threads) {
        t.join();
    }
}

TEST(LimiterThreads, BurstWithRateZeroAdmitsExactlyTheBurst) {
    ClientKeyOptions o = key_options("a", "sk-a");
    o.rate_limit.requests_per_second = 0;
    o.rate_limit.burst = 100;
    auto table = one_key(o);
    const Limiter limiter;
    std::atomic<uint64_t> admitted{0};
    run_threads([&](int) {
        uint64_t mine = 0;
        for (int i = 0; i < 20000; ++i) {
            mine += limiter.admit(table->key(0), 1000 + i, wall_noon, 0).ok;
        }
        admitted.fetch_add(mine);
    });
    EXPECT_EQ(admitted.load(), 100u);
    const KeyCounters c = table->key(0).state().read_counters();
    EXPECT_EQ(c.admitted, 100u);
    EXPECT_EQ(c.refused[static_cast<size_t>(LimitKind::requests_per_second)],
              uint64_t{thread_count} * 20000 - 100);
}

TEST(LimiterThreads, RateOverASimulatedClockAdmitsBurstPlusRateTimesElapsed) {
    ClientKeyOptions o = key_options("a", "sk-a");
    o.rate_limit.requests_per_second = 50;  // one every 20 ms
    o.rate_limit.burst = 10;
    auto table = one_key(o);
    const Limiter limiter;
    constexpr uint64_t steps_ms = 2000;
    std::barrier step(thread_count);
    std::atomic<uint64_t> admitted{0};
    std::atomic<bool> over_bound{false};
    run_threads([&](int) {
        for (uint64_t t = 0; t <= steps_ms; ++t) {
            for (int i = 0; i < 5; ++i) {
                if (limiter.admit(table->key(0), 50000 + t, wall_noon, 0).ok) {
                    admitted.fetch_add(1);
                }
            }
            // Checked by every thread between steps: never past burst + rate x elapsed.
            step.arrive_and_wait();
            if (admitted.load() > 10 + t / 20) {
                over_bound.store(true);
            }
            step.arrive_and_wait();
        }
    });
    EXPECT_FALSE(over_bound.load());
    EXPECT_EQ(admitted.load(), 10 + steps_ms / 20);  // exact: 10 at t=0, one every 20 ms
}

TEST(LimiterThreads, DailyQuotaIsExactAcrossThreads) {
    ClientKeyOptions o = key_options("a", "sk-a");
    o.quota.requests_per_day = 777;
    o.rate_limit.requests_per_second = 1e6;  // both limits in play
    o.rate_limit.burst = 1000000;
    auto table = one_key(o);
    const Limiter limiter;
    std::atomic<uint64_t> admitted{0};
    run_threads([&](int) {
        for (int i = 0; i < 5000; ++i) {
            admitted.fetch_add(limiter.admit(table->key(0), 1000, wall_noon, 0).ok);
        }
    });
    EXPECT_EQ(admitted.load(), 777u);
    EXPECT_EQ(table->key(0).state().requests_today.load(utc_day(wall_noon)), 777u);
}

TEST(LimiterThreads, TokenWindowNeverAdmitsMoreThanTheLimitAndBalancesAfterSettle) {
    ClientKeyOptions o = key_options("a", "sk-a");
    o.rate_limit.tokens_per_minute = 100000;
    o.quota.tokens_per_day = 1000000;
    auto table = one_key(o);
    const Limiter limiter;
    std::atomic<uint64_t> reserved{0};
    std::atomic<uint64_t> used{0};
    run_threads([&](int t) {
        for (int i = 0; i < 4000; ++i) {
            const uint64_t estimate = 10 + (i + t) % 40;
            const Admission a = limiter.admit(table->key(0), 1000, wall_noon, estimate);
            if (!a.ok) {
                continue;
            }
            reserved.fetch_add(estimate);
            if (i % 3 == 0) {
                limiter.release(table->key(0), a, 1000);
                reserved.fetch_sub(estimate);
            } else {
                Usage u;
                u.prompt_tokens = estimate / 2;  // real usage below the estimate
                limiter.settle(table->key(0), a, u, nullptr, 1000, wall_noon);
                reserved.fetch_sub(estimate);
                used.fetch_add(estimate / 2);
            }
        }
    });
    KeyState& st = table->key(0).state();
    EXPECT_EQ(reserved.load(), 0u);
    EXPECT_LE(used.load(), 100000u);
    EXPECT_EQ(st.tokens_minute.used(1), used.load());
    EXPECT_EQ(st.tokens_today.load(utc_day(wall_noon)), used.load());
}

TEST(LimiterThreads, DifferentKeysDoNotShareState) {
    ClientKeyOptions a = key_options("a", "sk-a");
    ClientKeyOptions b = key_options("b", "sk-b");
    a.rate_limit.requests_per_second = b.rate_limit.requests_per_second = 0;
    a.rate_limit.burst = b.rate_limit.burst = 50;
    auto table = ClientKeyTable::build({a, b}, AuthOptions{true}, nullptr);
    const Limiter limiter;
    std::atomic<uint64_t> admitted[2] = {};
    run_threads([&](int t) {
        const ClientKey& k = table->key(static_cast<size_t>(t % 2));
        for (int i = 0; i < 1000; ++i) {
            admitted[t % 2].fetch_add(limiter.admit(k, 1000, wall_noon, 0).ok);
        }
    });
    EXPECT_EQ(admitted[0].load(), 50u);
    EXPECT_EQ(admitted[1].load(), 50u);
}

}  // namespace
}  // namespace rg::limits
