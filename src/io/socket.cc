#include "io/socket.h"

#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace rg::io {

Result<SocketAddress> make_address(std::string_view host, uint16_t port) {
    SocketAddress out;
    std::string text(host);
    auto* v4 = reinterpret_cast<sockaddr_in*>(&out.storage);
    if (inet_pton(AF_INET, text.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        out.length = sizeof(sockaddr_in);
        return out;
    }
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
    if (inet_pton(AF_INET6, text.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        out.length = sizeof(sockaddr_in6);
        return out;
    }
    return Error::make(ErrorCode::invalid_argument, "not an IP address literal");
}

Result<int> listen_tcp(const SocketAddress& address, bool reuse_port, int backlog) {
    int fd = ::socket(address.family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return Error::make(ErrorCode::io, "socket", errno);
    }
    int one = 1;
    auto fail = [fd](const char* what) {
        int e = errno;
        ::close(fd);
        return Error::make(ErrorCode::io, what, e);
    };
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0) {
        return fail("setsockopt SO_REUSEADDR");
    }
    if (reuse_port && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0) {
        return fail("setsockopt SO_REUSEPORT");
    }
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0) {
        return fail("setsockopt TCP_NODELAY");
    }
    if (address.family() == AF_INET6 &&
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) != 0) {
        return fail("setsockopt IPV6_V6ONLY");
    }
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&address.storage), address.length) != 0) {
        return fail("bind");
    }
    if (::listen(fd, backlog) != 0) {
        return fail("listen");
    }
    return fd;
}

Result<uint16_t> local_port(int fd) {
    sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) {
        return Error::make(ErrorCode::io, "getsockname", errno);
    }
    if (ss.ss_family == AF_INET) {
        return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
    }
    return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
}

}  // namespace rg::io
