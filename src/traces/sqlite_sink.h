// SqliteSink: the `sqlite` consumer's database. Opens (creating) the file in WAL mode,
// creates the schema (columns named as the trace payload's fields; indexes on ts_us,
// client, model, status; the table `spool_cursor`), and inserts batches of spool payloads
// in one transaction with a prepared `INSERT OR IGNORE` (at-least-once delivery: a trace
// id already there is skipped). Each batch stores the spool cursor past its records in the
// same transaction, so rows and cursor commit together. A batch commits with
// synchronous=NORMAL (not synced) unless begun `durable` (FULL: the WAL is synced, and with
// it every earlier commit): only a durable commit's cursor may go to the spool's cursor
// file (README.md: durability).
// Thread: the trace thread only (blocking).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "spool/format.h"

struct sqlite3;
struct sqlite3_stmt;

namespace rg::traces {

class SqliteSink {
  public:
    SqliteSink() = default;
    SqliteSink(const SqliteSink&) = delete;
    SqliteSink& operator=(const SqliteSink&) = delete;
    ~SqliteSink();

    // Opens or creates the database (its directory must exist) and the schema.
    Result<void> open(const std::string& path);
    void close();

    // `durable`: the commit is synced (with every one before it).
    void begin_batch(bool durable);
    // One spool payload into the open batch. False when it is not a trace object (skipped,
    // counted).
    bool add(std::string_view payload);
    // Commits the batch with `cursor` (past its records). On failure it is rolled back: the
    // caller reads the records again.
    Result<void> commit_batch(const spool::Cursor& cursor);

    // The cursor last committed (at open: the one stored in the database, zero if none).
    const spool::Cursor& cursor_stored() const { return cursor_stored_; }
    // The cursor of the last durable commit (zero if none since open).
    const spool::Cursor& cursor_durable() const { return cursor_durable_; }

    // Deletes traces that started before `cutoff_us`; returns how many.
    uint64_t delete_before(uint64_t cutoff_us);

    uint64_t rows_inserted() const { return rows_inserted_; }
    uint64_t rows_duplicate() const { return rows_duplicate_; }
    uint64_t payloads_invalid() const { return payloads_invalid_; }
    const std::string& last_error() const { return last_error_; }

  private:
    bool exec(const char* sql);
    bool load_cursor();
    bool save_cursor(const spool::Cursor& c);

    sqlite3* db_ = nullptr;
    sqlite3_stmt* insert_ = nullptr;
    sqlite3_stmt* cursor_ = nullptr;
    spool::Cursor cursor_stored_;
    spool::Cursor cursor_durable_;
    bool in_batch_ = false;
    bool batch_durable_ = false;
    bool batch_failed_ = false;
    uint64_t batch_inserted_ = 0;
    uint64_t batch_duplicate_ = 0;
    uint64_t rows_inserted_ = 0;
    uint64_t rows_duplicate_ = 0;
    uint64_t payloads_invalid_ = 0;
    std::string last_error_;
    std::string scratch_;
};

// The schema, for the sink and for tests. Idempotent (IF NOT EXISTS).
extern const char* const sqlite_schema;

}  // namespace rg::traces
