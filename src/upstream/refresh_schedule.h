// RefreshSchedule: when each watched host is next due for re-resolution. A host answered
// is due again after its TTL (clamped); a host that failed is retried with exponential
// backoff while its last good addresses stay in force. Pure bookkeeping with explicit
// times, so tests drive it without sleeping. Resolver thread only.
#pragma once

#include <cstdint>
#include <vector>

namespace rg::upstream {

struct RefreshPolicy {
    // A TTL under a few seconds would turn the resolver into a load generator against the
    // DNS server; one over minutes would pin a provider's stale address after a CDN moved.
    uint32_t ttl_min_ms = 5000;
    uint32_t ttl_max_ms = 300000;
    // Retries after a failure: first after retry_min_ms, doubling up to retry_max_ms.
    uint32_t retry_min_ms = 1000;
    uint32_t retry_max_ms = 60000;
};

// How long an answer with `ttl_s` (as the DNS reported it; may be 0 or negative) stays.
uint64_t clamp_ttl_ms(int64_t ttl_s, const RefreshPolicy& policy);

enum class HostHealth : uint8_t { unknown = 0, ok = 1, failing = 2 };

class RefreshSchedule {
  public:
    explicit RefreshSchedule(RefreshPolicy policy) : policy_(policy) {}

    // Replaces the watched hosts by `count` new ones, all due at `now_ms`.
    void reset(uint32_t count, uint64_t now_ms);
    uint32_t size() const { return static_cast<uint32_t>(hosts_.size()); }

    // Appends to *out the hosts due at `now_ms` and marks them in flight.
    void take_due(uint64_t now_ms, std::vector<uint32_t>* out);
    // Earliest due time of a host not in flight; UINT64_MAX when there is none.
    uint64_t next_due_ms() const;

    // Outcomes of a host's query. Each returns true when the host's health changed
    // (failing -> ok or to failing), which is what gets logged.
    bool on_success(uint32_t host, int64_t ttl_s, uint64_t now_ms);
    bool on_failure(uint32_t host, uint64_t now_ms);

    uint64_t due_ms(uint32_t host) const { return hosts_[host].due_ms; }
    bool in_flight(uint32_t host) const { return hosts_[host].in_flight; }
    HostHealth health(uint32_t host) const { return hosts_[host].health; }

  private:
    struct Host {
        uint64_t due_ms = 0;
        uint32_t backoff_ms = 0;  // the next retry delay while failing
        HostHealth health = HostHealth::unknown;
        bool in_flight = false;
    };

    RefreshPolicy policy_;
    std::vector<Host> hosts_;
};

}  // namespace rg::upstream
