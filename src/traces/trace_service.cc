#include "traces/trace_service.h"

#include <pthread.h>

#include <chrono>

#include "base/clock.h"
#include "base/log.h"
#include "traces/trace_json.h"

namespace rg::traces {
namespace {

constexpr uint32_t producers_max = 280;
// After a failed SQLite batch, wait this long before trying again.
constexpr uint64_t sink_retry_ms = 1000;

void set(std::atomic<uint64_t>& c, uint64_t v) {
    c.store(v, std::memory_order_relaxed);
}

}  // namespace

TraceService::TraceService(TraceServiceOptions options) : options_(std::move(options)) {
    sqlite_ = !options_.sqlite_path.empty();
}

TraceService::~TraceService() {
    stop();
}

Result<void> TraceService::start() {
    RG_ASSERT(!running_);
    spool::WriterOptions wo;
    wo.dir = options_.spool_dir;
    wo.max_bytes = options_.spool_max_bytes;
    wo.batch_records_max = options_.spool_batch_records;
    Result<void> opened = writer_.open(wo);
    if (!opened.ok()) {
        return opened;
    }
    if (sqlite_) {
        Result<void> db = sink_.open(options_.sqlite_path);
        if (!db.ok()) {
            RG_ERROR("traces database %s: %s", options_.sqlite_path.c_str(),
                     sink_.last_error().c_str());
            return db;
        }
        Result<void> r = reader_.open(options_.spool_dir, "sqlite");
        if (!r.ok()) {
            return r;
        }
        // The database's cursor may be ahead of the file's (it is written lazily): skip what
        // the database holds. Not when it is past every seq the spool has given (a spool
        // started afresh): then everything from the file's cursor is inserted again.
        uint64_t db_seq = sink_.cursor_stored().last_seq;
        if (db_seq <= writer_.last_seq()) {
            sink_skip_to_seq_ = db_seq;
        }
        queries_ = std::make_unique<QueryService>(options_.sqlite_path, options_.query_slots);
        Result<void> q = queries_->start();
        if (!q.ok()) {
            queries_.reset();
            return q;
        }
    }
    last_flush_ms_ = last_housekeeping_ms_ = last_retention_ms_ = last_durable_ms_ = monotonic_ms();
    last_retention_ms_ -= options_.retention_interval_ms;  // a first pass at start
    last_row_retention_ms_ = last_retention_ms_;
    running_ = true;
    thread_ = std::thread([this] { run(); });
    if (sqlite_) {
        sink_thread_ = std::thread([this] { run_sink(); });
    }
    return ok_result();
}

TraceProducer& TraceService::add_producer() {
    uint32_t n = producer_count_.load(std::memory_order_relaxed);
    RG_ASSERT(n < producers_max);
    producers_.push_back(std::make_unique<TraceProducer>(options_.ring_records));
    producer_list_[n].store(producers_.back().get(), std::memory_order_release);
    producer_count_.store(n + 1, std::memory_order_release);
    return *producers_.back();
}

bool TraceService::sync(uint32_t timeout_ms) {
    if (!running_) {
        return false;
    }
    std::unique_lock<std::mutex> lock(mu_);
    uint64_t ticket = ++sync_requested_;
    wake_.notify_one();
    return done_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] {
        return sync_done_ >= ticket && (!sqlite_ || sink_sync_done_ >= ticket);
    });
}

void TraceService::stop() {
    if (running_) {
        {
            std::lock_guard<std::mutex> lock(mu_);
            stop_ = true;
        }
        wake_.notify_one();
        thread_.join();  // its last pass spooled everything
        if (sink_thread_.joinable()) {
            {
                std::lock_guard<std::mutex> lock(mu_);
                sink_stop_ = true;
            }
            sink_wake_.notify_one();
            sink_thread_.join();  // its last pass put everything spooled in the database
        }
        running_ = false;
    }
    if (queries_ != nullptr) {
        queries_->stop();
    }
    writer_.close();
    reader_.close();
    sink_.close();
}

TraceCounts TraceService::counts() const {
    TraceCounts c;
    uint32_t n = producer_count_.load(std::memory_order_acquire);
    for (uint32_t i = 0; i < n; ++i) {
        c.dropped_ring_full += producer_list_[i].load(std::memory_order_acquire)->dropped();
    }
    c.spooled = spooled_.load(std::memory_order_relaxed);
    c.dropped_spool_full = dropped_spool_full_.load(std::memory_order_relaxed);
    c.dropped_other = dropped_other_.load(std::memory_order_relaxed);
    c.rows_inserted = rows_inserted_.load(std::memory_order_relaxed);
    c.rows_duplicate = rows_duplicate_.load(std::memory_order_relaxed);
    c.sink_errors = sink_errors_.load(std::memory_order_relaxed);
    c.rows_expired = rows_expired_.load(std::memory_order_relaxed);
    return c;
}

void TraceService::run() {
    pthread_setname_np(pthread_self(), "rg-traces");
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
        const bool stopping = stop_;
        const uint64_t ticket = sync_requested_;
        const bool force = stopping || ticket != sync_done_;
        lock.unlock();
        // Every trace committed before the lock above was taken is drained here.
        bool busy = pass(force);
        lock.lock();
        sync_done_ = ticket;
        sink_sync_requested_ = ticket;  // the sink thread takes it from here
        sink_wake_.notify_one();
        done_.notify_all();
        if (stopping) {
            return;
        }
        if (!busy) {
            wake_.wait_for(lock, std::chrono::milliseconds(options_.interval_ms),
                           [&] { return stop_ || sync_requested_ != sync_done_; });
        }
    }
}

bool TraceService::pass(bool force) {
    uint32_t drained = drain();
    uint64_t now = monotonic_ms();
    if (writer_.pending() > 0 && (force || now - last_flush_ms_ >= options_.flush_interval_ms)) {
        if (!writer_.flush().ok()) {
            RG_ERROR("trace spool %s: write failed; the batch was dropped",
                     options_.spool_dir.c_str());
        }
        last_flush_ms_ = now;
    }
    housekeeping(now, force);
    const spool::WriterStats& ws = writer_.stats();
    set(spooled_, ws.records_written);
    set(dropped_spool_full_, ws.dropped_spool_full);
    set(dropped_other_, ws.dropped_too_large + ws.dropped_io_error);
    return drained >= options_.ring_records / 4;
}

// The sink thread: spool -> SQLite, so spool appends never wait behind a commit.
void TraceService::run_sink() {
    pthread_setname_np(pthread_self(), "rg-traces-sql");
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
        const bool stopping = sink_stop_;
        const uint64_t ticket = sink_sync_requested_;
        const bool force = stopping || ticket != sink_sync_done_;
        lock.unlock();
        // Everything spooled for `ticket` is readable: a forced pass takes all of it.
        bool busy = sink(force);
        while (force && busy) {
            busy = sink(force);
        }
        row_retention(monotonic_ms());
        set(rows_inserted_, sink_.rows_inserted());
        set(rows_duplicate_, sink_.rows_duplicate());
        lock.lock();
        sink_sync_done_ = ticket;
        done_.notify_all();
        if (stopping) {
            return;
        }
        if (!busy) {
            sink_wake_.wait_for(lock, std::chrono::milliseconds(options_.interval_ms), [&] {
                return sink_stop_ || sink_sync_requested_ != sink_sync_done_;
            });
        }
    }
}

void TraceService::row_retention(uint64_t now_ms) {
    if (options_.retention_s == 0 ||
        now_ms - last_row_retention_ms_ < options_.retention_interval_ms) {
        return;
    }
    last_row_retention_ms_ = now_ms;
    uint64_t now_s = wall_ms() / 1000;
    if (now_s > options_.retention_s) {
        uint64_t cutoff_us = (now_s - options_.retention_s) * 1000000;
        rows_expired_.fetch_add(sink_.delete_before(cutoff_us), std::memory_order_relaxed);
    }
}

uint32_t TraceService::drain() {
    uint32_t total = 0;
    const uint32_t n = producer_count_.load(std::memory_order_acquire);
    for (uint32_t i = 0; i < n; ++i) {
        TraceProducer* p = producer_list_[i].load(std::memory_order_acquire);
        total += p->ring().drain([&](const TraceSlot& s) {
            json_.clear();
            append_trace_json(s, json_);
            (void)writer_.append(json_);  // drops are counted by the writer
        });
    }
    return total;
}

// Moves spooled records into SQLite: one transaction per batch with the cursor past it;
// the cursor file follows only a durable (synced) commit, at most every second (README.md).
bool TraceService::sink(bool force) {
    uint64_t now = monotonic_ms();
    if (!force && now < sink_retry_at_ms_) {
        return false;
    }
    const bool durable = force || now - last_durable_ms_ >= options_.sink_durable_interval_ms;
    spool::Record rec;
    bool have = reader_.next(&rec);
    // Records the database already holds (its cursor is ahead of the file's): skipped.
    while (have && rec.seq <= sink_skip_to_seq_) {
        have = reader_.next(&rec);
    }
    const bool behind = reader_.position().last_seq != reader_.committed().last_seq;
    if (!have && !(durable && behind)) {
        return false;
    }
    sink_.begin_batch(durable);
    uint32_t n = 0;
    while (have) {
        (void)sink_.add(rec.payload);  // a payload that is not a trace is skipped
        have = ++n < options_.sink_batch_records && reader_.next(&rec);
    }
    if (!sink_.commit_batch(reader_.position()).ok()) {
        reader_.rewind();
        sink_skip_to_seq_ = sink_.cursor_stored().last_seq;
        sink_errors_.fetch_add(1, std::memory_order_relaxed);
        sink_retry_at_ms_ = now + sink_retry_ms;
        RG_ERROR("traces database: a batch of %u failed (%s); retried in %llu ms", n,
                 sink_.last_error().c_str(), static_cast<unsigned long long>(sink_retry_ms));
        return false;
    }
    if (durable) {
        last_durable_ms_ = now;
        if (!reader_.commit(reader_.position()).ok()) {
            RG_ERROR("trace spool: cannot save the sqlite cursor; its records may come again");
        }
    }
    return n >= options_.sink_batch_records;
}

void TraceService::housekeeping(uint64_t now_ms, bool force) {
    if (force || now_ms - last_housekeeping_ms_ >= options_.housekeeping_interval_ms) {
        last_housekeeping_ms_ = now_ms;
        (void)writer_.delete_consumed();
    }
    if (options_.retention_s == 0 || now_ms - last_retention_ms_ < options_.retention_interval_ms) {
        return;
    }
    last_retention_ms_ = now_ms;
    uint64_t now_s = wall_ms() / 1000;
    if (now_s <= options_.retention_s) {
        return;
    }
    (void)writer_.delete_older_than(now_s - options_.retention_s);  // rows: row_retention()
}

}  // namespace rg::traces
