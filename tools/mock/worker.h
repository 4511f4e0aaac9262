// Worker: one thread's event loop (epoll, edge-triggered) with its own SO_REUSEPORT
// listeners, connections, timer heap, scratch buffers, JSON parser and attempt log.
// Shard-local: everything here is created, used and destroyed on the worker's thread,
// except stop(), which any thread may call.
#pragma once

#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

#include "base/byte_buffer.h"
#include "mock/answer.h"
#include "mock/fault_rules.h"
#include "mock/http_writer.h"
#include "mock/shared.h"

namespace rg::mock {

class Conn;

class Worker {
  public:
    Worker(Shared* shared, uint32_t index, int http_fd, int https_fd);
    ~Worker();
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    // Creates the epoll set; false (with errno) on failure.
    bool init();
    void run();
    // Thread-safe: asks the loop to exit.
    void stop();

    Shared& shared() { return *shared_; }
    AttemptLog& log() { return *shared_->logs[index_]; }
    DateCache& dates() { return dates_; }
    BodyParser& json() { return json_; }
    ByteBuffer& body_scratch() { return body_scratch_; }
    ByteBuffer& event_scratch() { return event_scratch_; }
    RuleCache& rules() { return rules_; }
    uint64_t now_ns() const { return now_ns_; }
    uint64_t now_s() const { return now_s_; }
    // Fresh answer id: unique across workers for this process.
    uint64_t next_answer_id() { return (uint64_t{index_} << 40) | ++answer_ids_; }

    // Connection services.
    void arm_timer(Conn* conn, uint64_t deadline_ns, uint64_t seq);
    void release(Conn* conn);  // deleted at the end of the loop turn
    void again(Conn* conn);    // revisit next turn (read budget or drive rounds exhausted)

  private:
    struct Timer {
        uint64_t deadline_ns;
        uint32_t slot;
        uint64_t serial;
        uint64_t seq;
        bool operator>(const Timer& o) const { return deadline_ns > o.deadline_ns; }
    };

    void accept_all(int listen_fd, bool tls);
    void run_timers();
    void run_again();
    int64_t timeout_ns() const;  // -1: no timer pending
    void refresh_clock();
    void reap();

    Shared* shared_;
    uint32_t index_;
    int http_fd_;
    int https_fd_;
    int epoll_fd_ = -1;
    int wake_fd_ = -1;
    bool stopping_ = false;
    uint64_t now_ns_ = 0;
    uint64_t now_s_ = 0;
    uint64_t answer_ids_ = 0;
    uint64_t serials_ = 0;
    DateCache dates_;
    BodyParser json_;
    ByteBuffer body_scratch_;
    ByteBuffer event_scratch_;
    RuleCache rules_;
    std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers_;
    std::vector<Conn*> slots_;
    std::vector<uint32_t> free_slots_;
    std::vector<Conn*> graveyard_;
    struct AgainEntry {
        uint32_t slot;
        uint64_t serial;
    };
    std::vector<AgainEntry> again_;
    std::vector<AgainEntry> again_run_;
};

}  // namespace rg::mock
