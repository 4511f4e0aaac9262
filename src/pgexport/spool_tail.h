// SpoolTail: the exporter's view of the trace spool. Reads batches of records after the
// committed position of consumer `pgexport`, and commits a batch's end to the consumer's
// cursor file once PostgreSQL holds it. The writer (ringgate, another process) appends
// concurrently; a torn tail is left for a later read. Main thread only; blocking reads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "spool/format.h"

namespace rg::pgexport {

struct Batch {
    std::vector<std::string_view> payloads;  // views into `bytes`
    std::string bytes;
    uint64_t first_seq = 0;
    uint64_t last_seq = 0;
    spool::Cursor end;  // where the record after the batch starts

    bool empty() const { return payloads.empty(); }
};

class SpoolTail {
  public:
    SpoolTail(std::string dir, std::string consumer);
    ~SpoolTail();
    SpoolTail(const SpoolTail&) = delete;
    SpoolTail& operator=(const SpoolTail&) = delete;

    // Loads the consumer's cursor (none yet: from the first record in the spool).
    Result<void> open();
    // Records after the committed position, up to the limits; empty when none is complete.
    // Reading does not move the committed position: a batch that is not committed is read
    // again next time.
    Result<void> read(uint32_t records_max, uint32_t bytes_max, Batch* out);
    // Saves `batch.end` to `<consumer>.cursor` (atomic replace) and reads on from there.
    Result<void> commit(const Batch& batch);
    const spool::Cursor& committed() const { return committed_; }

  private:
    struct Impl;
    std::string dir_;
    std::string consumer_;
    spool::Cursor committed_;
    Impl* impl_ = nullptr;
};

}  // namespace rg::pgexport
