// RecordReader: reads framed records from one segment file at given offsets through a
// buffer, telling a clean end of data from a torn tail (a record cut short, a failed CRC,
// a length past the cap, or a seq not above the previous one: zeros a crash left behind).
// Used by the writer (scan at open) and by readers. One thread; blocking preads.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace rg::spool {

enum class ReadStatus : uint8_t {
    record = 0,  // a whole valid record at the offset
    end = 1,     // the file ends exactly at the offset
    torn = 2,    // bytes follow the offset but do not form a valid record (yet)
};

struct RecordView {
    uint64_t seq = 0;
    std::string_view payload;  // valid until the next read
    uint64_t next_offset = 0;  // where the following record starts
};

class RecordReader {
  public:
    RecordReader();
    // Reads from `fd` (not owned) from now on; forgets what was buffered.
    void attach(int fd);
    // The record at `offset`; its seq must be above `after_seq`.
    ReadStatus read(uint64_t offset, uint64_t after_seq, RecordView* out);

  private:
    // Makes [offset, offset + need) buffered if the file has it; returns the bytes
    // available from offset (up to need or more).
    size_t fill(uint64_t offset, size_t need);

    int fd_ = -1;
    std::vector<char> buf_;
    uint64_t buf_off_ = 0;
    size_t buf_len_ = 0;
};

}  // namespace rg::spool
