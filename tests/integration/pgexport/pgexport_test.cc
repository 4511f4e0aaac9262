// ringgate-pgexport end to end: the real binary, a real spool written with SpoolWriter, a
// private PostgreSQL cluster. Conditions are polled with deadlines, never slept on.
#include <gtest/gtest.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

#include "harness/process.h"
#include "pgexport/pg_cluster.h"
#include "spool/crc32c.h"
#include "spool/format.h"
#include "spool/spool_writer.h"

namespace rg::test {
namespace {

constexpr int kDeadlineMs = 60000;

bool eventually(const std::function<bool()>& condition, int timeout_ms = kDeadlineMs) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return condition();
}

int64_t now_us() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

// A trace as the contract shapes it; `extra` is spliced in before the closing brace.
std::string trace(int i, int64_t ts_us = now_us(), const std::string& extra = "") {
    return "{\"id\":\"req-" + std::to_string(i) + "\",\"ts_us\":" + std::to_string(ts_us) +
           ",\"client\":\"production\",\"route\":\"chat_completions\",\"format\":"
           "\"openai_chat\",\"model\":\"gpt-4o\",\"model_served\":\"gpt-4o-2024-08-06\","
           "\"provider\":\"openai-main\",\"key\":\"oa-1\",\"status\":200,\"stream\":true,"
           "\"attempts\":[{\"provider\":\"openai-main\",\"key\":\"oa-2\",\"model\":\"gpt-4o\","
           "\"status\":429,\"class\":\"rate_limited\",\"start_us\":0,\"duration_us\":1200},"
           "{\"provider\":\"openai-main\",\"key\":\"oa-1\",\"model\":\"gpt-4o\",\"status\":200,"
           "\"class\":\"ok\",\"start_us\":1300,\"duration_us\":90000}],\"input_tokens\":" +
           std::to_string(100 + i) +
           ",\"cached_tokens\":0,\"cache_creation_tokens\":null,\"output_tokens\":42,"
           "\"reasoning_tokens\":0,\"cost_usd_micro\":670,\"duration_us\":91300,\"ttft_us\":"
           "15000,\"bytes_in\":512,\"bytes_out\":2048,\"error\":null" +
           extra + "}";
}

class PgExportTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(pg_.init_and_start()) << pg_.why();
        spool_ = tmp_.file("spool");
        log_ = tmp_.file("pgexport.log");
    }

    // Appends traces from..to-1 (ids req-<i>) with the library's writer, then closes it.
    void write_traces(int from, int to, int64_t ts_us = 0) {
        spool::SpoolWriter writer;
        spool::WriterOptions options;
        options.dir = spool_;
        ASSERT_TRUE(writer.open(options).ok());
        for (int i = from; i < to; ++i) {
            ASSERT_EQ(writer.append(trace(i, ts_us != 0 ? ts_us : now_us())),
                      spool::AppendStatus::ok);
        }
        ASSERT_TRUE(writer.flush().ok());
    }

    void start_exporter(Process* exporter, std::vector<std::string> extra = {},
                        const std::string& url = "") {
        std::vector<std::string> argv = {RG_PGEXPORT_BINARY, "--spool", spool_, "--dsn",
                                         url.empty() ? pg_.url() : url};
        argv.insert(argv.end(), extra.begin(), extra.end());
        ASSERT_TRUE(exporter->start(argv, log_));
        ASSERT_TRUE(exporter->wait_notify("READY=1", 10000)) << read_file(log_);
    }

    long rows() { return pg_.query_long("SELECT count(*) FROM traces"); }
    bool rows_reach(long n) {
        return eventually([&] { return rows() == n; });
    }
    long distinct_ids() { return pg_.query_long("SELECT count(DISTINCT id) FROM traces"); }
    spool::Cursor cursor() {
        Result<spool::Cursor> c = spool::read_cursor(spool_, "pgexport");
        return c.ok() ? c.value() : spool::Cursor{};
    }

    PgCluster pg_;
    TempDir tmp_;
    std::string spool_;
    std::string log_;
};

TEST_F(PgExportTest, ShipsEveryRecordOnceWithItsFieldsAndFollowsNewOnes) {
    write_traces(0, 1500);
    Process exporter;
    start_exporter(&exporter);
    ASSERT_TRUE(rows_reach(1500)) << rows() << "\n" << read_file(log_);
    EXPECT_EQ(distinct_ids(), 1500);
    EXPECT_EQ(pg_.query_value("SELECT concat_ws('|', client, route, format, model, model_served,"
                              " provider, key, status, stream, input_tokens, cost_usd_micro,"
                              " ttft_us, error IS NULL, cache_creation_tokens IS NULL)"
                              " FROM traces WHERE id = 'req-7'"),
              "production|chat_completions|openai_chat|gpt-4o|gpt-4o-2024-08-06|openai-main|"
              "oa-1|200|t|107|670|15000|t|t");
    EXPECT_EQ(pg_.query_value("SELECT attempts->0->>'class' || ',' || jsonb_array_length("
                              "attempts) FROM traces WHERE id = 'req-7'"),
              "rate_limited,2");
    // New records are noticed (inotify) while the exporter runs.
    write_traces(1500, 1600);
    ASSERT_TRUE(rows_reach(1600)) << rows();
    EXPECT_TRUE(eventually([&] { return cursor().last_seq == 1600; }));
    exporter.signal(SIGTERM);
    EXPECT_EQ(exporter.wait_exit(10000), 0);
    EXPECT_EQ(cursor().last_seq, 1600u);
    EXPECT_EQ(distinct_ids(), 1600);
}

TEST_F(PgExportTest, KeepsRecordsWhilePostgresIsDownAndShipsThemAfter) {
    write_traces(0, 300);
    Process exporter;
    start_exporter(&exporter);
    ASSERT_TRUE(rows_reach(300)) << read_file(log_);
    ASSERT_TRUE(pg_.stop()) << pg_.why();
    write_traces(300, 800);
    // The exporter notices (its insert or connect fails) and says so once.
    ASSERT_TRUE(eventually([&] {
        return read_file(log_).find("unavailable") != std::string::npos;
    })) << read_file(log_);
    write_traces(800, 1000);
    EXPECT_EQ(cursor().last_seq, 300u);  // nothing committed while the database is gone
    ASSERT_TRUE(pg_.start()) << pg_.why();
    ASSERT_TRUE(rows_reach(1000)) << rows() << "\n" << read_file(log_);
    EXPECT_EQ(distinct_ids(), 1000);
    std::string log = read_file(log_);
    size_t first = log.find("unavailable");
    EXPECT_EQ(log.find("unavailable", first + 1), std::string::npos) << "logged once per episode";
    EXPECT_NE(log.find("reachable again"), std::string::npos) << log;
    exporter.signal(SIGTERM);
    EXPECT_EQ(exporter.wait_exit(10000), 0);
}

TEST_F(PgExportTest, KillNineMidStreamLosesNothingAndDuplicatesNothing) {
    constexpr int kTotal = 30000;
    write_traces(0, kTotal);
    long at_kill = 0;
    for (int round = 0; round < 2; ++round) {
        Process exporter;
        start_exporter(&exporter);
        long floor = at_kill;
        ASSERT_TRUE(eventually([&] { return rows() > floor; }, kDeadlineMs)) << read_file(log_);
        exporter.signal(SIGKILL);
        EXPECT_EQ(exporter.wait_exit(10000), 128 + SIGKILL);
        at_kill = rows();
        ASSERT_LT(at_kill, kTotal) << "the exporter finished before it was killed";
    }
    Process exporter;
    start_exporter(&exporter);
    ASSERT_TRUE(rows_reach(kTotal)) << rows() << "\n" << read_file(log_);
    EXPECT_EQ(distinct_ids(), kTotal);
    EXPECT_TRUE(eventually([&] { return cursor().last_seq == kTotal; }));
}

TEST_F(PgExportTest, TornTailIsNotShippedUntilComplete) {
    write_traces(0, 10);
    // Record seq 11 framed by hand, its payload cut in two: a writer caught mid-write.
    std::string payload = trace(10);
    spool::RecordHeader header{static_cast<uint32_t>(payload.size()),
                               spool::crc32c(payload.data(), payload.size()), 11};
    char head[spool::header_bytes];
    spool::encode_header(header, head);
    std::string record = std::string(head, sizeof(head)) + payload;
    std::string segment = spool::segment_path(spool_, spool::list_dir(spool_)->segments.back());
    size_t half = record.size() / 2;
    {
        std::ofstream out(segment, std::ios::app | std::ios::binary);
        out.write(record.data(), static_cast<std::streamsize>(half));
    }
    Process exporter;
    start_exporter(&exporter);
    ASSERT_TRUE(rows_reach(10)) << read_file(log_);
    ASSERT_TRUE(eventually([&] { return cursor().last_seq == 10; }));
    EXPECT_EQ(pg_.query_long("SELECT count(*) FROM traces WHERE id = 'req-10'"), 0);
    {
        std::ofstream out(segment, std::ios::app | std::ios::binary);
        out.write(record.data() + half, static_cast<std::streamsize>(record.size() - half));
    }
    ASSERT_TRUE(rows_reach(11)) << read_file(log_);
    EXPECT_EQ(pg_.query_value("SELECT input_tokens FROM traces WHERE id = 'req-10'"), "110");
}

TEST_F(PgExportTest, NoSecretReachesTheTableOrTheLog) {
    {
        spool::SpoolWriter writer;
        ASSERT_TRUE(writer.open(spool::WriterOptions{spool_}).ok());
        // A field outside the contract (as a buggy writer might add) is not a column.
        ASSERT_EQ(writer.append(trace(1, now_us(), ",\"api_key\":\"sk-live-SECRET-1\"")),
                  spool::AppendStatus::ok);
        ASSERT_TRUE(writer.flush().ok());
    }
    // trust authentication takes any password: the URL's must still never be printed.
    std::string url = "postgresql://postgres:pw-SECRET-2@127.0.0.1:" + std::to_string(pg_.port()) +
                      "/postgres?application_name=x";
    Process exporter;
    start_exporter(&exporter, {}, url);
    ASSERT_TRUE(rows_reach(1)) << read_file(log_);
    EXPECT_EQ(pg_.query_value("SELECT count(*) FROM traces t WHERE t::text LIKE '%SECRET%'"), "0");
    // An outage (noticed when the next record fails to insert) is logged with the URL too.
    ASSERT_TRUE(pg_.stop());
    write_traces(2, 3);
    ASSERT_TRUE(
        eventually([&] { return read_file(log_).find("unavailable") != std::string::npos; }));
    exporter.signal(SIGTERM);
    EXPECT_EQ(exporter.wait_exit(10000), 0);
    std::string log = read_file(log_);
    EXPECT_NE(log.find("postgresql://postgres@127.0.0.1:"), std::string::npos) << log;
    EXPECT_EQ(log.find("SECRET"), std::string::npos) << log;
}

TEST_F(PgExportTest, RefusedRecordIsSkippedAndTheRestShip) {
    {
        spool::SpoolWriter writer;
        ASSERT_TRUE(writer.open(spool::WriterOptions{spool_}).ok());
        ASSERT_EQ(writer.append(trace(0)), spool::AppendStatus::ok);
        ASSERT_EQ(writer.append("{\"id\":\"bad\",\"ts_us\":\"yesterday\"}"),
                  spool::AppendStatus::ok);
        ASSERT_EQ(writer.append("not json"), spool::AppendStatus::ok);
        ASSERT_EQ(writer.append(trace(3)), spool::AppendStatus::ok);
        ASSERT_TRUE(writer.flush().ok());
    }
    Process exporter;
    start_exporter(&exporter);
    ASSERT_TRUE(rows_reach(2)) << read_file(log_);
    ASSERT_TRUE(eventually([&] { return cursor().last_seq == 4; }));
    EXPECT_NE(read_file(log_).find("refused 2 records"), std::string::npos) << read_file(log_);
}

TEST_F(PgExportTest, RetentionDeletesOldRows) {
    write_traces(0, 5, now_us() - 3LL * 86400 * 1000000);
    write_traces(5, 8);
    Process exporter;
    start_exporter(&exporter, {"--retention", "2d"});
    // The first pass runs on connecting, before the first batch: the table is still empty.
    ASSERT_TRUE(eventually([&] { return cursor().last_seq == 8; })) << read_file(log_);
    exporter.signal(SIGTERM);
    ASSERT_EQ(exporter.wait_exit(10000), 0);
    Process again;  // the next pass (hourly, or at start) deletes the 3-day-old rows
    start_exporter(&again, {"--retention", "2d"});
    ASSERT_TRUE(rows_reach(3)) << rows() << "\n" << read_file(log_);
    EXPECT_EQ(pg_.query_long("SELECT min(substr(id, 5)::int) FROM traces"), 5);
}

TEST_F(PgExportTest, ReadsStorageFromRinggatesConfigWithEnvironmentVariables) {
    write_traces(0, 20);
    tmp_.write("ringgate.yaml",
               "server:\n  listen: [\"127.0.0.1:0\"]\nproviders:\n  - name: p\n    type: openai\n"
               "    keys: [{id: k, key: \"${UNSET_PROVIDER_KEY}\"}]\n"
               "storage:\n  traces: \"${RG_TEST_PG_URL}\"\n  spool: " +
                   spool_ + "\n  retention: 30d\n");
    Process exporter;
    ASSERT_TRUE(exporter.start({RG_PGEXPORT_BINARY, "--config", tmp_.file("ringgate.yaml")}, log_,
                               {"RG_TEST_PG_URL=" + pg_.url()}));
    ASSERT_TRUE(exporter.wait_notify("READY=1", 10000)) << read_file(log_);
    ASSERT_TRUE(rows_reach(20)) << read_file(log_);
    exporter.signal(SIGINT);
    EXPECT_EQ(exporter.wait_exit(10000), 0);
}

TEST_F(PgExportTest, WaitsForTheSpoolDirectoryToAppear) {
    Process exporter;
    ASSERT_TRUE(exporter.start({RG_PGEXPORT_BINARY, "--spool", spool_, "--dsn", pg_.url()}, log_));
    ASSERT_TRUE(eventually([&] {
        return read_file(log_).find("waiting for it") != std::string::npos;
    })) << read_file(log_);
    write_traces(0, 50);  // the writer creates the directory, as ringgate does on start
    ASSERT_TRUE(exporter.wait_notify("READY=1", 10000)) << read_file(log_);
    ASSERT_TRUE(rows_reach(50)) << read_file(log_);
}

// Volume across several 8 MiB segments; prints the rate (records/s) it measured.
TEST_F(PgExportTest, ShipsAHundredThousandRecordsAcrossSegments) {
    constexpr int kTotal = 100000;
    write_traces(0, kTotal);
    ASSERT_GE(spool::list_dir(spool_)->segments.size(), 3u);
    auto start = std::chrono::steady_clock::now();
    Process exporter;
    start_exporter(&exporter);
    ASSERT_TRUE(eventually([&] { return cursor().last_seq == kTotal; }, 120000)) << rows() << "\n"
                                                                                 << read_file(log_);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(rows(), kTotal);
    std::printf("pgexport: %d records in %.2f s: %.0f records/s\n", kTotal, seconds,
                kTotal / seconds);
}

}  // namespace
}  // namespace rg::test
