#include "mock/worker.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "base/clock.h"
#include "base/log.h"
#include "mock/conn.h"
#include "mock/limits.h"

namespace rg::mock {
namespace {

// epoll tags for the non-connection descriptors; connections use their Conn*.
constexpr uint64_t kWakeTag = 1;
constexpr uint64_t kHttpTag = 2;
constexpr uint64_t kHttpsTag = 3;

bool epoll_add(int epfd, int fd, uint32_t events, uint64_t data) {
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = data;
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) == 0;
}

}  // namespace

Worker::Worker(Shared* shared, uint32_t index, int http_fd, int https_fd)
    : shared_(shared), index_(index), http_fd_(http_fd), https_fd_(https_fd) {}

Worker::~Worker() {
    for (Conn* c : slots_) {
        delete c;
    }
    reap();
    if (wake_fd_ >= 0) {
        ::close(wake_fd_);
    }
    if (epoll_fd_ >= 0) {
        ::close(epoll_fd_);
    }
}

bool Worker::init() {
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (epoll_fd_ < 0 || wake_fd_ < 0 || !epoll_add(epoll_fd_, wake_fd_, EPOLLIN, kWakeTag)) {
        return false;
    }
    if (http_fd_ >= 0 && !epoll_add(epoll_fd_, http_fd_, EPOLLIN, kHttpTag)) {
        return false;
    }
    return https_fd_ < 0 || epoll_add(epoll_fd_, https_fd_, EPOLLIN, kHttpsTag);
}

void Worker::stop() {
    uint64_t one = 1;
    ssize_t ignored = ::write(wake_fd_, &one, sizeof(one));
    (void)ignored;
}

void Worker::refresh_clock() {
    now_ns_ = monotonic_ns();
    now_s_ = wall_ms() / 1000;
}

void Worker::run() {
    epoll_event events[limits::epoll_batch];
    while (!stopping_) {
        refresh_clock();
        timespec timeout{};
        int64_t wait_ns = again_.empty() ? timeout_ns() : 0;
        timeout.tv_sec = wait_ns / 1000000000;
        timeout.tv_nsec = wait_ns % 1000000000;
        int n = epoll_pwait2(epoll_fd_, events, limits::epoll_batch,
                             wait_ns < 0 ? nullptr : &timeout, nullptr);
        if (n < 0 && errno != EINTR) {
            RG_ERROR("ringgate-mock: epoll_pwait2 failed: errno %d", errno);
            return;
        }
        refresh_clock();
        for (int i = 0; i < n; ++i) {
            uint64_t tag = events[i].data.u64;
            if (tag == kWakeTag) {
                stopping_ = true;
            } else if (tag == kHttpTag || tag == kHttpsTag) {
                accept_all(tag == kHttpTag ? http_fd_ : https_fd_, tag == kHttpsTag);
            } else {
                static_cast<Conn*>(events[i].data.ptr)->on_event(events[i].events);
            }
        }
        run_again();
        run_timers();
        reap();
    }
}

void Worker::accept_all(int listen_fd, bool tls) {
    for (;;) {
        int fd = accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                RG_WARN("ringgate-mock: accept failed: errno %d", errno);
            }
            return;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        SSL* ssl = nullptr;
        if (tls) {
            ssl = SSL_new(shared_->tls);
            SSL_set_fd(ssl, fd);
            SSL_set_accept_state(ssl);
        }
        uint32_t slot = 0;
        if (free_slots_.empty()) {
            slot = static_cast<uint32_t>(slots_.size());
            slots_.push_back(nullptr);
        } else {
            slot = free_slots_.back();
            free_slots_.pop_back();
        }
        auto* conn = new Conn(this, fd, ssl, slot, ++serials_);
        slots_[slot] = conn;
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
        ev.data.ptr = conn;
        if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
            release(conn);
        }
    }
}

void Worker::arm_timer(Conn* conn, uint64_t deadline_ns, uint64_t seq) {
    timers_.push(Timer{deadline_ns, conn->slot(), conn->serial(), seq});
}

int64_t Worker::timeout_ns() const {
    if (timers_.empty()) {
        return -1;
    }
    uint64_t deadline = timers_.top().deadline_ns;
    return deadline <= now_ns_ ? 0 : static_cast<int64_t>(deadline - now_ns_);
}

void Worker::run_timers() {
    while (!timers_.empty() && timers_.top().deadline_ns <= now_ns_) {
        Timer t = timers_.top();
        timers_.pop();
        Conn* conn = t.slot < slots_.size() ? slots_[t.slot] : nullptr;
        if (conn != nullptr && conn->serial() == t.serial) {
            conn->on_timer(t.seq);
        }
    }
}

void Worker::again(Conn* conn) {
    again_.push_back(AgainEntry{conn->slot(), conn->serial()});
}

void Worker::run_again() {
    again_run_.swap(again_);
    again_.clear();
    for (const AgainEntry& e : again_run_) {
        Conn* conn = e.slot < slots_.size() ? slots_[e.slot] : nullptr;
        if (conn != nullptr && conn->serial() == e.serial) {
            conn->on_again();
        }
    }
    again_run_.clear();
}

void Worker::release(Conn* conn) {
    slots_[conn->slot()] = nullptr;
    free_slots_.push_back(conn->slot());
    graveyard_.push_back(conn);
}

void Worker::reap() {
    for (Conn* c : graveyard_) {
        delete c;
    }
    graveyard_.clear();
}

}  // namespace rg::mock
