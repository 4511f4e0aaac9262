// SpoolWriter: appends trace records to the spool (contract: README.md) from one background
// thread, never a worker. Records are framed into a batch in memory and written with one
// write(2) and one fdatasync per batch (flush()): the caller flushes at least every 100 ms,
// and append() flushes by itself at batch_records_max. open() truncates a torn tail of the
// last segment and continues its seq. Space: segments every consumer cursor is past are
// deleted (delete_consumed), so are segments older than the retention (delete_older_than);
// past max_bytes new records are dropped and counted, never queued in memory.
// Thread: one owner thread for the writer's life (blocking file calls).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "spool/format.h"

namespace rg::spool {

struct WriterOptions {
    std::string dir;
    uint64_t max_bytes = 1ull << 30;  // storage.spool_max_bytes
    uint64_t segment_bytes = segment_bytes_default;
    uint32_t batch_records_max = 512;  // a batch is at most this many records
};

enum class AppendStatus : uint8_t {
    ok = 0,
    spool_full = 1,  // dropped: the spool holds max_bytes
    too_large = 2,   // dropped: empty or over payload_bytes_max
    io_error = 3,    // dropped: the batch it joined could not be written
};

struct WriterStats {
    uint64_t records_written = 0;  // durable (fdatasync returned)
    uint64_t batches = 0;
    uint64_t dropped_spool_full = 0;
    uint64_t dropped_too_large = 0;
    uint64_t dropped_io_error = 0;
    uint64_t segments_deleted = 0;
    uint64_t torn_bytes_truncated = 0;  // at open
};

class SpoolWriter {
  public:
    SpoolWriter() = default;
    SpoolWriter(const SpoolWriter&) = delete;
    SpoolWriter& operator=(const SpoolWriter&) = delete;
    ~SpoolWriter();  // flush()es and closes

    // Creates the directory if needed, recovers the last segment (torn tail truncated) and
    // the next seq (above every record and every cursor's last_seq).
    Result<void> open(WriterOptions options);
    bool is_open() const { return fd_ >= 0; }
    void close();

    // Frames one record into the batch; it is durable after the next flush().
    AppendStatus append(std::string_view payload);
    // Writes the batch and fdatasyncs. The batch is gone either way (dropped and counted
    // when the write failed).
    Result<void> flush();

    // Deletes segments that every *.cursor in the directory is past (none when there is no
    // cursor: a consumer that has not started yet keeps everything, up to max_bytes).
    uint32_t delete_consumed();
    // Deletes segments last written before `cutoff_unix_s` (retention), whatever the cursors.
    uint32_t delete_older_than(uint64_t cutoff_unix_s);

    uint32_t pending() const { return pending_; }
    uint64_t bytes() const { return disk_bytes_ + batch_.size(); }
    uint64_t last_seq() const { return next_seq_ - 1; }
    uint64_t current_segment() const { return segment_; }
    const WriterStats& stats() const { return stats_; }
    const std::string& dir() const { return options_.dir; }

  private:
    Result<void> recover(const Listing& listing);
    Result<void> open_segment(uint64_t number, bool create);
    Result<void> roll();
    bool room_for(uint64_t record_bytes);

    WriterOptions options_;
    int fd_ = -1;
    uint64_t segment_ = 0;
    uint64_t segment_size_ = 0;  // durable bytes of the current segment
    uint64_t disk_bytes_ = 0;    // every segment's bytes
    uint64_t next_seq_ = 1;
    std::string batch_;
    uint32_t pending_ = 0;
    bool full_episode_ = false;
    uint64_t episode_dropped_ = 0;
    WriterStats stats_;
};

}  // namespace rg::spool
