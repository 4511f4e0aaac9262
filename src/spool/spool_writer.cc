#include "spool/spool_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "base/log.h"
#include "spool/crc32c.h"
#include "spool/record_reader.h"

namespace rg::spool {
namespace {

uint64_t file_size(const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

// Scans a segment: the end of its valid records and the last seq in it (0: none).
struct Scan {
    uint64_t valid_end = 0;
    uint64_t last_seq = 0;
    bool torn = false;
};

Scan scan_segment(int fd) {
    RecordReader reader;
    reader.attach(fd);
    Scan s;
    for (;;) {
        RecordView v;
        ReadStatus st = reader.read(s.valid_end, s.last_seq, &v);
        if (st != ReadStatus::record) {
            s.torn = st == ReadStatus::torn;
            return s;
        }
        s.valid_end = v.next_offset;
        s.last_seq = v.seq;
    }
}

}  // namespace

SpoolWriter::~SpoolWriter() {
    close();
}

void SpoolWriter::close() {
    if (fd_ < 0) {
        return;
    }
    (void)flush();
    ::close(fd_);
    fd_ = -1;
}

Result<void> SpoolWriter::open(WriterOptions options) {
    RG_ASSERT(fd_ < 0);
    options_ = std::move(options);
    Result<void> made = make_dirs(options_.dir);
    if (!made.ok()) {
        return made;
    }
    Result<Listing> listing = list_dir(options_.dir);
    if (!listing.ok()) {
        return listing.error();
    }
    return recover(*listing);
}

Result<void> SpoolWriter::recover(const Listing& listing) {
    uint64_t cursor_seq = 0;
    uint64_t cursor_segment = 0;
    for (const auto& [name, c] : listing.cursors) {
        cursor_seq = std::max(cursor_seq, c.last_seq);
        cursor_segment = std::max(cursor_segment, c.segment);
    }
    disk_bytes_ = 0;
    for (uint64_t n : listing.segments) {
        disk_bytes_ += file_size(segment_path(options_.dir, n));
    }
    if (listing.segments.empty()) {
        // A fresh spool (or every segment deleted): numbers and seqs go on above what the
        // consumers have seen, so their cursors stay behind the new data.
        next_seq_ = cursor_seq + 1;
        return open_segment(cursor_segment + 1, true);
    }
    Result<void> opened = open_segment(listing.segments.back(), false);
    if (!opened.ok()) {
        return opened;
    }
    Scan last = scan_segment(fd_);
    if (last.torn) {
        uint64_t size = file_size(segment_path(options_.dir, segment_));
        if (::ftruncate(fd_, static_cast<off_t>(last.valid_end)) != 0) {
            return Error::make(ErrorCode::io, "cannot truncate the spool's torn tail", errno);
        }
        (void)::fdatasync(fd_);
        stats_.torn_bytes_truncated = size - last.valid_end;
        disk_bytes_ -= size - last.valid_end;
        RG_WARN("trace spool: truncated a torn tail of %llu bytes in %s",
                static_cast<unsigned long long>(size - last.valid_end),
                segment_name(segment_).c_str());
    }
    segment_size_ = last.valid_end;
    uint64_t seq = last.last_seq;
    // An empty last segment: the seq goes on from the newest segment that has records.
    for (size_t i = listing.segments.size() - 1; seq == 0 && i > 0; --i) {
        int fd = ::open(segment_path(options_.dir, listing.segments[i - 1]).c_str(),
                        O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            seq = scan_segment(fd).last_seq;
            ::close(fd);
        }
    }
    next_seq_ = std::max(seq, cursor_seq) + 1;
    if (::lseek(fd_, static_cast<off_t>(segment_size_), SEEK_SET) < 0) {
        return Error::make(ErrorCode::io, "cannot seek in the spool segment", errno);
    }
    return ok_result();
}

Result<void> SpoolWriter::open_segment(uint64_t number, bool create) {
    std::string path = segment_path(options_.dir, number);
    int flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT | O_EXCL : 0);
    int fd = ::open(path.c_str(), flags, 0640);
    if (fd < 0) {
        return Error::make(ErrorCode::io, "cannot open a spool segment", errno);
    }
    fd_ = fd;
    segment_ = number;
    segment_size_ = 0;
    if (create) {
        return sync_dir(options_.dir);  // the new name survives a power loss
    }
    return ok_result();
}

Result<void> SpoolWriter::roll() {
    Result<void> flushed = flush();
    ::close(fd_);
    fd_ = -1;
    Result<void> opened = open_segment(segment_ + 1, true);
    if (!opened.ok()) {
        // Keep appending to the segment we had rather than stop.
        Result<void> back = open_segment(segment_, false);
        if (back.ok()) {
            segment_size_ = file_size(segment_path(options_.dir, segment_));
            (void)::lseek(fd_, static_cast<off_t>(segment_size_), SEEK_SET);
        }
        return opened;
    }
    return flushed;
}

bool SpoolWriter::room_for(uint64_t record_bytes) {
    if (bytes() + record_bytes <= options_.max_bytes) {
        if (full_episode_) {
            full_episode_ = false;
            RG_INFO("trace spool has room again; %llu trace records were dropped while full",
                    static_cast<unsigned long long>(episode_dropped_));
        }
        return true;
    }
    ++stats_.dropped_spool_full;
    if (!full_episode_) {
        full_episode_ = true;
        episode_dropped_ = 0;
        RG_WARN(
            "trace spool %s is full (storage.spool_max_bytes %llu): new trace records are "
            "dropped until its consumers catch up",
            options_.dir.c_str(), static_cast<unsigned long long>(options_.max_bytes));
    }
    ++episode_dropped_;
    return false;
}

AppendStatus SpoolWriter::append(std::string_view payload) {
    RG_ASSERT(fd_ >= 0);
    if (payload.empty() || payload.size() > payload_bytes_max) {
        ++stats_.dropped_too_large;
        return AppendStatus::too_large;
    }
    const uint64_t record = header_bytes + payload.size();
    if (!room_for(record)) {
        return AppendStatus::spool_full;
    }
    if (segment_size_ + batch_.size() > 0 &&
        segment_size_ + batch_.size() + record > options_.segment_bytes) {
        (void)roll();  // on failure it keeps the old segment open, or none
    }
    if (fd_ < 0) {
        ++stats_.dropped_io_error;
        return AppendStatus::io_error;
    }
    char header[header_bytes];
    encode_header(RecordHeader{static_cast<uint32_t>(payload.size()),
                               crc32c(payload.data(), payload.size()), next_seq_++},
                  header);
    batch_.append(header, header_bytes);
    batch_.append(payload);
    ++pending_;
    if (pending_ >= options_.batch_records_max) {
        (void)flush();
    }
    return AppendStatus::ok;
}

Result<void> SpoolWriter::flush() {
    if (batch_.empty()) {
        return ok_result();
    }
    bool ok = fd_ >= 0 && write_all(fd_, batch_);
    int saved = errno;
    ok = ok && ::fdatasync(fd_) == 0;
    if (!ok) {
        saved = errno;
        // Cut whatever part landed, so the segment ends on a whole record.
        if (fd_ >= 0 && ::ftruncate(fd_, static_cast<off_t>(segment_size_)) == 0) {
            (void)::lseek(fd_, static_cast<off_t>(segment_size_), SEEK_SET);
        }
        stats_.dropped_io_error += pending_;
        batch_.clear();
        pending_ = 0;
        return Error::make(ErrorCode::io, "cannot write the trace spool", saved);
    }
    segment_size_ += batch_.size();
    disk_bytes_ += batch_.size();
    stats_.records_written += pending_;
    ++stats_.batches;
    batch_.clear();
    pending_ = 0;
    return ok_result();
}

uint32_t SpoolWriter::delete_consumed() {
    Result<Listing> listing = list_dir(options_.dir);
    if (!listing.ok() || listing->cursors.empty()) {
        return 0;
    }
    uint64_t min_segment = UINT64_MAX;
    for (const auto& [name, c] : listing->cursors) {
        min_segment = std::min(min_segment, c.segment);
    }
    uint32_t deleted = 0;
    for (uint64_t n : listing->segments) {
        if (n >= min_segment || n >= segment_) {
            break;
        }
        std::string path = segment_path(options_.dir, n);
        uint64_t size = file_size(path);
        if (::unlink(path.c_str()) == 0) {
            disk_bytes_ -= std::min(disk_bytes_, size);
            ++deleted;
        }
    }
    if (deleted > 0) {
        stats_.segments_deleted += deleted;
        (void)sync_dir(options_.dir);
    }
    return deleted;
}

uint32_t SpoolWriter::delete_older_than(uint64_t cutoff_unix_s) {
    Result<Listing> listing = list_dir(options_.dir);
    if (!listing.ok()) {
        return 0;
    }
    uint32_t deleted = 0;
    for (uint64_t n : listing->segments) {
        if (n >= segment_) {
            break;
        }
        std::string path = segment_path(options_.dir, n);
        struct stat st;
        if (::stat(path.c_str(), &st) != 0) {
            continue;
        }
        if (static_cast<uint64_t>(st.st_mtime) >= cutoff_unix_s) {
            break;  // later segments were written later still
        }
        if (::unlink(path.c_str()) == 0) {
            disk_bytes_ -= std::min(disk_bytes_, static_cast<uint64_t>(st.st_size));
            ++deleted;
        }
    }
    if (deleted > 0) {
        stats_.segments_deleted += deleted;
        (void)sync_dir(options_.dir);
    }
    return deleted;
}

}  // namespace rg::spool
