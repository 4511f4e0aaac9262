#include <gtest/gtest.h>
#include <sys/time.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "spool/crc32c.h"
#include "spool/spool_reader.h"
#include "spool/spool_writer.h"
#include "spool_test_util.h"

namespace rg::spool {
namespace {

std::string payload_for(uint64_t i, size_t pad = 0) {
    return "{\"id\":\"req-" + std::to_string(i) + "\",\"pad\":\"" + std::string(pad, 'x') + "\"}";
}

// One framed record as the writer lays it out.
std::string frame(std::string_view payload, uint64_t seq) {
    char h[header_bytes];
    encode_header(RecordHeader{static_cast<uint32_t>(payload.size()),
                               crc32c(payload.data(), payload.size()), seq},
                  h);
    return std::string(h, header_bytes) + std::string(payload);
}

// Options for a writer on `dir`; `segment_bytes` 0 keeps the default.
WriterOptions options_for(const std::string& dir, uint64_t segment_bytes = 0) {
    WriterOptions o;
    o.dir = dir;
    if (segment_bytes != 0) {
        o.segment_bytes = segment_bytes;
    }
    return o;
}

// Appends payload_for(i, pad) for i in 1..count, then flushes.
::testing::AssertionResult append_and_flush(SpoolWriter& w, uint64_t count, size_t pad = 0) {
    for (uint64_t i = 1; i <= count; ++i) {
        if (w.append(payload_for(i, pad)) != AppendStatus::ok) {
            return ::testing::AssertionFailure() << "append of record " << i << " refused";
        }
    }
    if (!w.flush().ok()) {
        return ::testing::AssertionFailure() << "flush failed";
    }
    return ::testing::AssertionSuccess();
}

std::vector<std::pair<uint64_t, std::string>> read_all(SpoolReader& r) {
    std::vector<std::pair<uint64_t, std::string>> out;
    Record rec;
    while (r.next(&rec)) {
        out.emplace_back(rec.seq, std::string(rec.payload));
    }
    return out;
}

// Every record consumer `name` has not committed, read by a fresh reader.
std::vector<std::pair<uint64_t, std::string>> read_all(const std::string& dir,
                                                       const char* name = "sqlite") {
    SpoolReader r;
    EXPECT_TRUE(r.open(dir, name).ok());
    return read_all(r);
}

TEST(Spool, RecordsAreFramedAndReadBackInOrder) {
    test::TempDir dir;
    SpoolWriter w;
    ASSERT_TRUE(w.open(options_for(dir.path())).ok());
    ASSERT_TRUE(append_and_flush(w, 5));
    EXPECT_EQ(w.stats().records_written, 5u);
    EXPECT_EQ(w.last_seq(), 5u);
    // The first bytes of the segment are exactly the contract's framing.
    std::string seg = segment_path(dir.path(), w.current_segment());
    std::string expected;
    for (uint64_t i = 1; i <= 5; ++i) {
        expected += frame(payload_for(i), i);
    }
    EXPECT_EQ(test::size_of(seg), expected.size());
    auto got = read_all(dir.path());
    ASSERT_EQ(got.size(), 5u);
    for (uint64_t i = 1; i <= 5; ++i) {
        EXPECT_EQ(got[i - 1].first, i);
        EXPECT_EQ(got[i - 1].second, payload_for(i));
    }
}

TEST(Spool, RecordsAreVisibleOnlyAfterTheBatchIsFlushed) {
    test::TempDir dir;
    SpoolWriter w;
    WriterOptions o = options_for(dir.path());
    o.batch_records_max = 4;
    ASSERT_TRUE(w.open(o).ok());
    SpoolReader r;
    ASSERT_TRUE(r.open(dir.path(), "sqlite").ok());
    for (uint64_t i = 1; i <= 3; ++i) {
        ASSERT_EQ(w.append(payload_for(i)), AppendStatus::ok);
    }
    EXPECT_EQ(w.pending(), 3u);
    EXPECT_TRUE(read_all(r).empty());
    ASSERT_EQ(w.append(payload_for(4)), AppendStatus::ok);  // the batch is full: it flushes
    EXPECT_EQ(w.pending(), 0u);
    EXPECT_EQ(w.stats().batches, 1u);
    EXPECT_EQ(read_all(r).size(), 4u);
}

TEST(Spool, EmptyAndOversizedPayloadsAreDropped) {
    test::TempDir dir;
    SpoolWriter w;
    ASSERT_TRUE(w.open(options_for(dir.path())).ok());
    EXPECT_EQ(w.append(""), AppendStatus::too_large);
    EXPECT_EQ(w.append(std::string(payload_bytes_max + 1, 'x')), AppendStatus::too_large);
    EXPECT_EQ(w.append(std::string(payload_bytes_max, 'x')), AppendStatus::ok);
    EXPECT_EQ(w.stats().dropped_too_large, 2u);
}

TEST(Spool, WriterTruncatesATornTailAtOpenAndContinuesTheSeq) {
    test::TempDir dir;
    std::string seg;
    {
        SpoolWriter w;
        ASSERT_TRUE(w.open(options_for(dir.path())).ok());
        ASSERT_TRUE(append_and_flush(w, 5));
        seg = segment_path(dir.path(), w.current_segment());
    }
    uint64_t good = test::size_of(seg);
    std::string torn = frame(payload_for(6), 6);
    test::append_bytes(seg, torn.substr(0, torn.size() - 3));  // the crash cut the write
    SpoolWriter w;
    ASSERT_TRUE(w.open(options_for(dir.path())).ok());
    EXPECT_EQ(test::size_of(seg), good);
    EXPECT_EQ(w.stats().torn_bytes_truncated, torn.size() - 3);
    EXPECT_EQ(w.last_seq(), 5u);
    ASSERT_EQ(w.append(payload_for(6)), AppendStatus::ok);
    ASSERT_TRUE(w.flush().ok());
    auto got = read_all(dir.path());
    ASSERT_EQ(got.size(), 6u);
    EXPECT_EQ(got[5].first, 6u);
    EXPECT_EQ(got[5].second, payload_for(6));
}

TEST(Spool, WriterTruncatesZerosACrashLeftBehind) {
    test::TempDir dir;
    std::string seg;
    {
        SpoolWriter w;
        ASSERT_TRUE(w.open(options_for(dir.path())).ok());
        ASSERT_EQ(w.append(payload_for(1)), AppendStatus::ok);
        ASSERT_TRUE(w.flush().ok());
        seg = segment_path(dir.path(), w.current_segment());
    }
    uint64_t good = test::size_of(seg);
    test::append_bytes(seg, std::string(4096, '\0'));  // size grew, data never landed
    SpoolWriter w;
    ASSERT_TRUE(w.open(options_for(dir.path())).ok());
    EXPECT_EQ(test::size_of(seg), good);
    EXPECT_EQ(w.last_seq(), 1u);
}

TEST(Spool, ReaderStopsAtAnIncompleteRecordAndResumesWhenItCompletes) {
    test::TempDir dir;
    SpoolWriter w;
    ASSERT_TRUE(w.open(options_for(dir.path())).ok());
    ASSERT_TRUE(append_and_flush(w, 3));
    std::string seg = segment_path(dir.path(), w.current_segment());
    SpoolReader r;
    ASSERT_TRUE(r.open(dir.path(), "sqlite").ok());
    EXPECT_EQ(read_all(r).size(), 3u);
    // Another process's writer is half way through record 4: header and part of it.
    std::string rec = frame(payload_for(4, 100), 4);
    test::append_bytes(seg, rec.substr(0, 10));
    EXPECT_TRUE(read_all(r).empty());
    test::append_bytes(seg, rec.substr(10, 50));
    EXPECT_TRUE(read_all(r).empty());
    test::append_bytes(seg, rec.substr(60));
    auto got = read_all(r);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].first, 4u);
    EXPECT_EQ(got[0].second, payload_for(4, 100));
}

TEST(Spool, ReaderTreatsACrcMismatchAsATornTail) {
    test::TempDir dir;
    SpoolWriter w;
    ASSERT_TRUE(w.open(options_for(dir.path())).ok());
    ASSERT_TRUE(append_and_flush(w, 3));
    std::string seg = segment_path(dir.path(), w.current_segment());
    uint64_t size = test::size_of(seg);
    test::poke(seg, size - 2, 'Z');  // a byte of record 3's payload
    SpoolReader r;
    ASSERT_TRUE(r.open(dir.path(), "sqlite").ok());
    auto got = read_all(r);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(r.position().last_seq, 2u);
}

TEST(Spool, SegmentsRollAndTheReaderFollowsThem) {
    test::TempDir dir;
    SpoolWriter w;
    ASSERT_TRUE(w.open(options_for(dir.path(), 1024)).ok());
    ASSERT_TRUE(append_and_flush(w, 100, 80));
    Result<Listing> l = list_dir(dir.path());
    ASSERT_TRUE(l.ok());
    EXPECT_GT(l->segments.size(), 10u);
    for (size_t i = 0; i + 1 < l->segments.size(); ++i) {
        EXPECT_EQ(l->segments[i] + 1, l->segments[i + 1]);
        EXPECT_LE(test::size_of(segment_path(dir.path(), l->segments[i])), 1024u);
    }
    auto got = read_all(dir.path());
    ASSERT_EQ(got.size(), 100u);
    for (uint64_t i = 1; i <= 100; ++i) {
        ASSERT_EQ(got[i - 1].first, i);
    }
}

TEST(Spool, CursorResumesAConsumerAndRewindRereadsUncommittedRecords) {
    test::TempDir dir;
    SpoolWriter w;
    ASSERT_TRUE(w.open(options_for(dir.path(), 2048)).ok());
    ASSERT_TRUE(append_and_flush(w, 40, 50));
    {
        SpoolReader r;
        ASSERT_TRUE(r.open(dir.path(), "sqlite").ok());
        Record rec;
        for (int i = 0; i < 25; ++i) {
            ASSERT_TRUE(r.next(&rec));
        }
        ASSERT_TRUE(r.commit(r.position()).ok());
        for (int i = 0; i < 5; ++i) {
            ASSERT_TRUE(r.next(&rec));
        }
        EXPECT_EQ(rec.seq, 30u);
        r.rewind();  // the transaction with 26..30 failed
        ASSERT_TRUE(r.next(&rec));
        EXPECT_EQ(rec.seq, 26u);
    }
    Result<Cursor> saved = read_cursor(dir.path(), "sqlite");
    ASSERT_TRUE(saved.ok());
    EXPECT_EQ(saved->last_seq, 25u);
    auto got = read_all(dir.path());
    ASSERT_EQ(got.size(), 15u);
    EXPECT_EQ(got.front().first, 26u);
    EXPECT_EQ(got.back().first, 40u);
}

TEST(Spool, SegmentsAreDeletedOnlyWhenEveryCursorIsPastThem) {
    test::TempDir dir;
    SpoolWriter w;
    ASSERT_TRUE(w.open(options_for(dir.path(), 1024)).ok());
    ASSERT_TRUE(append_and_flush(w, 50, 80));
    size_t segments = list_dir(dir.path())->segments.size();
    EXPECT_EQ(w.delete_consumed(), 0u);  // no consumer yet: everything stays
    SpoolReader a;
    SpoolReader b;
    ASSERT_TRUE(a.open(dir.path(), "sqlite").ok());
    ASSERT_TRUE(b.open(dir.path(), "pgexport").ok());
    EXPECT_EQ(read_all(a).size(), 50u);
    ASSERT_TRUE(a.commit(a.position()).ok());
    Record rec;
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(b.next(&rec));
    }
    ASSERT_TRUE(b.commit(b.position()).ok());  // b is still in the first segment
    EXPECT_EQ(w.delete_consumed(), 0u);
    uint64_t before = w.bytes();
    EXPECT_EQ(read_all(b).size(), 47u);
    ASSERT_TRUE(b.commit(b.position()).ok());
    uint32_t deleted = w.delete_consumed();
    EXPECT_EQ(deleted, segments - 1);  // all but the one being written
    EXPECT_LT(w.bytes(), before);
    Result<Listing> l = list_dir(dir.path());
    ASSERT_EQ(l->segments.size(), 1u);
    EXPECT_EQ(l->segments[0], w.current_segment());
    // Both consumers go on from where they were.
    ASSERT_EQ(w.append(payload_for(51)), AppendStatus::ok);
    ASSERT_TRUE(w.flush().ok());
    EXPECT_EQ(read_all(a).size(), 1u);
    EXPECT_EQ(read_all(b).size(), 1u);
}

TEST(Spool, RetentionDeletesOldSegmentsAndAConsumerSkipsToWhatRemains) {
    test::TempDir dir;
    SpoolWriter w;
    ASSERT_TRUE(w.open(options_for(dir.path(), 1024)).ok());
    ASSERT_TRUE(append_and_flush(w, 30, 80));
    Result<Listing> l = list_dir(dir.path());
    ASSERT_GE(l->segments.size(), 3u);
    // The first two segments were written two days ago.
    timeval old[2] = {{static_cast<time_t>(time(nullptr) - 2 * 86400), 0},
                      {static_cast<time_t>(time(nullptr) - 2 * 86400), 0}};
    for (int i = 0; i < 2; ++i) {
        ASSERT_EQ(utimes(segment_path(dir.path(), l->segments[i]).c_str(), old), 0);
    }
    EXPECT_EQ(w.delete_older_than(static_cast<uint64_t>(time(nullptr)) - 86400), 2u);
    auto got = read_all(dir.path());
    ASSERT_FALSE(got.empty());
    EXPECT_GT(got.front().first, 1u);  // starts in the oldest segment left
    EXPECT_EQ(got.back().first, 30u);
}

TEST(Spool, AFullSpoolDropsNewRecordsKeepsOldOnesAndRecovers) {
    test::TempDir dir;
    SpoolWriter w;
    WriterOptions o = options_for(dir.path());
    o.segment_bytes = 1024;
    o.max_bytes = 4096;
    ASSERT_TRUE(w.open(o).ok());
    uint64_t accepted = 0;
    for (uint64_t i = 1; i <= 100; ++i) {
        AppendStatus s = w.append(payload_for(i, 80));
        accepted += s == AppendStatus::ok ? 1 : 0;
    }
    ASSERT_TRUE(w.flush().ok());
    EXPECT_GT(accepted, 10u);
    EXPECT_LT(accepted, 100u);
    EXPECT_EQ(w.stats().dropped_spool_full, 100u - accepted);
    EXPECT_LE(w.bytes(), 4096u);
    SpoolReader r;
    ASSERT_TRUE(r.open(dir.path(), "sqlite").ok());
    auto got = read_all(r);
    ASSERT_EQ(got.size(), accepted);
    EXPECT_EQ(got.front().first, 1u);  // the oldest are kept, the newest dropped
    ASSERT_TRUE(r.commit(r.position()).ok());
    EXPECT_GT(w.delete_consumed(), 0u);
    EXPECT_EQ(w.append(payload_for(1000, 80)), AppendStatus::ok);
}

TEST(Spool, SeqAndSegmentNumbersStayAboveCursorsWhenTheSpoolWasEmptied) {
    test::TempDir dir;
    {
        SpoolWriter w;
        ASSERT_TRUE(w.open(options_for(dir.path())).ok());
        ASSERT_TRUE(append_and_flush(w, 7));
        SpoolReader r;
        ASSERT_TRUE(r.open(dir.path(), "sqlite").ok());
        EXPECT_EQ(read_all(r).size(), 7u);
        ASSERT_TRUE(r.commit(r.position()).ok());
        ASSERT_EQ(std::remove(segment_path(dir.path(), w.current_segment()).c_str()), 0);
    }
    SpoolWriter w;
    ASSERT_TRUE(w.open(options_for(dir.path())).ok());
    ASSERT_EQ(w.append(payload_for(8)), AppendStatus::ok);
    ASSERT_TRUE(w.flush().ok());
    EXPECT_EQ(w.last_seq(), 8u);
    auto got = read_all(dir.path());
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].first, 8u);
}

TEST(Spool, AConcurrentReaderSeesEveryRecordOnceInOrder) {
    test::TempDir dir;
    SpoolWriter w;
    WriterOptions o = options_for(dir.path());
    o.segment_bytes = 64 * 1024;
    o.batch_records_max = 37;
    ASSERT_TRUE(w.open(o).ok());
    constexpr uint64_t total = 20000;
    std::atomic<bool> failed{false};
    std::thread reader([&] {
        SpoolReader r;
        if (!r.open(dir.path(), "sqlite").ok()) {
            failed = true;
            return;
        }
        uint64_t expect = 1;
        Record rec;
        uint64_t deadline = static_cast<uint64_t>(time(nullptr)) + 60;
        while (expect <= total && static_cast<uint64_t>(time(nullptr)) < deadline) {
            if (!r.next(&rec)) {
                std::this_thread::yield();
                continue;
            }
            if (rec.seq != expect || rec.payload != payload_for(expect, expect % 200)) {
                failed = true;
                return;
            }
            ++expect;
            if (expect % 1000 == 0 && !r.commit(r.position()).ok()) {
                failed = true;
                return;
            }
        }
        failed = failed || expect != total + 1;
    });
    for (uint64_t i = 1; i <= total; ++i) {
        ASSERT_EQ(w.append(payload_for(i, i % 200)), AppendStatus::ok);
        if (i % 500 == 0) {
            (void)w.delete_consumed();
        }
    }
    ASSERT_TRUE(w.flush().ok());
    reader.join();
    EXPECT_FALSE(failed.load());
}

}  // namespace
}  // namespace rg::spool
