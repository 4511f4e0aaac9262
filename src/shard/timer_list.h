// TimerList: an intrusive FIFO of deadlines that all share one timeout length, so append
// order is deadline order and expiry is a walk from the front. O(1) add/remove.
// Shard-local.
#pragma once

#include <cstdint>

#include "base/assert.h"

namespace rg::shard {

struct TimerNode {
    TimerNode* prev = nullptr;
    TimerNode* next = nullptr;
    uint64_t deadline_ms = 0;
    void* list = nullptr;   // the TimerList this node is on, or null
    void* owner = nullptr;  // the object that embeds this node
    bool linked() const { return list != nullptr; }
};

class TimerList {
  public:
    // Appends `node` with `deadline_ms` (unlinks it from any list first).
    void push_back(TimerNode* node, uint64_t deadline_ms) {
        if (node->linked()) {
            static_cast<TimerList*>(node->list)->remove(node);
        }
        node->deadline_ms = deadline_ms;
        node->list = this;
        node->prev = tail_;
        node->next = nullptr;
        if (tail_ != nullptr) {
            tail_->next = node;
        } else {
            head_ = node;
        }
        tail_ = node;
        ++size_;
    }
    // Inserts `node` in deadline order, walking from the back: O(1) when deadlines mostly
    // grow (same-length timeouts), correct when they do not (per-provider overrides).
    void insert_sorted(TimerNode* node, uint64_t deadline_ms) {
        if (node->linked()) {
            static_cast<TimerList*>(node->list)->remove(node);
        }
        TimerNode* after = tail_;
        while (after != nullptr && after->deadline_ms > deadline_ms) {
            after = after->prev;
        }
        node->deadline_ms = deadline_ms;
        node->list = this;
        node->prev = after;
        node->next = after != nullptr ? after->next : head_;
        if (node->next != nullptr) {
            node->next->prev = node;
        } else {
            tail_ = node;
        }
        if (after != nullptr) {
            after->next = node;
        } else {
            head_ = node;
        }
        ++size_;
    }
    void remove(TimerNode* node) {
        RG_ASSERT(node->list == this);
        if (node->prev != nullptr) {
            node->prev->next = node->next;
        } else {
            head_ = node->next;
        }
        if (node->next != nullptr) {
            node->next->prev = node->prev;
        } else {
            tail_ = node->prev;
        }
        node->prev = node->next = nullptr;
        node->list = nullptr;
        --size_;
    }
    TimerNode* front() const { return head_; }
    bool empty() const { return head_ == nullptr; }
    uint32_t size() const { return size_; }
    // Deadline of the front node, or 0 when empty.
    uint64_t next_deadline_ms() const { return head_ != nullptr ? head_->deadline_ms : 0; }

  private:
    TimerNode* head_ = nullptr;
    TimerNode* tail_ = nullptr;
    uint32_t size_ = 0;
};

// Removes `node` from whatever list holds it.
inline void timer_unlink(TimerNode* node) {
    if (node->linked()) {
        static_cast<TimerList*>(node->list)->remove(node);
    }
}

}  // namespace rg::shard
