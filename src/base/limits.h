// Every fixed limit of the gateway in one place, each with the reason for its value.
// Configurable limits (header and body bytes, timeouts, connection cap) have their
// defaults here and their live values in the owning module's options.h.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rg::limits {

// --- HTTP request head --------------------------------------------------------------
// Default `server.limits.max_header_bytes`: 32 KiB fits any real SDK request (nginx uses
// 4x8 KiB large_client_header_buffers) while bounding a slow-loris client's memory.
inline constexpr uint32_t header_bytes_default = 32 * 1024;
// Largest value the config accepts: heads beyond 1 MiB are attacks, not requests.
inline constexpr uint32_t header_bytes_max = 1024 * 1024;
// Header lines per request: SDKs send ~15; 128 leaves room for proxies in front of us.
inline constexpr uint32_t header_count_max = 128;
// Request target (path + query) bytes; anything longer is rejected with 414.
inline constexpr uint32_t target_bytes_max = 8 * 1024;

// --- HTTP request body --------------------------------------------------------------
// Default `server.limits.max_body_bytes`: 32 MiB covers base64 images in chat requests.
inline constexpr uint64_t body_bytes_default = 32ull * 1024 * 1024;
inline constexpr uint64_t body_bytes_max = 1024ull * 1024 * 1024;

// --- Receive path -------------------------------------------------------------------
// Provided-buffer size: one page pair holds a typical 700-byte head plus a small body in
// a single buffer, so the common request parses in place without a copy.
inline constexpr uint32_t recv_buffer_bytes = 8 * 1024;
// Provided buffers per worker (power of two for the ring). Buffers return to the ring as
// soon as a completion is processed, so this bounds completions per loop turn, not
// connections. 1024 x 8 KiB = 8 MiB of address space, touched only when used.
inline constexpr uint32_t recv_buffer_count = 1024;
static_assert((recv_buffer_count & (recv_buffer_count - 1)) == 0, "ring size: power of 2");
static_assert(recv_buffer_count <= 32768, "kernel limit for a provided buffer ring");

// --- Send path / back-pressure ------------------------------------------------------
// Output queued for one connection beyond which we stop reading from whatever feeds it
// (the client's own socket for pipelined requests; the upstream for streamed answers).
inline constexpr uint32_t send_backlog_high_bytes = 256 * 1024;
// Reading resumes once the backlog has drained below this.
inline constexpr uint32_t send_backlog_low_bytes = 64 * 1024;
static_assert(send_backlog_low_bytes < send_backlog_high_bytes);

// --- Streamed answers (SSE events, Gemini JSON-array elements) ------------------------
// Bytes of one upstream stream event (an SSE block up to its blank line, or one array
// element) that a stream decoder will buffer. Big enough for the largest legitimate
// event: Responses' `response.completed` repeats the whole answer, and Gemini image parts
// carry base64 images inline (a 4K PNG is ~6 MiB encoded). Beyond it the stream fails
// instead of growing a hostile upstream's buffer without bound.
inline constexpr uint32_t stream_event_bytes_default = 8 * 1024 * 1024;
// Smallest limit a decoder accepts: an ordinary chat chunk is ~300 bytes.
inline constexpr uint32_t stream_event_bytes_min = 4 * 1024;
static_assert(stream_event_bytes_min <= stream_event_bytes_default);

// --- Ring sizing --------------------------------------------------------------------
// Submission queue entries per worker ring; the completion queue is 4x (multishot ops
// post many completions per submission).
inline constexpr uint32_t ring_sq_entries = 1024;
inline constexpr uint32_t ring_cq_entries = 4 * ring_sq_entries;

// --- Workers ------------------------------------------------------------------------
// `server.workers` upper bound: one per core; beyond 256 cores the design needs review.
inline constexpr uint32_t workers_max = 256;
// Listen addresses per instance (`server.listen` list).
inline constexpr uint32_t listeners_max = 16;
// Listen backlog per worker socket.
inline constexpr int listen_backlog = 4096;

// --- Connections --------------------------------------------------------------------
// Default `server.limits.max_connections` across all workers.
inline constexpr uint32_t connections_default = 100000;

// --- Timers -------------------------------------------------------------------------
// Timer wheel tick: bounds how late a header/idle timeout can fire.
inline constexpr uint32_t timer_tick_ms = 10;

}  // namespace rg::limits
