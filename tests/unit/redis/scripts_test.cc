// The Lua scripts on a real redis-server: exact grants, and EVAL when the script cache is
// empty.
#include "redis/scripts.h"

#include <gtest/gtest.h>

#include "redis_server.h"

namespace rg::redis {
namespace {

class ScriptsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(server_.start());
        ASSERT_TRUE(conn_.connect("127.0.0.1", server_.port(), 1000).ok());
    }
    Reply call(const Command& c) {
        std::vector<Reply> r;
        EXPECT_TRUE(round_with_scripts(conn_, {c}, &r, 1000).ok());
        return r.empty() ? Reply{} : r[0];
    }
    test::RedisServer server_;
    RespConnection conn_;
};

TEST_F(ScriptsTest, CounterLeaseGrantsExactlyUpToTheLimit) {
    const Script& s = counter_lease_script();
    Reply a = call(evalsha(s, {"q"}, {"5", "3", "60000"}));
    ASSERT_EQ(a.elements.size(), 2u) << a.str;
    EXPECT_EQ(a.elements[0].as_int(), 3);
    EXPECT_EQ(call(evalsha(s, {"q"}, {"5", "3", "60000"})).elements[0].as_int(), 2);
    Reply c = call(evalsha(s, {"q"}, {"5", "3", "60000"}));
    EXPECT_EQ(c.elements[0].as_int(), 0);
    EXPECT_EQ(c.elements[1].as_int(), 5);
    EXPECT_GT(std::stoll(server_.cli("PTTL q")), 0);
}

TEST_F(ScriptsTest, GcraLeaseGrantsWhatTheBucketHoldsAndSaysWhenTheNextIsDue) {
    const Script& s = gcra_lease_script();
    // T = 10 ms, tolerance 90 ms: a full bucket holds 10 permits.
    Reply a = call(evalsha(s, {"b"}, {"10000", "90000", "100"}));
    ASSERT_EQ(a.elements.size(), 2u) << a.str;
    EXPECT_EQ(a.elements[0].as_int(), 10);
    Reply b = call(evalsha(s, {"b"}, {"10000", "90000", "100"}));
    EXPECT_LE(b.elements[0].as_int(), 1);  // at most what refilled since
    EXPECT_GT(b.elements[1].as_int(), 0);
    EXPECT_LE(b.elements[1].as_int(), 10000);
    Reply c = call(evalsha(s, {"b2"}, {"10000", "90000", "4"}));
    EXPECT_EQ(c.elements[0].as_int(), 4);
    EXPECT_EQ(c.elements[1].as_int(), 0);  // more are due now
}

TEST_F(ScriptsTest, UsageAddsAndReadsBackEveryInstancesTotals) {
    const Script& s = usage_script();
    std::vector<std::string> keys = {"td", "cd", "cm", "rq"};
    call(evalsha(s, keys, {"100", "7", "2", "86400000", "86400000", "tm:", "1000", "100"}));
    Reply r = call(evalsha(s, keys, {"50", "1", "0", "86400000", "86400000", "tm:", "1030", "50"}));
    ASSERT_EQ(r.elements.size(), 5u) << r.str;
    EXPECT_EQ(r.elements[0].as_int(), 150);
    EXPECT_EQ(r.elements[1].as_int(), 8);
    EXPECT_EQ(r.elements[2].as_int(), 8);
    EXPECT_EQ(r.elements[3].as_int(), 2);
    EXPECT_EQ(r.elements[4].as_int(), 150);  // seconds 1000 and 1030 are both in 970..1030
    Reply later =
        call(evalsha(s, keys, {"0", "0", "0", "86400000", "86400000", "tm:", "1061", "0"}));
    EXPECT_EQ(later.elements[4].as_int(), 50);  // second 1000 left the window
}

TEST_F(ScriptsTest, AnEmptyScriptCacheFallsBackToEval) {
    ASSERT_EQ(server_.cli("SCRIPT FLUSH"), "OK");
    Reply r = call(evalsha(counter_lease_script(), {"q"}, {"5", "1", "0"}));
    ASSERT_EQ(r.type, Reply::Type::array) << r.str;
    EXPECT_EQ(r.elements[0].as_int(), 1);
    EXPECT_EQ(server_.cli("SCRIPT EXISTS " + counter_lease_script().sha1), "1");
}

}  // namespace
}  // namespace rg::redis
