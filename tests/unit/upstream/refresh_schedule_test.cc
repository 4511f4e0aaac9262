#include "upstream/refresh_schedule.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "upstream/resolver.h"

namespace rg::upstream {
namespace {

TEST(ClampTtl, KeepsTtlsInsideFiveSecondsToFiveMinutes) {
    RefreshPolicy p;
    EXPECT_EQ(clamp_ttl_ms(-1, p), 5000u);
    EXPECT_EQ(clamp_ttl_ms(0, p), 5000u);
    EXPECT_EQ(clamp_ttl_ms(4, p), 5000u);
    EXPECT_EQ(clamp_ttl_ms(5, p), 5000u);
    EXPECT_EQ(clamp_ttl_ms(60, p), 60000u);
    EXPECT_EQ(clamp_ttl_ms(300, p), 300000u);
    EXPECT_EQ(clamp_ttl_ms(301, p), 300000u);
    EXPECT_EQ(clamp_ttl_ms(INT64_MAX, p), 300000u);  // no overflow on a hostile TTL
}

TEST(RefreshSchedule, EveryHostIsDueAtOnceAfterReset) {
    RefreshSchedule s(RefreshPolicy{});
    s.reset(3, 1000);
    EXPECT_EQ(s.next_due_ms(), 1000u);
    std::vector<uint32_t> due;
    s.take_due(999, &due);
    EXPECT_TRUE(due.empty());
    s.take_due(1000, &due);
    EXPECT_EQ(due, (std::vector<uint32_t>{0, 1, 2}));
    // In flight: neither due again nor counted for the next wake-up.
    EXPECT_EQ(s.next_due_ms(), UINT64_MAX);
    due.clear();
    s.take_due(5000, &due);
    EXPECT_TRUE(due.empty());
}

TEST(RefreshSchedule, AnswerIsDueAgainAfterItsClampedTtl) {
    RefreshSchedule s(RefreshPolicy{});
    s.reset(2, 0);
    std::vector<uint32_t> due;
    s.take_due(0, &due);
    EXPECT_FALSE(s.on_success(0, 60, 100));  // unknown -> ok is not a change to log
    EXPECT_FALSE(s.on_success(1, 1, 200));
    EXPECT_EQ(s.due_ms(0), 60100u);
    EXPECT_EQ(s.due_ms(1), 5200u);  // 1 s clamped to 5 s
    EXPECT_EQ(s.next_due_ms(), 5200u);
    due.clear();
    s.take_due(5199, &due);
    EXPECT_TRUE(due.empty());
    s.take_due(5200, &due);
    EXPECT_EQ(due, (std::vector<uint32_t>{1}));
    EXPECT_EQ(s.next_due_ms(), 60100u);
}

TEST(RefreshSchedule, FailuresBackOffExponentiallyUpToTheCap) {
    RefreshPolicy p;
    p.retry_min_ms = 1000;
    p.retry_max_ms = 5000;
    RefreshSchedule s(p);
    s.reset(1, 0);
    uint64_t now = 0;
    std::vector<uint64_t> delays;
    for (int i = 0; i < 5; ++i) {
        std::vector<uint32_t> due;
        s.take_due(now, &due);
        ASSERT_EQ(due.size(), 1u);
        bool changed = s.on_failure(0, now);
        EXPECT_EQ(changed, i == 0);  // logged once, on entering the failing state
        delays.push_back(s.due_ms(0) - now);
        now = s.due_ms(0);
    }
    EXPECT_EQ(delays, (std::vector<uint64_t>{1000, 2000, 4000, 5000, 5000}));
    EXPECT_EQ(s.health(0), HostHealth::failing);

    std::vector<uint32_t> due;
    s.take_due(now, &due);
    EXPECT_TRUE(s.on_success(0, 30, now));  // recovery is a change
    EXPECT_EQ(s.health(0), HostHealth::ok);
    EXPECT_EQ(s.due_ms(0), now + 30000);
    due.clear();
    s.take_due(s.due_ms(0), &due);
    s.on_failure(0, now);
    EXPECT_EQ(s.due_ms(0), now + 1000);  // backoff restarts after a success
}

IpAddress ip(int family, const char* text) {
    IpAddress a;
    a.family = static_cast<uint8_t>(family);
    inet_pton(family, text, a.bytes);
    return a;
}

TEST(SelectAddresses, DropsFamiliesTheMachineCannotReach) {
    std::vector<IpAddress> answer = {ip(AF_INET6, "2001:db8::1"), ip(AF_INET, "10.0.0.2"),
                                     ip(AF_INET, "10.0.0.1")};
    AddressSet only4 = select_addresses(answer, true, false);
    ASSERT_EQ(only4.count, 2u);
    EXPECT_EQ(only4.addresses[0], ip(AF_INET, "10.0.0.1"));  // sorted
    EXPECT_EQ(only4.addresses[1], ip(AF_INET, "10.0.0.2"));
    EXPECT_EQ(select_addresses(answer, true, true).count, 3u);
    // Dropping would leave nothing: keep what there is rather than fail.
    AddressSet v6 = select_addresses({ip(AF_INET6, "2001:db8::1")}, true, false);
    ASSERT_EQ(v6.count, 1u);
    EXPECT_EQ(v6.addresses[0].family, AF_INET6);
}

TEST(SelectAddresses, KeepsTheFirstFourDistinctAddresses) {
    std::vector<IpAddress> answer;
    for (const char* t : {"10.0.0.6", "10.0.0.6", "10.0.0.5", "10.0.0.4", "10.0.0.3", "10.0.0.2"}) {
        answer.push_back(ip(AF_INET, t));
    }
    AddressSet s = select_addresses(answer, true, true);
    ASSERT_EQ(s.count, live_addresses_max);
    EXPECT_EQ(s.to_string(), "10.0.0.3, 10.0.0.4, 10.0.0.5, 10.0.0.6");
    // The same answer in another order is the same set: no spurious address change.
    std::vector<IpAddress> rotated;
    for (const char* t : {"10.0.0.5", "10.0.0.3", "10.0.0.6", "10.0.0.4"}) {
        rotated.push_back(ip(AF_INET, t));
    }
    EXPECT_EQ(select_addresses(rotated, true, true), s);
}

}  // namespace
}  // namespace rg::upstream
