#include "upstream/live_address.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

namespace rg::upstream {
namespace {

IpAddress ip(const char* text) {
    IpAddress a;
    a.family = std::strchr(text, ':') != nullptr ? AF_INET6 : AF_INET;
    EXPECT_EQ(inet_pton(a.family, text, a.bytes), 1) << text;
    return a;
}

AddressSet set_of(std::initializer_list<const char*> texts) {
    AddressSet s;
    for (const char* t : texts) {
        EXPECT_TRUE(s.add(ip(t)));
    }
    return s;
}

AddressSet read_set(const LiveAddress& live) {
    AddressSet out;
    uint64_t version = 0;
    EXPECT_TRUE(live.read(&out, &version));
    return out;
}

TEST(AddressSet, AddRefusesDuplicatesAndOverflow) {
    AddressSet s = set_of({"10.0.0.1", "10.0.0.2", "2001:db8::1", "10.0.0.3"});
    EXPECT_FALSE(s.add(ip("10.0.0.2")));
    EXPECT_FALSE(s.add(ip("10.0.0.9")));
    EXPECT_EQ(s.count, live_addresses_max);
}

TEST(AddressSet, SortPutsIpv4FirstThenByBytes) {
    AddressSet s = set_of({"2001:db8::1", "10.0.0.2", "10.0.0.1"});
    s.sort();
    EXPECT_EQ(s, set_of({"10.0.0.1", "10.0.0.2", "2001:db8::1"}));
    EXPECT_EQ(s.to_string(), "10.0.0.1, 10.0.0.2, 2001:db8::1");
}

TEST(IpAddress, SocketAddressCarriesFamilyAddressAndPort) {
    io::SocketAddress v4 = ip("192.0.2.7").to_socket_address(8443);
    ASSERT_EQ(v4.family(), AF_INET);
    EXPECT_EQ(v4.length, sizeof(sockaddr_in));
    const auto* in = reinterpret_cast<const sockaddr_in*>(&v4.storage);
    EXPECT_EQ(ntohs(in->sin_port), 8443);
    EXPECT_EQ(ntohl(in->sin_addr.s_addr), 0xc0000207u);

    io::SocketAddress v6 = ip("2001:db8::5").to_socket_address(443);
    ASSERT_EQ(v6.family(), AF_INET6);
    EXPECT_EQ(v6.length, sizeof(sockaddr_in6));
    IpAddress back;
    ASSERT_TRUE(IpAddress::from_sockaddr(reinterpret_cast<const sockaddr*>(&v6.storage), &back));
    EXPECT_EQ(back, ip("2001:db8::5"));
    EXPECT_EQ(ntohs(reinterpret_cast<const sockaddr_in6*>(&v6.storage)->sin6_port), 443);
}

TEST(LiveAddress, SeededWithTheLoaderAddress) {
    auto addr = io::make_address("198.51.100.4", 80);
    ASSERT_TRUE(addr.ok());
    auto live = LiveAddress::seeded(*addr);
    EXPECT_EQ(read_set(*live), set_of({"198.51.100.4"}));
}

TEST(LiveAddress, PublishReplacesTheSetAndMovesTheVersion) {
    LiveAddress live(set_of({"10.0.0.1"}));
    uint64_t v0 = live.version();
    AddressSet next = set_of({"10.0.0.2", "2001:db8::2", "10.0.0.3", "2001:db8::3"});
    live.publish(next);
    EXPECT_NE(live.version(), v0);
    AddressSet got;
    uint64_t version = 0;
    ASSERT_TRUE(live.read(&got, &version));
    EXPECT_EQ(got, next);
    EXPECT_EQ(version, live.version());
    live.publish(AddressSet{});
    EXPECT_EQ(read_set(live).count, 0u);
}

// A set whose every field derives from `k`, so a torn read (words of two sets) shows.
AddressSet pattern(uint32_t k) {
    AddressSet s;
    s.count = 1 + k % live_addresses_max;
    for (uint32_t i = 0; i < s.count; ++i) {
        IpAddress& a = s.addresses[i];
        a.family = (k + i) % 2 ? AF_INET6 : AF_INET;
        size_t n = a.family == AF_INET ? 4 : 16;
        for (size_t b = 0; b < n; ++b) {
            a.bytes[b] = static_cast<uint8_t>(k >> (8 * (b % 4)));
        }
        a.bytes[n - 1] = static_cast<uint8_t>(i);
    }
    return s;
}

uint32_t pattern_key(const AddressSet& s) {
    const uint8_t* b = s.addresses[0].bytes;
    return uint32_t{b[0]} | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16;
}

TEST(LiveAddress, ConcurrentReadersNeverSeeATornSet) {
    constexpr uint32_t publishes = 200000;
    constexpr int readers = 3;
    LiveAddress live(pattern(0));
    std::atomic<bool> done{false};
    std::atomic<uint64_t> reads{0};
    std::atomic<uint64_t> torn{0};
    std::atomic<uint64_t> backwards{0};
    std::atomic<int> started{0};
    std::vector<std::thread> threads;
    for (int r = 0; r < readers; ++r) {
        threads.emplace_back([&] {
            uint32_t last = 0;
            started.fetch_add(1);
            while (!done.load(std::memory_order_relaxed)) {
                AddressSet s;
                uint64_t version = 0;
                if (!live.read(&s, &version)) {
                    continue;  // the writer kept publishing through every attempt
                }
                uint32_t k = pattern_key(s);
                torn += s == pattern(k) ? 0 : 1;
                backwards += k < last ? 1 : 0;
                last = k;
                ++reads;
            }
        });
    }
    while (started.load() < readers) {
        std::this_thread::yield();  // every reader runs while the writer publishes
    }
    for (uint32_t k = 1; k <= publishes; ++k) {
        live.publish(pattern(k));
    }
    done = true;
    for (std::thread& t : threads) {
        t.join();
    }
    EXPECT_EQ(torn.load(), 0u);
    EXPECT_EQ(backwards.load(), 0u);
    EXPECT_GT(reads.load(), 0u);
    EXPECT_EQ(pattern_key(read_set(live)), publishes & 0xffffff);
}

TEST(AddressCursor, RotatesOverThePublishedSet) {
    LiveAddress live(set_of({"10.0.0.1", "10.0.0.2", "10.0.0.3"}));
    AddressCursor cursor;
    std::vector<IpAddress> picked;
    for (int i = 0; i < 6; ++i) {
        IpAddress a;
        ASSERT_TRUE(cursor.next(live, &a));
        picked.push_back(a);
    }
    EXPECT_EQ(picked[0], ip("10.0.0.1"));
    EXPECT_EQ(picked[1], ip("10.0.0.2"));
    EXPECT_EQ(picked[2], ip("10.0.0.3"));
    EXPECT_EQ(picked[3], ip("10.0.0.1"));
    EXPECT_EQ(picked[5], ip("10.0.0.3"));
}

TEST(AddressCursor, FollowsAPublishOnTheNextPick) {
    LiveAddress live(set_of({"10.0.0.1"}));
    AddressCursor cursor;
    IpAddress a;
    ASSERT_TRUE(cursor.next(live, &a));
    EXPECT_EQ(a, ip("10.0.0.1"));
    live.publish(set_of({"10.0.0.8", "10.0.0.9"}));
    ASSERT_TRUE(cursor.next(live, &a));
    IpAddress b;
    ASSERT_TRUE(cursor.next(live, &b));
    EXPECT_NE(a, b);
    for (const IpAddress& x : {a, b}) {
        EXPECT_TRUE(x == ip("10.0.0.8") || x == ip("10.0.0.9")) << x.to_string();
    }
}

TEST(AddressCursor, EmptySetLeavesTheCallerItsFallback) {
    LiveAddress live(AddressSet{});
    AddressCursor cursor;
    IpAddress a;
    EXPECT_FALSE(cursor.next(live, &a));
}

}  // namespace
}  // namespace rg::upstream
