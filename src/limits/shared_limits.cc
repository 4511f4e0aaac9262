#include "limits/shared_limits.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include "base/assert.h"

namespace rg::limits {

SharedLimits::SharedLimits(RedisFailure failure, uint32_t shards)
    : failure_(failure), shards_(shards < shards_max ? shards : shards_max) {
    thread_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    RG_ASSERT(thread_fd_ >= 0);
    for (auto& fd : shard_fds_) {
        fd.store(-1, std::memory_order_relaxed);
    }
}

SharedLimits::~SharedLimits() {
    ::close(thread_fd_);
}

void SharedLimits::attach_shard(uint32_t index, int event_fd) {
    if (index < shards_) {
        shard_fds_[index].store(event_fd, std::memory_order_release);
    }
}

void SharedLimits::signal_waiting(uint32_t index) {
    waiting_shards_.fetch_or(uint64_t{1} << (index % shards_max), std::memory_order_acq_rel);
    // A full counter (EAGAIN) already means "wake up": nothing is lost.
    (void)eventfd_write(thread_fd_, 1);
}

SharedLimitsCounts SharedLimits::counts() const {
    constexpr auto relaxed = std::memory_order_relaxed;
    return SharedLimitsCounts{parked_.load(relaxed), park_timeouts_.load(relaxed),
                              fail_open_.load(relaxed), fail_closed_.load(relaxed)};
}

bool SharedLimits::set_up(bool up) {
    if (up_.exchange(up, std::memory_order_acq_rel) == up) {
        return false;
    }
    wake_all_shards();
    return true;
}

void SharedLimits::wake_waiting_shards() {
    wake(waiting_shards_.exchange(0, std::memory_order_acq_rel));
}

void SharedLimits::wake_all_shards() {
    waiting_shards_.store(0, std::memory_order_release);
    wake(~uint64_t{0});
}

void SharedLimits::wake(uint64_t mask) {
    for (uint32_t i = 0; i < shards_ && mask != 0; ++i) {
        if ((mask & (uint64_t{1} << i)) == 0) {
            continue;
        }
        const int fd = shard_fds_[i].load(std::memory_order_acquire);
        if (fd >= 0) {
            (void)eventfd_write(fd, 1);
        }
    }
}

}  // namespace rg::limits
