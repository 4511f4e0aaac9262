// AttemptLog: what reached the mock, one record per request, kept per worker thread in a
// bounded ring. The owning worker appends and updates under the log's own mutex, which
// only the control API (reading or resetting, from any worker) ever contends for. The
// control API merges all workers' logs by sequence number on read.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mock/limits.h"
#include "mock/types.h"

namespace rg::mock {

struct Attempt {
    uint64_t seq = 0;
    uint64_t t_ms = 0;     // monotonic ms since the mock started
    uint64_t wall_ms = 0;  // unix epoch ms
    std::string key;       // API key exactly as received
    std::string model;     // model exactly as received (directives included)
    std::string method;
    std::string path;
    std::string fault;
    Format format = Format::openai;
    uint16_t status = 0;  // 0: no response head was sent (reset, hang)
    bool stream = false;
    bool tls = false;
    bool cancelled = false;  // the peer closed before the response was complete
    uint32_t header_count = 0;
    // Grows to the largest count seen in this slot; only the first header_count are live.
    std::vector<std::pair<std::string, std::string>> headers;
};

// What the request path hands over; copied into the ring slot.
struct AttemptInput {
    std::string_view key, model, method, path, fault;
    Format format = Format::openai;
    uint16_t status = 0;
    bool stream = false;
    bool tls = false;
    uint32_t header_count = 0;
    std::pair<std::string_view, std::string_view> headers[limits::logged_headers_max];
};

struct AttemptRef {
    uint64_t generation = 0;
    uint64_t seq = 0;  // 0: no record
    uint32_t slot = 0;
};

// Process-wide numbering and time origin shared by every worker's log.
struct AttemptClock {
    uint64_t start_ns = 0;
    std::atomic<uint64_t> next_seq{1};
};

class AttemptLog {
  public:
    AttemptLog(AttemptClock* clock, size_t capacity) : clock_(clock), capacity_(capacity) {}

    AttemptRef record(const AttemptInput& in);
    void mark_cancelled(const AttemptRef& ref);
    void set_status(const AttemptRef& ref, uint16_t status);
    // Appends copies of records matching the filters (empty filter: any) to `out`.
    void collect(std::string_view key, std::string_view model, std::vector<Attempt>* out) const;
    void clear();
    uint64_t dropped() const;

  private:
    Attempt* find(const AttemptRef& ref);

    AttemptClock* clock_;
    size_t capacity_;
    mutable std::mutex mu_;
    std::vector<Attempt> ring_;
    size_t next_slot_ = 0;
    uint64_t generation_ = 1;
    uint64_t dropped_ = 0;
};

}  // namespace rg::mock
