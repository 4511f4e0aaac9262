#include "io/buffer_ring.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>

#include "base/assert.h"

namespace rg::io {

BufferRing::~BufferRing() {
    if (registered_) {
        io_uring_unregister_buf_ring(ring_->raw(), group_id_);
    }
    if (br_ != nullptr) {
        munmap(br_, ring_bytes_);
    }
    if (base_ != nullptr) {
        munmap(base_, buffers_bytes_);
    }
}

Result<void> BufferRing::init(Ring* ring, uint16_t group_id, uint32_t count, uint32_t size) {
    RG_ASSERT(count > 0 && (count & (count - 1)) == 0);
    ring_ = ring;
    group_id_ = group_id;
    count_ = count;
    size_ = size;
    // The descriptor ring is pinned by the kernel (it counts against RLIMIT_MEMLOCK); the
    // buffers themselves are ordinary memory, touched only when the kernel fills them.
    ring_bytes_ = static_cast<size_t>(count) * sizeof(io_uring_buf);
    void* ring_mem =
        mmap(nullptr, ring_bytes_, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
    if (ring_mem == MAP_FAILED) {
        return Error::make(ErrorCode::resource, "mmap buffer ring", errno);
    }
    br_ = static_cast<io_uring_buf_ring*>(ring_mem);
    // +64 bytes of slack after the last buffer: simdjson reads up to 64 bytes past the end.
    buffers_bytes_ = static_cast<size_t>(count) * size + 64;
    void* bufs =
        mmap(nullptr, buffers_bytes_, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
    if (bufs == MAP_FAILED) {
        return Error::make(ErrorCode::resource, "mmap receive buffers", errno);
    }
    base_ = static_cast<char*>(bufs);

    io_uring_buf_ring_init(br_);
    io_uring_buf_reg reg;
    std::memset(&reg, 0, sizeof(reg));
    reg.ring_addr = reinterpret_cast<uint64_t>(br_);
    reg.ring_entries = count;
    reg.bgid = group_id;
    int rc = io_uring_register_buf_ring(ring->raw(), &reg, 0);
    if (rc < 0) {
        return Error::make(ErrorCode::unsupported, "io_uring_register_buf_ring", -rc);
    }
    registered_ = true;
    mask_ = io_uring_buf_ring_mask(count);
    for (uint32_t i = 0; i < count; ++i) {
        io_uring_buf_ring_add(br_, buffer(static_cast<uint16_t>(i)), size, static_cast<uint16_t>(i),
                              mask_, static_cast<int>(i));
    }
    io_uring_buf_ring_advance(br_, static_cast<int>(count));
    return ok_result();
}

void BufferRing::recycle(uint16_t id) {
    RG_ASSERT(id < count_);
    RG_ASSERT(outstanding_ > 0);
    --outstanding_;
    io_uring_buf_ring_add(br_, buffer(id), size_, id, mask_, static_cast<int>(pending_));
    ++pending_;
}

uint32_t BufferRing::publish() {
    uint32_t n = pending_;
    if (n > 0) {
        io_uring_buf_ring_advance(br_, static_cast<int>(n));
        pending_ = 0;
    }
    return n;
}

}  // namespace rg::io
