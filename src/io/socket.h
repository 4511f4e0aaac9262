// Socket helpers for listeners: address parsing into sockaddr, SO_REUSEPORT listeners.
// Called on the control thread at start-up and reload (bind/listen are not ring ops here
// because they run once, before the workers start).
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string_view>

#include "base/result.h"

namespace rg::io {

struct SocketAddress {
    sockaddr_storage storage{};
    socklen_t length = 0;
    int family() const { return storage.ss_family; }
};

// `host` is a literal IPv4 or IPv6 address (no brackets).
Result<SocketAddress> make_address(std::string_view host, uint16_t port);

// A TCP listener with SO_REUSEADDR, SO_REUSEPORT (when `reuse_port`) and TCP_NODELAY
// (inherited by accepted sockets). IPv6 listeners are v6-only.
Result<int> listen_tcp(const SocketAddress& address, bool reuse_port, int backlog);

// The port a bound socket actually got (for port 0).
Result<uint16_t> local_port(int fd);

}  // namespace rg::io
