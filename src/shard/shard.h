// Shard: one worker thread pinned to one core, with its own ring, provided-buffer ring,
// timer and mailbox. Everything a shard owns is touched only by its thread, except the
// mailbox slots and counters documented below, which the control thread writes or reads
// through atomics.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <thread>

#include "base/result.h"
#include "io/buffer_ring.h"
#include "io/operation.h"
#include "io/ring.h"
#include "shard/settings.h"

namespace rg::shard {

class Shard;

// What runs on a shard (the HTTP server). Called only on the shard's thread.
class Service {
  public:
    virtual ~Service() = default;
    virtual void on_settings(const std::shared_ptr<const Settings>& settings) = 0;
    // Stop accepting; finish in-flight work by `deadline_ms` (monotonic), then close.
    virtual void on_drain(uint64_t deadline_ms) = 0;
    // The shard's timer fired at `now_ms`. Returns the next deadline wanted (0 = none).
    virtual uint64_t on_timer(uint64_t now_ms) = 0;
    // Called once per loop turn after completions were dispatched, before submitting:
    // flush batched sends, re-arm starved receives.
    virtual void before_submit() = 0;
    // True once draining has finished (no connection left).
    virtual bool finished() const = 0;
};

using ServiceFactory = std::function<std::unique_ptr<Service>(Shard& shard)>;

// Messages posted to a shard through IORING_OP_MSG_RING (the CQE's res carries the code).
enum class Message : int32_t { reload = 1, drain = 2, ping = 3, stop = 4 };

class Shard {
  public:
    Shard(uint32_t index, int cpu);
    Shard(const Shard&) = delete;
    Shard& operator=(const Shard&) = delete;
    ~Shard();

    // Starts the thread; blocks until the shard is running (or failed to start).
    Result<void> start(std::shared_ptr<const Settings> settings, ServiceFactory factory);
    void join();

    // --- Control thread side (thread-safe) ---------------------------------------
    int ring_fd() const { return ring_fd_.load(std::memory_order_acquire); }
    uint64_t mailbox_user_data() { return reinterpret_cast<uint64_t>(&mailbox_op_); }
    // Publishes settings for the shard to adopt at its next `reload` message.
    void post_settings(std::shared_ptr<const Settings> settings);
    // Drain deadline the next `drain` message applies.
    void set_drain_deadline(uint64_t deadline_ms) { drain_deadline_ms_.store(deadline_ms); }
    uint64_t heartbeat() const { return heartbeat_.load(std::memory_order_relaxed); }
    bool exited() const { return exited_.load(std::memory_order_acquire); }

    // --- Shard thread side --------------------------------------------------------
    uint32_t index() const { return index_; }
    io::Ring& ring() { return ring_; }
    io::BufferRing& buffers() { return buffers_; }
    const std::shared_ptr<const Settings>& settings() const { return settings_; }
    // Asks for on_timer() no later than `deadline_ms`.
    void wake_at(uint64_t deadline_ms);

  private:
    void run(ServiceFactory factory);
    Result<void> setup();
    void loop();
    static void on_mailbox(io::Operation* op, int32_t res, uint32_t flags);
    static void on_timer_fired(io::Operation* op, int32_t res, uint32_t flags);
    void handle_message(Message m);
    void arm_timer(uint64_t deadline_ms);

    const uint32_t index_;
    const int cpu_;
    std::thread thread_;
    io::Ring ring_;
    io::BufferRing buffers_;
    std::unique_ptr<Service> service_;
    std::shared_ptr<const Settings> settings_;

    io::Operation mailbox_op_;
    io::Operation timer_op_;
    __kernel_timespec timer_ts_{};
    __kernel_timespec update_ts_{};
    uint64_t timer_deadline_ms_ = 0;  // deadline of the armed timeout, 0 when none
    bool draining_ = false;
    bool stop_ = false;

    std::atomic<int> ring_fd_{-1};
    std::atomic<std::shared_ptr<const Settings>*> pending_settings_{nullptr};
    std::atomic<uint64_t> drain_deadline_ms_{0};
    std::atomic<uint64_t> heartbeat_{0};
    std::atomic<int> start_state_{0};  // 0 starting, 1 running, 2 failed
    std::atomic<bool> exited_{false};
    Error start_error_{};
};

}  // namespace rg::shard
