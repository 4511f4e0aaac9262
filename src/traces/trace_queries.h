// TraceQueries: the admin API's reads of the SQLite traces database, on a read-only
// connection of their own (WAL: they never block the sink's writes). Each call takes the
// raw query string of the request and returns the status and JSON body to answer with.
//   list:  since, until (unix µs, or RFC 3339 / YYYY-MM-DD in UTC), client, model,
//          status (429 or 4xx), limit (1..1000, default 50), after (the `next` cursor
//          of the previous page). Newest first; keyset pagination on (ts_us, id).
//   get:   one trace by request id (404 when absent).
//   usage: client, from, to (YYYY-MM-DD, inclusive, or unix µs / RFC 3339): per client key
//          and UTC day, requests, tokens by kind and cost.
// Thread: the query thread only (blocking).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

struct sqlite3;

namespace rg::traces {

struct Answer {
    int status = 200;
    std::string body;
};

class TraceQueries {
  public:
    TraceQueries() = default;
    TraceQueries(const TraceQueries&) = delete;
    TraceQueries& operator=(const TraceQueries&) = delete;
    ~TraceQueries();

    // Opens the database read-only (the sink has created it).
    Result<void> open(const std::string& path);
    void close();

    void list(std::string_view query, Answer* out);
    void get(std::string_view id, Answer* out);
    void usage(std::string_view query, Answer* out);

  private:
    sqlite3* db_ = nullptr;
};

// Query-string helpers (exposed for tests): the percent-decoded value of `name` ("+" is a
// space), and a time as unix µs from digits, "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS[.f]Z".
bool query_param(std::string_view query, std::string_view name, std::string* out);
bool parse_time_us(std::string_view text, uint64_t* out);

}  // namespace rg::traces
