// Options of the downstream server: listeners, workers, limits and timeouts.
// Plain data filled by config/ and read-only afterwards (part of an immutable snapshot).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/limits.h"

namespace rg::server {

// A parsed listen address: "0.0.0.0:8080", "[::]:8080", "127.0.0.1:0" (port 0: any).
struct ListenAddress {
    std::string host;  // literal IPv4 or IPv6 address, without brackets
    uint16_t port = 0;
    bool ipv6 = false;
    std::string text;  // as written in the config, for messages
};

struct TlsOptions {
    std::string cert_file;
    std::string key_file;
};

struct CorsOptions {
    std::vector<std::string> allow_origins;  // "*" allowed
    uint32_t max_age_ms = 600000;
};

struct Limits {
    uint32_t header_bytes_max = limits::header_bytes_default;
    uint64_t body_bytes_max = limits::body_bytes_default;
    uint32_t connections_max = limits::connections_default;
    uint32_t idle_timeout_ms = 60000;    // keep-alive idle
    uint32_t header_timeout_ms = 10000;  // first byte of a request head -> complete head
};

struct Options {
    std::vector<ListenAddress> listen;  // at least one
    bool has_admin_listen = false;
    ListenAddress admin_listen;
    uint32_t workers = 0;  // 0 = auto: one per CPU in the affinity mask
    uint32_t shutdown_grace_ms = 30000;
    bool has_tls = false;
    TlsOptions tls;
    bool has_cors = false;
    CorsOptions cors;
    Limits limits;
};

}  // namespace rg::server
