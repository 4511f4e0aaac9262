// The exporter's loop: read a batch from the spool, insert it into PostgreSQL in one
// transaction, commit the cursor, repeat; wait for new segments' bytes with inotify (and a
// periodic re-read as fallback); reconnect with exponential backoff while PostgreSQL is
// down (the cursor stays, records wait in the spool); delete rows past the retention
// hourly; on SIGTERM/SIGINT finish the batch in hand, save the cursor and return 0.
// Single-threaded: the main thread owns everything here.
#pragma once

#include <chrono>
#include <cstdint>

#include "pgexport/pg_sink.h"
#include "pgexport/settings.h"
#include "pgexport/spool_tail.h"

namespace rg::pgexport {

class Exporter {
  public:
    using Clock = std::chrono::steady_clock;

    explicit Exporter(const Settings& settings);
    ~Exporter();
    Exporter(const Exporter&) = delete;
    Exporter& operator=(const Exporter&) = delete;

    // Runs until SIGTERM/SIGINT (returns 0) or a local fault such as an unwritable cursor
    // (returns 1). Blocks SIGTERM/SIGINT and takes them through a signalfd.
    int run();

  private:
    bool setup_signals();
    bool open_spool();
    // Waits up to `timeout_ms` for a signal or a segment change; false once stop is asked.
    bool wait(int timeout_ms);
    bool stop_requested();
    void drain_inotify();
    bool ensure_connected();
    void on_db_failure(const char* what);
    void maybe_apply_retention();
    // One read-insert-commit round; false when the spool had nothing new.
    bool ship_once(bool* fault);

    const Settings& settings_;
    SpoolTail tail_;
    PgSink sink_;
    Batch batch_;
    int signal_fd_ = -1;
    int inotify_fd_ = -1;
    bool stop_ = false;
    // Outage episode: logged once at its start and once at its end.
    bool db_down_ = false;
    uint32_t failed_attempts_ = 0;
    uint32_t backoff_ms_ = 0;
    Clock::time_point next_retention_{};
    uint64_t shipped_ = 0;
    uint64_t rejected_ = 0;
};

}  // namespace rg::pgexport
