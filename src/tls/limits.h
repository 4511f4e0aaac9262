// Fixed limits of the TLS module, each with the reason for its value. Plain constants, safe
// on any thread. TODO: move into base/limits.h beside the other limits (this module may not
// edit base/ while others work on it).
#pragma once

#include <cstddef>
#include <cstdint>

namespace rg::tls::limits {

// Sessions a shard remembers for resumption. One entry per (context, host, port): a gateway
// talks to a handful of providers, so 64 leaves room for every configured upstream while
// keeping the linear lookup (once per new upstream connection) a few cache lines long.
inline constexpr size_t session_cache_entries_default = 64;
inline constexpr size_t session_cache_entries_max = 4096;
static_assert(session_cache_entries_default <= session_cache_entries_max);

// A DNS name is at most 253 characters (RFC 1035 §2.3.4 without the trailing dot); an IPv6
// literal in brackets is at most 47. Longer hosts are refused before reaching BoringSSL,
// which needs NUL-terminated copies on the stack.
inline constexpr size_t host_bytes_max = 253;

// An ALPN protocol name is 1..255 bytes (RFC 7301 §3.1: one length octet); the whole list
// is carried in a 16-bit length, but a gateway offers a few names, so 8 bounds the config.
inline constexpr size_t alpn_name_bytes_max = 255;
inline constexpr size_t alpn_names_max = 8;

// Ciphertext the peer may leave unconsumed while the handshake is still running. BoringSSL
// pulls every complete handshake record into its own buffer, so after a handshake step the
// leftover is at most part of one record (2^14 + 256 bytes, RFC 8446 §5.2); more means a
// peer flooding us before it has authenticated anything.
inline constexpr size_t handshake_unread_bytes_max = 64 * 1024;
static_assert(handshake_unread_bytes_max >= (1u << 14) + 256 + 5);

}  // namespace rg::tls::limits
