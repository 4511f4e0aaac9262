// SqliteSink: the `sqlite` consumer's database. Opens (creating) the file in WAL mode with
// synchronous=FULL (a batch is durable before the spool cursor moves past it), creates the
// schema (columns named as the trace payload's fields; indexes on ts_us, client, model,
// status), and inserts batches of spool payloads in one transaction with a prepared
// `INSERT OR IGNORE` (at-least-once delivery: a trace id already there is skipped).
// Thread: the trace thread only (blocking).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

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

    void begin_batch();
    // One spool payload into the open batch. False when it is not a trace object (skipped,
    // counted).
    bool add(std::string_view payload);
    // Commits the batch. On failure it is rolled back: the caller reads the records again.
    Result<void> commit_batch();

    // Deletes traces that started before `cutoff_us`; returns how many.
    uint64_t delete_before(uint64_t cutoff_us);

    uint64_t rows_inserted() const { return rows_inserted_; }
    uint64_t rows_duplicate() const { return rows_duplicate_; }
    uint64_t payloads_invalid() const { return payloads_invalid_; }
    const std::string& last_error() const { return last_error_; }

  private:
    bool exec(const char* sql);

    sqlite3* db_ = nullptr;
    sqlite3_stmt* insert_ = nullptr;
    bool in_batch_ = false;
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
