#include "shard/timer_list.h"

#include <gtest/gtest.h>

namespace rg::shard {
namespace {

TEST(TimerList, KeepsAppendOrderAndRemovesFromMiddle) {
    TimerList list;
    TimerNode a, b, c;
    list.push_back(&a, 10);
    list.push_back(&b, 20);
    list.push_back(&c, 30);
    EXPECT_EQ(list.size(), 3u);
    list.remove(&b);
    EXPECT_EQ(list.front(), &a);
    list.remove(&a);
    EXPECT_EQ(list.front(), &c);
    EXPECT_EQ(list.next_deadline_ms(), 30u);
    list.remove(&c);
    EXPECT_TRUE(list.empty());
    EXPECT_EQ(list.next_deadline_ms(), 0u);
}

TEST(TimerList, PushingALinkedNodeMovesItToTheBack) {
    TimerList list;
    TimerNode a, b;
    list.push_back(&a, 10);
    list.push_back(&b, 20);
    list.push_back(&a, 30);
    EXPECT_EQ(list.front(), &b);
    EXPECT_EQ(list.size(), 2u);
}

TEST(TimerList, NodeMovesBetweenLists) {
    TimerList header, idle;
    TimerNode n;
    header.push_back(&n, 5);
    idle.push_back(&n, 50);
    EXPECT_TRUE(header.empty());
    EXPECT_EQ(idle.front(), &n);
    timer_unlink(&n);
    EXPECT_TRUE(idle.empty());
    EXPECT_FALSE(n.linked());
}

}  // namespace
}  // namespace rg::shard

namespace rg::shard {
namespace {

TEST(TimerList, InsertSortedKeepsDeadlineOrderForMixedTimeouts) {
    TimerList list;
    TimerNode a, b, c, d;
    list.insert_sorted(&a, 50);
    list.insert_sorted(&b, 10);
    list.insert_sorted(&c, 30);
    list.insert_sorted(&d, 60);
    uint64_t expect[] = {10, 30, 50, 60};
    int i = 0;
    for (TimerNode* n = list.front(); n != nullptr; n = n->next) {
        EXPECT_EQ(n->deadline_ms, expect[i++]);
    }
    EXPECT_EQ(i, 4);
    list.insert_sorted(&b, 55);  // moving a node re-sorts it
    EXPECT_EQ(list.front(), &c);
    EXPECT_EQ(list.size(), 4u);
}

}  // namespace
}  // namespace rg::shard
