#include "observe/catalog.h"

namespace rg::observe {
namespace {

constexpr const char* request_labels[] = {"route", "format", "provider", "model", "status_class"};
constexpr const char* route_format[] = {"route", "format"};
constexpr const char* provider_model[] = {"provider", "model"};
constexpr const char* token_labels[] = {"kind", "provider", "model"};
constexpr const char* provider_reason[] = {"provider", "reason"};
constexpr const char* key_state_labels[] = {"provider", "key", "state"};
constexpr const char* provider_key[] = {"provider", "key"};
constexpr const char* client_limit[] = {"client", "limit"};
constexpr const char* provider_state[] = {"provider", "state"};
constexpr const char* tls_labels[] = {"side", "result"};
constexpr const char* kind[] = {"kind"};
constexpr const char* result[] = {"result"};
constexpr const char* build_labels[] = {"version", "revision"};
constexpr const char* log_labels[] = {"log"};

using T = MetricType;

}  // namespace

// Order must follow `Metric`; catalog_test checks every entry is filled and valid.
const MetricFamily catalog[static_cast<size_t>(Metric::count_)] = {
    {"ringgate_requests_total",
     "Requests answered, by route, client format, provider, model "
     "and status class.",
     T::counter, request_labels},
    {"ringgate_request_duration_seconds", "Time from a request's head to its last answer byte.",
     T::histogram, route_format, 6, latency_buckets},
    {"ringgate_upstream_latency_seconds",
     "Time from sending an upstream request to its "
     "response head, per attempt.",
     T::histogram, provider_model, 6, latency_buckets},
    {"ringgate_time_to_first_token_seconds",
     "Time from sending an upstream request to the "
     "first content of its answer.",
     T::histogram, provider_model, 6, latency_buckets},
    {"ringgate_tokens_total", "Tokens reported by upstreams, by kind.", T::counter, token_labels},
    {"ringgate_cost_usd_total", "Estimated cost of answered requests from the pricing table.",
     T::counter, provider_model, 9},
    {"ringgate_upstream_retries_total",
     "Upstream attempts after a request's first, by "
     "failure reason.",
     T::counter, provider_reason},
    {"ringgate_upstream_failovers_total",
     "Requests moved to a fallback provider or model, by "
     "failure reason.",
     T::counter, provider_reason},
    {"ringgate_upstream_key_state",
     "1 for each upstream key's current state (healthy, "
     "cooling, open, half_open, disabled, parked).",
     T::gauge, key_state_labels},
    {"ringgate_upstream_key_cooldowns_total", "Times an upstream key was put in cooldown.",
     T::counter, provider_key},
    {"ringgate_rate_limited_total",
     "Requests refused by a client rate limit, quota or "
     "budget.",
     T::counter, client_limit},
    {"ringgate_connections_active", "Downstream connections open now.", T::gauge, {}},
    {"ringgate_streams_active", "Streamed answers in progress now.", T::gauge, {}},
    {"ringgate_upstream_pool_connections", "Upstream connections in pools, idle or busy.", T::gauge,
     provider_state},
    {"ringgate_tls_handshakes_total", "TLS handshakes by side and result.", T::counter, tls_labels},
    {"ringgate_recv_buffers_exhausted_total",
     "Receives that found the provided-buffer ring "
     "empty and were re-armed.",
     T::counter,
     {}},
    {"ringgate_http_parse_errors_total", "Requests rejected by the HTTP parser, by kind.",
     T::counter, kind},
    {"ringgate_config_reloads_total", "Config reloads, applied or refused.", T::counter, result},
    {"ringgate_build_info", "Build information (always 1).", T::gauge, build_labels},
    {"ringgate_log_records_dropped_total",
     "Access and audit records dropped because a "
     "producer's ring was full.",
     T::counter, log_labels},
    {"ringgate_log_records_written_total", "Access and audit records written.", T::counter,
     log_labels},
};

}  // namespace rg::observe
