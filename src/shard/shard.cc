#include "shard/shard.h"

#include <pthread.h>
#include <sched.h>

#include <cerrno>
#include <cstring>

#include "base/clock.h"
#include "base/limits.h"
#include "base/log.h"

namespace rg::shard {

Shard::Shard(uint32_t index, int cpu) : index_(index), cpu_(cpu) {
    mailbox_op_.on_complete = &Shard::on_mailbox;
    mailbox_op_.owner = this;
    timer_op_.on_complete = &Shard::on_timer_fired;
    timer_op_.owner = this;
}

Shard::~Shard() {
    join();
    delete pending_settings_.exchange(nullptr);
}

Result<void> Shard::start(std::shared_ptr<const Settings> settings, ServiceFactory factory) {
    settings_ = std::move(settings);
    thread_ = std::thread([this, f = std::move(factory)]() mutable { run(std::move(f)); });
    int state;
    while ((state = start_state_.load(std::memory_order_acquire)) == 0) {
        start_state_.wait(0, std::memory_order_acquire);
    }
    if (state == 2) {
        join();
        return start_error_;
    }
    return ok_result();
}

void Shard::join() {
    if (thread_.joinable()) {
        thread_.join();
    }
}

void Shard::post_settings(std::shared_ptr<const Settings> settings) {
    auto* fresh = new std::shared_ptr<const Settings>(std::move(settings));
    delete pending_settings_.exchange(fresh, std::memory_order_acq_rel);
}

void Shard::wake_at(uint64_t deadline_ms) {
    if (deadline_ms != 0) {
        arm_timer(deadline_ms);
    }
}

Result<void> Shard::setup() {
    if (cpu_ >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu_, &set);
        int rc = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
        if (rc != 0) {
            RG_WARN("shard %u: cannot pin to cpu %d: %s", index_, cpu_, std::strerror(rc));
        }
    }
    char name[16];
    std::snprintf(name, sizeof(name), "rg-shard-%u", index_);
    pthread_setname_np(pthread_self(), name);

    auto init = ring_.init(io::RingOptions{limits::ring_sq_entries, limits::ring_cq_entries});
    if (!init.ok()) {
        return init;
    }
    auto br = buffers_.init(&ring_, 0, limits::recv_buffer_count, limits::recv_buffer_bytes);
    if (!br.ok()) {
        return br;
    }
    ring_fd_.store(ring_.fd(), std::memory_order_release);
    return ok_result();
}

void Shard::run(ServiceFactory factory) {
    auto ready = setup();
    if (ready.ok()) {
        service_ = factory(*this);
        if (!service_) {
            ready = Error::make(ErrorCode::config, "service start failed");
        }
    }
    if (!ready.ok()) {
        start_error_ = ready.error();
        start_state_.store(2, std::memory_order_release);
        start_state_.notify_all();
        return;
    }
    service_->on_settings(settings_);
    start_state_.store(1, std::memory_order_release);
    start_state_.notify_all();
    loop();
    service_.reset();
    exited_.store(true, std::memory_order_release);
}

void Shard::loop() {
    while (!stop_) {
        service_->before_submit();
        buffers_.publish();
        if (draining_ && service_->finished()) {
            break;
        }
        int err = 0;
        if (!ring_.submit_and_wait(0, &err)) {
            RG_ERROR("shard %u: io_uring_enter failed: %s", index_, std::strerror(err));
            break;
        }
        ring_.dispatch_completions();
        heartbeat_.store(heartbeat_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    }
    // Let the kernel finish what is in flight (cancellations, closes) before the ring goes.
    ring_.submit();
}

void Shard::on_mailbox(io::Operation* op, int32_t res, uint32_t) {
    auto* self = static_cast<Shard*>(op->owner);
    self->handle_message(static_cast<Message>(res));
}

void Shard::handle_message(Message m) {
    switch (m) {
        case Message::reload: {
            std::shared_ptr<const Settings>* fresh =
                pending_settings_.exchange(nullptr, std::memory_order_acq_rel);
            if (fresh != nullptr) {
                settings_ = std::move(*fresh);
                delete fresh;
                service_->on_settings(settings_);
            }
            break;
        }
        case Message::drain:
            if (!draining_) {
                draining_ = true;
                service_->on_drain(drain_deadline_ms_.load());
            }
            break;
        case Message::ping:
            break;  // the heartbeat advances when this loop turn completes
        case Message::stop:
            stop_ = true;
            break;
    }
}

void Shard::arm_timer(uint64_t deadline_ms) {
    if (timer_deadline_ms_ != 0 && timer_deadline_ms_ <= deadline_ms) {
        return;  // the armed timeout fires first; on_timer() asks again after it
    }
    if (timer_deadline_ms_ != 0) {
        // Move the armed timeout earlier instead of adding a second one.
        update_ts_.tv_sec = static_cast<int64_t>(deadline_ms / 1000);
        update_ts_.tv_nsec = static_cast<long long>((deadline_ms % 1000) * 1000000);
        io_uring_sqe* sqe = ring_.sqe();
        io_uring_prep_timeout_update(sqe, &update_ts_, reinterpret_cast<uint64_t>(&timer_op_),
                                     IORING_TIMEOUT_ABS);
        timer_deadline_ms_ = deadline_ms;
        return;
    }
    timer_ts_.tv_sec = static_cast<int64_t>(deadline_ms / 1000);
    timer_ts_.tv_nsec = static_cast<long long>((deadline_ms % 1000) * 1000000);
    io_uring_sqe* sqe = ring_.sqe();
    io_uring_prep_timeout(sqe, &timer_ts_, 0, IORING_TIMEOUT_ABS);
    io::Ring::bind(sqe, &timer_op_);
    timer_deadline_ms_ = deadline_ms;
}

void Shard::on_timer_fired(io::Operation* op, int32_t, uint32_t) {
    auto* self = static_cast<Shard*>(op->owner);
    self->timer_deadline_ms_ = 0;
    uint64_t next = self->service_->on_timer(monotonic_ms());
    if (next != 0) {
        self->arm_timer(next);
    }
}

}  // namespace rg::shard
