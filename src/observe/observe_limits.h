// Fixed limits of the observe module, each with its reason. They size per-worker arrays
// allocated once at start-up, so nothing here grows on a worker's request path.
// TODO: move into base/limits.h when the lead wires the module in (kept here so this
// branch touches no shared file).
#pragma once

#include <cstddef>
#include <cstdint>

namespace rg::observe::limits {

// --- Metrics ------------------------------------------------------------------------
// Labels per family: the widest in the catalog (requests: route, format, provider, model,
// status class) has 5; one spare.
inline constexpr uint32_t labels_max = 6;
// Bytes of one label value; longer values are cut at a UTF-8 boundary. Model names from
// the config are well under this; anything longer is a client trying to blow up memory.
inline constexpr uint32_t label_value_bytes_max = 128;
// Histogram buckets per family (not counting +Inf).
inline constexpr uint32_t buckets_max = 32;
// Default series per worker block. Catalog cardinality for a large config (10 routes x
// 3 formats x 5 providers x 50 models x 5 status classes is the worst product, but only
// combinations that occur are created) stays far below; past it lookups go to a sink.
inline constexpr uint32_t series_default = 8192;
// Upper bound for the configurable series capacity; the hash table is 2x this.
inline constexpr uint32_t series_max = 1u << 20;
// Families in one registry.
inline constexpr uint32_t families_max = 256;
// Blocks (workers plus the control thread) in one registry.
inline constexpr uint32_t blocks_max = 264;
static_assert(blocks_max >= 256 + 1, "one block per worker plus one for the control thread");

// --- Access and audit log ---------------------------------------------------------------
// Records per producer ring (power of two). The writer drains every flush interval, so a
// ring absorbs ring_records / interval requests per second per worker before dropping:
// 4096 / 10 ms = 409k/s, well above a worker's rate.
inline constexpr uint32_t access_ring_records_default = 4096;
// Audit events are rare (auth failures, reloads, key state changes, admin actions).
inline constexpr uint32_t audit_ring_records_default = 512;
// How long the writer sleeps when every ring was empty. Bounds line latency; producers
// never wake the writer (a futex wake would be a syscall on the request path).
inline constexpr uint32_t writer_interval_ms_default = 10;
// Producers (workers plus control and admin threads) per writer.
inline constexpr uint32_t log_producers_max = 272;
// Output batched before one write(2).
inline constexpr size_t writer_batch_bytes = 64 * 1024;

// Bytes kept of each string field of a record (copied into the ring, cut beyond).
inline constexpr uint32_t request_id_bytes = 48;
inline constexpr uint32_t client_key_bytes = 64;
inline constexpr uint32_t route_bytes = 64;
inline constexpr uint32_t format_bytes = 16;
inline constexpr uint32_t model_bytes = 96;
inline constexpr uint32_t provider_bytes = 48;
inline constexpr uint32_t key_id_bytes = 48;
inline constexpr uint32_t error_bytes = 32;
inline constexpr uint32_t audit_subject_bytes = 96;
inline constexpr uint32_t audit_detail_bytes = 192;
inline constexpr uint32_t audit_remote_bytes = 48;
// Short words of an audit record: key states, failure classes, key sources.
inline constexpr uint32_t audit_word_bytes = 24;

// Auth-failure audit records per worker: a token bucket of this rate and burst. A client
// hammering with bad keys must not fill the disk; the rest are dropped and counted (the
// next record written says how many). 20/s per worker is ~1.7M lines a day at worst.
inline constexpr uint32_t auth_audit_per_second = 20;
inline constexpr uint32_t auth_audit_burst = 100;

// A rendered line: every field escaped at worst 6x (\u00XX) plus the fixed JSON text.
inline constexpr size_t log_line_bytes_max = 8 * 1024;
static_assert(log_line_bytes_max * 4 <= writer_batch_bytes, "a batch holds several lines");

}  // namespace rg::observe::limits
