#include "spool/record_reader.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "spool/crc32c.h"
#include "spool/format.h"

namespace rg::spool {
namespace {

// Bytes read ahead per pread: many small records per syscall.
constexpr size_t read_ahead_bytes = 256 * 1024;

}  // namespace

RecordReader::RecordReader() : buf_(read_ahead_bytes) {}

void RecordReader::attach(int fd) {
    fd_ = fd;
    buf_off_ = 0;
    buf_len_ = 0;
}

size_t RecordReader::fill(uint64_t offset, size_t need) {
    if (offset >= buf_off_ && offset + need <= buf_off_ + buf_len_) {
        return static_cast<size_t>(buf_off_ + buf_len_ - offset);
    }
    size_t want = need > read_ahead_bytes ? need : read_ahead_bytes;
    if (buf_.size() < want) {
        buf_.resize(want);
    }
    buf_off_ = offset;
    buf_len_ = 0;
    while (buf_len_ < want) {
        ssize_t n = ::pread(fd_, buf_.data() + buf_len_, want - buf_len_,
                            static_cast<off_t>(offset + buf_len_));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;  // end of file (or an error: treated as no more data for now)
        }
        buf_len_ += static_cast<size_t>(n);
    }
    return buf_len_;
}

ReadStatus RecordReader::read(uint64_t offset, uint64_t after_seq, RecordView* out) {
    size_t have = fill(offset, header_bytes);
    if (have == 0) {
        return ReadStatus::end;
    }
    if (have < header_bytes) {
        return ReadStatus::torn;
    }
    RecordHeader h = decode_header(buf_.data() + (offset - buf_off_));
    if (h.payload_len == 0 || h.payload_len > payload_bytes_max || h.seq <= after_seq) {
        return ReadStatus::torn;
    }
    size_t total = header_bytes + h.payload_len;
    if (fill(offset, total) < total) {
        return ReadStatus::torn;
    }
    const char* payload = buf_.data() + (offset - buf_off_) + header_bytes;
    if (crc32c(payload, h.payload_len) != h.crc) {
        return ReadStatus::torn;
    }
    out->seq = h.seq;
    out->payload = std::string_view(payload, h.payload_len);
    out->next_offset = offset + total;
    return ReadStatus::record;
}

}  // namespace rg::spool
