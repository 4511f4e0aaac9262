#include "base/byte_buffer.h"

#include <gtest/gtest.h>

#include <string>

namespace rg {
namespace {

TEST(ByteBuffer, AppendsAndConsumesInOrder) {
    ByteBuffer b;
    b.append("hello ");
    b.append("world");
    EXPECT_EQ(b.view(), "hello world");
    b.consume(6);
    EXPECT_EQ(b.view(), "world");
    b.consume(5);
    EXPECT_TRUE(b.empty());
}

TEST(ByteBuffer, GrowsPastManyDoublingsKeepingContent) {
    ByteBuffer b;
    std::string expect;
    for (int i = 0; i < 10000; ++i) {
        b.append_decimal(static_cast<uint64_t>(i));
        expect += std::to_string(i);
        if (i % 7 == 0) {
            b.consume(1);
            expect.erase(0, 1);
        }
    }
    EXPECT_EQ(b.view(), expect);
}

TEST(ByteBuffer, AppendDecimalWritesZeroAndMax) {
    ByteBuffer b;
    b.append_decimal(0);
    b.append_char(',');
    b.append_decimal(18446744073709551615ull);
    EXPECT_EQ(b.view(), "0,18446744073709551615");
}

TEST(ByteBuffer, ClearKeepsCapacity) {
    ByteBuffer b;
    b.append(std::string(4000, 'x'));
    size_t cap = b.capacity();
    b.clear();
    EXPECT_EQ(b.capacity(), cap);
    EXPECT_TRUE(b.empty());
}

}  // namespace
}  // namespace rg
