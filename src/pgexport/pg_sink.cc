#include "pgexport/pg_sink.h"

#include <cstdlib>
#include <cstring>

namespace rg::pgexport {
namespace {

constexpr const char* kCreateTable =
    "CREATE TABLE IF NOT EXISTS traces ("
    " id text PRIMARY KEY,"
    " ts_us bigint NOT NULL,"
    " client text, route text, format text, model text, model_served text,"
    " provider text, key text, status integer, stream boolean, attempts jsonb,"
    " input_tokens bigint, cached_tokens bigint, cache_creation_tokens bigint,"
    " output_tokens bigint, reasoning_tokens bigint, cost_usd_micro bigint,"
    " duration_us bigint, ttft_us bigint, bytes_in bigint, bytes_out bigint,"
    " error text);"
    "CREATE INDEX IF NOT EXISTS traces_ts_us_idx ON traces (ts_us);";

// The batch is one JSON array; the server turns it into rows typed as the table's columns.
constexpr const char* kInsert =
    "INSERT INTO traces SELECT * FROM jsonb_populate_recordset(NULL::traces, $1::jsonb)"
    " ON CONFLICT (id) DO NOTHING";

constexpr const char* kDeleteBefore = "DELETE FROM traces WHERE ts_us < $1::bigint";

// Connection defaults, listed before the URL so that the URL's own parameters win
// (PQconnectdbParams with expand_dbname: later keywords override earlier ones).
constexpr const char* kKeywords[] = {"connect_timeout", "tcp_user_timeout", "application_name",
                                     "options",         "dbname",           nullptr};

std::string first_line(const char* message) {
    std::string_view text = message != nullptr ? message : "";
    text = text.substr(0, text.find('\n'));
    return text.empty() ? std::string("unknown error") : std::string(text);
}

// SQLSTATE classes 22 (data exception) and 23 (integrity constraint): the records are at
// fault, not the connection, so retrying the same batch would fail forever.
bool is_data_error(const PGresult* result) {
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    return state != nullptr &&
           (std::strncmp(state, "22", 2) == 0 || std::strncmp(state, "23", 2) == 0);
}

}  // namespace

bool PgSink::connect() {
    disconnect();
    // statement_timeout: a wedged server fails the batch (retried) instead of hanging the
    // exporter; tcp_user_timeout notices a vanished server within 30 s.
    const char* values[] = {
        "5", "30000", "ringgate-pgexport", "-c statement_timeout=60000", dsn_.c_str(), nullptr};
    conn_ = PQconnectdbParams(kKeywords, values, 1);
    if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
        last_error_ = first_line(conn_ != nullptr ? PQerrorMessage(conn_) : "out of memory");
        disconnect();
        return false;
    }
    PGresult* result = PQexec(conn_, kCreateTable);
    bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
    if (!ok) {
        last_error_ = "creating table traces: " + first_line(PQresultErrorMessage(result));
    }
    PQclear(result);
    if (!ok) {
        disconnect();
    }
    return ok;
}

void PgSink::disconnect() {
    if (conn_ != nullptr) {
        PQfinish(conn_);
        conn_ = nullptr;
    }
}

PgSink::Exec PgSink::exec(const char* sql, const char* param, uint64_t* rows) {
    PGresult* result = PQexecParams(conn_, sql, 1, nullptr, &param, nullptr, nullptr, 0);
    Exec outcome = Exec::ok;
    if (PQresultStatus(result) == PGRES_COMMAND_OK) {
        *rows = std::strtoull(PQcmdTuples(result), nullptr, 10);
    } else {
        outcome = is_data_error(result) ? Exec::data_error : Exec::failed;
        last_error_ = first_line(PQresultErrorMessage(result));
    }
    PQclear(result);
    return outcome;
}

PgSink::Exec PgSink::insert_array(std::span<const std::string_view> payloads, uint64_t* rows) {
    batch_.clear();
    batch_.push_back('[');
    for (std::string_view payload : payloads) {
        if (batch_.size() > 1) {
            batch_.push_back(',');
        }
        batch_.append(payload);
    }
    batch_.push_back(']');
    // A text parameter ends at its first NUL; a payload holding one cannot be stored intact.
    if (batch_.find('\0') != std::string::npos) {
        last_error_ = "a record holds a NUL byte";
        return Exec::data_error;
    }
    return exec(kInsert, batch_.c_str(), rows);
}

InsertOutcome PgSink::insert_one_by_one(std::span<const std::string_view> payloads) {
    InsertOutcome outcome;
    for (size_t i = 0; i < payloads.size(); ++i) {
        uint64_t rows = 0;
        Exec result = insert_array(payloads.subspan(i, 1), &rows);
        if (result == Exec::failed) {
            return InsertOutcome{};
        }
        outcome.inserted += rows;
        outcome.rejected += result == Exec::data_error ? 1 : 0;
    }
    outcome.committed = true;
    return outcome;
}

InsertOutcome PgSink::insert(std::span<const std::string_view> payloads) {
    if (!connected()) {
        return InsertOutcome{};
    }
    if (payloads.empty()) {
        return InsertOutcome{true, 0, 0};
    }
    uint64_t rows = 0;
    switch (insert_array(payloads, &rows)) {
        case Exec::ok:
            return InsertOutcome{true, rows, 0};
        case Exec::data_error:
            return insert_one_by_one(payloads);
        case Exec::failed:
            break;
    }
    return InsertOutcome{};
}

bool PgSink::delete_before(int64_t cutoff_us, uint64_t* deleted) {
    if (!connected()) {
        return false;
    }
    std::string cutoff = std::to_string(cutoff_us);
    return exec(kDeleteBefore, cutoff.c_str(), deleted) == Exec::ok;
}

}  // namespace rg::pgexport
