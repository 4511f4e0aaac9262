#include "traces/sqlite_sink.h"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <string>

#include "traces/trace_json.h"
#include "traces/trace_queries.h"

namespace rg::traces {
namespace {

class TempDir {
  public:
    TempDir() {
        char tmpl[] = "/tmp/rg_traces_XXXXXX";
        path_ = mkdtemp(tmpl);
    }
    ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

  private:
    std::string path_;
};

TraceSlot make_slot(const std::string& id, uint64_t ts_us, std::string_view client,
                    std::string_view model, uint16_t status) {
    TraceSlot s;
    s.ts_us = ts_us;
    s.duration_us = 1500;
    s.status = status;
    s.stream = true;
    s.has_usage = true;
    s.input_tokens = 10;
    s.cached_tokens = 2;
    s.output_tokens = 5;
    s.has_cost = true;
    s.cost_usd_micro = 70;
    s.has_ttft = true;
    s.ttft_us = 300;
    s.bytes_in = 100;
    s.bytes_out = 200;
    s.id.assign(id);
    s.client.assign(client);
    s.route.assign("chat_completions");
    s.format.assign("openai_chat");
    s.model.assign(model);
    s.model_served.assign(model);
    s.provider.assign("openai-main");
    s.key.assign("oa-2");
    s.attempt_count = 2;
    s.attempts[0].provider.assign("openai-main");
    s.attempts[0].key.assign("oa-1");
    s.attempts[0].model.assign(model);
    s.attempts[0].cls.assign("rate_limited");
    s.attempts[0].status = 429;
    s.attempts[0].start_us = 10;
    s.attempts[0].duration_us = 400;
    s.attempts[1] = s.attempts[0];
    s.attempts[1].key.assign("oa-2");
    s.attempts[1].cls.assign("ok");
    s.attempts[1].status = 200;
    return s;
}

std::string payload(const TraceSlot& s) {
    std::string out;
    append_trace_json(s, out);
    return out;
}

int64_t count_rows(const std::string& path, const char* where = "1") {
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* st = nullptr;
    std::string sql = std::string("SELECT count(*) FROM traces WHERE ") + where;
    sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

TEST(TraceJson, CarriesEveryContractFieldAndNulls) {
    TraceSlot s = make_slot("req-1", 1700000000000000, "", "gpt-4o", 200);
    s.has_cost = false;
    s.has_ttft = false;
    std::string json = payload(s);
    simdjson::dom::parser parser;
    simdjson::dom::object o;
    ASSERT_EQ(parser.parse(json).get_object().get(o), simdjson::SUCCESS) << json;
    const char* fields[] = {"id",
                            "ts_us",
                            "client",
                            "route",
                            "format",
                            "model",
                            "model_served",
                            "provider",
                            "key",
                            "status",
                            "stream",
                            "attempts",
                            "input_tokens",
                            "cached_tokens",
                            "cache_creation_tokens",
                            "output_tokens",
                            "reasoning_tokens",
                            "cost_usd_micro",
                            "duration_us",
                            "ttft_us",
                            "bytes_in",
                            "bytes_out",
                            "error"};
    for (const char* f : fields) {
        EXPECT_EQ(o[f].error(), simdjson::SUCCESS) << f;
    }
    EXPECT_TRUE(o["client"].is_null());
    EXPECT_TRUE(o["cost_usd_micro"].is_null());
    EXPECT_TRUE(o["ttft_us"].is_null());
    EXPECT_TRUE(o["error"].is_null());
    simdjson::dom::array attempts;
    ASSERT_EQ(o["attempts"].get_array().get(attempts), simdjson::SUCCESS);
    EXPECT_EQ(attempts.size(), 2u);
    std::string_view cls;
    ASSERT_EQ(attempts.at(0)["class"].get_string().get(cls), simdjson::SUCCESS);
    EXPECT_EQ(cls, "rate_limited");
}

TEST(TraceJson, EscapesControlCharactersAndBadUtf8) {
    TraceSlot s = make_slot("a\"b\\c\n\xff", 1, "x", "m", 200);
    std::string json = payload(s);
    simdjson::dom::parser parser;
    simdjson::dom::object o;
    ASSERT_EQ(parser.parse(json).get_object().get(o), simdjson::SUCCESS) << json;
    std::string_view id;
    ASSERT_EQ(o["id"].get_string().get(id), simdjson::SUCCESS);
    EXPECT_EQ(id, "a\"b\\c\n\xEF\xBF\xBD");
}

TEST(SqliteSink, InsertsABatchInOneTransactionWithItsAttempts) {
    TempDir dir;
    std::string db = dir.file("traces.db");
    SqliteSink sink;
    ASSERT_TRUE(sink.open(db).ok()) << sink.last_error();
    sink.begin_batch(true);
    for (int i = 0; i < 100; ++i) {
        ASSERT_TRUE(sink.add(payload(
            make_slot("req-" + std::to_string(i), 1700000000000000 + i, "prod", "gpt-4o", 200))));
    }
    EXPECT_EQ(count_rows(db), 0);  // nothing visible before the commit
    ASSERT_TRUE(sink.commit_batch({}).ok());
    EXPECT_EQ(count_rows(db), 100);
    EXPECT_EQ(sink.rows_inserted(), 100u);
    EXPECT_EQ(count_rows(db, "json_array_length(attempts) = 2 AND key = 'oa-2'"), 100);
    EXPECT_EQ(count_rows(db, "json_extract(attempts, '$[0].status') = 429"), 100);
}

TEST(SqliteSink, RedeliveryIsIdempotent) {
    TempDir dir;
    std::string db = dir.file("traces.db");
    SqliteSink sink;
    ASSERT_TRUE(sink.open(db).ok());
    std::string p = payload(make_slot("req-1", 1700000000000000, "prod", "gpt-4o", 200));
    for (int round = 0; round < 3; ++round) {
        sink.begin_batch(true);
        ASSERT_TRUE(sink.add(p));
        ASSERT_TRUE(sink.commit_batch({}).ok());
    }
    EXPECT_EQ(count_rows(db), 1);
    EXPECT_EQ(sink.rows_inserted(), 1u);
    EXPECT_EQ(sink.rows_duplicate(), 2u);
    // A second sink on the same file (a restart) skips it too.
    sink.close();
    SqliteSink again;
    ASSERT_TRUE(again.open(db).ok());
    again.begin_batch(true);
    ASSERT_TRUE(again.add(p));
    ASSERT_TRUE(again.commit_batch({}).ok());
    EXPECT_EQ(count_rows(db), 1);
}

TEST(SqliteSink, SkipsPayloadsThatAreNotTraces) {
    TempDir dir;
    SqliteSink sink;
    ASSERT_TRUE(sink.open(dir.file("traces.db")).ok());
    sink.begin_batch(true);
    EXPECT_FALSE(sink.add("not json"));
    EXPECT_FALSE(sink.add("[1,2]"));
    EXPECT_FALSE(sink.add("{\"ts_us\":1}"));                      // no id
    EXPECT_FALSE(sink.add("{\"id\":\"x\",\"ts_us\":\"soon\"}"));  // wrong type
    EXPECT_TRUE(sink.add("{\"id\":\"x\",\"ts_us\":1}"));          // the rest absent: null
    ASSERT_TRUE(sink.commit_batch({}).ok());
    EXPECT_EQ(sink.payloads_invalid(), 4u);
    EXPECT_EQ(count_rows(dir.file("traces.db")), 1);
}

TEST(SqliteSink, RetentionDeletesOlderRows) {
    TempDir dir;
    std::string db = dir.file("traces.db");
    SqliteSink sink;
    ASSERT_TRUE(sink.open(db).ok());
    sink.begin_batch(true);
    for (int i = 0; i < 10; ++i) {
        ASSERT_TRUE(sink.add(payload(make_slot("r" + std::to_string(i), 1000 + i, "c", "m", 200))));
    }
    ASSERT_TRUE(sink.commit_batch({}).ok());
    EXPECT_EQ(sink.delete_before(1004), 4u);
    EXPECT_EQ(count_rows(db), 6);
    EXPECT_EQ(count_rows(db, "ts_us < 1004"), 0);
}

TEST(SqliteSink, UsesWalAndIndexes) {
    TempDir dir;
    std::string db = dir.file("traces.db");
    SqliteSink sink;
    ASSERT_TRUE(sink.open(db).ok());
    sqlite3* h = nullptr;
    ASSERT_EQ(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &st, nullptr);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "wal");
    sqlite3_finalize(st);
    sqlite3_prepare_v2(h,
                       "SELECT count(*) FROM sqlite_master WHERE type='index' AND name IN "
                       "('traces_ts_us','traces_client','traces_model','traces_status')",
                       -1, &st, nullptr);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int(st, 0), 4);
    sqlite3_finalize(st);
    sqlite3_close(h);
}

TEST(TraceQueries, ParsesTimesAndQueryParameters) {
    uint64_t us = 0;
    ASSERT_TRUE(parse_time_us("1700000000000000", &us));
    EXPECT_EQ(us, 1700000000000000u);
    ASSERT_TRUE(parse_time_us("2023-11-14", &us));
    EXPECT_EQ(us, 1699920000000000u);
    ASSERT_TRUE(parse_time_us("2023-11-14T22:13:20.5Z", &us));
    EXPECT_EQ(us, 1700000000500000u);
    EXPECT_FALSE(parse_time_us("2023-11-14T22:13", &us));
    EXPECT_FALSE(parse_time_us("yesterday", &us));
    std::string v;
    ASSERT_TRUE(query_param("a=1&client=team%20a+b&x", "client", &v));
    EXPECT_EQ(v, "team a b");
    EXPECT_FALSE(query_param("a=1", "client", &v));
}

class QueryTest : public ::testing::Test {
  protected:
    void SetUp() override {
        db_ = dir_.file("traces.db");
        ASSERT_TRUE(sink_.open(db_).ok());
        sink_.begin_batch(true);
        // 30 traces, one a second from t0; clients a/b alternate; every 5th is a 429.
        for (int i = 0; i < 30; ++i) {
            TraceSlot s = make_slot("id-" + std::string(i < 10 ? "0" : "") + std::to_string(i),
                                    t0 + uint64_t(i) * 1000000, i % 2 == 0 ? "a" : "b",
                                    i < 20 ? "gpt-4o" : "claude", i % 5 == 0 ? 429 : 200);
            ASSERT_TRUE(sink_.add(payload(s)));
        }
        ASSERT_TRUE(sink_.commit_batch({}).ok());
        ASSERT_TRUE(q_.open(db_).ok());
    }
    simdjson::dom::object parse(const Answer& a) {
        simdjson::dom::object o;
        EXPECT_EQ(parser_.parse(a.body).get_object().get(o), simdjson::SUCCESS) << a.body;
        return o;
    }
    static constexpr uint64_t t0 = 1700000000000000;  // 2023-11-14T22:13:20Z
    TempDir dir_;
    std::string db_;
    SqliteSink sink_;
    TraceQueries q_;
    simdjson::dom::parser parser_;
};

TEST_F(QueryTest, ListsNewestFirstWithFilters) {
    Answer a;
    q_.list("client=a&model=gpt-4o&status=4xx", &a);
    ASSERT_EQ(a.status, 200);
    simdjson::dom::object o = parse(a);
    simdjson::dom::array traces = o["traces"].get_array();
    ASSERT_EQ(traces.size(), 2u);  // i = 10, 0
    EXPECT_EQ(std::string_view(traces.at(0)["id"].get_string()), "id-10");
    EXPECT_EQ(std::string_view(traces.at(1)["id"].get_string()), "id-00");
    EXPECT_TRUE(traces.at(0)["stream"].get_bool().value());
    EXPECT_EQ(traces.at(0)["attempts"].get_array().size(), 2u);
    EXPECT_TRUE(o["next"].is_null());
    q_.list("since=" + std::to_string(t0 + 25000000) + "&until=2023-11-14T22:13:48Z", &a);
    EXPECT_EQ(parse(a)["traces"].get_array().size(), 3u);  // 25, 26, 27
}

TEST_F(QueryTest, PagesWithAKeysetCursorUntilTheEnd) {
    std::string after;
    std::vector<std::string> ids;
    for (int page = 0; page < 10; ++page) {
        Answer a;
        q_.list("limit=7" + (after.empty() ? "" : "&after=" + after), &a);
        ASSERT_EQ(a.status, 200) << a.body;
        simdjson::dom::object o = parse(a);
        for (simdjson::dom::element t : o["traces"].get_array()) {
            ids.emplace_back(std::string_view(t["id"].get_string()));
        }
        if (o["next"].is_null()) {
            break;
        }
        after = std::string(std::string_view(o["next"].get_string()));
    }
    ASSERT_EQ(ids.size(), 30u);
    EXPECT_EQ(ids.front(), "id-29");
    EXPECT_EQ(ids.back(), "id-00");
    for (size_t i = 1; i < ids.size(); ++i) {
        EXPECT_GT(ids[i - 1], ids[i]);
    }
}

TEST_F(QueryTest, RefusesBadParameters) {
    Answer a;
    q_.list("limit=0", &a);
    EXPECT_EQ(a.status, 400);
    q_.list("status=abc", &a);
    EXPECT_EQ(a.status, 400);
    q_.list("since=noon", &a);
    EXPECT_EQ(a.status, 400);
    q_.list("after=xyz", &a);
    EXPECT_EQ(a.status, 400);
}

TEST_F(QueryTest, GetsOneTraceById) {
    Answer a;
    q_.get("id-07", &a);
    ASSERT_EQ(a.status, 200);
    simdjson::dom::object o = parse(a);
    EXPECT_EQ(std::string_view(o["id"].get_string()), "id-07");
    EXPECT_EQ(std::string_view(o["client"].get_string()), "b");
    q_.get("nope", &a);
    EXPECT_EQ(a.status, 404);
}

TEST_F(QueryTest, SumsUsagePerClientAndUtcDay) {
    Answer a;
    q_.usage("from=2023-11-14&to=2023-11-14", &a);
    ASSERT_EQ(a.status, 200) << a.body;
    simdjson::dom::array rows = parse(a)["usage"].get_array();
    // t0 is 22:13:20Z: all 30 seconds fall on the 14th.
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(std::string_view(rows.at(0)["client"].get_string()), "a");
    EXPECT_EQ(std::string_view(rows.at(0)["day"].get_string()), "2023-11-14");
    EXPECT_EQ(uint64_t(rows.at(0)["requests"].get_uint64()), 15u);
    EXPECT_EQ(uint64_t(rows.at(0)["input_tokens"].get_uint64()), 150u);
    EXPECT_EQ(uint64_t(rows.at(0)["cost_usd_micro"].get_uint64()), 15u * 70);
    q_.usage("client=b&from=2023-11-15", &a);
    EXPECT_EQ(parse(a)["usage"].get_array().size(), 0u);
}

}  // namespace
}  // namespace rg::traces
