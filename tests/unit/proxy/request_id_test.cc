#include "proxy/request_id.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace rg::proxy {
namespace {

bool is_crockford_lower(char c) {
    return std::string_view("0123456789abcdefghjkmnpqrstvwxyz").find(c) != std::string_view::npos;
}

TEST(RequestIdGenerator, MakesPrefixedBase32Ids) {
    RequestIdGenerator gen;
    RequestIdBuffer buf;
    const std::string_view id = gen.next(buf);
    ASSERT_EQ(id.size(), 28u);
    EXPECT_EQ(id.substr(0, 4), "req_");
    for (char c : id.substr(4)) {
        EXPECT_TRUE(is_crockford_lower(c)) << id;
    }
    EXPECT_TRUE(is_valid_client_request_id(id));
}

TEST(RequestIdGenerator, DoesNotRepeatOverManyIds) {
    RequestIdGenerator gen;
    std::set<std::string> seen;
    RequestIdBuffer buf;
    for (int i = 0; i < 100000; ++i) {
        ASSERT_TRUE(seen.insert(std::string(gen.next(buf))).second);
    }
}

TEST(RequestIdGenerator, SeededGeneratorsAreDeterministicAndDistinct) {
    RequestIdGenerator a(42);
    RequestIdGenerator b(42);
    RequestIdGenerator c(43);
    RequestIdBuffer ba;
    RequestIdBuffer bb;
    RequestIdBuffer bc;
    EXPECT_EQ(a.next(ba), b.next(bb));
    EXPECT_NE(std::string(a.next(ba)), std::string(c.next(bc)));
}

TEST(RequestIdGenerator, EntropySeededGeneratorsDiffer) {
    RequestIdGenerator a;
    RequestIdGenerator b;
    RequestIdBuffer ba;
    RequestIdBuffer bb;
    EXPECT_NE(std::string(a.next(ba)), std::string(b.next(bb)));
}

TEST(ClientRequestId, AcceptsOnlyShortSafeIds) {
    const std::string longest(client_request_id_bytes_max, 'a');
    const std::string_view good[] = {"a", "abc-123_X.y", "550e8400-e29b-41d4-a716-446655440000",
                                     longest};
    for (std::string_view ok : good) {
        EXPECT_TRUE(is_valid_client_request_id(ok)) << ok;
    }
    const std::string too_long(client_request_id_bytes_max + 1, 'a');
    const std::string_view wrong[] = {"",         "has space", "quote\"", "semi;colon", "new\nline",
                                      "\xc3\xa9", "slash/",    too_long,  "tab\t"};
    for (std::string_view bad : wrong) {
        EXPECT_FALSE(is_valid_client_request_id(bad)) << bad;
    }
}

TEST(RequestIdGenerator, KeepsAValidClientIdAndReplacesAnInvalidOne) {
    RequestIdGenerator gen(7);
    RequestIdBuffer buf;
    const std::string client = "trace-0123";
    const std::string_view kept = gen.accept_or_next(client, buf);
    EXPECT_EQ(kept.data(), client.data());
    const std::string_view made = gen.accept_or_next("bad id", buf);
    EXPECT_EQ(made.data(), buf.data());
    EXPECT_EQ(made.substr(0, 4), "req_");
    EXPECT_EQ(gen.accept_or_next("", buf).size(), request_id_bytes);
}

}  // namespace
}  // namespace rg::proxy
