#include "keys/key_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "keys_test_util.h"

namespace rg::keys {
namespace {

using test::provider;
using test::small_policy;

constexpr uint64_t t0 = 10000;  // any start time; 0 is avoided on purpose

struct Table {
    std::shared_ptr<KeyTable> t =
        KeyTable::build({provider("a", {1, 1, 1}), provider("b", {2})}, nullptr, small_policy());

    KeyState state(uint32_t k) const { return t->snapshot(0, k).state; }
    uint64_t until(uint32_t k) const { return t->snapshot(0, k).until_ms; }
    Availability at(uint32_t k, uint64_t now) const {
        return availability(t->health_word(0, k), now);
    }
};

TEST(KeyTable, NamesEveryState) {
    EXPECT_EQ(key_state_name(KeyState::healthy), "healthy");
    EXPECT_EQ(key_state_name(KeyState::cooling), "cooling");
    EXPECT_EQ(key_state_name(KeyState::open), "open");
    EXPECT_EQ(key_state_name(KeyState::half_open), "half_open");
    EXPECT_EQ(key_state_name(KeyState::disabled), "disabled");
    EXPECT_EQ(key_state_name(KeyState::parked), "parked");
}

TEST(KeyTable, BuildsProvidersAndKeysInConfigOrder) {
    Table f;
    ASSERT_EQ(f.t->provider_count(), 2u);
    EXPECT_EQ(f.t->key_count(0), 3u);
    EXPECT_EQ(f.t->key_count(1), 1u);
    EXPECT_EQ(f.t->provider(1).name, "b");
    EXPECT_EQ(f.t->key(0, 2).id, "a-2");
    EXPECT_EQ(f.t->key(1, 0).weight, 2u);
    EXPECT_EQ(f.t->policy().circuit_failures, 3u);
    const KeyTable::KeySnapshot s = f.t->snapshot(0, 1);
    EXPECT_EQ(s.state, KeyState::healthy);
    EXPECT_EQ(s.until_ms, 0u);
    EXPECT_EQ(s.consecutive_failures, 0u);
    EXPECT_EQ(s.remaining_requests, -1);
    EXPECT_EQ(s.remaining_tokens, -1);
    for (uint64_t e : s.errors) {
        EXPECT_EQ(e, 0u);
    }
}

TEST(KeyTable, HealthWordPacksStateProbeFlagAndDeadline) {
    EXPECT_EQ(availability(HealthWord::make(KeyState::cooling, false, t0), t0),
              Availability::usable);
    const HealthWord w = HealthWord::make(KeyState::parked, true, (uint64_t{1} << 55) - 1);
    EXPECT_EQ(w.state(), KeyState::parked);
    EXPECT_TRUE(w.probing());
    EXPECT_EQ(w.until_ms(), (uint64_t{1} << 55) - 1);
}

TEST(KeyTable, SuccessOnAHealthyKeyChangesNothing) {
    Table f;
    const uint64_t e = f.t->epoch();
    for (int i = 0; i < 10; ++i) {
        f.t->on_success(0, 0, t0 + i);
    }
    EXPECT_EQ(f.t->epoch(), e);
    EXPECT_EQ(f.state(0), KeyState::healthy);
}

TEST(KeyTable, RateLimitWithRetryAfterCoolsUntilThen) {
    Table f;
    const uint64_t e = f.t->epoch();
    f.t->on_failure(0, 1, FailureClass::rate_limited, 500, t0);
    EXPECT_EQ(f.t->epoch(), e + 1);
    EXPECT_EQ(f.state(1), KeyState::cooling);
    EXPECT_EQ(f.until(1), t0 + 500);
    EXPECT_EQ(f.t->snapshot(0, 1).errors[static_cast<size_t>(FailureClass::rate_limited)], 1u);
    EXPECT_EQ(f.at(1, t0 + 499), Availability::blocked);
    EXPECT_EQ(f.at(1, t0 + 500), Availability::usable);
    // A success of a request sent before the 429 does not end the cooldown.
    f.t->on_success(0, 1, t0 + 200);
    EXPECT_EQ(f.state(1), KeyState::cooling);
    EXPECT_EQ(f.t->epoch(), e + 1);
    // The first success after the deadline does.
    f.t->on_success(0, 1, t0 + 500);
    EXPECT_EQ(f.state(1), KeyState::healthy);
    EXPECT_EQ(f.t->epoch(), e + 2);
}

TEST(KeyTable, RateLimitWithoutHintBacksOffExponentiallyWithJitter) {
    Table f;
    uint64_t now = t0;
    // base 10, cap 80: waits in [d/2, d] for d = 10, 20, 40, 80, 80.
    const uint64_t caps[] = {10, 20, 40, 80, 80};
    for (uint64_t d : caps) {
        f.t->on_failure(0, 0, FailureClass::rate_limited, 0, now);
        ASSERT_EQ(f.state(0), KeyState::cooling);
        const uint64_t wait = f.until(0) - now;
        EXPECT_GE(wait, d / 2) << "d=" << d;
        EXPECT_LE(wait, d) << "d=" << d;
        now = f.until(0);  // the key is usable again; it is picked and 429s again
    }
    // A success resets the streak: the next wait is from the base again.
    f.t->on_success(0, 0, now);
    EXPECT_EQ(f.state(0), KeyState::healthy);
    f.t->on_failure(0, 0, FailureClass::rate_limited, 0, now);
    EXPECT_LE(f.until(0) - now, 10u);
}

TEST(KeyTable, BackoffJitterDiffersBetweenKeys) {
    // 32 keys limited at the same instant must not all come back at the same instant.
    std::shared_ptr<KeyTable> t =
        KeyTable::build({provider("a", std::vector<uint32_t>(32, 1))}, nullptr, [] {
            HealthPolicy h = small_policy();
            h.cooldown_base_ms = 1000;
            h.cooldown_max_ms = 1000;
            return h;
        }());
    std::vector<uint64_t> untils;
    for (uint32_t k = 0; k < 32; ++k) {
        t->on_failure(0, k, FailureClass::rate_limited, 0, t0);
        untils.push_back(t->snapshot(0, k).until_ms);
    }
    std::sort(untils.begin(), untils.end());
    EXPECT_GT(std::unique(untils.begin(), untils.end()) - untils.begin(), 16);
}

TEST(KeyTable, LateRateLimitsDuringACooldownOnlyExtendIt) {
    Table f;
    f.t->on_failure(0, 0, FailureClass::rate_limited, 300, t0);
    const uint64_t e = f.t->epoch();
    // No hint: a 429 of a request sent before the cooldown began; ignored.
    f.t->on_failure(0, 0, FailureClass::rate_limited, 0, t0 + 10);
    // A hint ending earlier than the current deadline: ignored.
    f.t->on_failure(0, 0, FailureClass::rate_limited, 100, t0 + 10);
    EXPECT_EQ(f.until(0), t0 + 300);
    EXPECT_EQ(f.t->epoch(), e);
    // A hint ending later: extends.
    f.t->on_failure(0, 0, FailureClass::rate_limited, 1000, t0 + 10);
    EXPECT_EQ(f.until(0), t0 + 1010);
    EXPECT_EQ(f.t->epoch(), e + 1);
    EXPECT_EQ(f.t->snapshot(0, 0).errors[static_cast<size_t>(FailureClass::rate_limited)], 4u);
}

TEST(KeyTable, ConsecutiveServerSideFailuresOpenTheCircuit) {
    Table f;
    const uint64_t e = f.t->epoch();
    f.t->on_failure(0, 0, FailureClass::server, 0, t0);
    f.t->on_failure(0, 0, FailureClass::transport, 0, t0);
    EXPECT_EQ(f.state(0), KeyState::healthy);
    EXPECT_EQ(f.t->snapshot(0, 0).consecutive_failures, 2u);
    EXPECT_EQ(f.t->epoch(), e);
    f.t->on_failure(0, 0, FailureClass::timeout, 0, t0 + 5);
    EXPECT_EQ(f.state(0), KeyState::open);
    EXPECT_EQ(f.until(0), t0 + 5 + 100);
    EXPECT_EQ(f.t->epoch(), e + 1);
    EXPECT_EQ(f.at(0, t0 + 104), Availability::blocked);
    EXPECT_EQ(f.at(0, t0 + 105), Availability::probe);
    // Failures of requests that were in flight change nothing more.
    f.t->on_failure(0, 0, FailureClass::overloaded, 0, t0 + 6);
    f.t->on_success(0, 0, t0 + 7);
    EXPECT_EQ(f.state(0), KeyState::open);
    EXPECT_EQ(f.until(0), t0 + 105);
    EXPECT_EQ(f.t->epoch(), e + 1);
}

TEST(KeyTable, SuccessResetsTheFailureCountWithoutAStateChange) {
    Table f;
    f.t->on_failure(0, 0, FailureClass::server, 0, t0);
    f.t->on_failure(0, 0, FailureClass::server, 0, t0);
    const uint64_t e = f.t->epoch();
    f.t->on_success(0, 0, t0);
    EXPECT_EQ(f.t->snapshot(0, 0).consecutive_failures, 0u);
    EXPECT_EQ(f.t->epoch(), e);
    f.t->on_failure(0, 0, FailureClass::server, 0, t0);
    f.t->on_failure(0, 0, FailureClass::server, 0, t0);
    EXPECT_EQ(f.state(0), KeyState::healthy);
    EXPECT_EQ(f.t->snapshot(0, 0).errors[static_cast<size_t>(FailureClass::server)], 4u);
}

void open_circuit(Table& f, uint32_t k, uint64_t now) {
    for (int i = 0; i < 3; ++i) {
        f.t->on_failure(0, k, FailureClass::server, 0, now);
    }
    ASSERT_EQ(f.state(k), KeyState::open);
}

TEST(KeyTable, OneProbeAfterTheOpenPeriodAndSuccessCloses) {
    Table f;
    open_circuit(f, 0, t0);
    const HealthWord seen = f.t->health_word(0, 0);
    EXPECT_FALSE(f.t->claim_probe(0, 0, seen, t0 + 99));  // too early
    uint64_t e = f.t->epoch();
    EXPECT_TRUE(f.t->claim_probe(0, 0, seen, t0 + 100));
    EXPECT_EQ(f.t->epoch(), e + 1);
    EXPECT_EQ(f.state(0), KeyState::half_open);
    EXPECT_EQ(f.at(0, t0 + 100), Availability::blocked);
    // Whoever saw the same open word loses.
    EXPECT_FALSE(f.t->claim_probe(0, 0, seen, t0 + 100));
    EXPECT_FALSE(f.t->claim_probe(0, 0, f.t->health_word(0, 0), t0 + 101));
    e = f.t->epoch();
    f.t->on_success(0, 0, t0 + 150);
    EXPECT_EQ(f.state(0), KeyState::healthy);
    EXPECT_EQ(f.t->snapshot(0, 0).consecutive_failures, 0u);
    EXPECT_EQ(f.t->epoch(), e + 1);
}

TEST(KeyTable, FailedProbeReopensForTwiceAsLongUpToTheCap) {
    Table f;
    open_circuit(f, 0, t0);
    uint64_t now = t0 + 100;
    const uint64_t periods[] = {200, 400, 400};
    for (uint64_t period : periods) {
        ASSERT_TRUE(f.t->claim_probe(0, 0, f.t->health_word(0, 0), now));
        const uint64_t e = f.t->epoch();
        f.t->on_failure(0, 0, FailureClass::timeout, 0, now + 7);
        EXPECT_EQ(f.state(0), KeyState::open);
        EXPECT_EQ(f.until(0), now + 7 + period);
        EXPECT_EQ(f.t->epoch(), e + 1);
        now = f.until(0);
    }
    ASSERT_TRUE(f.t->claim_probe(0, 0, f.t->health_word(0, 0), now));
    f.t->on_success(0, 0, now + 1);
    // Healthy again: the next opening starts from the first period.
    open_circuit(f, 0, now + 2);
    EXPECT_EQ(f.until(0), now + 2 + 100);
}

TEST(KeyTable, ProbeAnsweredWithRateLimitCoolsTheKey) {
    Table f;
    open_circuit(f, 0, t0);
    ASSERT_TRUE(f.t->claim_probe(0, 0, f.t->health_word(0, 0), t0 + 100));
    f.t->on_failure(0, 0, FailureClass::rate_limited, 50, t0 + 120);
    EXPECT_EQ(f.state(0), KeyState::cooling);
    EXPECT_EQ(f.until(0), t0 + 170);
}

TEST(KeyTable, UnreportedProbeLapsesAfterItsLease) {
    Table f;
    open_circuit(f, 0, t0);
    ASSERT_TRUE(f.t->claim_probe(0, 0, f.t->health_word(0, 0), t0 + 100));
    EXPECT_EQ(f.until(0), t0 + 100 + 500);
    EXPECT_EQ(f.at(0, t0 + 599), Availability::blocked);
    EXPECT_EQ(f.at(0, t0 + 600), Availability::probe);
    EXPECT_TRUE(f.t->claim_probe(0, 0, f.t->health_word(0, 0), t0 + 600));
    EXPECT_EQ(f.state(0), KeyState::half_open);
    EXPECT_EQ(f.until(0), t0 + 1100);
}

TEST(KeyTable, AuthFailureDisablesUntilAProbeSucceeds) {
    Table f;
    uint64_t e = f.t->epoch();
    f.t->on_failure(0, 2, FailureClass::auth, 0, t0);
    EXPECT_EQ(f.state(2), KeyState::disabled);
    EXPECT_EQ(f.until(2), t0 + 1000);
    EXPECT_EQ(f.t->epoch(), e + 1);
    // 401s of requests already in flight do not push the probe back.
    f.t->on_failure(0, 2, FailureClass::auth, 0, t0 + 50);
    f.t->on_success(0, 2, t0 + 60);
    EXPECT_EQ(f.until(2), t0 + 1000);
    EXPECT_EQ(f.state(2), KeyState::disabled);
    EXPECT_EQ(f.t->epoch(), e + 1);
    EXPECT_EQ(f.at(2, t0 + 999), Availability::blocked);
    ASSERT_EQ(f.at(2, t0 + 1000), Availability::probe);
    ASSERT_TRUE(f.t->claim_probe(0, 2, f.t->health_word(0, 2), t0 + 1000));
    EXPECT_EQ(f.state(2), KeyState::disabled);  // still disabled, with its probe out
    EXPECT_TRUE(f.t->health_word(0, 2).probing());
    // The probe fails again: another full reprobe period.
    f.t->on_failure(0, 2, FailureClass::auth, 0, t0 + 1010);
    EXPECT_EQ(f.until(2), t0 + 2010);
    EXPECT_FALSE(f.t->health_word(0, 2).probing());
    ASSERT_TRUE(f.t->claim_probe(0, 2, f.t->health_word(0, 2), t0 + 2010));
    e = f.t->epoch();
    f.t->on_success(0, 2, t0 + 2020);
    EXPECT_EQ(f.state(2), KeyState::healthy);
    EXPECT_EQ(f.t->epoch(), e + 1);
}

TEST(KeyTable, QuotaFailureParksAndProbesAfterTheReprobePeriod) {
    Table f;
    f.t->on_failure(0, 1, FailureClass::quota, 0, t0);
    EXPECT_EQ(f.state(1), KeyState::parked);
    EXPECT_EQ(f.until(1), t0 + 1000);
    ASSERT_TRUE(f.t->claim_probe(0, 1, f.t->health_word(0, 1), t0 + 1000));
    // The probe hits a server error: the quota question is still open; wait again.
    f.t->on_failure(0, 1, FailureClass::server, 0, t0 + 1005);
    EXPECT_EQ(f.state(1), KeyState::parked);
    EXPECT_EQ(f.until(1), t0 + 2005);
    // An auth failure on a parked key disables it.
    f.t->on_failure(0, 1, FailureClass::auth, 0, t0 + 1006);
    EXPECT_EQ(f.state(1), KeyState::disabled);
    EXPECT_EQ(f.until(1), t0 + 2006);
}

TEST(KeyTable, FailuresThatAreNotTheKeysFaultOnlyCount) {
    Table f;
    const uint64_t e = f.t->epoch();
    for (FailureClass c :
         {FailureClass::context_length, FailureClass::content_policy, FailureClass::client_error}) {
        for (int i = 0; i < 5; ++i) {
            f.t->on_failure(0, 0, c, 1000, t0);
        }
    }
    const KeyTable::KeySnapshot s = f.t->snapshot(0, 0);
    EXPECT_EQ(s.state, KeyState::healthy);
    EXPECT_EQ(s.consecutive_failures, 0u);
    EXPECT_EQ(f.t->epoch(), e);
    EXPECT_EQ(s.errors[static_cast<size_t>(FailureClass::context_length)], 5u);
    EXPECT_EQ(s.errors[static_cast<size_t>(FailureClass::content_policy)], 5u);
    EXPECT_EQ(s.errors[static_cast<size_t>(FailureClass::client_error)], 5u);
}

TEST(KeyTable, RateLimitHintsSteerOnlyWhenExhaustedWithAReset) {
    Table f;
    const uint64_t e = f.t->epoch();
    f.t->on_rate_limit_hint(0, 0, 42, 9000, t0 + 60000);
    EXPECT_EQ(f.t->snapshot(0, 0).remaining_requests, 42);
    EXPECT_EQ(f.t->snapshot(0, 0).remaining_tokens, 9000);
    EXPECT_EQ(f.t->exhausted_until_ms(0, 0), 0u);
    EXPECT_EQ(f.t->epoch(), e);
    // Unknown values keep the last known ones.
    f.t->on_rate_limit_hint(0, 0, -1, 8000, t0 + 60000);
    EXPECT_EQ(f.t->snapshot(0, 0).remaining_requests, 42);
    EXPECT_EQ(f.t->snapshot(0, 0).remaining_tokens, 8000);
    // Tokens run out: steering starts, shards hear of it once.
    f.t->on_rate_limit_hint(0, 0, 41, 0, t0 + 30000);
    EXPECT_EQ(f.t->exhausted_until_ms(0, 0), t0 + 30000);
    EXPECT_EQ(f.t->epoch(), e + 1);
    f.t->on_rate_limit_hint(0, 0, 40, 0, t0 + 30001);
    EXPECT_EQ(f.t->exhausted_until_ms(0, 0), t0 + 30001);
    EXPECT_EQ(f.t->epoch(), e + 1);
    // No reset time known: no steering.
    f.t->on_rate_limit_hint(0, 1, 0, -1, 0);
    EXPECT_EQ(f.t->exhausted_until_ms(0, 1), 0u);
    EXPECT_EQ(f.t->epoch(), e + 1);
    // Capacity again: steering ends.
    f.t->on_rate_limit_hint(0, 0, 500, 100000, t0 + 60000);
    EXPECT_EQ(f.t->exhausted_until_ms(0, 0), 0u);
    EXPECT_EQ(f.t->epoch(), e + 2);
    // Nothing known: nothing changes.
    f.t->on_rate_limit_hint(0, 0, -1, -1, 0);
    EXPECT_EQ(f.t->snapshot(0, 0).remaining_requests, 500);
    EXPECT_EQ(f.t->epoch(), e + 2);
    EXPECT_EQ(f.state(0), KeyState::healthy);
}

TEST(KeyTable, AdminResetRestoresHealthAndBumpsOnlyOnChange) {
    Table f;
    uint64_t e = f.t->epoch();
    f.t->reset(0, 0);
    EXPECT_EQ(f.t->epoch(), e);
    f.t->on_failure(0, 0, FailureClass::auth, 0, t0);
    f.t->on_failure(0, 0, FailureClass::server, 0, t0);
    e = f.t->epoch();
    f.t->reset(0, 0);
    EXPECT_EQ(f.state(0), KeyState::healthy);
    EXPECT_EQ(f.until(0), 0u);
    EXPECT_EQ(f.t->snapshot(0, 0).consecutive_failures, 0u);
    EXPECT_EQ(f.t->epoch(), e + 1);
    // Error counters are history, not health: kept.
    EXPECT_EQ(f.t->snapshot(0, 0).errors[static_cast<size_t>(FailureClass::auth)], 1u);
}

TEST(KeyTable, RebuildCarriesHealthOverByProviderNameAndKeyId) {
    std::shared_ptr<KeyTable> old =
        KeyTable::build({provider("a", {1, 1, 1}), provider("b", {1})}, nullptr, small_policy());
    old->on_failure(0, 1, FailureClass::rate_limited, 700, t0);  // a-1 cooling
    for (int i = 0; i < 3; ++i) {
        old->on_failure(0, 2, FailureClass::server, 0, t0);  // a-2 open
    }
    old->on_failure(0, 0, FailureClass::auth, 0, t0);  // a-0 disabled, then removed
    old->on_failure(1, 0, FailureClass::quota, 0, t0);
    old->on_rate_limit_hint(0, 1, 0, 5, t0 + 900);

    // a: a-2, a-1 (reordered), a-0 removed, a-3 new. b is gone; c has a key with b's key
    // id, which must not inherit b's health (ids are unique only within a provider).
    ProviderOptions a = provider("a", {1, 1, 1, 1});
    a.keys = {a.keys[2], a.keys[1], a.keys[3]};
    ProviderOptions c = provider("c", {1});
    c.keys[0].id = "b-0";
    std::shared_ptr<KeyTable> next = KeyTable::build({c, a}, old.get(), small_policy());

    EXPECT_GT(next->epoch(), old->epoch());
    EXPECT_EQ(next->snapshot(1, 0).state, KeyState::open);
    EXPECT_EQ(next->snapshot(1, 0).until_ms, t0 + 100);
    EXPECT_EQ(next->snapshot(1, 0).consecutive_failures, 3u);
    EXPECT_EQ(next->snapshot(1, 0).errors[static_cast<size_t>(FailureClass::server)], 3u);
    EXPECT_EQ(next->snapshot(1, 1).state, KeyState::cooling);
    EXPECT_EQ(next->snapshot(1, 1).until_ms, t0 + 700);
    EXPECT_EQ(next->snapshot(1, 1).remaining_requests, 0);
    EXPECT_EQ(next->exhausted_until_ms(1, 1), t0 + 900);
    EXPECT_EQ(next->snapshot(1, 2).state, KeyState::healthy);
    EXPECT_EQ(next->snapshot(0, 0).state, KeyState::healthy);
    EXPECT_EQ(next->snapshot(0, 0).errors[static_cast<size_t>(FailureClass::quota)], 0u);
    // The carried health goes on from where it was: a-2's probe works on the new table.
    EXPECT_TRUE(next->claim_probe(1, 0, next->health_word(1, 0), t0 + 100));
    // The old table is untouched by the new one's changes.
    EXPECT_EQ(old->snapshot(0, 2).state, KeyState::open);
}

}  // namespace
}  // namespace rg::keys

namespace rg::keys {
namespace {

TEST(KeyTableTransition, ReportsEachChangeOnceWithItsDeadline) {
    Table f;
    Transition t = f.t->on_failure(0, 0, FailureClass::rate_limited, 500, t0);
    EXPECT_TRUE(t.changed);
    EXPECT_EQ(t.from, KeyState::healthy);
    EXPECT_EQ(t.to, KeyState::cooling);
    EXPECT_EQ(t.until_ms, t0 + 500);
    // A later hint while it still cools pushes the deadline back: not a change.
    t = f.t->on_failure(0, 0, FailureClass::rate_limited, 900, t0 + 10);
    EXPECT_FALSE(t.changed);
    EXPECT_EQ(f.until(0), t0 + 910);
    // The wait over, a new 429 is a new cooldown.
    t = f.t->on_failure(0, 0, FailureClass::rate_limited, 100, t0 + 1000);
    EXPECT_TRUE(t.changed);
    EXPECT_EQ(t.from, KeyState::cooling);
    EXPECT_EQ(t.to, KeyState::cooling);
    t = f.t->on_success(0, 0, t0 + 1200);
    EXPECT_TRUE(t.changed);
    EXPECT_EQ(t.from, KeyState::cooling);
    EXPECT_EQ(t.to, KeyState::healthy);
    EXPECT_FALSE(f.t->on_success(0, 0, t0 + 1300).changed);
}

TEST(KeyTableTransition, OnlyTheReportThatOpensTheCircuitSeesIt) {
    Table f;
    int changes = 0;
    for (int i = 0; i < 6; ++i) {
        changes += f.t->on_failure(0, 1, FailureClass::server, 0, t0).changed ? 1 : 0;
    }
    EXPECT_EQ(changes, 1);
    EXPECT_EQ(f.state(1), KeyState::open);
    EXPECT_FALSE(f.t->on_failure(0, 1, FailureClass::context_length, 0, t0).changed);
    Transition t = f.t->on_failure(0, 2, FailureClass::auth, 0, t0);
    EXPECT_TRUE(t.changed);
    EXPECT_EQ(t.to, KeyState::disabled);
    t = f.t->reset(0, 2);
    EXPECT_TRUE(t.changed);
    EXPECT_EQ(t.from, KeyState::disabled);
    EXPECT_EQ(t.to, KeyState::healthy);
    EXPECT_FALSE(f.t->reset(0, 2).changed);
}

}  // namespace
}  // namespace rg::keys
