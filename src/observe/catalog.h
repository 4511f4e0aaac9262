// The gateway's metric families (issue 7), declared once. `Metric` values index `catalog`,
// so `registry.families()[id]` and WorkerMetrics lookups take `family(Metric::x)`.
// Label values that come from requests go through a LabelSet first (models, routes) or
// are one of a fixed few (status_class, token kind, result), so every family's
// cardinality is bounded by the config. No label carries a secret: keys appear by their
// configured id, clients by their configured name.
#pragma once

#include <cstdint>
#include <span>

#include "observe/metric_family.h"
#include "observe/worker_metrics.h"

namespace rg::observe {

enum class Metric : uint16_t {
    requests,             // route, format, provider, model, status_class
    request_duration,     // route, format (histogram, seconds)
    upstream_latency,     // provider, model (histogram: request sent -> head received)
    time_to_first_token,  // provider, model (histogram: request sent -> first content)
    tokens,               // kind (input|output|cached_input|reasoning), provider, model
    cost,                 // provider, model (USD, 9 decimals)
    retries,              // provider, reason
    failovers,            // provider, reason
    key_state,            // provider, key, state (gauge: 1 for the key's current state)
    key_cooldowns,        // provider, key
    rate_limited,         // client, limit
    connections_active,   // gauge
    streams_active,       // gauge
    upstream_pool,        // provider, state (idle|busy) (gauge)
    tls_handshakes,       // side (downstream|upstream), result (ok|resumed|error|timeout)
    recv_buffers_exhausted,
    parse_errors,         // kind
    config_reloads,       // result (ok|refused)
    build_info,           // version, revision (gauge, always 1)
    log_records_dropped,  // log (access|audit)
    log_records_written,  // log (access|audit)
    count_,
};

extern const MetricFamily catalog[static_cast<size_t>(Metric::count_)];

inline constexpr FamilyId family(Metric m) {
    return static_cast<FamilyId>(m);
}

inline std::span<const MetricFamily> catalog_families() {
    return {catalog, static_cast<size_t>(Metric::count_)};
}

}  // namespace rg::observe
