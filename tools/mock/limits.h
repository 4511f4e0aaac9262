// Every fixed limit of ringgate-mock in one place, each with the reason for its value.
// Read-only constants; safe on any thread.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rg::mock::limits {

// --- Request ------------------------------------------------------------------------
// Request head bytes (request line + headers): SDK heads are ~1 KiB; 64 KiB bounds a
// slow-loris client while leaving room for large test headers.
inline constexpr size_t head_bytes_max = 64 * 1024;
// Header lines per request; SDKs send ~15.
inline constexpr uint32_t header_count_max = 128;
// Request body bytes: base64 images in chat requests stay well under this.
inline constexpr size_t body_bytes_max = 32 * 1024 * 1024;
// Header values copied into the attempt log, each truncated to this many bytes.
inline constexpr size_t logged_header_bytes_max = 512;
// Headers copied into one attempt record.
inline constexpr uint32_t logged_headers_max = 16;

// --- Connection I/O -----------------------------------------------------------------
// One read(2) call's buffer.
inline constexpr size_t read_chunk_bytes = 16 * 1024;
// Bytes read from one connection per readiness event before yielding to the others.
inline constexpr size_t read_budget_bytes = 256 * 1024;
// Unparsed (pipelined) input kept while a response is in progress; beyond it we stop
// reading, which pushes back on the client through TCP.
inline constexpr size_t pending_input_max = 1024 * 1024;
// Output queued per connection beyond which a stream stops producing events...
inline constexpr size_t out_high_bytes = 256 * 1024;
// ...until the queue drains below this.
inline constexpr size_t out_low_bytes = 64 * 1024;
static_assert(out_low_bytes < out_high_bytes);
// Produce-and-flush rounds per readiness event (up to 16 MiB of a fast stream at
// out_high_bytes each) before yielding to the other connections.
inline constexpr int drive_rounds_max = 64;
static_assert(read_chunk_bytes <= read_budget_bytes);

// --- Event loop ---------------------------------------------------------------------
// epoll events handled per epoll_wait call.
inline constexpr int epoll_batch = 256;
// Listen backlog per worker socket: absorbs connection bursts of load generators.
inline constexpr int listen_backlog = 4096;
// Worker threads: one per core; far beyond any machine this runs on.
inline constexpr uint32_t threads_max = 256;

// --- Answers ------------------------------------------------------------------------
// Completion tokens per answer: 1M space-separated words is ~8 MB, still bounded.
inline constexpr uint32_t tokens_max = 1000000;
// Any configured delay: ten minutes is longer than any client timeout worth testing.
inline constexpr uint32_t delay_ms_max = 600000;
// Embedding dimensions: the largest real model has 3072; allow headroom.
inline constexpr uint32_t embedding_dims_max = 8192;
// Embedding inputs per request (OpenAI allows 2048).
inline constexpr uint32_t embedding_inputs_max = 4096;

// --- Control state ------------------------------------------------------------------
// Attempt records kept per worker thread (a ring: the oldest are dropped first).
inline constexpr size_t attempts_per_thread_default = 100000;
// Runtime fault rules.
inline constexpr size_t fault_rules_max = 1024;
// Distinct sequence-mode directive strings tracked at once.
inline constexpr size_t sequences_max = 65536;

}  // namespace rg::mock::limits
