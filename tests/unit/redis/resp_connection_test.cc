// RespConnection against a real redis-server: pipelined rounds, error replies, deadlines.
#include "redis/resp_connection.h"

#include <gtest/gtest.h>

#include "base/clock.h"
#include "redis_server.h"

namespace rg::redis {
namespace {

TEST(RespConnection, PipelinesARoundAndReadsEveryReplyInOrder) {
    test::RedisServer server;
    ASSERT_TRUE(server.start());
    RespConnection c;
    ASSERT_TRUE(c.connect("127.0.0.1", server.port(), 1000).ok());
    std::vector<Reply> r;
    ASSERT_TRUE(c.round({{"SET", "k", "v w"},
                         {"GET", "k"},
                         {"INCRBY", "n", "41"},
                         {"INCR", "n"},
                         {"GET", "missing"},
                         {"RPUSH", "l", "a", "b"},
                         {"LRANGE", "l", "0", "-1"},
                         {"HINCRBY", "k", "f", "1"}},
                        &r, 1000)
                    .ok());
    ASSERT_EQ(r.size(), 8u);
    EXPECT_EQ(r[0].type, Reply::Type::status);
    EXPECT_EQ(r[1].str, "v w");
    EXPECT_EQ(r[3].as_int(), 42);
    EXPECT_EQ(r[4].type, Reply::Type::nil);
    ASSERT_EQ(r[6].elements.size(), 2u);
    EXPECT_EQ(r[6].elements[1].str, "b");
    EXPECT_TRUE(r[7].is_error());  // WRONGTYPE: an error reply, not a failed round
    EXPECT_TRUE(c.connected());
}

TEST(RespConnection, AServerThatStopsAnsweringFailsTheRoundAtItsDeadline) {
    test::RedisServer server;
    ASSERT_TRUE(server.start());
    RespConnection c;
    ASSERT_TRUE(c.connect("127.0.0.1", server.port(), 1000).ok());
    server.pause();
    std::vector<Reply> r;
    uint64_t start = monotonic_ms();
    auto done = c.round({{"PING"}}, &r, 200);
    uint64_t took = monotonic_ms() - start;
    server.resume();
    EXPECT_FALSE(done.ok());
    EXPECT_EQ(done.error().code, ErrorCode::timeout);
    EXPECT_GE(took, 190u);
    EXPECT_LT(took, 1000u);
    EXPECT_FALSE(c.connected());
}

TEST(RespConnection, ConnectFailsWhenNothingListens) {
    test::RedisServer server;  // never started: its port is free
    RespConnection c;
    EXPECT_FALSE(c.connect("127.0.0.1", server.port(), 500).ok());
    EXPECT_FALSE(c.connected());
}

}  // namespace
}  // namespace rg::redis
