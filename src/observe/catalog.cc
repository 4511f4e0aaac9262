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
constexpr const char* state[] = {"state"};
constexpr const char* build_labels[] = {"version", "revision"};
constexpr const char* log_labels[] = {"log"};
constexpr const char* client[] = {"client"};
constexpr const char* client_kind[] = {"client", "kind"};
constexpr const char* key_status[] = {"provider", "key", "status_class"};
constexpr const char* key_kind[] = {"provider", "key", "kind"};

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
    {"ringgate_tokens_total",
     "Tokens reported by upstreams, by kind (input, cached, cache_creation, output, "
     "reasoning), provider and model served.",
     T::counter, token_labels},
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
    {"ringgate_streams_active", "Streamed answers in progress now.", T::gauge, {}},
    {"ringgate_upstream_pool_connections",
     "Upstream connections: idle in keep-alive pools or busy with a request.", T::gauge, state},
    {"ringgate_build_info", "Build information (always 1).", T::gauge, build_labels},
    {"ringgate_log_records_dropped_total",
     "Access and audit records dropped because a "
     "producer's ring was full.",
     T::counter, log_labels},
    {"ringgate_log_records_written_total", "Access and audit records written.", T::counter,
     log_labels},
    {"ringgate_client_requests_total", "Requests answered per client key (configured name).",
     T::counter, client},
    {"ringgate_client_tokens_total", "Tokens billed per client key, by kind.", T::counter,
     client_kind},
    {"ringgate_client_cost_usd_total", "Estimated cost per client key from the pricing table.",
     T::counter, client, 9},
    {"ringgate_upstream_key_requests_total",
     "Upstream attempts per provider key (configured id), by status class of the answer "
     "(other: no answer).",
     T::counter, key_status},
    {"ringgate_upstream_key_tokens_total", "Tokens reported per provider key, by kind.", T::counter,
     key_kind},
};

}  // namespace rg::observe
