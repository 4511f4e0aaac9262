#include "io/ring.h"

#include <cerrno>
#include <cstring>

namespace rg::io {

Ring::~Ring() {
    if (initialized_) {
        io_uring_queue_exit(&ring_);
    }
}

Result<void> Ring::init(const RingOptions& options) {
    io_uring_params params;
    std::memset(&params, 0, sizeof(params));
    params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_CQSIZE |
                   IORING_SETUP_SUBMIT_ALL;
    params.cq_entries = options.cq_entries;
    int rc = io_uring_queue_init_params(options.sq_entries, &ring_, &params);
    mode_ = TaskRunMode::defer;
    if (rc == -EINVAL) {
        std::memset(&params, 0, sizeof(params));
        params.flags = IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG | IORING_SETUP_CQSIZE |
                       IORING_SETUP_SUBMIT_ALL;
        params.cq_entries = options.cq_entries;
        rc = io_uring_queue_init_params(options.sq_entries, &ring_, &params);
        mode_ = TaskRunMode::coop;
    }
    if (rc < 0) {
        return Error::make(ErrorCode::io, "io_uring_queue_init", -rc);
    }
    initialized_ = true;
    return ok_result();
}

io_uring_sqe* Ring::sqe() {
    io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
    while (sqe == nullptr) {
        // Submission queue full: hand what we have to the kernel and take a fresh slot.
        io_uring_submit(&ring_);
        sqe = io_uring_get_sqe(&ring_);
    }
    io_uring_sqe_set_data64(sqe, ignored_user_data);
    return sqe;
}

bool Ring::submit_and_wait(uint64_t timeout_ns, int* err) {
    int rc;
    if (timeout_ns == 0) {
        rc = io_uring_submit_and_wait(&ring_, 1);
    } else {
        __kernel_timespec ts;
        ts.tv_sec = static_cast<int64_t>(timeout_ns / 1000000000ull);
        ts.tv_nsec = static_cast<long long>(timeout_ns % 1000000000ull);
        io_uring_cqe* cqe = nullptr;
        rc = io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &ts, nullptr);
    }
    if (rc < 0 && rc != -ETIME && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY) {
        *err = -rc;
        return false;
    }
    return true;
}

int Ring::submit() {
    return io_uring_submit(&ring_);
}

uint32_t Ring::dispatch_completions() {
    uint32_t handled = 0;
    io_uring_cqe* cqe;
    // Each completion is copied out before the CQ slot is released, because a handler may
    // submit (and wait) again, which can recycle the slot.
    while (true) {
        if (io_uring_peek_cqe(&ring_, &cqe) != 0 || cqe == nullptr) {
            break;
        }
        uint64_t user_data = cqe->user_data;
        int32_t res = cqe->res;
        uint32_t flags = cqe->flags;
        io_uring_cqe_seen(&ring_, cqe);
        ++handled;
        if (user_data == ignored_user_data) {
            continue;
        }
        auto* op = reinterpret_cast<Operation*>(user_data);
        if ((flags & IORING_CQE_F_MORE) == 0) {
            op->in_flight = false;
        }
        op->on_complete(op, res, flags);
    }
    completions_total_ += handled;
    return handled;
}

}  // namespace rg::io
