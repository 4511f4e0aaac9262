// CipherQueues ordering and view stability, independent of BoringSSL's record sizes.
#include "tls/cipher_queues.h"

#include <gtest/gtest.h>

#include <string>

namespace rg::tls::detail {
namespace {

std::string take_all(CipherQueues& q) {
    std::string all;
    for (std::string_view v = q.front_output(); !v.empty(); v = q.front_output()) {
        all.append(v);
        q.consume_output(v.size());
    }
    return all;
}

TEST(CipherQueues, KeepsOutputInOrderAcrossBothBuffers) {
    CipherQueues q;
    q.push_output("ab", 2);
    std::string_view v = q.front_output();
    ASSERT_EQ(v, "ab");
    q.push_output("cd", 2);  // behind the exposed view
    q.consume_output(1);
    q.push_output("ef", 2);
    EXPECT_EQ(q.output_bytes(), 5u);
    EXPECT_EQ(q.front_output(), "b");
    q.consume_output(1);
    q.push_output("gh", 2);  // front is empty and unexposed but back has bytes: back
    EXPECT_EQ(take_all(q), "cdefgh");
    EXPECT_EQ(q.output_bytes(), 0u);
}

TEST(CipherQueues, NeverMovesExposedBytes) {
    CipherQueues q;
    q.push_output("x", 1);
    std::string_view v = q.front_output();
    const char* at = v.data();
    for (int i = 0; i < 1000; ++i) {
        std::string chunk(1000, static_cast<char>('a' + i % 26));
        q.push_output(chunk.data(), chunk.size());
    }
    EXPECT_EQ(q.front_output().data(), at);
    EXPECT_EQ(*at, 'x');
    q.consume_output(1);
    EXPECT_EQ(take_all(q).size(), 1000u * 1000u);
}

TEST(CipherQueues, PullsInputInPieces) {
    CipherQueues q;
    q.push_input("hello", 5);
    char buf[3];
    EXPECT_EQ(q.pull_input(buf, 3), 3u);
    EXPECT_EQ(std::string(buf, 3), "hel");
    q.push_input("!", 1);
    EXPECT_EQ(q.pull_input(buf, 3), 3u);
    EXPECT_EQ(std::string(buf, 3), "lo!");
    EXPECT_EQ(q.pull_input(buf, 3), 0u);
    EXPECT_EQ(q.input_bytes(), 0u);
}

}  // namespace
}  // namespace rg::tls::detail
