// The resolver against a DNS server of the test's own (tests/unit/upstream/dns_test_server):
// no internet, and every wait is on the resolver's counters, never a sleep.
#include "upstream/resolver.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "dns_test_server.h"

namespace rg::upstream {
namespace {

using testing::DnsTestServer;

constexpr uint32_t wait_ms = 10000;  // generous: only a broken resolver takes this long

IpAddress ip(const char* text) {
    IpAddress a;
    a.family = AF_INET;
    inet_pton(AF_INET, text, a.bytes);
    return a;
}

AddressSet set_of(std::initializer_list<const char*> texts) {
    AddressSet s;
    for (const char* t : texts) {
        s.add(ip(t));
    }
    return s;
}

AddressSet read_set(const LiveAddress& live) {
    AddressSet out;
    uint64_t version = 0;
    EXPECT_TRUE(live.read(&out, &version));
    return out;
}

Origin origin(const char* host, uint16_t port, const char* seed) {
    Origin o;
    o.host = host;
    o.port = port;
    auto addr = io::make_address(seed, port);
    EXPECT_TRUE(addr.ok());
    o.address = *addr;
    o.live = LiveAddress::seeded(o.address);
    return o;
}

// Fast TTLs and retries so the test runs in well under a second.
ResolverOptions fast_options(const DnsTestServer& server) {
    ResolverOptions o;
    o.servers = server.servers_csv();
    o.policy.ttl_min_ms = 100;
    o.policy.ttl_max_ms = 100;
    o.policy.retry_min_ms = 20;
    o.policy.retry_max_ms = 40;
    o.query_timeout_ms = 100;
    o.query_tries = 1;
    return o;
}

size_t count_queries(const DnsTestServer& server, const std::string& name) {
    auto q = server.queries();
    return static_cast<size_t>(std::count_if(
        q.begin(), q.end(), [&](const DnsTestServer::Query& x) { return x.name == name; }));
}

TEST(Resolver, PublishesTheAnswerToEveryOriginOfTheHost) {
    DnsTestServer server;
    server.set_answer("provider.test", {"10.0.0.2", "10.0.0.1"}, 0);
    Resolver resolver(fast_options(server));
    ASSERT_TRUE(resolver.start().ok());
    std::vector<Origin> origins = {origin("provider.test", 443, "192.0.2.1"),
                                   origin("provider.test", 8080, "192.0.2.1")};
    resolver.watch(origins);
    ASSERT_TRUE(resolver.wait_for_test(
        [](const ResolverCounts& c) { return c.address_changes >= 1; }, wait_ms));
    for (const Origin& o : origins) {
        EXPECT_EQ(read_set(*o.live), set_of({"10.0.0.1", "10.0.0.2"}));
    }
    ResolverCounts c = resolver.counts();
    EXPECT_EQ(c.dns_hosts, 1u);  // one host, resolved once for both origins
    EXPECT_EQ(c.failures, 0u);
}

TEST(Resolver, FollowsAnAddressChangeAfterTheTtl) {
    DnsTestServer server;
    server.set_answer("provider.test", {"10.0.0.1"}, 0);  // 0 s: clamped to ttl_min (100 ms)
    Resolver resolver(fast_options(server));
    ASSERT_TRUE(resolver.start().ok());
    Origin o = origin("provider.test", 443, "192.0.2.1");
    resolver.watch({o});
    ASSERT_TRUE(resolver.wait_for_test(
        [](const ResolverCounts& c) { return c.address_changes >= 1; }, wait_ms));
    EXPECT_EQ(read_set(*o.live), set_of({"10.0.0.1"}));

    server.set_answer("provider.test", {"10.0.0.7"}, 0);
    ASSERT_TRUE(resolver.wait_for_test(
        [](const ResolverCounts& c) { return c.address_changes >= 2; }, wait_ms));
    EXPECT_EQ(read_set(*o.live), set_of({"10.0.0.7"}));

    // The re-resolutions were paced by the (clamped) TTL, not run back to back.
    std::vector<uint64_t> a_times;
    for (const auto& q : server.queries()) {
        if (q.name == "provider.test" && q.type == 1) {
            a_times.push_back(q.at_ms);
        }
    }
    ASSERT_GE(a_times.size(), 2u);
    for (size_t i = 1; i < a_times.size(); ++i) {
        EXPECT_GE(a_times[i] - a_times[i - 1], 95u) << "query " << i;
    }
}

TEST(Resolver, KeepsTheLastGoodAddressWhileTheServerIsSilent) {
    DnsTestServer server;
    server.set_answer("provider.test", {"10.0.0.1"}, 0);
    Resolver resolver(fast_options(server));
    ASSERT_TRUE(resolver.start().ok());
    Origin o = origin("provider.test", 443, "192.0.2.1");
    resolver.watch({o});
    ASSERT_TRUE(resolver.wait_for_test([](const ResolverCounts& c) { return c.resolutions >= 1; },
                                       wait_ms));

    server.set_silent(true);
    ASSERT_TRUE(
        resolver.wait_for_test([](const ResolverCounts& c) { return c.failures >= 3; }, wait_ms));
    EXPECT_EQ(read_set(*o.live), set_of({"10.0.0.1"}));

    // Back with a new answer: the retry picks it up.
    server.set_answer("provider.test", {"10.0.0.9"}, 0);
    server.set_silent(false);
    ASSERT_TRUE(resolver.wait_for_test(
        [](const ResolverCounts& c) { return c.address_changes >= 2; }, wait_ms));
    EXPECT_EQ(read_set(*o.live), set_of({"10.0.0.9"}));
}

TEST(Resolver, NeverQueriesIpLiteralsOrLocalhost) {
    DnsTestServer server;
    server.set_answer("provider.test", {"10.0.0.1"}, 0);
    Resolver resolver(fast_options(server));
    ASSERT_TRUE(resolver.start().ok());
    std::vector<Origin> statics = {origin("127.0.0.1", 80, "127.0.0.1"), origin("::1", 80, "::1"),
                                   origin("localhost", 80, "127.0.0.1")};
    resolver.watch(statics);
    ASSERT_TRUE(resolver.wait_for_test(
        [](const ResolverCounts& c) { return c.watches_applied >= 1; }, wait_ms));
    EXPECT_EQ(resolver.counts().dns_hosts, 0u);

    // With a hostname beside them, only the hostname is ever asked for.
    std::vector<Origin> mixed = statics;
    mixed.push_back(origin("provider.test", 80, "192.0.2.1"));
    resolver.watch(mixed);
    ASSERT_TRUE(resolver.wait_for_test([](const ResolverCounts& c) { return c.resolutions >= 2; },
                                       wait_ms));
    EXPECT_EQ(resolver.counts().dns_hosts, 1u);
    auto queries = server.queries();
    ASSERT_FALSE(queries.empty());
    for (const auto& q : queries) {
        EXPECT_EQ(q.name, "provider.test");
    }
    EXPECT_EQ(read_set(*statics[2].live), set_of({"127.0.0.1"}));
}

TEST(Resolver, ForgetsTheOriginsOfAnOlderWatch) {
    DnsTestServer server;
    server.set_answer("old.test", {"10.0.1.1"}, 0);
    server.set_answer("new.test", {"10.0.2.1"}, 0);
    Resolver resolver(fast_options(server));
    ASSERT_TRUE(resolver.start().ok());
    Origin old_origin = origin("old.test", 80, "192.0.2.1");
    resolver.watch({old_origin});
    ASSERT_TRUE(resolver.wait_for_test(
        [](const ResolverCounts& c) { return c.address_changes >= 1; }, wait_ms));

    resolver.watch({origin("new.test", 80, "192.0.2.2")});
    ASSERT_TRUE(resolver.wait_for_test(
        [](const ResolverCounts& c) { return c.watches_applied >= 2; }, wait_ms));
    size_t old_queries = count_queries(server, "old.test");
    server.set_answer("old.test", {"10.0.1.2"}, 0);
    // Several TTLs of the new host pass; the old host is asked for no more.
    uint64_t base = resolver.counts().resolutions;
    ASSERT_TRUE(resolver.wait_for_test(
        [&](const ResolverCounts& c) { return c.resolutions >= base + 3; }, wait_ms));
    // One query of the old host may have been in flight when the watch changed.
    EXPECT_LE(count_queries(server, "old.test"), old_queries + 2);
    EXPECT_EQ(read_set(*old_origin.live), set_of({"10.0.1.1"}));
}

TEST(Resolver, StopJoinsWithQueriesInFlight) {
    DnsTestServer server;
    server.set_silent(true);
    ResolverOptions o = fast_options(server);
    o.query_timeout_ms = 60000;  // the query is still pending at stop
    Resolver resolver(o);
    ASSERT_TRUE(resolver.start().ok());
    resolver.watch({origin("provider.test", 80, "192.0.2.1")});
    ASSERT_TRUE(resolver.wait_for_test(
        [](const ResolverCounts& c) { return c.watches_applied >= 1; }, wait_ms));
    resolver.stop();
    EXPECT_EQ(resolver.counts().resolutions, 0u);
}

}  // namespace
}  // namespace rg::upstream
