// BufferRing: a provided-buffer ring (one buffer group) that multishot receives pick from.
// Shard-local: created, recycled into and destroyed by the shard that owns the Ring.
// Buffers are recycled in batches: `recycle()` queues, `publish()` hands them back to the
// kernel once per loop turn.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/result.h"
#include "io/ring.h"

namespace rg::io {

class BufferRing {
  public:
    BufferRing() = default;
    BufferRing(const BufferRing&) = delete;
    BufferRing& operator=(const BufferRing&) = delete;
    ~BufferRing();

    // Registers `count` (power of two) buffers of `size` bytes as group `group_id`.
    Result<void> init(Ring* ring, uint16_t group_id, uint32_t count, uint32_t size);

    uint16_t group_id() const { return group_id_; }
    uint32_t buffer_size() const { return size_; }
    uint32_t count() const { return count_; }

    // The buffer a completion carries (IORING_CQE_F_BUFFER set in its flags).
    static uint16_t buffer_id(uint32_t cqe_flags) {
        return static_cast<uint16_t>(cqe_flags >> IORING_CQE_BUFFER_SHIFT);
    }
    char* buffer(uint16_t id) { return base_ + static_cast<size_t>(id) * size_; }

    // Gives a buffer back; it becomes visible to the kernel at the next publish().
    void recycle(uint16_t id);
    // Makes recycled buffers visible to the kernel. Returns how many were published.
    uint32_t publish();
    // Buffers currently handed out to the application (not yet recycled).
    uint32_t outstanding() const { return outstanding_; }
    void note_taken() { ++outstanding_; }

  private:
    Ring* ring_ = nullptr;
    io_uring_buf_ring* br_ = nullptr;
    char* base_ = nullptr;
    size_t ring_bytes_ = 0;
    size_t buffers_bytes_ = 0;
    uint32_t count_ = 0;
    uint32_t size_ = 0;
    uint16_t group_id_ = 0;
    int mask_ = 0;
    uint32_t pending_ = 0;
    uint32_t outstanding_ = 0;
    bool registered_ = false;
};

}  // namespace rg::io
