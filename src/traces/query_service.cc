#include "traces/query_service.h"

#include <liburing.h>
#include <pthread.h>

#include <cerrno>
#include <vector>

#include "base/log.h"

namespace rg::traces {
namespace {

// A reply SQE's own completion carries the query's address with this bit set.
constexpr uint64_t reply_tag = 1;
constexpr uint32_t ring_entries = 64;
// Wakes the thread this often to notice stop().
constexpr long long poll_ns = 100 * 1000 * 1000;
// A reply the worker's ring refused (its completion queue full) is tried again this often.
constexpr uint32_t reply_retries_max = 50;

}  // namespace

QueryService::QueryService(std::string db_path, uint32_t slots)
    : db_path_(std::move(db_path)), queries_(std::make_unique<Query[]>(slots)), slots_(slots) {}

QueryService::~QueryService() {
    stop();
}

Result<void> QueryService::start() {
    thread_ = std::thread([this] { run(); });
    int state;
    while ((state = start_state_.load(std::memory_order_acquire)) == 0) {
        start_state_.wait(0, std::memory_order_acquire);
    }
    if (state == 2) {
        thread_.join();
        return start_error_;
    }
    return ok_result();
}

void QueryService::stop() {
    stop_.store(true, std::memory_order_relaxed);
    if (thread_.joinable()) {
        thread_.join();
    }
}

Query* QueryService::acquire() {
    for (uint32_t i = 0; i < slots_; ++i) {
        bool expected = false;
        if (queries_[i].busy.compare_exchange_strong(expected, true, std::memory_order_acquire)) {
            queries_[i].context = nullptr;
            return &queries_[i];
        }
    }
    return nullptr;
}

void QueryService::answer(Query* q) {
    q->answer.body.clear();
    switch (q->kind) {
        case QueryKind::list:
            db_.list(q->text_view(), &q->answer);
            break;
        case QueryKind::get:
            db_.get(q->text_view(), &q->answer);
            break;
        case QueryKind::usage:
            db_.usage(q->text_view(), &q->answer);
            break;
    }
    answered_.fetch_add(1, std::memory_order_relaxed);
}

void QueryService::run() {
    pthread_setname_np(pthread_self(), "rg-trace-query");
    io_uring ring;
    int rc = io_uring_queue_init(ring_entries, &ring, 0);
    Result<void> opened =
        rc == 0
            ? db_.open(db_path_)
            : Result<void>(Error::make(ErrorCode::io, "cannot create the trace query ring", -rc));
    if (!opened.ok()) {
        if (rc == 0) {
            io_uring_queue_exit(&ring);
        }
        start_error_ = opened.error();
        start_state_.store(2, std::memory_order_release);
        start_state_.notify_all();
        return;
    }
    ring_fd_.store(ring.ring_fd, std::memory_order_release);
    start_state_.store(1, std::memory_order_release);
    start_state_.notify_all();
    std::vector<Query*> retry;  // answers a worker's ring refused, posted again next turn
    std::vector<Query*> post;
    while (!stop_.load(std::memory_order_relaxed)) {
        __kernel_timespec ts{0, retry.empty() ? poll_ns : 1000000};
        io_uring_cqe* cqe = nullptr;
        io_uring_wait_cqe_timeout(&ring, &cqe, &ts);
        post.swap(retry);
        retry.clear();
        unsigned head;
        unsigned seen = 0;
        io_uring_for_each_cqe(&ring, head, cqe) {
            ++seen;
            uint64_t data = cqe->user_data;
            if ((data & reply_tag) != 0) {
                auto* q = reinterpret_cast<Query*>(data & ~reply_tag);
                if (cqe->res < 0 && ++q->reply_tries < reply_retries_max) {
                    retry.push_back(q);
                } else if (cqe->res < 0) {
                    RG_WARN("trace query: a worker's ring refused the answer %u times; dropped",
                            reply_retries_max);
                }
            } else if (data != 0) {
                auto* q = reinterpret_cast<Query*>(data);
                q->reply_tries = 0;
                answer(q);
                post.push_back(q);
            }
        }
        io_uring_cq_advance(&ring, seen);
        for (Query* q : post) {
            io_uring_sqe* sqe = io_uring_get_sqe(&ring);
            if (sqe == nullptr) {
                io_uring_submit(&ring);
                sqe = io_uring_get_sqe(&ring);
            }
            io_uring_prep_msg_ring(sqe, q->reply_ring_fd, 0, reinterpret_cast<uint64_t>(&q->done),
                                   0);
            io_uring_sqe_set_data64(sqe, reinterpret_cast<uint64_t>(q) | reply_tag);
        }
        post.clear();
        io_uring_submit(&ring);
    }
    db_.close();
    ring_fd_.store(-1, std::memory_order_release);
    io_uring_queue_exit(&ring);
}

}  // namespace rg::traces
