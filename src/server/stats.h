// Per-shard server counters, declared once (X-macro) and summed on scrape (Envoy's
// codec_stats.h). Each counter has one writer, its shard, which updates it with a plain
// relaxed load+store (no locked instruction); the admin scrape reads with relaxed loads.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace rg::server {

class Counter {
  public:
    void inc(uint64_t n = 1) {
        value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }
    void dec(uint64_t n = 1) {
        value_.store(value_.load(std::memory_order_relaxed) - n, std::memory_order_relaxed);
    }
    uint64_t get() const { return value_.load(std::memory_order_relaxed); }
    // For values another shard-local component counts itself (published once per turn).
    void set(uint64_t v) { value_.store(v, std::memory_order_relaxed); }

  private:
    std::atomic<uint64_t> value_{0};
};

// name, Prometheus type, help. Names follow ringgate_<noun>_<unit>_total.
#define RG_SERVER_STATS(X)                                                                    \
    X(connections_accepted_total, counter, "Downstream connections accepted.")                \
    X(connections_refused_total, counter,                                                     \
      "Downstream connections closed at accept: connection cap reached or draining.")         \
    X(connections_closed_total, counter, "Downstream connections closed.")                    \
    X(connections_active, gauge, "Downstream connections open now.")                          \
    X(http_requests_total, counter,                                                           \
      "HTTP requests answered (all routes, the built-in ones included, all statuses).")       \
    X(responses_2xx_total, counter, "Responses with a 2xx status.")                           \
    X(responses_4xx_total, counter, "Responses with a 4xx status.")                           \
    X(responses_5xx_total, counter, "Responses with a 5xx status.")                           \
    X(header_timeouts_total, counter, "Requests answered 408: head not complete in time.")    \
    X(idle_timeouts_total, counter, "Keep-alive connections closed after idle_timeout.")      \
    X(recv_buffer_exhausted_total, counter,                                                   \
      "Receives that found the provided-buffer ring empty (ENOBUFS) and were re-armed.")      \
    X(backpressure_pauses_total, counter,                                                     \
      "Times a connection stopped reading because its send backlog was over the limit.")      \
    X(accept_errors_total, counter, "accept() completions that failed.")                      \
    X(tls_handshakes_total, counter, "Downstream TLS handshakes completed.")                  \
    X(tls_handshake_errors_total, counter,                                                    \
      "Downstream TLS handshakes that failed (not TLS, no common version, suite or ALPN).")   \
    X(tls_handshake_timeouts_total, counter,                                                  \
      "Downstream connections closed by header_timeout before their TLS handshake ended.")    \
    X(tls_errors_total, counter,                                                              \
      "Downstream TLS connections closed on a TLS error after the handshake (bad record).")   \
    X(bytes_received_total, counter, "Bytes received from downstream clients.")               \
    X(bytes_sent_total, counter, "Bytes sent to downstream clients.")                         \
    X(proxied_requests_total, counter,                                                        \
      "Requests taken by the proxy (routed to a provider or "                                 \
      "answered from config).")                                                               \
    X(upstream_connections_opened_total, counter, "Connections opened to upstreams.")         \
    X(upstream_connections_reused_total, counter,                                             \
      "Upstream requests sent on a pooled keep-alive connection.")                            \
    X(upstream_connect_errors_total, counter, "Upstream connects that failed.")               \
    X(upstream_tls_handshakes_total, counter, "Upstream TLS handshakes completed.")           \
    X(upstream_tls_resumed_total, counter, "Upstream TLS handshakes that resumed a session.") \
    X(upstream_tls_errors_total, counter, "Upstream TLS failures (verification included).")   \
    X(upstream_connections_idle, gauge, "Upstream keep-alive connections waiting in pools.")  \
    X(upstream_errors_total, counter, "Proxied requests that failed on the upstream side.")   \
    X(upstream_timeouts_total, counter, "Proxied requests that hit an upstream timeout.")     \
    X(client_aborts_total, counter, "Proxied requests whose client went away mid-answer.")    \
    X(upstream_attempts_total, counter, "Upstream attempts (first tries and retries).")       \
    X(upstream_fallback_attempts_total, counter,                                              \
      "Upstream attempts on a fallback model of the one asked.")                              \
    X(upstream_no_key_total, counter,                                                         \
      "Requests refused because no upstream key could take them (cooling, open, disabled).")  \
    X(client_auth_failures_total, counter, "Requests without a valid client key (401).")      \
    X(client_limited_total, counter,                                                          \
      "Requests refused by a client key's rate limit, quota or budget (429).")

inline constexpr size_t parse_error_kinds = 16;  // http::ParseError values, checked in .cc

struct ServerStats {
#define RG_DECLARE_STAT(name, type, help) Counter name;
    RG_SERVER_STATS(RG_DECLARE_STAT)
#undef RG_DECLARE_STAT
    Counter parse_errors[parse_error_kinds];
};

// DNS re-resolution (upstream::Resolver), in ControlStats: the control thread copies the
// resolver's own counts there on its tick.
#define RG_DNS_STATS(X)                                                                        \
    X(dns_resolutions_total, counter, "Upstream host re-resolutions answered with addresses.") \
    X(dns_failures_total, counter,                                                             \
      "Upstream host re-resolutions that failed (the last good addresses stay in force).")     \
    X(dns_address_changes_total, counter,                                                      \
      "Re-resolutions that changed an upstream host's published addresses.")

// Limits shared through Redis (storage.redis), in ControlStats: the control thread copies
// the Redis thread's and the workers' shared-limit counts there on its tick.
#define RG_REDIS_STATS(X)                                                                      \
    X(redis_up, gauge, "1 while the Redis server of shared limits answers in time, else 0.")   \
    X(redis_connects_total, counter, "Connections made to the Redis server of shared limits.") \
    X(redis_failures_total, counter,                                                           \
      "Times Redis became unreachable or too slow (storage.redis_failure applied).")           \
    X(redis_round_trips_total, counter, "Pipelined round trips to Redis.")                     \
    X(redis_errors_total, counter, "Redis script calls answered with an error.")               \
    X(redis_permits_total, counter, "Request permits leased from Redis by this instance.")     \
    X(redis_permits_expired_total, counter, "Leased request permits that expired unused.")     \
    X(redis_reconciled_requests_total, counter,                                                \
      "Requests admitted locally while Redis was away, added to Redis on its return.")         \
    X(redis_parked_total, counter, "Requests that waited for permits from Redis.")             \
    X(redis_park_timeouts_total, counter,                                                      \
      "Requests whose wait for permits ran out (storage.redis_failure applied).")              \
    X(redis_fail_open_total, counter,                                                          \
      "Requests admitted by this instance's own limiter while Redis was away.")                \
    X(redis_fail_closed_total, counter, "Requests refused (503) while Redis was away.")

// Process-wide counters owned by the control thread.
struct ControlStats {
    Counter config_reloads_total;
    Counter config_reload_failures_total;
#define RG_DECLARE_DNS_STAT(name, type, help) Counter name;
    RG_DNS_STATS(RG_DECLARE_DNS_STAT)
#undef RG_DECLARE_DNS_STAT
    // Request traces (traces::TraceService), copied on the control thread's tick.
    bool traces_on = false;
    Counter trace_records_spooled_total;
    Counter trace_records_stored_total;  // rows the SQLite sink inserted
    Counter trace_dropped_ring_full;     // ringgate_trace_records_dropped_total{reason=...}
    Counter trace_dropped_spool_full;
    Counter trace_dropped_error;
    bool has_redis = false;  // the redis_* counters are rendered only with storage.redis
#define RG_DECLARE_REDIS_STAT(name, type, help) Counter name;
    RG_REDIS_STATS(RG_DECLARE_REDIS_STAT)
#undef RG_DECLARE_REDIS_STAT
};

}  // namespace rg::server
