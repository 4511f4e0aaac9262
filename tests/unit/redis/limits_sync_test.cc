// LimitsSync with real redis-server: two instances (each its own key table, shared state and
// Redis thread, as two processes would have) enforce one key's limits together; outages
// fall back by the failure rule and are reconciled. Workers are threads that block on their
// shard's wake eventfd where a shard would keep a ring read armed.
#include "redis/limits_sync.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <thread>

#include "base/clock.h"
#include "limits/limiter.h"
#include "limits/utc_period.h"
#include "redis_server.h"

namespace rg::redis {
namespace {

using limits::Admission;
constexpr const char* digest = "82abaeac05f7631bebaa4794ef6bc2b9e1f5503231f2a0d4c16cef787b990452";

// Polls `done` until it holds or `ms` pass (a condition with a deadline, not a sleep).
bool eventually(const std::function<bool()>& done, uint64_t ms = 5000) {
    const uint64_t deadline = monotonic_ms() + ms;
    while (monotonic_ms() < deadline) {
        if (done()) {
            return true;
        }
        pollfd none{-1, 0, 0};
        ::poll(&none, 0, 2);  // yields the core between checks
    }
    return done();
}

limits::ClientKeyOptions key_options() {
    limits::ClientKeyOptions o;
    o.name = "team";
    o.key_sha256 = digest;
    return o;
}

struct Instance {
    static constexpr uint32_t shards = 2;
    Instance(uint16_t port, const limits::ClientKeyOptions& key, limits::RedisFailure failure)
        : shared(failure, shards) {
        table = limits::ClientKeyTable::build({key}, limits::AuthOptions{true}, nullptr);
        for (uint32_t i = 0; i < shards; ++i) {
            wake[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
            shared.attach_shard(i, wake[i]);
        }
        SyncOptions o;
        o.port = port;
        o.backoff_max_ms = 200;
        sync = std::make_unique<LimitsSync>(o, &shared);
        EXPECT_TRUE(sync->start().ok());
        sync->watch(table);
    }
    ~Instance() {
        sync.reset();
        for (int fd : wake) {
            ::close(fd);
        }
    }
    const limits::ClientKey& key() const { return table->key(0); }
    // One request as a shard runs it: parked until woken or its deadline, then asked again.
    Admission admit(uint32_t shard, uint64_t estimate = 0) {
        limits::Limiter limiter(&shared);
        const uint64_t deadline = monotonic_ms() + limits::SharedLimits::park_timeout_ms;
        for (;;) {
            const int64_t wall = static_cast<int64_t>(wall_ms());
            Admission a = limiter.admit(key(), monotonic_ms(), wall, estimate);
            if (!a.wait) {
                return a;
            }
            shared.signal_waiting(shard);
            const uint64_t now = monotonic_ms();
            if (now >= deadline) {
                return limiter.admit_fallback(key(), now, wall, estimate);
            }
            pollfd p{wake[shard], POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(deadline - now)) > 0) {
                eventfd_t v;
                (void)eventfd_read(wake[shard], &v);
            }
        }
    }
    limits::SharedLimits shared;
    std::shared_ptr<const limits::ClientKeyTable> table;
    std::unique_ptr<LimitsSync> sync;
    int wake[shards] = {-1, -1};
};

std::string today_key(const char* what) {
    return std::string("ringgate:team:") + what +
           std::to_string(limits::utc_day(static_cast<int64_t>(wall_ms())));
}

TEST(LimitsSync, ADayQuotaIsExactAcrossTwoInstancesUnderConcurrentLoad) {
    test::RedisServer server;
    ASSERT_TRUE(server.start());
    limits::ClientKeyOptions o = key_options();
    o.quota.requests_per_day = 300;
    Instance a(server.port(), o, limits::RedisFailure::open);
    Instance b(server.port(), o, limits::RedisFailure::open);
    ASSERT_TRUE(eventually([&] { return a.shared.up() && b.shared.up(); }));
    std::atomic<uint64_t> admitted{0};
    std::atomic<uint64_t> wrong{0};
    std::vector<std::thread> workers;
    for (Instance* in : {&a, &b}) {
        for (uint32_t s = 0; s < Instance::shards; ++s) {
            workers.emplace_back([&, in, s] {
                for (;;) {  // until this worker is refused
                    Admission r = in->admit(s);
                    if (!r.ok) {
                        wrong += r.limit != limits::LimitKind::requests_per_day;
                        return;
                    }
                    ++admitted;
                }
            });
        }
    }
    for (auto& w : workers) {
        w.join();
    }
    EXPECT_EQ(admitted.load(), 300u);
    EXPECT_EQ(wrong.load(), 0u);
    EXPECT_EQ(a.shared.counts().fail_open + b.shared.counts().fail_open, 0u);
    EXPECT_FALSE(a.admit(0).ok);
    EXPECT_FALSE(b.admit(1).ok);
    EXPECT_EQ(server.cli("GET " + today_key("rq:")), "300");
}

TEST(LimitsSync, TheRequestBucketIsNeverExceededAcrossTwoInstances) {
    test::RedisServer server;
    ASSERT_TRUE(server.start());
    limits::ClientKeyOptions o = key_options();
    o.rate_limit.requests_per_second = 200;
    o.rate_limit.burst = 40;
    Instance a(server.port(), o, limits::RedisFailure::open);
    Instance b(server.port(), o, limits::RedisFailure::open);
    ASSERT_TRUE(eventually([&] { return a.shared.up() && b.shared.up(); }));
    std::atomic<uint64_t> admitted{0};
    std::atomic<uint64_t> refused{0};
    const uint64_t start = monotonic_ms();
    const uint64_t end = start + 1000;
    std::vector<std::thread> workers;
    for (Instance* in : {&a, &b}) {
        for (uint32_t s = 0; s < Instance::shards; ++s) {
            workers.emplace_back([&, in, s] {
                while (monotonic_ms() < end) {
                    Admission r = in->admit(s);
                    r.ok ? ++admitted : ++refused;
                }
            });
        }
    }
    for (auto& w : workers) {
        w.join();
    }
    const uint64_t elapsed = monotonic_ms() - start;
    // GCRA: at most burst + rate x elapsed; leases may leave some unused (under-admission).
    EXPECT_LE(admitted.load(), 40u + 200u * elapsed / 1000 + 1);
    EXPECT_GE(admitted.load(), 200u * 1000 / 1000 / 2);
    EXPECT_GT(refused.load(), 0u);
    EXPECT_EQ(a.shared.counts().fail_open + b.shared.counts().fail_open, 0u);
}

TEST(LimitsSync, OneInstancesTokensAndCostReachTheOthersChecks) {
    test::RedisServer server;
    ASSERT_TRUE(server.start());
    limits::ClientKeyOptions o = key_options();
    o.quota.tokens_per_day = 1000;
    o.rate_limit.tokens_per_minute = 5000;
    o.budget.usd_per_day = 1;
    Instance a(server.port(), o, limits::RedisFailure::open);
    Instance b(server.port(), o, limits::RedisFailure::open);
    ASSERT_TRUE(eventually([&] { return a.shared.up() && b.shared.up(); }));
    limits::Limiter la(&a.shared);
    Admission ok = a.admit(0, 10);
    ASSERT_TRUE(ok.ok);
    limits::Usage u;
    u.prompt_tokens = 600;
    u.completion_tokens = 200;
    limits::PriceOptions price{"m", 1000, 1000, 1000};  // $0.8 for 800 tokens
    la.settle(a.key(), ok, u, &price, monotonic_ms(), static_cast<int64_t>(wall_ms()));
    const int64_t day = limits::utc_day(static_cast<int64_t>(wall_ms()));
    const limits::SharedKeyState& sh = b.key().state().shared;
    ASSERT_TRUE(eventually([&] { return sh.others_tokens_day.load(day) == 800; }));
    EXPECT_EQ(sh.others_cost_day_micro_usd.load(day), 800000u);
    EXPECT_EQ(sh.others_tokens_minute.load(), 800u);
    // B now has 200 tokens of the day left: an estimate of 300 is refused, 150 passes.
    Admission big = b.admit(0, 300);
    EXPECT_FALSE(big.ok);
    EXPECT_EQ(big.limit, limits::LimitKind::tokens_per_day);
    EXPECT_TRUE(b.admit(0, 150).ok);
    // A's own usage is not counted twice: it sees none from others.
    EXPECT_EQ(a.key().state().shared.others_tokens_day.load(day), 0u);
}

TEST(LimitsSync, RedisDownFailsOpenToTheLocalLimiterAndIsReconciledOnReturn) {
    test::RedisServer server(true);
    ASSERT_TRUE(server.start());
    limits::ClientKeyOptions o = key_options();
    o.quota.requests_per_day = 1000;
    Instance a(server.port(), o, limits::RedisFailure::open);
    ASSERT_TRUE(eventually([&] { return a.shared.up(); }));
    for (int i = 0; i < 5; ++i) {
        ASSERT_TRUE(a.admit(0).ok);
    }
    server.kill();
    ASSERT_TRUE(eventually([&] { return !a.shared.up(); }));
    for (int i = 0; i < 7; ++i) {
        ASSERT_TRUE(a.admit(1).ok);
    }
    EXPECT_EQ(a.shared.counts().fail_open, 7u);
    EXPECT_EQ(a.sync->counts().up, 0u);
    ASSERT_TRUE(server.start());
    ASSERT_TRUE(eventually([&] { return a.shared.up() && a.sync->counts().reconciled == 7; }));
    // Redis holds every permit it leased to A plus the 7 admitted while it was away.
    const uint64_t leased = a.sync->counts().permits;
    EXPECT_GE(leased, 5u);
    EXPECT_EQ(server.cli("GET " + today_key("rq:")), std::to_string(leased + 7));
}

TEST(LimitsSync, RedisDownFailsClosedWithUnavailableAndASlowRedisCountsAsDown) {
    test::RedisServer server;
    ASSERT_TRUE(server.start());
    limits::ClientKeyOptions o = key_options();
    o.rate_limit.requests_per_second = 100;
    Instance a(server.port(), o, limits::RedisFailure::closed);
    ASSERT_TRUE(eventually([&] { return a.shared.up(); }));
    EXPECT_TRUE(a.admit(0).ok);
    server.pause();  // holds the connection, answers nothing: slower than the timeout
    ASSERT_TRUE(eventually([&] { return !a.shared.up(); }));
    Admission r = a.admit(0);
    EXPECT_FALSE(r.ok);
    EXPECT_TRUE(r.unavailable);
    EXPECT_GE(a.shared.counts().fail_closed, 1u);
    EXPECT_GE(a.sync->counts().failures, 1u);
    server.resume();
    ASSERT_TRUE(eventually([&] { return a.shared.up(); }));
    EXPECT_TRUE(a.admit(0).ok);
}

}  // namespace
}  // namespace rg::redis
