#include "traces/trace_service.h"

#include <gtest/gtest.h>
#include <liburing.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <cstring>
#include <string>
#include <thread>

#include "base/clock.h"
#include "spool/spool_reader.h"
#include "spool/spool_writer.h"
#include "traces/trace_json.h"

namespace rg::traces {
namespace {

class TempDir {
  public:
    TempDir() {
        char tmpl[] = "/tmp/rg_tracesvc_XXXXXX";
        path_ = mkdtemp(tmpl);
    }
    ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

  private:
    std::string path_;
};

int64_t count_rows(const std::string& path) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT count(*) FROM traces", -1, &st, nullptr);
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

void fill(TraceSlot* s, const std::string& id) {
    *s = TraceSlot{};
    s->ts_us = wall_ms() * 1000;
    s->status = 200;
    s->id.assign(id);
    s->route.assign("chat_completions");
    s->format.assign("openai_chat");
    s->model.assign("gpt-4o");
}

TraceServiceOptions options_for(const TempDir& dir) {
    TraceServiceOptions o;
    o.spool_dir = dir.file("spool");
    o.sqlite_path = dir.file("traces.db");
    o.ring_records = 64;
    return o;
}

TEST(TraceService, PushedTracesReachTheSpoolAndTheDatabase) {
    TempDir dir;
    TraceService svc(options_for(dir));
    TraceProducer& p = svc.add_producer();
    ASSERT_TRUE(svc.start().ok());
    for (int i = 0; i < 50; ++i) {
        TraceSlot* s = p.begin();
        ASSERT_NE(s, nullptr);
        fill(s, "req-" + std::to_string(i));
        p.commit();
    }
    ASSERT_TRUE(svc.sync(10000));
    TraceCounts c = svc.counts();
    EXPECT_EQ(c.spooled, 50u);
    EXPECT_EQ(c.rows_inserted, 50u);
    EXPECT_EQ(count_rows(dir.file("traces.db")), 50);
    svc.stop();
    // The sqlite consumer's cursor is past everything.
    Result<spool::Cursor> cur = spool::read_cursor(dir.file("spool"), "sqlite");
    ASSERT_TRUE(cur.ok());
    EXPECT_EQ(cur->last_seq, 50u);
}

TEST(TraceService, AFullRingDropsAndCounts) {
    TempDir dir;
    TraceService svc(options_for(dir));
    TraceProducer& p = svc.add_producer();  // not started: nothing drains
    int accepted = 0;
    for (int i = 0; i < 100; ++i) {
        if (TraceSlot* s = p.begin()) {
            fill(s, "r" + std::to_string(i));
            p.commit();
            ++accepted;
        }
    }
    EXPECT_EQ(accepted, 64);
    EXPECT_EQ(svc.counts().dropped_ring_full, 36u);
}

TEST(TraceService, RecordsSpooledBeforeARestartReachTheDatabase) {
    TempDir dir;
    {
        // A previous run spooled these and stopped before the sink took them.
        spool::SpoolWriter w;
        spool::WriterOptions wo;
        wo.dir = dir.file("spool");
        ASSERT_TRUE(w.open(wo).ok());
        for (int i = 0; i < 20; ++i) {
            TraceSlot s;
            fill(&s, "old-" + std::to_string(i));
            std::string json;
            append_trace_json(s, json);
            ASSERT_EQ(w.append(json), spool::AppendStatus::ok);
        }
        ASSERT_TRUE(w.flush().ok());
    }
    TraceService svc(options_for(dir));
    svc.add_producer();
    ASSERT_TRUE(svc.start().ok());
    ASSERT_TRUE(svc.sync(10000));
    EXPECT_EQ(count_rows(dir.file("traces.db")), 20);
}

// The database's own cursor (committed with the rows) is ahead of the lazily written
// cursor file: a restart skips what the database holds instead of inserting it again.
TEST(TraceService, ARestartSkipsRecordsTheDatabaseCursorCovers) {
    TempDir dir;
    spool::SpoolWriter w;
    spool::WriterOptions wo;
    wo.dir = dir.file("spool");
    ASSERT_TRUE(w.open(wo).ok());
    for (int i = 0; i < 30; ++i) {
        TraceSlot s;
        fill(&s, "r-" + std::to_string(i));
        std::string json;
        append_trace_json(s, json);
        ASSERT_EQ(w.append(json), spool::AppendStatus::ok);
    }
    ASSERT_TRUE(w.flush().ok());
    w.close();
    {
        // A previous run put the first 20 in the database, not yet in the cursor file.
        SqliteSink sink;
        ASSERT_TRUE(sink.open(dir.file("traces.db")).ok());
        spool::SpoolReader r;
        ASSERT_TRUE(r.open(dir.file("spool"), "sqlite").ok());
        sink.begin_batch(false);
        spool::Record rec;
        for (int i = 0; i < 20; ++i) {
            ASSERT_TRUE(r.next(&rec));
            ASSERT_TRUE(sink.add(rec.payload));
        }
        ASSERT_TRUE(sink.commit_batch(r.position()).ok());
        EXPECT_EQ(sink.cursor_stored().last_seq, 20u);
    }
    ASSERT_FALSE(spool::read_cursor(dir.file("spool"), "sqlite").ok());
    TraceService svc(options_for(dir));
    svc.add_producer();
    ASSERT_TRUE(svc.start().ok());
    ASSERT_TRUE(svc.sync(10000));
    TraceCounts c = svc.counts();
    EXPECT_EQ(c.rows_inserted, 10u);
    EXPECT_EQ(c.rows_duplicate, 0u);
    EXPECT_EQ(count_rows(dir.file("traces.db")), 30);
    // sync() made the commit durable, so the cursor file is past everything.
    Result<spool::Cursor> cur = spool::read_cursor(dir.file("spool"), "sqlite");
    ASSERT_TRUE(cur.ok());
    EXPECT_EQ(cur->last_seq, 30u);
}

// Without sync(), the cursor file still follows the database within about a second: a
// durable commit (with no new rows if need be) and then the file.
TEST(TraceService, TheCursorFileFollowsTheDatabaseWithoutSync) {
    TempDir dir;
    TraceServiceOptions o = options_for(dir);
    o.sink_durable_interval_ms = 200;
    TraceService svc(o);
    TraceProducer& p = svc.add_producer();
    ASSERT_TRUE(svc.start().ok());
    for (int i = 0; i < 40; ++i) {
        TraceSlot* s = p.begin();
        ASSERT_NE(s, nullptr);
        fill(s, "lazy-" + std::to_string(i));
        p.commit();
    }
    uint64_t deadline = monotonic_ms() + 10000;
    uint64_t seq = 0;
    while (seq < 40 && monotonic_ms() < deadline) {
        Result<spool::Cursor> cur = spool::read_cursor(dir.file("spool"), "sqlite");
        seq = cur.ok() ? cur->last_seq : 0;
        if (seq < 40) {
            std::this_thread::yield();
        }
    }
    EXPECT_EQ(seq, 40u);
    EXPECT_EQ(count_rows(dir.file("traces.db")), 40);
}

// The sink thread deletes rows older than the retention (a first pass at start).
TEST(TraceService, TheSinkThreadDeletesExpiredRows) {
    TempDir dir;
    TraceServiceOptions no_retention = options_for(dir);
    no_retention.retention_s = 0;
    TraceService svc(no_retention);
    TraceProducer& p = svc.add_producer();
    TraceSlot* s = p.begin();
    fill(s, "old");
    s->ts_us = (wall_ms() - 31ull * 86400 * 1000) * 1000;
    p.commit();
    s = p.begin();
    fill(s, "new");
    p.commit();
    ASSERT_TRUE(svc.start().ok());
    ASSERT_TRUE(svc.sync(10000));
    EXPECT_EQ(count_rows(dir.file("traces.db")), 2);
    svc.stop();
    TraceService again(options_for(dir));  // retention: 30 days
    again.add_producer();
    ASSERT_TRUE(again.start().ok());
    uint64_t deadline = monotonic_ms() + 10000;
    while (again.counts().rows_expired == 0 && monotonic_ms() < deadline) {
        std::this_thread::yield();
    }
    EXPECT_EQ(again.counts().rows_expired, 1u);
    EXPECT_EQ(count_rows(dir.file("traces.db")), 1);
}

TEST(TraceService, QueriesAreAnsweredThroughMsgRing) {
    TempDir dir;
    TraceService svc(options_for(dir));
    TraceProducer& p = svc.add_producer();
    ASSERT_TRUE(svc.start().ok());
    TraceSlot* s = p.begin();
    fill(s, "req-q");
    p.commit();
    ASSERT_TRUE(svc.sync(10000));
    ASSERT_NE(svc.queries(), nullptr);

    io_uring ring;  // stands in for a worker's ring
    ASSERT_EQ(io_uring_queue_init(8, &ring, 0), 0);
    Query* q = svc.queries()->acquire();
    ASSERT_NE(q, nullptr);
    q->kind = QueryKind::get;
    std::memcpy(q->text, "req-q", 5);
    q->text_len = 5;
    q->reply_ring_fd = ring.ring_fd;
    io_uring_sqe* sqe = io_uring_get_sqe(&ring);
    io_uring_prep_msg_ring(sqe, svc.queries()->ring_fd(), 0, reinterpret_cast<uint64_t>(q), 0);
    io_uring_sqe_set_data64(sqe, 1);
    ASSERT_EQ(io_uring_submit(&ring), 1);
    bool sent = false;
    bool done = false;
    uint64_t deadline = monotonic_ms() + 10000;
    while (!done && monotonic_ms() < deadline) {
        io_uring_cqe* cqe = nullptr;
        __kernel_timespec ts{0, 100000000};
        if (io_uring_wait_cqe_timeout(&ring, &cqe, &ts) != 0) {
            continue;
        }
        if (cqe->user_data == 1) {
            EXPECT_GE(cqe->res, 0);
            sent = true;
        } else if (cqe->user_data == reinterpret_cast<uint64_t>(&q->done)) {
            done = true;
        }
        io_uring_cqe_seen(&ring, cqe);
    }
    io_uring_queue_exit(&ring);
    EXPECT_TRUE(sent);
    ASSERT_TRUE(done);
    EXPECT_EQ(q->answer.status, 200);
    EXPECT_NE(q->answer.body.find("\"id\":\"req-q\""), std::string::npos) << q->answer.body;
    svc.queries()->release(q);
}

}  // namespace
}  // namespace rg::traces
