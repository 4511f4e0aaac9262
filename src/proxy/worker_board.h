// WorkerBoard: one row per worker shard of numbers /health/detailed shows (connections,
// requests in progress, streams, upstream pool, buffer ring, loop turns). Each shard mirrors
// its own numbers into its own row once per loop turn (relaxed stores to a cache line no
// other shard writes); the admin listener reads every row with relaxed loads. No locks.
// Created by the app before the shards start and outlives them.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "base/assert.h"

namespace rg::proxy {

struct alignas(64) WorkerRow {
    std::atomic<uint64_t> requests_served{0};   // answers of every route (server count)
    std::atomic<uint64_t> proxied_requests{0};  // requests the proxy took
    std::atomic<uint64_t> loop_turns{0};        // event loop turns (progress)
    // 32-bit counters below wrap (after 4G events); the row must stay one line.
    std::atomic<uint32_t> recv_buffer_exhausted{0};
    std::atomic<uint32_t> audit_suppressed{0};  // auth-failure audit records over the rate
    std::atomic<uint32_t> connections{0};       // downstream connections open
    std::atomic<uint32_t> active_requests{0};   // exchanges in progress
    std::atomic<uint32_t> streams{0};           // streamed answers flowing to clients
    std::atomic<uint32_t> upstream_idle{0};     // pooled keep-alive upstream connections
    std::atomic<uint32_t> upstream_busy{0};     // upstream connections carrying a request
    std::atomic<uint32_t> buffers{0};           // provided receive buffers registered
    std::atomic<uint32_t> buffers_out{0};       // of those, held by the application now
};
static_assert(sizeof(WorkerRow) == 64, "one cache line per worker row");

class WorkerBoard {
  public:
    explicit WorkerBoard(uint32_t workers)
        : rows_(std::make_unique<WorkerRow[]>(workers)), workers_(workers) {}
    uint32_t workers() const { return workers_; }
    WorkerRow& row(uint32_t w) const {
        RG_ASSERT(w < workers_);
        return rows_[w];
    }

  private:
    std::unique_ptr<WorkerRow[]> rows_;
    uint32_t workers_;
};

// Owner shard: a relaxed store, skipped when the value did not change (the admin reader's
// copy of the line stays valid while the worker is idle).
template <typename T, typename V>
inline void mirror(std::atomic<T>& slot, V value) {
    T v = static_cast<T>(value);
    if (slot.load(std::memory_order_relaxed) != v) {
        slot.store(v, std::memory_order_relaxed);
    }
}

}  // namespace rg::proxy
