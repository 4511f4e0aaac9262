// RequestBucket: the token bucket of `rate_limit.requests_per_second` + `burst`, as one
// atomic word shared by all workers (GCRA form: the word is the instant at which the bucket
// is full again, in monotonic ns). Every admission is one CAS on it, so the decision is exact
// across workers; limits/README.md proves that admissions never exceed burst + rate x time.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>

namespace rg::limits {

// The rule, computed once per config snapshot from RateLimitOptions.
struct RequestRate {
    enum class Mode : uint8_t {
        unlimited,  // no requests_per_second
        fixed,      // requests_per_second 0: `burst` requests in all, never refilled
        refill,     // one request per interval_ns, up to `burst` banked
    };
    Mode mode = Mode::unlimited;
    uint64_t burst = 0;
    uint64_t interval_ns = 0;   // ceil(1e9 / rate): rounding up never admits more than the rate
    uint64_t tolerance_ns = 0;  // (burst - 1) x interval_ns: how far ahead the word may run

    // `burst` absent: one second's worth, at least 1.
    static RequestRate from(std::optional<double> per_second, std::optional<uint32_t> burst);
};

class RequestBucket {
  public:
    struct Take {
        bool ok = false;
        uint64_t remaining = 0;       // requests left in the bucket after this one
        uint64_t retry_after_ns = 0;  // refused: until one request is available
        uint64_t full_after_ns = 0;   // until the bucket is full again
    };
    static constexpr uint64_t never_ns = UINT64_MAX;

    Take take(const RequestRate& rule, uint64_t now_ns);

  private:
    Take take_refill(const RequestRate& rule, uint64_t now_ns);
    Take take_fixed(const RequestRate& rule);

    std::atomic<uint64_t> full_at_ns_{0};  // refill mode; 0: full
    std::atomic<uint64_t> taken_{0};       // fixed mode: requests taken so far
};

}  // namespace rg::limits
