#include "base/sd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace rg {

bool sd_notify(std::string_view state) {
    const char* path = std::getenv("NOTIFY_SOCKET");
    if (path == nullptr || path[0] == '\0') {
        return false;
    }
    sockaddr_un addr;
    std::memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    size_t len = std::strlen(path);
    if (len >= sizeof(addr.sun_path) || (path[0] != '/' && path[0] != '@')) {
        return false;
    }
    std::memcpy(addr.sun_path, path, len);
    if (path[0] == '@') {
        addr.sun_path[0] = '\0';  // abstract namespace
    }
    int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    auto addr_len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + len);
    ssize_t n = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                         reinterpret_cast<const sockaddr*>(&addr), addr_len);
    ::close(fd);
    return n == static_cast<ssize_t>(state.size());
}

uint64_t sd_watchdog_usec() {
    const char* usec = std::getenv("WATCHDOG_USEC");
    if (usec == nullptr) {
        return 0;
    }
    const char* pid = std::getenv("WATCHDOG_PID");
    if (pid != nullptr && std::strtoll(pid, nullptr, 10) != static_cast<long long>(getpid())) {
        return 0;
    }
    return std::strtoull(usec, nullptr, 10);
}

}  // namespace rg
