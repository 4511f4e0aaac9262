#include "traces/trace_queries.h"

#include <sqlite3.h>
#include <time.h>

#include <charconv>
#include <vector>

#include "traces/trace_json.h"

namespace rg::traces {
namespace {

constexpr uint32_t limit_default = 50;
constexpr uint32_t limit_max = 1000;

// The trace as the spool carried it, rebuilt from its columns.
constexpr const char* trace_object =
    "json_object('id',id,'ts_us',ts_us,'client',client,'route',route,'format',format,"
    "'model',model,'model_served',model_served,'provider',provider,'key',key,"
    "'status',status,'stream',json(CASE WHEN stream THEN 'true' ELSE 'false' END),"
    "'attempts',json(coalesce(attempts,'[]')),'input_tokens',input_tokens,"
    "'cached_tokens',cached_tokens,'cache_creation_tokens',cache_creation_tokens,"
    "'output_tokens',output_tokens,'reasoning_tokens',reasoning_tokens,"
    "'cost_usd_micro',cost_usd_micro,'duration_us',duration_us,'ttft_us',ttft_us,"
    "'bytes_in',bytes_in,'bytes_out',bytes_out,'error',error)";

void error_answer(Answer* out, int status, std::string_view message) {
    out->status = status;
    out->body = "{\"error\":{\"type\":\"";
    out->body += status == 404   ? "not_found_error"
                 : status >= 500 ? "api_error"
                                 : "invalid_request_error";
    out->body += "\",\"message\":";
    append_json_string(out->body, message);
    out->body += "}}";
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

bool parse_u64(std::string_view s, uint64_t* out) {
    if (s.empty()) {
        return false;
    }
    auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// Binds collected parameters in order: integers and texts.
struct Binds {
    struct Value {
        bool is_text;
        int64_t n;
        std::string s;
    };
    std::vector<Value> values;
    void add(int64_t n) { values.push_back(Value{false, n, {}}); }
    void add(std::string s) { values.push_back(Value{true, 0, std::move(s)}); }
    void apply(sqlite3_stmt* st) const {
        for (size_t i = 0; i < values.size(); ++i) {
            int k = static_cast<int>(i + 1);
            if (values[i].is_text) {
                sqlite3_bind_text(st, k, values[i].s.data(), static_cast<int>(values[i].s.size()),
                                  SQLITE_TRANSIENT);
            } else {
                sqlite3_bind_int64(st, k, values[i].n);
            }
        }
    }
};

std::string column_text(sqlite3_stmt* st, int i) {
    const unsigned char* p = sqlite3_column_text(st, i);
    int n = sqlite3_column_bytes(st, i);
    return p != nullptr ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n))
                        : std::string();
}

// status=429 or status=4xx.
bool status_filter(const std::string& v, std::string* sql, Binds* b) {
    uint64_t code = 0;
    if (v.size() == 3 && v[0] >= '1' && v[0] <= '5' &&
        (v.substr(1) == "xx" || v.substr(1) == "XX")) {
        *sql += " AND status >= ? AND status < ?";
        b->add((v[0] - '0') * 100);
        b->add((v[0] - '0') * 100 + 100);
        return true;
    }
    if (!parse_u64(v, &code) || code > 999) {
        return false;
    }
    *sql += " AND status = ?";
    b->add(static_cast<int64_t>(code));
    return true;
}

// after=<ts_us>:<id>
bool after_filter(const std::string& v, std::string* sql, Binds* b) {
    size_t colon = v.find(':');
    uint64_t ts = 0;
    if (colon == std::string::npos || !parse_u64(std::string_view(v).substr(0, colon), &ts)) {
        return false;
    }
    *sql += " AND (ts_us < ? OR (ts_us = ? AND id < ?))";
    b->add(static_cast<int64_t>(ts));
    b->add(static_cast<int64_t>(ts));
    b->add(v.substr(colon + 1));
    return true;
}

void append_query_escaped(std::string& out, std::string_view v) {
    static const char hex[] = "0123456789ABCDEF";
    for (char ch : v) {
        auto c = static_cast<unsigned char>(ch);
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '-' || c == '_' || c == '.' || c == '~' || c == ':';
        if (plain) {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
}

}  // namespace

bool query_param(std::string_view query, std::string_view name, std::string* out) {
    while (!query.empty()) {
        size_t amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        size_t eq = pair.find('=');
        std::string_view k = pair.substr(0, eq);
        if (k == name) {
            std::string_view v = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
            out->clear();
            for (size_t i = 0; i < v.size(); ++i) {
                if (v[i] == '+') {
                    out->push_back(' ');
                } else if (v[i] == '%' && i + 2 < v.size() && hex_value(v[i + 1]) >= 0 &&
                           hex_value(v[i + 2]) >= 0) {
                    out->push_back(
                        static_cast<char>(hex_value(v[i + 1]) * 16 + hex_value(v[i + 2])));
                    i += 2;
                } else {
                    out->push_back(v[i]);
                }
            }
            return true;
        }
        if (amp == std::string_view::npos) {
            break;
        }
        query.remove_prefix(amp + 1);
    }
    return false;
}

bool parse_time_us(std::string_view text, uint64_t* out) {
    if (parse_u64(text, out)) {
        return true;
    }
    tm t{};
    unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    std::string copy(text);
    int n = 0;
    if (std::sscanf(copy.c_str(), "%4u-%2u-%2u%n", &y, &mo, &d, &n) != 3 || n != 10) {
        return false;
    }
    uint64_t frac_us = 0;
    if (copy.size() > 10) {
        int m = 0;
        if ((copy[10] != 'T' && copy[10] != 't' && copy[10] != ' ') ||
            std::sscanf(copy.c_str() + 11, "%2u:%2u:%2u%n", &h, &mi, &s, &m) != 3 || m != 8) {
            return false;
        }
        size_t i = 19;
        if (i < copy.size() && copy[i] == '.') {
            uint64_t scale = 100000;
            for (++i; i < copy.size() && copy[i] >= '0' && copy[i] <= '9'; ++i) {
                frac_us += static_cast<uint64_t>(copy[i] - '0') * scale;
                scale /= 10;
            }
        }
        if (i + 1 != copy.size() || (copy[i] != 'Z' && copy[i] != 'z')) {
            return false;
        }
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 || y < 1970) {
        return false;
    }
    t.tm_year = static_cast<int>(y) - 1900;
    t.tm_mon = static_cast<int>(mo) - 1;
    t.tm_mday = static_cast<int>(d);
    t.tm_hour = static_cast<int>(h);
    t.tm_min = static_cast<int>(mi);
    t.tm_sec = static_cast<int>(s);
    time_t secs = timegm(&t);
    if (secs < 0) {
        return false;
    }
    *out = static_cast<uint64_t>(secs) * 1000000 + frac_us;
    return true;
}

TraceQueries::~TraceQueries() {
    close();
}

void TraceQueries::close() {
    if (db_ != nullptr) {
        sqlite3_close(db_);
        db_ = nullptr;
    }
}

Result<void> TraceQueries::open(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) !=
        SQLITE_OK) {
        close();
        return Error::make(ErrorCode::io, "cannot open the SQLite traces database to read");
    }
    sqlite3_busy_timeout(db_, 5000);
    return ok_result();
}

void TraceQueries::list(std::string_view query, Answer* out) {
    std::string sql = "SELECT ";
    sql += trace_object;
    sql += ", ts_us, id FROM traces WHERE 1";
    Binds b;
    std::string v;
    uint64_t t = 0;
    if (query_param(query, "since", &v)) {
        if (!parse_time_us(v, &t)) {
            return error_answer(out, 400, "since: expected unix microseconds or an RFC 3339 time");
        }
        sql += " AND ts_us >= ?";
        b.add(static_cast<int64_t>(t));
    }
    if (query_param(query, "until", &v)) {
        if (!parse_time_us(v, &t)) {
            return error_answer(out, 400, "until: expected unix microseconds or an RFC 3339 time");
        }
        sql += " AND ts_us < ?";
        b.add(static_cast<int64_t>(t));
    }
    if (query_param(query, "client", &v)) {
        sql += " AND client = ?";
        b.add(v);
    }
    if (query_param(query, "model", &v)) {
        sql += " AND model = ?";
        b.add(v);
    }
    if (query_param(query, "status", &v) && !status_filter(v, &sql, &b)) {
        return error_answer(out, 400, "status: expected a status code (429) or a class (4xx)");
    }
    if (query_param(query, "after", &v) && !after_filter(v, &sql, &b)) {
        return error_answer(out, 400, "after: expected the `next` value of a previous page");
    }
    uint64_t limit = limit_default;
    if (query_param(query, "limit", &v) &&
        (!parse_u64(v, &limit) || limit < 1 || limit > limit_max)) {
        return error_answer(out, 400, "limit: expected 1 to 1000");
    }
    sql += " ORDER BY ts_us DESC, id DESC LIMIT ?";
    b.add(static_cast<int64_t>(limit + 1));
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
        return error_answer(out, 500, "the traces database cannot be queried");
    }
    b.apply(st);
    out->status = 200;
    out->body = "{\"traces\":[";
    uint64_t rows = 0;
    std::string next;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (rows == limit) {
            break;  // one more exists: the page has a next
        }
        out->body += rows == 0 ? "" : ",";
        out->body += column_text(st, 0);
        next = std::to_string(sqlite3_column_int64(st, 1)) + ":";
        append_query_escaped(next, column_text(st, 2));
        ++rows;
    }
    bool more = rc == SQLITE_ROW;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        return error_answer(out, 500, "the traces database cannot be queried");
    }
    out->body += "],\"next\":";
    if (more) {
        append_json_string(out->body, next);
    } else {
        out->body += "null";
    }
    out->body += "}";
}

void TraceQueries::get(std::string_view id, Answer* out) {
    std::string sql = "SELECT ";
    sql += trace_object;
    sql += " FROM traces WHERE id = ?";
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
        return error_answer(out, 500, "the traces database cannot be queried");
    }
    sqlite3_bind_text(st, 1, id.data(), static_cast<int>(id.size()), SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->status = 200;
        out->body = column_text(st, 0);
    } else if (rc == SQLITE_DONE) {
        error_answer(out, 404, "No trace has this id");
    } else {
        error_answer(out, 500, "the traces database cannot be queried");
    }
    sqlite3_finalize(st);
}

void TraceQueries::usage(std::string_view query, Answer* out) {
    std::string sql =
        "SELECT client, strftime('%Y-%m-%d', ts_us / 1000000, 'unixepoch') AS day, count(*),"
        " coalesce(sum(input_tokens),0), coalesce(sum(cached_tokens),0), "
        "coalesce(sum(cache_creation_tokens),0),"
        " coalesce(sum(output_tokens),0), coalesce(sum(reasoning_tokens),0), "
        "coalesce(sum(cost_usd_micro),0)"
        " FROM traces WHERE 1";
    Binds b;
    std::string v;
    uint64_t t = 0;
    if (query_param(query, "from", &v)) {
        if (!parse_time_us(v, &t)) {
            return error_answer(out, 400,
                                "from: expected YYYY-MM-DD, unix microseconds or RFC 3339");
        }
        sql += " AND ts_us >= ?";
        b.add(static_cast<int64_t>(t));
    }
    if (query_param(query, "to", &v)) {
        if (!parse_time_us(v, &t)) {
            return error_answer(out, 400, "to: expected YYYY-MM-DD, unix microseconds or RFC 3339");
        }
        if (v.size() == 10) {
            t += 86400ull * 1000000;  // a day is inclusive
        }
        sql += " AND ts_us < ?";
        b.add(static_cast<int64_t>(t));
    }
    if (query_param(query, "client", &v)) {
        sql += " AND client = ?";
        b.add(v);
    }
    sql += " GROUP BY client, day ORDER BY day, client";
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
        return error_answer(out, 500, "the traces database cannot be queried");
    }
    b.apply(st);
    static const char* const names[] = {"input_tokens",          "cached_tokens",
                                        "cache_creation_tokens", "output_tokens",
                                        "reasoning_tokens",      "cost_usd_micro"};
    out->status = 200;
    out->body = "{\"usage\":[";
    int rc;
    bool first = true;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        out->body += first ? "{\"client\":" : ",{\"client\":";
        first = false;
        if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
            out->body += "null";
        } else {
            append_json_string(out->body, column_text(st, 0));
        }
        out->body += ",\"day\":";
        append_json_string(out->body, column_text(st, 1));
        out->body += ",\"requests\":" + std::to_string(sqlite3_column_int64(st, 2));
        for (int i = 0; i < 6; ++i) {
            out->body += ",\"";
            out->body += names[i];
            out->body += "\":";
            out->body += std::to_string(sqlite3_column_int64(st, 3 + i));
        }
        out->body += "}";
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        return error_answer(out, 500, "the traces database cannot be queried");
    }
    out->body += "]}";
}

}  // namespace rg::traces
