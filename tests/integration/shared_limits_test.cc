// Limits shared by two ringgate instances through one real redis-server (storage.redis):
// a day quota and a request bucket enforced together under concurrent load from both, a
// token quota within its stated bound, and Redis killed mid-test (fail-open keeps serving
// under local limits, fail-closed answers 503, counts are reconciled when Redis returns).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "harness/fixture.h"
#include "redis_server.h"

namespace rg::test {
namespace {

using Clock = std::chrono::steady_clock;

std::string config(int mock_port, const std::string& redis_url, const std::string& failure) {
    return server_config(2, "") + "providers:\n" +
           mock_provider("oa", "openai", mock_port, "o1", "sk-oa") +
           "client_keys:\n"
           "  - {name: daily, key: ck-daily, quota: {requests_per_day: 40}}\n"
           "  - {name: rps, key: ck-rps, rate_limit: {requests_per_second: 20, burst: 10}}\n"
           "  - {name: tok, key: ck-tok, quota: {tokens_per_day: 200}}\n"
           "  - {name: big, key: ck-big, quota: {requests_per_day: 100000}}\n"
           "storage: {redis: \"" +
           redis_url + "\", redis_failure: " + failure + "}\n";
}

std::string chat(const std::string& key) {
    return post("/v1/chat/completions", chat_hi("gpt-4o"), "Authorization: Bearer " + key + "\r\n");
}

// One client connection kept alive; reconnects when the gateway closes it.
struct Client {
    explicit Client(int port) : port(port) {}
    int call(const std::string& key) {
        if (c.fd() < 0 && !c.connect(port)) {
            return 0;
        }
        Response r;
        if (!c.send(chat(key)) || !c.read_response(&r, 5000)) {
            c.close();
            return 0;
        }
        if (r.header("connection") == "close") {
            c.close();
        }
        return r.status;
    }
    int port;
    HttpClient c;
};

bool eventually(const std::function<bool()>& done) {
    return poll_until(done, 10000);
}

std::string today(const char* what, const std::string& key) {
    const auto days = std::chrono::duration_cast<std::chrono::hours>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count() /
                      24;
    return "ringgate:" + key + ":" + what + std::to_string(days);
}

class SharedLimitsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(redis_.start());
        mock_ = std::make_unique<MockUpstream>(std::vector<std::string>{"--tokens", "3"});
        ASSERT_TRUE(mock_->started());
    }
    std::unique_ptr<Gateway> gateway(const std::string& failure) {
        auto g = std::make_unique<Gateway>(config(mock_->port(), redis_.url(), failure));
        EXPECT_TRUE(g->started()) << g->log();
        EXPECT_TRUE(eventually([&] { return g->metric("ringgate_redis_up") == 1; })) << g->log();
        return g;
    }
    RedisServer redis_{true};
    std::unique_ptr<MockUpstream> mock_;
};

TEST_F(SharedLimitsTest, TwoInstancesEnforceADayQuotaExactlyTogether) {
    auto a = gateway("open");
    auto b = gateway("open");
    std::atomic<int> ok{0}, other{0};
    std::vector<std::thread> clients;
    for (Gateway* g : {a.get(), b.get(), a.get(), b.get()}) {
        clients.emplace_back([&, port = g->port()] {
            Client c(port);
            for (;;) {  // until this client is refused
                int status = c.call("ck-daily");
                if (status != 200) {
                    other += status != 429;
                    return;
                }
                ++ok;
            }
        });
    }
    for (auto& t : clients) {
        t.join();
    }
    EXPECT_EQ(ok.load(), 40);
    EXPECT_EQ(other.load(), 0);
    EXPECT_EQ(Client(a->port()).call("ck-daily"), 429);
    EXPECT_EQ(Client(b->port()).call("ck-daily"), 429);
    EXPECT_EQ(redis_.cli("GET " + today("rq:", "daily")), "40");
    EXPECT_TRUE(eventually([&] {
        return a->metric("ringgate_redis_permits_total") +
                   b->metric("ringgate_redis_permits_total") ==
               40;  // every permit of the day was leased, and used
    }));
    // The first requests found no lease (idle key) and waited for one instead of a 429.
    EXPECT_TRUE(eventually([&] {
        return a->metric("ringgate_redis_parked_total") > 0 &&
               b->metric("ringgate_redis_parked_total") > 0;
    }));
    EXPECT_EQ(a->metric("ringgate_redis_park_timeouts_total"), 0);
}

TEST_F(SharedLimitsTest, TwoInstancesNeverExceedTheRequestBucketTogether) {
    auto a = gateway("open");
    auto b = gateway("open");
    std::atomic<int> ok{0}, refused{0}, other{0};
    const auto start = Clock::now();
    const auto end = start + std::chrono::milliseconds(1500);
    std::vector<std::thread> clients;
    for (Gateway* g : {a.get(), b.get(), a.get(), b.get()}) {
        clients.emplace_back([&, port = g->port()] {
            Client c(port);
            while (Clock::now() < end) {
                int status = c.call("ck-rps");
                status == 200 ? ++ok : status == 429 ? ++refused : ++other;
            }
        });
    }
    for (auto& t : clients) {
        t.join();
    }
    const double elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
    // GCRA across both: at most burst + rate x elapsed (limits/README.md); leases left
    // unused may admit less, never more.
    EXPECT_LE(ok.load(), 10 + static_cast<int>(20 * elapsed_s) + 1) << refused.load();
    EXPECT_GE(ok.load(), static_cast<int>(20 * 1.5 / 2));
    EXPECT_GT(refused.load(), 0);
    EXPECT_EQ(other.load(), 0);
}

TEST_F(SharedLimitsTest, TokensUsedOnOneInstanceRefuseTheOtherWithinTheFlushBound) {
    auto a = gateway("open");
    auto b = gateway("open");
    Client ca(a->port());
    int a_ok = 0;
    while (ca.call("ck-tok") == 200) {  // A alone until its own count refuses
        ++a_ok;
    }
    const auto a_done = Clock::now();
    EXPECT_GT(a_ok, 10);
    Client cb(b->port());
    auto last_ok = a_done;
    int b_ok = 0;
    ASSERT_TRUE(eventually([&] {
        int status = cb.call("ck-tok");
        if (status == 200) {
            ++b_ok;
            last_ok = Clock::now();
        }
        return status == 429;
    }));
    // B learns what A used within two flush intervals (100 ms each) and a round trip.
    EXPECT_LE(std::chrono::duration_cast<std::chrono::milliseconds>(last_ok - a_done).count(), 300);
    ASSERT_TRUE(eventually([&] {
        return std::stoll("0" + redis_.cli("GET " + today("tk:", "tok"))) >= 4 * (a_ok + b_ok);
    }));
}

TEST_F(SharedLimitsTest, RedisKilledFailsOpenOrClosedAndCountsAreReconciledOnReturn) {
    auto open = gateway("open");
    auto closed = gateway("closed");
    Client co(open->port()), cc(closed->port());
    for (int i = 0; i < 5; ++i) {
        ASSERT_EQ(co.call("ck-big"), 200);
        ASSERT_EQ(cc.call("ck-big"), 200);
    }
    redis_.kill();
    ASSERT_TRUE(eventually([&] { return open->metric("ringgate_redis_up") == 0; }));
    ASSERT_TRUE(eventually([&] { return closed->metric("ringgate_redis_up") == 0; }));
    for (int i = 0; i < 6; ++i) {
        EXPECT_EQ(co.call("ck-big"), 200);  // this instance's own limiter
        EXPECT_EQ(cc.call("ck-big"), 503);
    }
    // Counts reach /metrics on the control thread's tick.
    EXPECT_TRUE(eventually([&] { return open->metric("ringgate_redis_fail_open_total") == 6; }));
    EXPECT_TRUE(
        eventually([&] { return closed->metric("ringgate_redis_fail_closed_total") == 6; }));
    EXPECT_GE(open->metric("ringgate_redis_failures_total"), 1);
    ASSERT_TRUE(redis_.start());
    ASSERT_TRUE(eventually([&] {
        return open->metric("ringgate_redis_up") == 1 &&
               open->metric("ringgate_redis_reconciled_requests_total") == 6;
    }));
    ASSERT_TRUE(eventually([&] { return closed->metric("ringgate_redis_up") == 1; }));
    EXPECT_EQ(cc.call("ck-big"), 200);
    // Redis counts every permit it leased to both plus the 6 admitted while it was away
    // (metrics reach /metrics on a 50 ms tick: polled until they agree).
    long long leased = 0, in_redis = 0;
    EXPECT_TRUE(eventually([&] {
        leased = open->metric("ringgate_redis_permits_total") +
                 closed->metric("ringgate_redis_permits_total");
        in_redis = std::stoll("0" + redis_.cli("GET " + today("rq:", "big")));
        return in_redis == leased + 6;
    })) << in_redis
        << " in redis, " << leased << " leased";
    EXPECT_EQ(open->log().find("sk-oa"), std::string::npos);
}

}  // namespace
}  // namespace rg::test
