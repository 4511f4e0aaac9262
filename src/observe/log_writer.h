// Access and audit log off the request path. Each producer thread (a worker, the control
// thread, the admin shard) owns a LogProducer: two single-producer rings of fixed-size
// slots. A push copies the record into a slot and publishes it; when the ring is full the
// record is dropped and counted, so a worker never waits on the log. One writer thread
// drains every ring, formats JSON lines and writes them in batches to stderr (journald) or
// a file, which it reopens on request (SIGUSR1, logrotate). stop() drains everything.
// Threads: LogWriter's methods run on the control thread; each LogProducer on its owner.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "observe/log_records.h"
#include "observe/observe_limits.h"
#include "observe/spsc_ring.h"

namespace rg::observe {

class LogProducer {
  public:
    LogProducer(uint32_t access_records, uint32_t audit_records, bool access_off = false);

    // Owner thread. False when the ring was full: the record is dropped and counted. With
    // the access log off (`logging.access_log: off`) an access record is ignored (false,
    // not counted); audit records are still written.
    bool push(const AccessRecord& r);
    bool push(const AuditRecord& r);

    // Any thread.
    uint64_t access_dropped() const { return access_dropped_.load(std::memory_order_relaxed); }
    uint64_t audit_dropped() const { return audit_dropped_.load(std::memory_order_relaxed); }

  private:
    friend class LogWriter;
    static void count(std::atomic<uint64_t>& c) {
        c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    }

    SpscRing<AccessSlot> access_;
    SpscRing<AuditSlot> audit_;
    const bool access_off_;
    std::atomic<uint64_t> access_dropped_{0};  // written by the owner only
    std::atomic<uint64_t> audit_dropped_{0};
};

struct LogWriterOptions {
    // "stderr" or "" for stderr, "off" for no access log, else a file (appended).
    std::string access_path = "stderr";
    // Empty: audit lines go with the access lines (to stderr when the access log is off).
    std::string audit_path;
    uint32_t access_ring_records = limits::access_ring_records_default;
    uint32_t audit_ring_records = limits::audit_ring_records_default;
    uint32_t interval_ms = limits::writer_interval_ms_default;
};

class LogWriter {
  public:
    explicit LogWriter(LogWriterOptions options);
    LogWriter(const LogWriter&) = delete;
    LogWriter& operator=(const LogWriter&) = delete;
    ~LogWriter();  // stop()s

    // Opens the targets and starts the writer thread. False (nothing started) when a file
    // cannot be opened; errno tells why.
    bool start();
    // A producer for one thread; any time, from the control thread. Lives as long as the
    // writer.
    LogProducer& add_producer();
    // Asks the writer to reopen its files before its next batch and waits for it. False
    // when a file could not be opened (that target keeps its old descriptor).
    bool reopen();
    // Async-signal-safe: the writer reopens at its next pass (within interval_ms).
    void request_reopen() { reopen_requested_.store(true, std::memory_order_relaxed); }
    // Waits until every record pushed before this call (by threads this one has
    // synchronised with) is written.
    void flush();
    // Drains every ring, writes, closes the files and joins the thread. Records pushed
    // after stop() returns stay in their ring, unwritten. Idempotent.
    void stop();

    // Any thread.
    uint64_t access_written() const { return access_written_.load(std::memory_order_relaxed); }
    uint64_t audit_written() const { return audit_written_.load(std::memory_order_relaxed); }
    uint64_t write_errors() const { return write_errors_.load(std::memory_order_relaxed); }
    uint64_t access_dropped() const;
    uint64_t audit_dropped() const;

  private:
    struct Sink {
        std::string path;  // empty: stderr
        int fd = -1;
        std::string batch;
        bool open();
        bool reopen();
        void close();
    };

    void run();
    bool drain_all();  // true when it wrote anything
    void append(Sink& sink, const char* line, size_t n);
    void write_out(Sink& sink);
    bool do_reopen();

    LogWriterOptions options_;
    Sink access_;
    Sink audit_;
    bool separate_audit_ = false;
    bool access_off_ = false;
    std::array<std::atomic<LogProducer*>, limits::log_producers_max> producers_{};
    std::atomic<uint32_t> producer_count_{0};
    std::vector<std::unique_ptr<LogProducer>> owned_;  // control thread only
    std::thread thread_;
    bool running_ = false;  // control thread only

    std::mutex mu_;  // writer <-> control thread only; producers never take it
    std::condition_variable wake_;
    std::condition_variable done_;
    bool stop_ = false;
    uint64_t flush_requested_ = 0;
    uint64_t flush_done_ = 0;
    uint64_t reopen_requested_seq_ = 0;
    uint64_t reopen_done_seq_ = 0;
    bool reopen_ok_ = true;
    std::atomic<bool> reopen_requested_{false};

    std::atomic<uint64_t> access_written_{0};
    std::atomic<uint64_t> audit_written_{0};
    std::atomic<uint64_t> write_errors_{0};
    char line_[limits::log_line_bytes_max];
};

}  // namespace rg::observe
