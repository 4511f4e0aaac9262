// QueryService: the admin API's trace queries, off the workers. A thread of its own with a
// read-only SQLite connection (TraceQueries) and a small io_uring ring that workers post
// to with IORING_OP_MSG_RING (user_data: the Query). It runs the query and posts the
// answer back to the asking worker's ring the same way (user_data: &Query::done), so a
// worker never blocks, locks or allocates for it. Queries live in a fixed pool owned here,
// which outlives the workers: an answer for a worker that has gone lands in valid memory.
// Threads: acquire/release from any worker (atomic flags); the rest runs on its thread,
// started and stopped by the control thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "base/result.h"
#include "io/operation.h"
#include "traces/trace_queries.h"

namespace rg::traces {

enum class QueryKind : uint8_t { list = 0, get = 1, usage = 2 };

inline constexpr uint32_t query_text_bytes = 2048;

struct Query {
    // Worker side. `sent` completes when the worker's MSG_RING was delivered (res < 0: it
    // was not: answer 503); `done` when the answer is in `answer`.
    io::Operation sent;
    io::Operation done;
    void* context = nullptr;  // the worker's: what waits for the answer (null: nothing)
    int reply_ring_fd = -1;
    QueryKind kind = QueryKind::list;
    uint16_t text_len = 0;
    char text[query_text_bytes];  // the raw query string, or the trace id for `get`
    Answer answer;                // written by the query thread
    uint32_t reply_tries = 0;     // query thread only
    std::atomic<bool> busy{false};

    std::string_view text_view() const { return {text, text_len}; }
};

class QueryService {
  public:
    QueryService(std::string db_path, uint32_t slots);
    ~QueryService();
    QueryService(const QueryService&) = delete;
    QueryService& operator=(const QueryService&) = delete;

    // Control thread: opens the database read-only, creates the ring, starts the thread.
    Result<void> start();
    void stop();

    // Any worker: a free query, or nullptr when every one is in flight (answer 503).
    Query* acquire();
    // The worker that acquired it, once its answer was used (or will never come).
    void release(Query* q) { q->busy.store(false, std::memory_order_release); }
    // The ring to post queries to (valid after start()).
    int ring_fd() const { return ring_fd_.load(std::memory_order_acquire); }

    uint64_t answered() const { return answered_.load(std::memory_order_relaxed); }

  private:
    void run();
    void answer(Query* q);
    bool post_reply(Query* q);

    std::string db_path_;
    std::unique_ptr<Query[]> queries_;
    uint32_t slots_;
    std::thread thread_;
    std::atomic<int> ring_fd_{-1};
    std::atomic<int> start_state_{0};  // 0 starting, 1 running, 2 failed
    std::atomic<bool> stop_{false};
    std::atomic<uint64_t> answered_{0};
    Error start_error_{};
    TraceQueries db_;
};

}  // namespace rg::traces
