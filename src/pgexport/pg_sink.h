// The PostgreSQL side of ringgate-pgexport: one libpq connection, the traces table (created
// if missing), batched idempotent inserts and the retention delete. Blocking libpq calls:
// this runs on the exporter's only thread, in its own process, never in ringgate (libpq
// links OpenSSL 3, which must not share a process with BoringSSL).
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace rg::pgexport {

// Columns are the trace payload's field names (the spool contract), so the server maps a
// batch of JSON objects onto rows with jsonb_populate_recordset; fields outside the
// contract are dropped there, which keeps anything else out of the table.
inline constexpr const char* kTracesTable = "traces";

struct InsertOutcome {
    bool committed = false;  // false: nothing is known to be stored; retry the batch later
    uint64_t inserted = 0;   // new rows (ids already present are skipped, not counted)
    uint64_t rejected = 0;   // records the server refused as data (bad JSON, wrong types)
};

class PgSink {
  public:
    explicit PgSink(std::string dsn) : dsn_(std::move(dsn)) {}
    ~PgSink() { disconnect(); }
    PgSink(const PgSink&) = delete;
    PgSink& operator=(const PgSink&) = delete;

    // Connects and creates the table and its ts_us index if missing. On failure returns
    // false with the reason in last_error() (libpq's message, first line; no password).
    bool connect();
    bool connected() const { return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK; }
    void disconnect();

    // Inserts the records (each one JSON object) in one statement, one transaction:
    // `INSERT ... ON CONFLICT (id) DO NOTHING`. When the server refuses the batch as data,
    // the records go one at a time and the refused ones are counted in `rejected` (so one
    // bad record cannot stall the spool). A lost connection returns committed = false.
    InsertOutcome insert(std::span<const std::string_view> payloads);

    // Deletes rows whose ts_us is before `cutoff_us`; false when the statement failed.
    bool delete_before(int64_t cutoff_us, uint64_t* deleted);

    const std::string& last_error() const { return last_error_; }

  private:
    enum class Exec : uint8_t { ok, data_error, failed };
    Exec exec(const char* sql, const char* param, uint64_t* rows);
    Exec insert_array(std::span<const std::string_view> payloads, uint64_t* rows);
    InsertOutcome insert_one_by_one(std::span<const std::string_view> payloads);

    std::string dsn_;
    PGconn* conn_ = nullptr;
    std::string batch_;  // "[payload,payload,...]", reused between batches
    std::string last_error_;
};

}  // namespace rg::pgexport
