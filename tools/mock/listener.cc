#include "mock/listener.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "mock/limits.h"

namespace rg::mock {
namespace {

bool split_address(const std::string& address, std::string* host, std::string* port) {
    size_t colon = address.rfind(':');
    if (colon == std::string::npos) {
        return false;
    }
    *host = address.substr(0, colon);
    *port = address.substr(colon + 1);
    if (host->size() >= 2 && host->front() == '[' && host->back() == ']') {
        *host = host->substr(1, host->size() - 2);
    }
    return !port->empty();
}

int open_one(const addrinfo* ai, uint16_t port, std::string* error) {
    sockaddr_storage addr{};
    std::memcpy(&addr, ai->ai_addr, ai->ai_addrlen);
    if (addr.ss_family == AF_INET) {
        reinterpret_cast<sockaddr_in*>(&addr)->sin_port = htons(port);
    } else {
        reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port = htons(port);
    }
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0 ||
        bind(fd, reinterpret_cast<sockaddr*>(&addr), ai->ai_addrlen) != 0 ||
        listen(fd, limits::listen_backlog) != 0) {
        *error = std::string("cannot listen: ") + std::strerror(errno);
        if (fd >= 0) {
            ::close(fd);
        }
        return -1;
    }
    return fd;
}

uint16_t bound_port(int fd) {
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    return addr.ss_family == AF_INET ? ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port)
                                     : ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
}

}  // namespace

bool open_listeners(const std::string& address, uint32_t count, std::vector<int>* fds,
                    uint16_t* port, std::string* error) {
    std::string host, port_text;
    if (!split_address(address, &host, &port_text)) {
        *error = "bad address '" + address + "' (want HOST:PORT)";
        return false;
    }
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* res = nullptr;
    int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), port_text.c_str(), &hints, &res);
    if (rc != 0 || res == nullptr) {
        *error = "cannot resolve '" + address + "': " + gai_strerror(rc);
        return false;
    }
    *port = static_cast<uint16_t>(std::atoi(port_text.c_str()));
    bool ok = true;
    for (uint32_t i = 0; i < count && ok; ++i) {
        int fd = open_one(res, *port, error);
        ok = fd >= 0;
        if (ok) {
            fds->push_back(fd);
            *port = bound_port(fd);  // port 0: the rest join the port the first one got
        }
    }
    freeaddrinfo(res);
    return ok;
}

}  // namespace rg::mock
