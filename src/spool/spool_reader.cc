#include "spool/spool_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "base/log.h"

namespace rg::spool {

SpoolReader::~SpoolReader() {
    close();
}

void SpoolReader::close() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

Result<void> SpoolReader::open(std::string dir, std::string name) {
    dir_ = std::move(dir);
    name_ = std::move(name);
    Result<Cursor> c = read_cursor(dir_, name_);
    if (c.ok()) {
        committed_ = *c;
    } else if (c.error().code == ErrorCode::not_found) {
        committed_ = Cursor{};  // segment 0 sorts before every segment: start at the oldest
    } else {
        return c.error();
    }
    pos_ = committed_;
    return ok_result();
}

bool SpoolReader::later_segment(uint64_t after, uint64_t* number) {
    Result<Listing> listing = list_dir(dir_, false);
    if (!listing.ok()) {
        return false;
    }
    for (uint64_t n : listing->segments) {
        if (n > after) {
            *number = n;
            return true;
        }
    }
    return false;
}

bool SpoolReader::open_current() {
    if (fd_ >= 0 && fd_segment_ == pos_.segment) {
        return true;
    }
    close();
    for (;;) {
        int fd = ::open(segment_path(dir_, pos_.segment).c_str(), O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            fd_ = fd;
            fd_segment_ = pos_.segment;
            reader_.attach(fd_);
            return true;
        }
        // Gone (deleted by retention) or not there yet: the next one that exists.
        uint64_t later = 0;
        if (errno != ENOENT || !later_segment(pos_.segment, &later)) {
            return false;
        }
        pos_.segment = later;
        pos_.offset = 0;
    }
}

bool SpoolReader::next(Record* out) {
    for (;;) {
        if (!open_current()) {
            return false;
        }
        RecordView v;
        ReadStatus st = reader_.read(pos_.offset, pos_.last_seq, &v);
        if (st != ReadStatus::record) {
            uint64_t later = 0;
            if (!later_segment(pos_.segment, &later)) {
                return false;  // the writer's segment: more may come
            }
            // A later segment exists, so the writer finished this one before creating it:
            // read once more (it may have appended since), then move on.
            reader_.attach(fd_);
            st = reader_.read(pos_.offset, pos_.last_seq, &v);
            if (st != ReadStatus::record) {
                if (st == ReadStatus::torn) {
                    ++corrupt_skips_;
                    RG_WARN("trace spool: %s is damaged at offset %llu; consumer %s skips to %s",
                            segment_name(pos_.segment).c_str(),
                            static_cast<unsigned long long>(pos_.offset), name_.c_str(),
                            segment_name(later).c_str());
                }
                pos_.segment = later;
                pos_.offset = 0;
                continue;
            }
        }
        pos_.offset = v.next_offset;
        pos_.last_seq = v.seq;
        out->seq = v.seq;
        out->payload = v.payload;
        return true;
    }
}

Result<void> SpoolReader::commit(const Cursor& c) {
    Result<void> w = write_cursor(dir_, name_, c);
    if (w.ok()) {
        committed_ = c;
    }
    return w;
}

void SpoolReader::rewind() {
    pos_ = committed_;
    if (fd_ >= 0) {
        reader_.attach(fd_);  // forget the buffer; the segment may change below
    }
}

}  // namespace rg::spool
