#include "base/result.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace rg {
namespace {

Result<int> parse_digit(char c) {
    if (c < '0' || c > '9') {
        return Error::make(ErrorCode::invalid_argument, "not a digit");
    }
    return c - '0';
}

TEST(Result, CarriesValueOrError) {
    auto good = parse_digit('7');
    ASSERT_TRUE(good.ok());
    EXPECT_EQ(*good, 7);
    auto bad = parse_digit('x');
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, ErrorCode::invalid_argument);
    EXPECT_STREQ(bad.error().context, "not a digit");
}

TEST(Result, MovesNonCopyableValues) {
    Result<std::unique_ptr<std::string>> r(std::make_unique<std::string>("x"));
    Result<std::unique_ptr<std::string>> moved(std::move(r));
    ASSERT_TRUE(moved.ok());
    EXPECT_EQ(**moved, "x");
}

TEST(Result, VoidResultDefaultsToSuccess) {
    Result<void> r;
    EXPECT_TRUE(r.ok());
    Result<void> e = Error::make(ErrorCode::io, "write", 5);
    EXPECT_FALSE(e.ok());
    EXPECT_EQ(e.error().sys_errno, 5);
}

}  // namespace
}  // namespace rg
