#include "keys/selector.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "keys_test_util.h"

namespace rg::keys {
namespace {

using test::provider;
using test::small_policy;

constexpr uint64_t t0 = 10000;

std::shared_ptr<KeyTable> table_of(ProviderOptions p) {
    return KeyTable::build({std::move(p)}, nullptr, small_policy());
}

int32_t key_of(Selector& s, uint64_t now, std::span<const uint32_t> exclude = {}) {
    const Selector::Pick pick = s.pick(0, now, exclude);
    EXPECT_FALSE(pick.probe);
    return pick.key;
}

std::map<int32_t, int> counts(Selector& s, int picks, uint64_t now,
                              std::span<const uint32_t> exclude = {}) {
    std::map<int32_t, int> out;
    for (int i = 0; i < picks; ++i) {
        ++out[key_of(s, now, exclude)];
    }
    return out;
}

TEST(Selector, WeightedTwoToOneIsExactAndInterleaved) {
    Selector s(0);
    s.attach(table_of(provider("a", {2, 1})));
    std::string order;
    for (int i = 0; i < 300; ++i) {
        order += key_of(s, t0) == 0 ? 'a' : 'b';
    }
    EXPECT_EQ(std::count(order.begin(), order.end(), 'a'), 200);
    EXPECT_EQ(std::count(order.begin(), order.end(), 'b'), 100);
    // nginx's smooth interleaving: a b a, repeated; never "aa" twice or "bb".
    EXPECT_EQ(order.substr(0, 9), "abaabaaba");
    EXPECT_EQ(order.find("bb"), std::string::npos);
    EXPECT_EQ(order.find("aaa"), std::string::npos);
}

TEST(Selector, WeightedFollowsEveryWeightOverACycle) {
    Selector s(3);
    s.attach(table_of(provider("a", {1, 2, 3, 4})));
    const std::map<int32_t, int> c = counts(s, 1000, t0);
    EXPECT_EQ(c.at(0), 100);
    EXPECT_EQ(c.at(1), 200);
    EXPECT_EQ(c.at(2), 300);
    EXPECT_EQ(c.at(3), 400);
}

TEST(Selector, RoundRobinCyclesFromAPerShardStart) {
    Selector s0(0);
    Selector s1(1);
    std::shared_ptr<KeyTable> t = table_of(provider("a", {5, 1, 1}, Strategy::round_robin));
    s0.attach(t);
    s1.attach(t);
    std::vector<int32_t> seq0;
    std::vector<int32_t> seq1;
    for (int i = 0; i < 6; ++i) {
        seq0.push_back(key_of(s0, t0));
        seq1.push_back(key_of(s1, t0));
    }
    // Weights play no part in round robin.
    EXPECT_EQ(seq0, (std::vector<int32_t>{0, 1, 2, 0, 1, 2}));
    EXPECT_EQ(seq1, (std::vector<int32_t>{1, 2, 0, 1, 2, 0}));
}

TEST(Selector, RoundRobinResumesAfterTheLastKeyWhenTheListChanges) {
    std::shared_ptr<KeyTable> t = table_of(provider("a", {1, 1, 1, 1}, Strategy::round_robin));
    Selector s(0);
    s.attach(t);
    EXPECT_EQ(key_of(s, t0), 0);
    EXPECT_EQ(key_of(s, t0), 1);
    t->on_failure(0, 0, FailureClass::rate_limited, 1000, t0);
    // The list is now {1, 2, 3}; the next after 1 is still 2.
    EXPECT_EQ(key_of(s, t0), 2);
    EXPECT_EQ(key_of(s, t0), 3);
    EXPECT_EQ(key_of(s, t0), 1);
}

TEST(Selector, LeastInflightPicksTheIdlestKeyAndRotatesTies) {
    Selector s(0);
    s.attach(table_of(provider("a", {1, 1, 1}, Strategy::least_inflight)));
    // All idle: ties rotate, so three picks start three different requests.
    std::array<int, 3> seen{};
    for (int i = 0; i < 3; ++i) {
        const int32_t k = key_of(s, t0);
        ASSERT_GE(k, 0);
        ++seen[static_cast<size_t>(k)];
        s.started(0, static_cast<uint32_t>(k));
    }
    EXPECT_EQ(seen, (std::array<int, 3>{1, 1, 1}));
    s.started(0, 0);
    s.started(0, 2);
    // In flight: 2, 1, 2.
    EXPECT_EQ(key_of(s, t0), 1);
    EXPECT_EQ(key_of(s, t0), 1);  // picking alone does not count; started() does
    s.finished(0, 2, 100, true);
    s.finished(0, 2, 100, true);
    // In flight: 2, 1, 0.
    EXPECT_EQ(key_of(s, t0), 2);
    EXPECT_EQ(s.inflight(0, 0), 2u);
    EXPECT_EQ(s.inflight(0, 2), 0u);
}

TEST(Selector, LatencyPrefersTheFasterKey) {
    Selector s(7);
    s.attach(table_of(provider("a", {1, 1, 1, 1}, Strategy::latency)));
    // Measure every key once: key 0 fast, the others slow.
    for (uint32_t k = 0; k < 4; ++k) {
        s.pick(0, t0);
        s.started(0, k);
        s.finished(0, k, k == 0 ? 2000 : 90000, true);
    }
    const std::map<int32_t, int> c = counts(s, 4000, t0 + 1);
    // Two of four drawn: key 0 wins whenever drawn, half of all picks; each slow key gets
    // what is left when key 0 was not drawn (1/6 each).
    EXPECT_GT(c.at(0), 1800);
    for (int32_t k = 1; k < 4; ++k) {
        EXPECT_LT(c.at(k), 900) << k;
    }
    // Of two keys, the faster is always taken.
    Selector two(1);
    two.attach(table_of(provider("a", {1, 1}, Strategy::latency)));
    two.pick(0, t0);
    two.finished(0, 0, 50000, true);
    two.finished(0, 1, 4000, true);
    EXPECT_EQ(counts(two, 100, t0).at(1), 100);
}

TEST(Selector, LatencyMeasuresUnmeasuredKeysFirstAndForgetsOldSamples) {
    Selector s(1);
    s.attach(table_of(provider("a", {1, 1}, Strategy::latency)));
    s.pick(0, t0);
    s.finished(0, 0, 1000, true);
    // Key 1 has no sample: it counts as fastest.
    EXPECT_EQ(counts(s, 50, t0).at(1), 50);
    s.finished(0, 1, 100000, true);
    EXPECT_EQ(counts(s, 50, t0).at(0), 50);
    EXPECT_EQ(s.latency_ewma_us(0, 1), 100000u);
    // 60 s later key 0 is measured again at 5 ms while key 1's 100 ms sample is 60 s old:
    // halved six times (1562 us), so key 1 is tried again and gets the chance to recover.
    s.pick(0, t0 + 60000);
    s.finished(0, 0, 5000, true);
    EXPECT_EQ(key_of(s, t0 + 60000), 1);
}

TEST(Selector, LatencyAverageMovesAnEighthPerSample) {
    Selector s(0);
    s.attach(table_of(provider("a", {1}, Strategy::latency)));
    EXPECT_EQ(s.latency_ewma_us(0, 0), 0u);
    s.pick(0, t0);
    s.finished(0, 0, 1000, true);
    EXPECT_EQ(s.latency_ewma_us(0, 0), 1000u);
    s.finished(0, 0, 2000, true);
    EXPECT_EQ(s.latency_ewma_us(0, 0), 1125u);
    s.finished(0, 0, 900000, false);  // failures carry no latency
    EXPECT_EQ(s.latency_ewma_us(0, 0), 1125u);
}

TEST(Selector, PriorityTakesTheFirstUsableKeyInConfigOrder) {
    std::shared_ptr<KeyTable> t = table_of(provider("a", {1, 9, 1}, Strategy::priority));
    Selector s(2);
    s.attach(t);
    EXPECT_EQ(counts(s, 20, t0).at(0), 20);
    t->on_failure(0, 0, FailureClass::rate_limited, 100, t0);
    EXPECT_EQ(counts(s, 20, t0).at(1), 20);
    // Key 0 comes back when its cooldown ends, with no epoch change: the selector knew the
    // deadline.
    const uint64_t e = t->epoch();
    EXPECT_EQ(key_of(s, t0 + 99), 1);
    EXPECT_EQ(key_of(s, t0 + 100), 0);
    EXPECT_EQ(t->epoch(), e);
}

TEST(Selector, EveryStrategySkipsExcludedKeys) {
    for (Strategy strategy : {Strategy::weighted, Strategy::round_robin, Strategy::least_inflight,
                              Strategy::latency, Strategy::priority}) {
        Selector s(0);
        s.attach(table_of(provider("a", {3, 1, 1, 1}, strategy)));
        const std::array<uint32_t, 2> tried = {0, 2};
        const std::map<int32_t, int> c = counts(s, 200, t0, tried);
        EXPECT_EQ(c.count(0), 0u) << static_cast<int>(strategy);
        EXPECT_EQ(c.count(2), 0u) << static_cast<int>(strategy);
        EXPECT_EQ(c.count(-1), 0u) << static_cast<int>(strategy);
        if (strategy != Strategy::priority) {
            EXPECT_GT(c.at(1), 50) << static_cast<int>(strategy);
            EXPECT_GT(c.at(3), 50) << static_cast<int>(strategy);
        }
        const std::array<uint32_t, 4> all = {3, 2, 1, 0};
        const Selector::Pick none = s.pick(0, t0, all);
        EXPECT_EQ(none.key, -1);
        EXPECT_EQ(none.ready_at_ms, 0u);
    }
}

TEST(Selector, ReadyAtIsTheEarliestCoolingOrOpenDeadline) {
    std::shared_ptr<KeyTable> t = table_of(provider("a", {1, 1, 1, 1}));
    Selector s(0);
    s.attach(t);
    t->on_failure(0, 0, FailureClass::rate_limited, 500, t0);
    t->on_failure(0, 1, FailureClass::rate_limited, 300, t0);
    t->on_failure(0, 2, FailureClass::rate_limited, 400, t0);
    t->on_failure(0, 3, FailureClass::auth, 0, t0);
    Selector::Pick p = s.pick(0, t0 + 1);
    EXPECT_EQ(p.key, -1);
    EXPECT_EQ(p.ready_at_ms, t0 + 300);
    const std::array<uint32_t, 1> tried = {1};
    EXPECT_EQ(s.pick(0, t0 + 1, tried).ready_at_ms, t0 + 400);
    EXPECT_EQ(s.pick(0, t0 + 300).key, 1);
    // Disabled and parked keys come back only through a probe: no time to wait for.
    std::shared_ptr<KeyTable> d = table_of(provider("d", {1, 1, 1}));
    Selector sd(0);
    sd.attach(d);
    d->on_failure(0, 0, FailureClass::auth, 0, t0);
    d->on_failure(0, 1, FailureClass::quota, 0, t0);
    const std::array<uint32_t, 1> healthy = {2};
    p = sd.pick(0, t0 + 1, healthy);
    EXPECT_EQ(p.key, -1);
    EXPECT_EQ(p.ready_at_ms, 0u);
    // An open circuit is waited for.
    for (int i = 0; i < 3; ++i) {
        d->on_failure(0, 2, FailureClass::server, 0, t0 + 2);
    }
    p = sd.pick(0, t0 + 3);
    EXPECT_EQ(p.key, -1);
    EXPECT_EQ(p.ready_at_ms, t0 + 2 + 100);
}

TEST(Selector, OpenKeyGetsExactlyOneProbeAcrossShards) {
    std::shared_ptr<KeyTable> t = table_of(provider("a", {1, 1}));
    Selector a(0);
    Selector b(1);
    a.attach(t);
    b.attach(t);
    for (int i = 0; i < 3; ++i) {
        t->on_failure(0, 0, FailureClass::server, 0, t0);
    }
    EXPECT_EQ(counts(a, 10, t0 + 99).at(1), 10);
    const Selector::Pick first = a.pick(0, t0 + 100);
    EXPECT_EQ(first.key, 0);
    EXPECT_TRUE(first.probe);
    EXPECT_EQ(key_of(b, t0 + 100), 1);
    EXPECT_EQ(key_of(a, t0 + 100), 1);
    EXPECT_EQ(key_of(b, t0 + 200), 1);
    t->on_success(0, 0, t0 + 250);
    std::map<int32_t, int> c = counts(b, 10, t0 + 260);
    EXPECT_EQ(c.at(0), 5);
    EXPECT_EQ(c.at(1), 5);
}

TEST(Selector, DisabledKeyIsProbedOnceAfterTheReprobePeriod) {
    std::shared_ptr<KeyTable> t = table_of(provider("a", {1, 1}, Strategy::priority));
    Selector s(0);
    s.attach(t);
    t->on_failure(0, 0, FailureClass::auth, 0, t0);
    EXPECT_EQ(counts(s, 5, t0 + 999).at(1), 5);
    const std::array<uint32_t, 1> tried = {0};
    EXPECT_EQ(key_of(s, t0 + 1000, tried), 1);  // an excluded key is not probed
    const Selector::Pick p = s.pick(0, t0 + 1000);
    EXPECT_EQ(p.key, 0);
    EXPECT_TRUE(p.probe);
    EXPECT_EQ(counts(s, 5, t0 + 1001).at(1), 5);
    t->on_success(0, 0, t0 + 1002);
    EXPECT_EQ(key_of(s, t0 + 1003), 0);
}

TEST(Selector, ConcurrentPicksOnADueKeyYieldOneProbe) {
    constexpr int threads = 4;
    constexpr int rounds = 100;
    std::shared_ptr<KeyTable> t = table_of(provider("a", {1}));
    std::vector<std::unique_ptr<Selector>> selectors;
    for (int i = 0; i < threads; ++i) {
        selectors.push_back(std::make_unique<Selector>(static_cast<uint32_t>(i)));
        selectors.back()->attach(t);
    }
    for (int round = 0; round < rounds; ++round) {
        const uint64_t now = t0 + static_cast<uint64_t>(round) * 1000;
        for (int i = 0; i < 3; ++i) {
            t->on_failure(0, 0, FailureClass::server, 0, now);
        }
        ASSERT_EQ(t->snapshot(0, 0).state, KeyState::open);
        std::atomic<int> ready{0};
        std::atomic<int> probes{0};
        std::atomic<int> others{0};
        std::vector<std::thread> pool;
        for (int i = 0; i < threads; ++i) {
            pool.emplace_back([&, i] {
                // Everyone arrives before anyone picks, so the picks really race.
                ready.fetch_add(1);
                while (ready.load() < threads) {
                    std::this_thread::yield();  // more threads than cores: let the rest arrive
                }
                const Selector::Pick p = selectors[static_cast<size_t>(i)]->pick(0, now + 100);
                (p.probe ? probes : others).fetch_add(1);
                if (p.probe) {
                    EXPECT_EQ(p.key, 0);
                } else {
                    EXPECT_EQ(p.key, -1);
                }
            });
        }
        for (std::thread& th : pool) {
            th.join();
        }
        ASSERT_EQ(probes.load(), 1) << "round " << round;
        ASSERT_EQ(others.load(), threads - 1);
        t->on_success(0, 0, now + 200);
        ASSERT_EQ(t->snapshot(0, 0).state, KeyState::healthy);
    }
}

TEST(Selector, ExhaustedKeyIsALastResortUntilItsReset) {
    std::shared_ptr<KeyTable> t = table_of(provider("a", {1, 1}, Strategy::round_robin));
    Selector s(0);
    s.attach(t);
    t->on_rate_limit_hint(0, 0, 0, -1, t0 + 1000);
    EXPECT_EQ(counts(s, 10, t0).at(1), 10);
    // The other key excluded or cooling: the exhausted key is still better than none.
    const std::array<uint32_t, 1> tried = {1};
    EXPECT_EQ(key_of(s, t0, tried), 0);
    t->on_failure(0, 1, FailureClass::rate_limited, 2000, t0);
    EXPECT_EQ(counts(s, 3, t0 + 1).at(0), 3);
    t->on_success(0, 1, t0 + 2000);
    // After the reset time, the key is a normal candidate again without any new hint.
    const std::map<int32_t, int> c = counts(s, 10, t0 + 2000);
    EXPECT_EQ(c.at(0), 5);
    EXPECT_EQ(c.at(1), 5);
}

TEST(Selector, NewRemainingCountEndsSteeringAtOnce) {
    std::shared_ptr<KeyTable> t = table_of(provider("a", {1, 1}, Strategy::priority));
    Selector s(0);
    s.attach(t);
    t->on_rate_limit_hint(0, 0, -1, 0, t0 + 50000);
    EXPECT_EQ(key_of(s, t0), 1);
    t->on_rate_limit_hint(0, 0, -1, 20000, t0 + 50000);
    EXPECT_EQ(key_of(s, t0 + 1), 0);
}

TEST(Selector, AttachResetsPerKeyStateAndIgnoresStaleReports) {
    Selector s(0);
    s.attach(table_of(provider("a", {1, 1, 1}, Strategy::least_inflight)));
    s.started(0, 2);
    s.finished(0, 1, 500, true);
    s.attach(table_of(provider("a", {1, 1})));
    EXPECT_EQ(s.inflight(0, 1), 0u);
    EXPECT_EQ(s.latency_ewma_us(0, 1), 0u);
    s.finished(0, 2, 100, true);  // from the old table: ignored
    s.finished(0, 0, 100, false);
    EXPECT_EQ(s.inflight(0, 0), 0u);  // saturates
    EXPECT_GE(s.pick(0, t0).key, 0);
}

TEST(Selector, ProvidersAreIndependent) {
    std::shared_ptr<KeyTable> t =
        KeyTable::build({provider("a", {1, 1}), provider("b", {1, 1, 1}, Strategy::priority)},
                        nullptr, small_policy());
    Selector s(0);
    s.attach(t);
    t->on_failure(1, 0, FailureClass::auth, 0, t0);
    EXPECT_EQ(s.pick(1, t0).key, 1);
    std::map<int32_t, int> c;
    for (int i = 0; i < 10; ++i) {
        ++c[s.pick(0, t0).key];
    }
    EXPECT_EQ(c.at(0), 5);
    EXPECT_EQ(c.at(1), 5);
}

// Shards picking and reporting all at once on one table, while the control thread reads
// snapshots and resets keys: every pick is a valid key or none, and (under TSan) race-free.
TEST(Selector, ShardsPickAndReportConcurrently) {
    constexpr int shards = 4;
    constexpr int picks = 100000;
    std::shared_ptr<KeyTable> t = KeyTable::build(
        {provider("a", {3, 1, 1, 1, 2, 1}), provider("b", {1, 1}, Strategy::latency)}, nullptr,
        small_policy());
    std::atomic<bool> stop{false};
    std::atomic<int> ready{0};
    std::atomic<uint64_t> probes{0};
    std::atomic<uint64_t> picked{0};
    std::vector<std::thread> pool;
    for (int i = 0; i < shards; ++i) {
        pool.emplace_back([&, i] {
            Selector s(static_cast<uint32_t>(i));
            s.attach(t);
            ready.fetch_add(1);
            while (ready.load() < shards) {
                std::this_thread::yield();
            }
            uint64_t rng = 0x9e3779b97f4a7c15ull * static_cast<uint64_t>(i + 1);
            for (int n = 0; n < picks; ++n) {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                const uint64_t now = t0 + static_cast<uint64_t>(n) / 4;
                const uint32_t p = static_cast<uint32_t>(rng % 2);
                const Selector::Pick pick = s.pick(p, now);
                if (pick.key < 0) {
                    continue;
                }
                const uint32_t k = static_cast<uint32_t>(pick.key);
                ASSERT_LT(k, t->key_count(p));
                picked.fetch_add(1, std::memory_order_relaxed);
                probes.fetch_add(pick.probe ? 1 : 0, std::memory_order_relaxed);
                s.started(p, k);
                switch ((rng >> 8) % 10) {
                    case 0:
                        t->on_failure(p, k, FailureClass::rate_limited, 0, now);
                        break;
                    case 1:
                        t->on_failure(p, k, FailureClass::server, 0, now);
                        break;
                    case 2:
                        t->on_rate_limit_hint(p, k, static_cast<int64_t>(rng % 3), -1, now + 20);
                        break;
                    case 3:
                        if ((rng >> 20) % 50 == 0) {
                            t->on_failure(p, k, FailureClass::auth, 0, now);
                        }
                        break;
                    default:
                        t->on_success(p, k, now);
                        break;
                }
                s.finished(p, k, 1000 + rng % 5000, true);
            }
        });
    }
    std::thread control([&] {
        uint64_t sum = 0;
        while (!stop.load()) {
            for (uint32_t k = 0; k < t->key_count(0); ++k) {
                sum += t->snapshot(0, k).consecutive_failures;
            }
            t->reset(0, static_cast<uint32_t>(sum % t->key_count(0)));
        }
    });
    for (std::thread& th : pool) {
        th.join();
    }
    stop.store(true);
    control.join();
    // Keys went through cooldowns and open circuits and came back through probes.
    EXPECT_GT(picked.load(), 0u);
    EXPECT_GT(probes.load(), 0u);
    EXPECT_GT(t->epoch(), 1u);
}

}  // namespace
}  // namespace rg::keys
