// TraceSlot: one finished request as a worker hands it to the trace thread: a fixed-size
// ring slot the proxy fills in place (strings copied, cut to the observe limits), with its
// attempts. The trace thread turns it into the spool's JSON payload (trace_json.h).
// Plain data; a slot belongs to its producer until committed, then to the consumer.
#pragma once

#include <cstdint>
#include <string_view>

#include "observe/log_records.h"
#include "observe/observe_limits.h"

namespace rg::traces {

namespace ol = observe::limits;

// Attempts kept per request: upstream::attempts_limit (max_attempts is clamped to it).
inline constexpr uint32_t attempts_max = 10;
// Bytes of a failure class or error name ("rate_limited", "client_gone").
inline constexpr uint32_t class_bytes = 24;

struct TraceAttempt {
    observe::FixedString<ol::provider_bytes> provider;
    observe::FixedString<ol::key_id_bytes> key;  // the key's configured id, never the key
    observe::FixedString<ol::model_bytes> model;
    observe::FixedString<class_bytes> cls;  // "ok" or the failure class
    uint16_t status = 0;                    // HTTP status the upstream gave (0: none)
    uint64_t start_us = 0;                  // after the request's ts_us
    uint64_t duration_us = 0;
};

struct TraceSlot {
    uint64_t ts_us = 0;  // wall clock, request head received
    uint64_t duration_us = 0;
    uint64_t ttft_us = 0;  // valid when has_ttft
    uint64_t bytes_in = 0;
    uint64_t bytes_out = 0;
    // Valid when has_usage.
    uint64_t input_tokens = 0;
    uint64_t cached_tokens = 0;
    uint64_t cache_creation_tokens = 0;
    uint64_t output_tokens = 0;
    uint64_t reasoning_tokens = 0;
    uint64_t cost_usd_micro = 0;  // valid when has_cost
    uint16_t status = 0;
    bool stream = false;
    bool has_ttft = false;
    bool has_usage = false;
    bool has_cost = false;
    uint8_t attempt_count = 0;
    observe::FixedString<ol::request_id_bytes> id;
    observe::FixedString<ol::client_key_bytes> client;  // empty: null (no client key)
    observe::FixedString<ol::route_bytes> route;
    observe::FixedString<ol::format_bytes> format;
    observe::FixedString<ol::model_bytes> model;
    observe::FixedString<ol::model_bytes> model_served;  // empty: null (no attempt)
    observe::FixedString<ol::provider_bytes> provider;
    observe::FixedString<ol::key_id_bytes> key;
    observe::FixedString<class_bytes> error;  // empty: null
    TraceAttempt attempts[attempts_max];
};

}  // namespace rg::traces
