#include "observe/log_writer.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <time.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "log_test_util.h"
#include "observe/catalog.h"
#include "observe/log_stats.h"
#include "observe/registry.h"

namespace rg::observe {
namespace {

AccessRecord record(const std::string& id) {
    AccessRecord r;
    r.request_id = id;
    r.route = "/v1/messages";
    r.status = 200;
    return r;
}

LogWriterOptions to_file(const std::string& path, uint32_t ring = 64) {
    LogWriterOptions o;
    o.access_path = path;
    o.access_ring_records = ring;
    o.audit_ring_records = 16;
    return o;
}

TEST(LogWriter, TwoProducersLinesAllAppearAsJsonInOrderPerProducer) {
    test::TempDir dir;
    std::string path = dir.file("access.log");
    LogWriter writer(to_file(path, 256));
    LogProducer* producers[2] = {&writer.add_producer(), &writer.add_producer()};
    ASSERT_TRUE(writer.start());
    constexpr int per_producer = 20'000;
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < per_producer; ++i) {
                std::string id = std::to_string(t) + ":" + std::to_string(i);
                // The ring is smaller than the run: on a full ring, try again (the test
                // wants every line; a worker would drop and move on).
                while (!producers[t]->push(record(id))) {
                    std::this_thread::yield();
                }
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    writer.flush();
    EXPECT_EQ(writer.access_written(), 2u * per_producer);
    writer.stop();

    std::vector<std::string> lines = test::read_lines(path);
    ASSERT_EQ(lines.size(), 2u * per_producer);
    simdjson::dom::parser parser;
    int next[2] = {0, 0};
    for (const std::string& line : lines) {
        simdjson::dom::object o;
        ASSERT_TRUE(test::parse_object(parser, line, &o)) << line;
        ASSERT_EQ(test::get_string(o, "type"), "access");
        std::string id = test::get_string(o, "request_id");
        int t = id[0] - '0';
        ASSERT_TRUE(t == 0 || t == 1) << id;
        ASSERT_EQ(id.substr(2), std::to_string(next[t])) << "out of order for producer " << t;
        ++next[t];
    }
    EXPECT_EQ(next[0], per_producer);
    EXPECT_EQ(next[1], per_producer);
}

TEST(LogWriter, FullRingDropsAndCountsInsteadOfWaiting) {
    test::TempDir dir;
    std::string path = dir.file("access.log");
    LogWriter writer(to_file(path, 64));
    LogProducer& p = writer.add_producer();
    // No writer thread yet: nothing drains, so the 65th push finds the ring full.
    int accepted = 0;
    for (int i = 0; i < 100; ++i) {
        accepted += p.push(record(std::to_string(i))) ? 1 : 0;
    }
    EXPECT_EQ(accepted, 64);
    EXPECT_EQ(p.access_dropped(), 36u);
    EXPECT_EQ(writer.access_dropped(), 36u);
    ASSERT_TRUE(writer.start());
    writer.flush();
    // The ring has room again once drained.
    EXPECT_TRUE(p.push(record("after")));
    writer.stop();
    std::vector<std::string> lines = test::read_lines(path);
    ASSERT_EQ(lines.size(), 65u);
    EXPECT_NE(lines[63].find("\"request_id\":\"63\""), std::string::npos);
    EXPECT_NE(lines[64].find("\"request_id\":\"after\""), std::string::npos);
}

TEST(LogWriter, ProducerNeverBlocksWhileTheWriterIsStuckInWrite) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    LogWriter writer(to_file("/dev/fd/" + std::to_string(fds[1]), 64));
    LogProducer& p = writer.add_producer();
    ASSERT_TRUE(writer.start());
    // Nobody reads the pipe: once its 64 KiB buffer is full the writer thread blocks in
    // write(2). 100k pushes still return; whatever did not fit is dropped and counted.
    constexpr int pushes = 100'000;
    int accepted = 0;
    for (int i = 0; i < pushes; ++i) {
        accepted += p.push(record(std::to_string(i))) ? 1 : 0;
    }
    EXPECT_GT(p.access_dropped(), 0u);
    EXPECT_EQ(accepted + p.access_dropped(), static_cast<uint64_t>(pushes));
    // Unstick the writer: read the pipe until stop() has closed its end.
    size_t newlines = 0;
    std::thread reader([&] {
        char buf[65536];
        ssize_t n;
        while ((n = ::read(fds[0], buf, sizeof(buf))) > 0) {
            for (ssize_t i = 0; i < n; ++i) {
                newlines += buf[i] == '\n';
            }
        }
    });
    writer.stop();
    ::close(fds[1]);  // the writer's own descriptor (from /dev/fd) is closed by stop()
    reader.join();
    ::close(fds[0]);
    EXPECT_EQ(newlines, static_cast<size_t>(accepted));
    EXPECT_EQ(writer.access_written(), static_cast<uint64_t>(accepted));
}

TEST(LogWriter, ReopenSwitchesFiles) {
    test::TempDir dir;
    std::string path = dir.file("access.log");
    std::string rotated = dir.file("access.log.1");
    LogWriter writer(to_file(path));
    LogProducer& p = writer.add_producer();
    ASSERT_TRUE(writer.start());
    for (int i = 0; i < 10; ++i) {
        ASSERT_TRUE(p.push(record("before")));
    }
    writer.flush();
    ASSERT_EQ(std::rename(path.c_str(), rotated.c_str()), 0);
    // Until reopened, lines keep going to the renamed file (logrotate's window).
    ASSERT_TRUE(p.push(record("window")));
    writer.flush();
    ASSERT_TRUE(writer.reopen());
    for (int i = 0; i < 7; ++i) {
        ASSERT_TRUE(p.push(record("after")));
    }
    writer.stop();
    std::vector<std::string> old_lines = test::read_lines(rotated);
    std::vector<std::string> new_lines = test::read_lines(path);
    ASSERT_EQ(old_lines.size(), 11u);
    EXPECT_NE(old_lines.back().find("\"window\""), std::string::npos);
    ASSERT_EQ(new_lines.size(), 7u);
    for (const std::string& l : new_lines) {
        EXPECT_NE(l.find("\"after\""), std::string::npos);
    }
}

TEST(LogWriter, RequestedReopenHappensByTheNextFlush) {
    test::TempDir dir;
    std::string path = dir.file("access.log");
    LogWriter writer(to_file(path));
    LogProducer& p = writer.add_producer();
    ASSERT_TRUE(writer.start());
    ASSERT_TRUE(p.push(record("one")));
    writer.flush();
    ASSERT_EQ(std::rename(path.c_str(), dir.file("old").c_str()), 0);
    writer.request_reopen();  // what a SIGUSR1 handler calls
    writer.flush();
    ASSERT_TRUE(p.push(record("two")));
    writer.stop();
    EXPECT_EQ(test::read_lines(dir.file("old")).size(), 1u);
    EXPECT_EQ(test::read_lines(path).size(), 1u);
}

TEST(LogWriter, ReopenFailureKeepsTheOldFile) {
    test::TempDir dir;
    std::string sub = dir.file("sub");
    ASSERT_EQ(::mkdir(sub.c_str(), 0700), 0);
    std::string path = sub + "/access.log";
    LogWriter writer(to_file(path));
    LogProducer& p = writer.add_producer();
    ASSERT_TRUE(writer.start());
    ASSERT_EQ(std::rename(sub.c_str(), dir.file("moved").c_str()), 0);
    EXPECT_FALSE(writer.reopen());  // the directory is gone
    ASSERT_TRUE(p.push(record("kept")));
    writer.stop();
    EXPECT_EQ(test::read_lines(dir.file("moved") + "/access.log").size(), 1u);
}

TEST(LogWriter, StopDrainsEverythingPushedBefore) {
    test::TempDir dir;
    std::string path = dir.file("access.log");
    LogWriterOptions o = to_file(path, 1024);
    o.interval_ms = 60'000;  // the writer would not wake on its own during the test
    LogWriter writer(o);
    LogProducer& a = writer.add_producer();
    LogProducer& b = writer.add_producer();
    ASSERT_TRUE(writer.start());
    for (int i = 0; i < 1000; ++i) {
        ASSERT_TRUE(a.push(record("a")));
        ASSERT_TRUE(b.push(record("b")));
    }
    AuditRecord audit;
    audit.event = AuditEvent::auth_failure;
    audit.remote = "10.0.0.1:5555";
    audit.status = 401;
    ASSERT_TRUE(a.push(audit));
    writer.stop();
    std::vector<std::string> lines = test::read_lines(path);
    EXPECT_EQ(lines.size(), 2001u);
    EXPECT_EQ(writer.access_written(), 2000u);
    EXPECT_EQ(writer.audit_written(), 1u);
}

TEST(LogWriter, AuditLinesCanGoToTheirOwnFile) {
    test::TempDir dir;
    LogWriterOptions o = to_file(dir.file("access.log"));
    o.audit_path = dir.file("audit.log");
    LogWriter writer(o);
    LogProducer& p = writer.add_producer();
    ASSERT_TRUE(writer.start());
    ASSERT_TRUE(p.push(record("r1")));
    AuditRecord audit;
    audit.event = AuditEvent::config_reload;
    audit.actor = "control";
    audit.subject = "/etc/ringgate/config.yaml";
    ASSERT_TRUE(p.push(audit));
    writer.stop();
    std::vector<std::string> access = test::read_lines(dir.file("access.log"));
    std::vector<std::string> audits = test::read_lines(dir.file("audit.log"));
    ASSERT_EQ(access.size(), 1u);
    ASSERT_EQ(audits.size(), 1u);
    simdjson::dom::parser parser;
    simdjson::dom::object o2;
    ASSERT_TRUE(test::parse_object(parser, audits[0], &o2));
    EXPECT_EQ(test::get_string(o2, "event"), "config_reload");
    EXPECT_EQ(test::get_string(o2, "subject"), "/etc/ringgate/config.yaml");
}

TEST(LogWriter, StartFailsOnAnUnopenableFile) {
    LogWriter writer(to_file("/nonexistent-dir/x/access.log"));
    EXPECT_FALSE(writer.start());
}

TEST(LogWriter, PushStampsTheTimeWhenTheRecordHasNone) {
    test::TempDir dir;
    LogWriter writer(to_file(dir.file("a.log")));
    LogProducer& p = writer.add_producer();
    ASSERT_TRUE(writer.start());
    ASSERT_TRUE(p.push(record("t")));
    writer.stop();
    std::vector<std::string> lines = test::read_lines(dir.file("a.log"));
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].find("\"ts\":\"1970"), std::string::npos);
    EXPECT_EQ(lines[0].find("\"ts\":\"20"), 1u);
}

TEST(LogWriter, PublishesWrittenAndDroppedCountsAsMetrics) {
    test::TempDir dir;
    LogWriter writer(to_file(dir.file("a.log"), 4));
    LogProducer& p = writer.add_producer();
    for (int i = 0; i < 6; ++i) {
        (void)p.push(record("x"));  // 4 fit, 2 dropped
    }
    ASSERT_TRUE(writer.start());
    writer.stop();
    Registry registry(catalog_families());
    WorkerMetrics& control = registry.add_block();
    publish_log_stats(writer, control);
    ByteBuffer b;
    registry.render(b);
    std::string text(b.view());
    EXPECT_NE(text.find("ringgate_log_records_written_total{log=\"access\"} 4\n"),
              std::string::npos);
    EXPECT_NE(text.find("ringgate_log_records_dropped_total{log=\"access\"} 2\n"),
              std::string::npos);
    EXPECT_NE(text.find("ringgate_log_records_dropped_total{log=\"audit\"} 0\n"),
              std::string::npos);
}

}  // namespace
}  // namespace rg::observe

namespace rg::observe {
namespace {

double process_cpu_ms() {
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

TEST(LogWriter, AccessLogOffIgnoresAccessRecordsKeepsAuditAndIdles) {
    test::TempDir dir;
    LogWriterOptions o;
    o.access_path = "off";
    o.audit_path = dir.file("audit.log");
    LogWriter writer(o);
    LogProducer& p = writer.add_producer();
    ASSERT_TRUE(writer.start());
    EXPECT_FALSE(p.push(record("r1")));
    EXPECT_EQ(p.access_dropped(), 0u);  // ignored, not dropped
    AuditRecord audit;
    audit.event = AuditEvent::config_reload;
    ASSERT_TRUE(p.push(audit));
    writer.flush();
    EXPECT_EQ(test::read_lines(dir.file("audit.log")).size(), 1u);
    // The writer sleeps between passes: over 300 ms the process uses far less than 300 ms
    // of CPU (a writer spinning on its tiny access ring would use all of it).
    double before = process_cpu_ms();
    auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(300)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));  // measuring, not syncing
    }
    EXPECT_LT(process_cpu_ms() - before, 100.0);
    writer.stop();
    EXPECT_EQ(writer.access_written(), 0u);
}

}  // namespace
}  // namespace rg::observe
