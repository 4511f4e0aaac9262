// SpoolReader: one consumer of the spool (contract: README.md). Iterates records from the
// consumer's cursor (`<name>.cursor`, or the oldest segment when there is none), stops at
// a torn or incomplete tail (the writer, maybe another process, may still be writing it:
// next() tries again later), moves to the next segment when a later one exists, and saves
// the cursor atomically with commit() only after the consumer's database has committed
// the records. Delivery is at-least-once: after a crash the records since the last commit
// come again. Thread: one owner thread (blocking file calls).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "spool/format.h"
#include "spool/record_reader.h"

namespace rg::spool {

struct Record {
    uint64_t seq = 0;
    std::string_view payload;  // valid until the next call to next()
};

class SpoolReader {
  public:
    SpoolReader() = default;
    SpoolReader(const SpoolReader&) = delete;
    SpoolReader& operator=(const SpoolReader&) = delete;
    ~SpoolReader();

    // Loads `<dir>/<name>.cursor`; none: start at the oldest segment. The directory must
    // exist (the writer creates it).
    Result<void> open(std::string dir, std::string name);
    void close();

    // The next record after position(): true with *out filled, false when there is none
    // complete yet.
    bool next(Record* out);

    // After the last record next() returned.
    const Cursor& position() const { return pos_; }
    const Cursor& committed() const { return committed_; }
    // Saves `c` (a position() this reader returned) as the consumer's cursor.
    Result<void> commit(const Cursor& c);
    // Goes back to the committed cursor (the consumer's transaction failed: read again).
    void rewind();

    // Records skipped because a segment that is not the last was corrupt at some offset.
    uint64_t corrupt_skips() const { return corrupt_skips_; }

  private:
    bool open_current();
    bool later_segment(uint64_t after, uint64_t* number);

    std::string dir_;
    std::string name_;
    int fd_ = -1;
    uint64_t fd_segment_ = 0;
    RecordReader reader_;
    Cursor pos_;
    Cursor committed_;
    uint64_t corrupt_skips_ = 0;
};

}  // namespace rg::spool
