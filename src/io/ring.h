// Ring: one io_uring instance, owned by exactly one thread (the shard that created it;
// SINGLE_ISSUER enforces that). Completions dispatch to the Operation whose address is
// the SQE's user_data. A full submission queue is flushed to the kernel, never dropped.
#pragma once

#include <cstdint>

#include "base/result.h"
#include "io/operation.h"
#include "io/uring_compat.h"

namespace rg::io {

struct RingOptions {
    uint32_t sq_entries = 1024;
    uint32_t cq_entries = 4096;
};

// How the ring was set up: SINGLE_ISSUER|DEFER_TASKRUN when the kernel has it, otherwise
// COOP_TASKRUN|TASKRUN_FLAG (shared/notes/platform.md section 2: a plain ring is ~40%
// less efficient than epoll, so one of the two is required).
enum class TaskRunMode : uint8_t { defer = 0, coop = 1 };

class Ring {
  public:
    Ring() = default;
    Ring(const Ring&) = delete;
    Ring& operator=(const Ring&) = delete;
    ~Ring();

    // Creates the ring in the calling thread, which becomes its only submitter.
    Result<void> init(const RingOptions& options);
    bool initialized() const { return initialized_; }

    // A zeroed SQE. Flushes the submission queue to the kernel when it is full.
    io_uring_sqe* sqe();
    // Prepares `sqe` to complete into `op` and marks `op` in flight.
    static void bind(io_uring_sqe* sqe, Operation* op) {
        op->in_flight = true;
        io_uring_sqe_set_data(sqe, op);
    }

    // Submits pending SQEs and waits for at least one completion or `timeout_ns` (0 = no
    // timeout). Returns false only on a fatal ring error (errno in *err).
    bool submit_and_wait(uint64_t timeout_ns, int* err);
    // Submits pending SQEs without waiting.
    int submit();
    // Dispatches every ready completion; returns how many were handled.
    uint32_t dispatch_completions();

    int fd() const { return ring_.ring_fd; }
    TaskRunMode mode() const { return mode_; }
    io_uring* raw() { return &ring_; }
    uint64_t completions_total() const { return completions_total_; }

  private:
    io_uring ring_{};
    bool initialized_ = false;
    TaskRunMode mode_ = TaskRunMode::defer;
    uint64_t completions_total_ = 0;
};

}  // namespace rg::io
