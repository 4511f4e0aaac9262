// TraceService: the trace thread. Drains every worker's TraceProducer ring, formats each
// trace as JSON and appends it to the spool (flushed with fdatasync every 100 ms or 4096
// records) and runs spool retention and clean-up. With a SQLite database a second thread,
// the sink thread, is the spool's `sqlite` consumer (batches of records into one
// transaction each with the cursor; README.md: durability) and deletes expired rows, so
// spool appends never wait behind SQLite. It owns the QueryService that answers the admin
// API. A full ring drops at the worker; a full spool drops here.
// Threads: methods on the control thread (start before workers, stop after them);
// producers on their workers; counts() anywhere.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/result.h"
#include "spool/spool_reader.h"
#include "spool/spool_writer.h"
#include "traces/query_service.h"
#include "traces/sqlite_sink.h"
#include "traces/trace_producer.h"

namespace rg::traces {

struct TraceServiceOptions {
    std::string spool_dir;                     // storage.spool
    uint64_t spool_max_bytes = 1ull << 30;     // storage.spool_max_bytes
    uint64_t retention_s = 30ull * 86400;      // storage.retention
    std::string sqlite_path;                   // empty: spool only (PostgreSQL exporter)
    uint32_t ring_records = 512;               // per worker (power of two)
    uint32_t interval_ms = 10;                 // drain pass when idle
    uint32_t flush_interval_ms = 100;          // contract: a batch at least every 100 ms
    uint32_t spool_batch_records = 4096;       // records per spool write + fdatasync, at most
    uint32_t sink_batch_records = 4096;        // rows per SQLite transaction, at most
    uint32_t sink_durable_interval_ms = 1000;  // a synced commit + cursor file, at most
    uint32_t housekeeping_interval_ms = 1000;  // spool segment deletion
    uint32_t retention_interval_ms = 60000;    // retention pass
    uint32_t query_slots = 16;                 // admin queries in flight
};

// Monotonic counts, readable from any thread.
struct TraceCounts {
    uint64_t spooled = 0;            // records appended to the spool
    uint64_t dropped_ring_full = 0;  // at the workers
    uint64_t dropped_spool_full = 0;
    uint64_t dropped_other = 0;  // too large, or a spool write error
    uint64_t rows_inserted = 0;  // into SQLite
    uint64_t rows_duplicate = 0;
    uint64_t sink_errors = 0;   // SQLite batches that failed (read again later)
    uint64_t rows_expired = 0;  // deleted by retention
};

class TraceService {
  public:
    explicit TraceService(TraceServiceOptions options);
    ~TraceService();
    TraceService(const TraceService&) = delete;
    TraceService& operator=(const TraceService&) = delete;

    // Opens the spool (and the database), starts the thread (and the query thread).
    Result<void> start();
    // A producer for one worker; control thread, before that worker starts.
    TraceProducer& add_producer();
    // The admin queries; null without a SQLite database.
    QueryService* queries() { return queries_.get(); }
    // Waits until every trace committed before this call is in the spool and, with SQLite,
    // in the database. False after timeout_ms.
    bool sync(uint32_t timeout_ms);
    // Drains, flushes, sinks what is spooled and joins both threads. Idempotent.
    void stop();

    TraceCounts counts() const;

  private:
    void run();
    bool pass(bool force);
    uint32_t drain();
    void housekeeping(uint64_t now_ms, bool force);
    void run_sink();
    bool sink(bool force);
    void row_retention(uint64_t now_ms);

    TraceServiceOptions options_;
    spool::SpoolWriter writer_;
    spool::SpoolReader reader_;
    SqliteSink sink_;
    bool sqlite_ = false;
    std::unique_ptr<QueryService> queries_;
    std::vector<std::unique_ptr<TraceProducer>> producers_;  // control thread
    std::atomic<TraceProducer*> producer_list_[280] = {};
    std::atomic<uint32_t> producer_count_{0};
    std::thread thread_;
    std::thread sink_thread_;  // with SQLite: reader_ and sink_ belong to it
    bool running_ = false;

    // Trace thread only.
    std::string json_;
    uint64_t last_flush_ms_ = 0;
    uint64_t last_housekeeping_ms_ = 0;
    uint64_t last_retention_ms_ = 0;

    // Sink thread only.
    uint64_t sink_retry_at_ms_ = 0;
    uint64_t last_durable_ms_ = 0;
    uint64_t last_row_retention_ms_ = 0;
    uint64_t sink_skip_to_seq_ = 0;  // records at or below: already in the database

    std::mutex mu_;  // trace thread <-> control thread; workers never take it
    std::condition_variable wake_;
    std::condition_variable sink_wake_;
    std::condition_variable done_;
    bool stop_ = false;
    bool sink_stop_ = false;
    uint64_t sync_requested_ = 0;
    uint64_t sync_done_ = 0;            // spooled
    uint64_t sink_sync_requested_ = 0;  // spooled, for the sink thread
    uint64_t sink_sync_done_ = 0;       // in the database

    std::atomic<uint64_t> spooled_{0};
    std::atomic<uint64_t> dropped_spool_full_{0};
    std::atomic<uint64_t> dropped_other_{0};
    std::atomic<uint64_t> rows_inserted_{0};
    std::atomic<uint64_t> rows_duplicate_{0};
    std::atomic<uint64_t> sink_errors_{0};
    std::atomic<uint64_t> rows_expired_{0};
};

}  // namespace rg::traces
