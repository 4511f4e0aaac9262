// SpscRing<T>: a bounded single-producer single-consumer queue of fixed-size slots. The
// producer fills a slot in place and publishes it with one release store; the consumer
// drains every published slot in one pass and frees them with one release store. The producer
// keeps a private copy of the consumer's index and reloads it only when the ring looks
// full, so a push touches only its own cache line; the consumer loads the producer's
// index once per pass. Never
// blocks, never allocates after construction.
// Threads: exactly one producer thread and one consumer thread for the ring's life.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "base/assert.h"

namespace rg::observe {

template <typename T>
class SpscRing {
  public:
    explicit SpscRing(uint32_t capacity)
        : slots_(std::make_unique<T[]>(capacity)), mask_(capacity - 1) {
        RG_ASSERT(capacity >= 2 && (capacity & (capacity - 1)) == 0);
    }
    SpscRing(const SpscRing&) = delete;
    SpscRing& operator=(const SpscRing&) = delete;

    uint32_t capacity() const { return mask_ + 1; }

    // Producer: the next free slot, or nullptr when the ring is full. Fill it, then
    // commit(); a reserve without commit is simply reused next time.
    T* reserve() {
        uint64_t tail = tail_.load(std::memory_order_relaxed);
        if (tail - head_cache_ > mask_) {
            head_cache_ = head_.load(std::memory_order_acquire);
            if (tail - head_cache_ > mask_) {
                return nullptr;
            }
        }
        return &slots_[tail & mask_];
    }
    void commit() {
        tail_.store(tail_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    }

    // Consumer: calls f(const T&) for every slot published so far, up to `max`, in order,
    // then frees them. Returns how many.
    template <typename F>
    uint32_t drain(F&& f, uint32_t max = UINT32_MAX) {
        uint64_t head = head_.load(std::memory_order_relaxed);
        // One acquire per pass (not per slot): everything committed before it is seen.
        const uint64_t tail = tail_.load(std::memory_order_acquire);
        uint32_t n = 0;
        for (; head != tail && n < max; ++head, ++n) {
            f(static_cast<const T&>(slots_[head & mask_]));
        }
        head_.store(head, std::memory_order_release);
        return n;
    }

  private:
    std::unique_ptr<T[]> slots_;
    const uint32_t mask_;
    // Producer's line: its index and its copy of the consumer's.
    alignas(64) std::atomic<uint64_t> tail_{0};
    uint64_t head_cache_ = 0;
    // Consumer's line.
    alignas(64) std::atomic<uint64_t> head_{0};
};

}  // namespace rg::observe
