#include "observe/text_format.h"

#include <gtest/gtest.h>

#include <string>

namespace rg::observe {
namespace {

std::string fixed(uint64_t v, uint8_t d) {
    ByteBuffer b;
    append_fixed(b, v, d);
    return std::string(b.view());
}

std::string fixed_signed(int64_t v, uint8_t d) {
    ByteBuffer b;
    append_fixed_signed(b, v, d);
    return std::string(b.view());
}

TEST(TextFormat, FixedPointIsExactAndTrimmed) {
    EXPECT_EQ(fixed(0, 0), "0");
    EXPECT_EQ(fixed(7, 0), "7");
    EXPECT_EQ(fixed(0, 6), "0");
    EXPECT_EQ(fixed(100, 6), "0.0001");
    EXPECT_EQ(fixed(1'500'000, 6), "1.5");
    EXPECT_EQ(fixed(300'000'000, 6), "300");
    EXPECT_EQ(fixed(6'000'201, 6), "6.000201");
    EXPECT_EQ(fixed(1, 9), "0.000000001");
    EXPECT_EQ(fixed(UINT64_MAX, 0), "18446744073709551615");
    EXPECT_EQ(fixed(UINT64_MAX, 18), "18.446744073709551615");
}

TEST(TextFormat, SignedFixedPoint) {
    EXPECT_EQ(fixed_signed(-1, 0), "-1");
    EXPECT_EQ(fixed_signed(-2500, 3), "-2.5");
    EXPECT_EQ(fixed_signed(INT64_MIN, 0), "-9223372036854775808");
}

TEST(TextFormat, LabelValueEscapesBackslashQuoteAndNewline) {
    ByteBuffer b;
    append_label_value(b, "a\\b\"c\nd\te");
    EXPECT_EQ(b.view(), "a\\\\b\\\"c\\nd\te");
}

TEST(TextFormat, HelpEscapesBackslashAndNewlineButNotQuotes) {
    ByteBuffer b;
    append_help(b, "say \"hi\"\\\n");
    EXPECT_EQ(b.view(), "say \"hi\"\\\\\\n");
}

}  // namespace
}  // namespace rg::observe
