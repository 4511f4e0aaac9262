#include "limits/token_window.h"

#include <gtest/gtest.h>

namespace rg::limits {
namespace {

constexpr uint64_t s0 = 1000;  // any start second

TEST(TokenWindow, ReservesUpToTheLimit) {
    TokenWindow w;
    uint64_t before = 0;
    EXPECT_TRUE(w.try_add(s0, 60, 100, &before));
    EXPECT_TRUE(w.try_add(s0 + 1, 40, 100, &before));
    EXPECT_EQ(before, 60u);
    EXPECT_FALSE(w.try_add(s0 + 2, 1, 100, &before));
    EXPECT_EQ(before, 100u);
    EXPECT_EQ(w.used(s0 + 2), 100u);
    EXPECT_FALSE(w.try_add(s0 + 2, 101, 100, &before));  // more than the whole limit
}

TEST(TokenWindow, TokensCountForSixtyToSixtyOneSeconds) {
    TokenWindow w;
    uint64_t before = 0;
    ASSERT_TRUE(w.try_add(s0, 100, 100, &before));
    EXPECT_EQ(w.used(s0 + 60), 100u);  // up to 60.999 s later: still in the window
    EXPECT_FALSE(w.try_add(s0 + 60, 1, 100, &before));
    EXPECT_EQ(w.used(s0 + 61), 0u);
    EXPECT_TRUE(w.try_add(s0 + 61, 100, 100, &before));
}

TEST(TokenWindow, SlotsExpireOneByOne) {
    TokenWindow w;
    for (uint64_t i = 0; i < 10; ++i) {
        w.add(s0 + i, 10);
    }
    EXPECT_EQ(w.used(s0 + 60), 100u);
    EXPECT_EQ(w.used(s0 + 61), 90u);
    EXPECT_EQ(w.used(s0 + 65), 50u);
    EXPECT_EQ(w.used(s0 + 70), 0u);
}

TEST(TokenWindow, ReusedSlotDropsItsExpiredCount) {
    TokenWindow w;
    w.add(s0, 30);
    // 64 s later the same slot is written without a sweep having emptied it first.
    w.add(s0 + 64, 5);
    EXPECT_EQ(w.used(s0 + 64), 5u);
}

TEST(TokenWindow, RefundTakesBackFromTheReservingSecondWhileItIsLive) {
    TokenWindow w;
    uint64_t before = 0;
    ASSERT_TRUE(w.try_add(s0, 80, 100, &before));
    w.refund(s0, 30, s0 + 5);
    EXPECT_EQ(w.used(s0 + 5), 50u);
    w.refund(s0, 500, s0 + 5);  // never below zero, never into another second's tokens
    w.add(s0 + 5, 20);
    EXPECT_EQ(w.used(s0 + 5), 20u);
    ASSERT_TRUE(w.try_add(s0 + 6, 10, 100, &before));
    w.refund(s0 + 6, 10, s0 + 70);  // expired already: nothing to take back
    EXPECT_EQ(w.used(s0 + 70), 0u);
}

TEST(TokenWindow, WaitUntilFitsFollowsTheOldestSlots) {
    TokenWindow w;
    w.add(s0, 50);
    w.add(s0 + 10, 30);
    w.add(s0 + 20, 20);
    const uint64_t now_ms = (s0 + 30) * 1000 + 250;
    EXPECT_EQ(w.ms_until_fits(now_ms, 0, 100), 0u);
    // 40 must leave: s0's 50 go at second s0 + 61.
    EXPECT_EQ(w.ms_until_fits(now_ms, 40, 100), (s0 + 61) * 1000 - now_ms);
    // 70 must leave: s0's 50 and s0+10's 30.
    EXPECT_EQ(w.ms_until_fits(now_ms, 70, 100), (s0 + 71) * 1000 - now_ms);
    EXPECT_EQ(w.ms_until_fits(now_ms, 101, 100), TokenWindow::never_ms);
}

TEST(TokenWindow, LaggingClockAddsToTheLaterSecondInTheSameSlot) {
    TokenWindow w;
    w.add(s0 + 64, 10);
    w.add(s0, 5);  // a worker 64 s behind: counted with the newer second, not dropped
    EXPECT_EQ(w.used(s0 + 64), 15u);
    EXPECT_EQ(w.used(s0 + 64 + 61), 0u);
}

TEST(TokenWindow, FreshSlotsWorkAtAnyUptime) {
    for (uint64_t start :
         {uint64_t{0}, uint64_t{1} << 27, (uint64_t{1} << 28) - 3, (uint64_t{1} << 40) + 5}) {
        TokenWindow w;
        w.add(start, 10);
        EXPECT_EQ(w.used(start), 10u) << start;
        EXPECT_EQ(w.used(start + 61), 0u) << start;
    }
}

}  // namespace
}  // namespace rg::limits
