// The gateway's metric families (issues 6 and 7), declared once. `Metric` values index
// `catalog`, so `registry.families()[id]` and WorkerMetrics lookups take `family(Metric::x)`.
// Label values that come from requests go through a LabelSet first (models) or are one of
// a fixed few (route, format, status_class, token kind, reason, limit), so every family's
// cardinality is bounded by the config. No label carries a secret: upstream keys appear by
// their configured id, clients by their configured name.
// Facts the server already counts (connections, TLS handshakes, receive-buffer exhaustion,
// HTTP parse errors, config reloads) are rendered from server/stats.h, not declared here,
// so /metrics names each fact once.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "observe/metric_family.h"
#include "observe/worker_metrics.h"

namespace rg::observe {

enum class Metric : uint16_t {
    requests,               // route, format, provider, model, status_class
    request_duration,       // route, format (histogram, seconds)
    upstream_latency,       // provider, model (histogram: request sent -> head received)
    time_to_first_token,    // provider, model (histogram: request sent -> first content)
    tokens,                 // kind, provider, model
    cost,                   // provider, model (USD, 9 decimals)
    retries,                // provider, reason
    failovers,              // provider, reason
    key_state,              // provider, key, state (gauge: 1 for the key's current state)
    key_cooldowns,          // provider, key
    rate_limited,           // client, limit
    streams_active,         // gauge
    upstream_pool,          // state (idle|busy) (gauge)
    build_info,             // version, revision (gauge, always 1)
    log_records_dropped,    // log (access|audit)
    log_records_written,    // log (access|audit)
    client_requests,        // client
    client_tokens,          // client, kind
    client_cost,            // client (USD, 9 decimals)
    upstream_key_requests,  // provider, key, status_class (per attempt)
    upstream_key_tokens,    // provider, key, kind
    count_,
};

extern const MetricFamily catalog[static_cast<size_t>(Metric::count_)];

inline constexpr FamilyId family(Metric m) {
    return static_cast<FamilyId>(m);
}

inline std::span<const MetricFamily> catalog_families() {
    return {catalog, static_cast<size_t>(Metric::count_)};
}

// Values of the `kind` label of the token families, in this order everywhere.
enum class TokenKind : uint8_t { input = 0, cached, cache_creation, output, reasoning };
inline constexpr size_t token_kinds = 5;
inline constexpr std::string_view token_kind_names[token_kinds] = {
    "input", "cached", "cache_creation", "output", "reasoning"};

}  // namespace rg::observe
