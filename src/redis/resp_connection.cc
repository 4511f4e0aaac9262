#include "redis/resp_connection.h"

#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "base/clock.h"

namespace rg::redis {
namespace {

constexpr size_t read_chunk = 16 * 1024;

Reply copy_reply(const redisReply* r) {
    Reply out;
    switch (r->type) {
        case REDIS_REPLY_INTEGER:
            out.type = Reply::Type::integer;
            out.integer = r->integer;
            break;
        case REDIS_REPLY_STRING:
        case REDIS_REPLY_STATUS:
        case REDIS_REPLY_ERROR:
            out.type = r->type == REDIS_REPLY_STRING   ? Reply::Type::string
                       : r->type == REDIS_REPLY_STATUS ? Reply::Type::status
                                                       : Reply::Type::error;
            if (r->len > 0) {
                out.str.assign(r->str, r->len);
            }
            break;
        case REDIS_REPLY_ARRAY:
            out.type = Reply::Type::array;
            out.elements.reserve(r->elements);
            for (size_t i = 0; i < r->elements; ++i) {
                out.elements.push_back(copy_reply(r->element[i]));
            }
            break;
        default:
            out.type = Reply::Type::nil;
            break;
    }
    return out;
}

// Milliseconds left until `deadline_ms`, at least 1 while any remain.
int remaining_ms(uint64_t deadline_ms) {
    const uint64_t now = monotonic_ms();
    return now >= deadline_ms ? 0 : static_cast<int>(deadline_ms - now);
}

// Waits for `events` on `fd` until the deadline; false on timeout or error.
bool wait_for(int fd, short events, uint64_t deadline_ms) {
    for (;;) {
        const int left = remaining_ms(deadline_ms);
        if (left == 0) {
            return false;
        }
        pollfd p{fd, events, 0};
        const int n = ::poll(&p, 1, left);
        if (n > 0) {
            return true;
        }
        if (n < 0 && errno != EINTR) {
            return false;
        }
    }
}

}  // namespace

int64_t Reply::as_int(int64_t fallback) const {
    if (type == Type::integer) {
        return integer;
    }
    if (type != Type::string || str.empty()) {
        return fallback;
    }
    char* end = nullptr;
    const long long v = std::strtoll(str.c_str(), &end, 10);
    return end != nullptr && *end == '\0' ? v : fallback;
}

RespConnection::RespConnection() = default;

RespConnection::~RespConnection() {
    close();
}

void RespConnection::close() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    if (reader_ != nullptr) {
        redisReaderFree(reader_);
        reader_ = nullptr;
    }
}

Result<void> RespConnection::fail(const char* context, int sys_errno) {
    close();
    return Error::make(sys_errno == ETIMEDOUT ? ErrorCode::timeout : ErrorCode::io, context,
                       sys_errno);
}

Result<void> RespConnection::connect(const std::string& host, uint16_t port, uint32_t timeout_ms) {
    close();
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    if (::getaddrinfo(host.c_str(), service.c_str(), &hints, &found) != 0 || found == nullptr) {
        return Error::make(ErrorCode::not_found, "redis host does not resolve");
    }
    const uint64_t deadline = monotonic_ms() + timeout_ms;
    int err = ECONNREFUSED;
    for (addrinfo* a = found; a != nullptr && fd_ < 0; a = a->ai_next) {
        int fd = ::socket(a->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            err = errno;
            continue;
        }
        int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
        if (rc != 0 && errno == EINPROGRESS) {
            socklen_t len = sizeof(err);
            err = ETIMEDOUT;
            if (wait_for(fd, POLLOUT, deadline) &&
                ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0) {
                rc = err == 0 ? 0 : -1;
            }
        } else if (rc != 0) {
            err = errno;
        }
        if (rc == 0) {
            int one = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
            fd_ = fd;
        } else {
            ::close(fd);
        }
    }
    ::freeaddrinfo(found);
    if (fd_ < 0) {
        return fail("redis connect failed", err);
    }
    reader_ = redisReaderCreate();
    return ok_result();
}

Result<void> RespConnection::round(const std::vector<Command>& commands,
                                   std::vector<Reply>* replies, uint32_t timeout_ms) {
    replies->clear();
    if (fd_ < 0) {
        return Error::make(ErrorCode::closed, "redis not connected");
    }
    out_.clear();
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const Command& c : commands) {
        argv.clear();
        lens.clear();
        for (const std::string& arg : c) {
            argv.push_back(arg.data());
            lens.push_back(arg.size());
        }
        char* encoded = nullptr;
        const int n = redisFormatCommandArgv(&encoded, static_cast<int>(argv.size()), argv.data(),
                                             lens.data());
        if (n < 0) {
            return fail("redis command encoding failed", ENOMEM);
        }
        out_.append(encoded, static_cast<size_t>(n));
        redisFreeCommand(encoded);
    }
    const uint64_t deadline = monotonic_ms() + timeout_ms;
    auto sent = send_all(out_, deadline);
    if (!sent.ok()) {
        return sent;
    }
    return read_replies(commands.size(), replies, deadline);
}

Result<void> RespConnection::send_all(std::string_view bytes, uint64_t deadline_ms) {
    while (!bytes.empty()) {
        const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n > 0) {
            bytes.remove_prefix(static_cast<size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!wait_for(fd_, POLLOUT, deadline_ms)) {
                return fail("redis send timed out", ETIMEDOUT);
            }
            continue;
        }
        return fail("redis send failed", errno);
    }
    return ok_result();
}

Result<void> RespConnection::read_replies(size_t count, std::vector<Reply>* replies,
                                          uint64_t deadline_ms) {
    char buf[read_chunk];
    while (replies->size() < count) {
        void* raw = nullptr;
        if (redisReaderGetReply(reader_, &raw) != REDIS_OK) {
            return fail("redis protocol error", EPROTO);
        }
        if (raw != nullptr) {
            replies->push_back(copy_reply(static_cast<redisReply*>(raw)));
            freeReplyObject(raw);
            continue;
        }
        const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
        if (n > 0) {
            redisReaderFeed(reader_, buf, static_cast<size_t>(n));
            continue;
        }
        if (n == 0) {
            return fail("redis closed the connection", ECONNRESET);
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            return fail("redis receive failed", errno);
        }
        if (!wait_for(fd_, POLLIN, deadline_ms)) {
            return fail("redis answer timed out", ETIMEDOUT);
        }
    }
    return ok_result();
}

}  // namespace rg::redis
