#include "traces/sqlite_sink.h"

#include <simdjson.h>
#include <sqlite3.h>

#include "base/log.h"

namespace rg::traces {

const char* const sqlite_schema =
    "CREATE TABLE IF NOT EXISTS traces ("
    " id TEXT PRIMARY KEY NOT NULL,"
    " ts_us INTEGER NOT NULL,"
    " client TEXT, route TEXT, format TEXT, model TEXT, model_served TEXT,"
    " provider TEXT, key TEXT, status INTEGER, stream INTEGER, attempts TEXT,"
    " input_tokens INTEGER, cached_tokens INTEGER, cache_creation_tokens INTEGER,"
    " output_tokens INTEGER, reasoning_tokens INTEGER, cost_usd_micro INTEGER,"
    " duration_us INTEGER, ttft_us INTEGER, bytes_in INTEGER, bytes_out INTEGER,"
    " error TEXT);"
    "CREATE INDEX IF NOT EXISTS traces_ts_us ON traces(ts_us);"
    "CREATE INDEX IF NOT EXISTS traces_client ON traces(client, ts_us);"
    "CREATE INDEX IF NOT EXISTS traces_model ON traces(model, ts_us);"
    "CREATE INDEX IF NOT EXISTS traces_status ON traces(status, ts_us);"
    "CREATE TABLE IF NOT EXISTS spool_cursor ("
    " consumer TEXT PRIMARY KEY NOT NULL, segment INTEGER NOT NULL,"
    " offset INTEGER NOT NULL, last_seq INTEGER NOT NULL);";

namespace {

// The payload fields in column order (the INSERT binds them 1..N).
enum class Kind : uint8_t { text, integer, boolean, json };
struct Column {
    const char* name;
    Kind kind;
};
constexpr Column columns[] = {
    {"id", Kind::text},
    {"ts_us", Kind::integer},
    {"client", Kind::text},
    {"route", Kind::text},
    {"format", Kind::text},
    {"model", Kind::text},
    {"model_served", Kind::text},
    {"provider", Kind::text},
    {"key", Kind::text},
    {"status", Kind::integer},
    {"stream", Kind::boolean},
    {"attempts", Kind::json},
    {"input_tokens", Kind::integer},
    {"cached_tokens", Kind::integer},
    {"cache_creation_tokens", Kind::integer},
    {"output_tokens", Kind::integer},
    {"reasoning_tokens", Kind::integer},
    {"cost_usd_micro", Kind::integer},
    {"duration_us", Kind::integer},
    {"ttft_us", Kind::integer},
    {"bytes_in", Kind::integer},
    {"bytes_out", Kind::integer},
    {"error", Kind::text},
};

const char* const cursor_sql =
    "INSERT INTO spool_cursor (consumer, segment, offset, last_seq) VALUES ('sqlite', ?, ?, ?)"
    " ON CONFLICT(consumer) DO UPDATE SET segment = excluded.segment,"
    " offset = excluded.offset, last_seq = excluded.last_seq";

std::string insert_sql() {
    std::string names;
    std::string marks;
    for (const Column& c : columns) {
        names += names.empty() ? "" : ",";
        names += c.name;
        marks += marks.empty() ? "?" : ",?";
    }
    return "INSERT OR IGNORE INTO traces (" + names + ") VALUES (" + marks + ")";
}

simdjson::dom::parser& parser() {
    static thread_local simdjson::dom::parser p;
    return p;
}

// Binds one field; false when its type is not the column's.
bool bind(sqlite3_stmt* st, int i, Kind kind, simdjson::dom::element e) {
    if (e.is_null()) {
        return sqlite3_bind_null(st, i) == SQLITE_OK;
    }
    switch (kind) {
        case Kind::text: {
            std::string_view s;
            if (e.get_string().get(s) != simdjson::SUCCESS) {
                return false;
            }
            // The parser's string outlives the step that uses it: no copy.
            return sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC) ==
                   SQLITE_OK;
        }
        case Kind::integer: {
            int64_t v = 0;
            if (e.get_int64().get(v) != simdjson::SUCCESS) {
                return false;
            }
            return sqlite3_bind_int64(st, i, v) == SQLITE_OK;
        }
        case Kind::boolean: {
            bool v = false;
            if (e.get_bool().get(v) != simdjson::SUCCESS) {
                return false;
            }
            return sqlite3_bind_int(st, i, v ? 1 : 0) == SQLITE_OK;
        }
        case Kind::json: {
            std::string text = simdjson::minify(e);
            return sqlite3_bind_text(st, i, text.data(), static_cast<int>(text.size()),
                                     SQLITE_TRANSIENT) == SQLITE_OK;
        }
    }
    return false;
}

}  // namespace

SqliteSink::~SqliteSink() {
    close();
}

void SqliteSink::close() {
    for (sqlite3_stmt** st : {&insert_, &cursor_}) {
        sqlite3_finalize(*st);
        *st = nullptr;
    }
    if (db_ != nullptr) {
        sqlite3_close(db_);
        db_ = nullptr;
    }
}

bool SqliteSink::exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
        last_error_ = err != nullptr ? err : sqlite3_errmsg(db_);
        sqlite3_free(err);
        return false;
    }
    return true;
}

Result<void> SqliteSink::open(const std::string& path) {
    int rc =
        sqlite3_open_v2(path.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        last_error_ = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        close();
        return Error::make(ErrorCode::io, "cannot open the SQLite traces database");
    }
    sqlite3_busy_timeout(db_, 5000);
    // WAL: readers (the admin queries' connection) never block the writer. NORMAL: a
    // commit is not synced; the spool cursor it carries is in the same transaction, so a
    // power loss takes rows and cursor back together (README.md: durability).
    if (!exec("PRAGMA journal_mode=WAL") || !exec("PRAGMA synchronous=NORMAL") ||
        !exec(sqlite_schema)) {
        close();
        return Error::make(ErrorCode::io, "cannot set up the SQLite traces database");
    }
    std::string sql = insert_sql();
    if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &insert_, nullptr) !=
            SQLITE_OK ||
        sqlite3_prepare_v3(db_, cursor_sql, -1, SQLITE_PREPARE_PERSISTENT, &cursor_, nullptr) !=
            SQLITE_OK ||
        !load_cursor()) {
        last_error_ = sqlite3_errmsg(db_);
        close();
        return Error::make(ErrorCode::io, "cannot prepare the traces statements");
    }
    return ok_result();
}

bool SqliteSink::load_cursor() {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_,
                           "SELECT segment, offset, last_seq FROM spool_cursor"
                           " WHERE consumer = 'sqlite'",
                           -1, &st, nullptr) != SQLITE_OK) {
        return false;
    }
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        cursor_stored_.segment = static_cast<uint64_t>(sqlite3_column_int64(st, 0));
        cursor_stored_.offset = static_cast<uint64_t>(sqlite3_column_int64(st, 1));
        cursor_stored_.last_seq = static_cast<uint64_t>(sqlite3_column_int64(st, 2));
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

void SqliteSink::begin_batch(bool durable) {
    RG_ASSERT(db_ != nullptr && !in_batch_);
    in_batch_ = true;
    batch_durable_ = durable;
    batch_inserted_ = batch_duplicate_ = 0;
    // FULL syncs the WAL at this commit, and with it every frame committed before.
    batch_failed_ = !exec(durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL") ||
                    !exec("BEGIN IMMEDIATE");
}

bool SqliteSink::add(std::string_view payload) {
    RG_ASSERT(in_batch_);
    if (batch_failed_) {
        return false;
    }
    simdjson::dom::element doc;
    simdjson::dom::object obj;
    if (parser().parse(payload.data(), payload.size()).get(doc) != simdjson::SUCCESS ||
        doc.get_object().get(obj) != simdjson::SUCCESS) {
        ++payloads_invalid_;
        return false;
    }
    sqlite3_reset(insert_);
    sqlite3_clear_bindings(insert_);
    int i = 1;
    for (const Column& c : columns) {
        simdjson::dom::element e;
        bool present = obj[c.name].get(e) == simdjson::SUCCESS;
        bool required = i <= 2;  // id and ts_us
        if (required && (!present || e.is_null())) {
            ++payloads_invalid_;
            return false;
        }
        bool ok =
            present ? bind(insert_, i, c.kind, e) : sqlite3_bind_null(insert_, i) == SQLITE_OK;
        if (!ok) {
            ++payloads_invalid_;  // a field of the wrong type
            return false;
        }
        ++i;
    }
    int rc = sqlite3_step(insert_);
    if (rc != SQLITE_DONE) {
        last_error_ = sqlite3_errmsg(db_);
        batch_failed_ = true;
        return false;
    }
    if (sqlite3_changes(db_) > 0) {
        ++batch_inserted_;
    } else {
        ++batch_duplicate_;
    }
    return true;
}

bool SqliteSink::save_cursor(const spool::Cursor& c) {
    sqlite3_reset(cursor_);
    bool ok = sqlite3_bind_int64(cursor_, 1, static_cast<int64_t>(c.segment)) == SQLITE_OK &&
              sqlite3_bind_int64(cursor_, 2, static_cast<int64_t>(c.offset)) == SQLITE_OK &&
              sqlite3_bind_int64(cursor_, 3, static_cast<int64_t>(c.last_seq)) == SQLITE_OK &&
              sqlite3_step(cursor_) == SQLITE_DONE;
    if (!ok) {
        last_error_ = sqlite3_errmsg(db_);
    }
    sqlite3_reset(cursor_);
    return ok;
}

Result<void> SqliteSink::commit_batch(const spool::Cursor& cursor) {
    RG_ASSERT(in_batch_);
    in_batch_ = false;
    sqlite3_reset(insert_);
    if (batch_failed_ || !save_cursor(cursor) || !exec("COMMIT")) {
        exec("ROLLBACK");
        return Error::make(ErrorCode::io, "the traces batch could not be committed");
    }
    cursor_stored_ = cursor;
    if (batch_durable_) {
        cursor_durable_ = cursor;
    }
    rows_inserted_ += batch_inserted_;
    rows_duplicate_ += batch_duplicate_;
    return ok_result();
}

uint64_t SqliteSink::delete_before(uint64_t cutoff_us) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, "DELETE FROM traces WHERE ts_us < ?", -1, &st, nullptr) !=
        SQLITE_OK) {
        last_error_ = sqlite3_errmsg(db_);
        return 0;
    }
    sqlite3_bind_int64(st, 1, static_cast<int64_t>(cutoff_us));
    uint64_t n = 0;
    if (sqlite3_step(st) == SQLITE_DONE) {
        n = static_cast<uint64_t>(sqlite3_changes(db_));
    } else {
        last_error_ = sqlite3_errmsg(db_);
    }
    sqlite3_finalize(st);
    return n;
}

}  // namespace rg::traces
