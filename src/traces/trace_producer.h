// TraceProducer: one worker's ring of trace slots (observe::SpscRing). The worker reserves a
// slot, fills it and commits it when an exchange ends; a full ring drops the trace and
// counts it, never blocks. The trace thread drains it. Threads: the owner worker produces,
// the trace thread consumes; dropped() from any thread.
#pragma once

#include <atomic>
#include <cstdint>

#include "observe/spsc_ring.h"
#include "traces/trace_slot.h"

namespace rg::traces {

class TraceProducer {
  public:
    explicit TraceProducer(uint32_t records) : ring_(records) {}

    // Owner: a slot to fill, or nullptr when the ring is full (the drop is counted).
    TraceSlot* begin() {
        TraceSlot* slot = ring_.reserve();
        if (slot == nullptr) {
            dropped_.store(dropped_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        }
        return slot;
    }
    // Owner: publishes the slot begin() returned.
    void commit() { ring_.commit(); }

    uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
    observe::SpscRing<TraceSlot>& ring() { return ring_; }

  private:
    observe::SpscRing<TraceSlot> ring_;
    std::atomic<uint64_t> dropped_{0};  // written by the owner only
};

}  // namespace rg::traces
