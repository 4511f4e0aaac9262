#include "upstream/pool.h"

#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "base/assert.h"
#include "base/clock.h"

namespace rg::upstream {

Pool::Pool(shard::Shard& shard, uint32_t idle_max_per_origin, uint32_t idle_timeout_ms)
    : shard_(shard), idle_max_(idle_max_per_origin), idle_timeout_ms_(idle_timeout_ms) {}

Pool::~Pool() {
    for (auto& u : all_) {
        if (u->fd_ >= 0) {
            ::close(u->fd_);
        }
    }
}

void Pool::set_origins(std::vector<Origin> origins) {
    ++generation_;
    for (shard::TimerList& list : idle_) {
        while (!list.empty()) {
            close(static_cast<Connection*>(list.front()->owner));
        }
    }
    origins_ = std::move(origins);
    idle_.clear();
    idle_.resize(origins_.size());
    cursors_.assign(origins_.size(), AddressCursor{});
}

Connection* Pool::take_idle(uint32_t origin) {
    shard::TimerList& list = idle_[origin];
    if (list.empty()) {
        return nullptr;
    }
    // Most recently used first: its peer is least likely to have timed it out.
    shard::TimerNode* node = list.front();
    for (shard::TimerNode* n = node; n != nullptr; n = n->next) {
        node = n;
    }
    list.remove(node);
    --stats_.idle;
    return static_cast<Connection*>(node->owner);
}

// A new connection goes to the next of the origin's published addresses: a wait-free read
// of the resolver's latest set (one atomic load when it has not changed), then rotation.
// Connections already open stay where they are when the set changes.
io::SocketAddress Pool::pick_address(uint32_t origin) {
    const Origin& o = origins_[origin];
    IpAddress ip;
    if (o.live != nullptr && cursors_[origin].next(*o.live, &ip)) {
        return ip.to_socket_address(o.port);
    }
    return o.address;
}

Connection* Pool::acquire(uint32_t origin, Observer* observer, int* err) {
    RG_ASSERT(origin < origins_.size());
    if (Connection* u = take_idle(origin)) {
        u->state_ = ConnState::ready;
        u->observer_ = observer;
        u->reused_ = true;
        ++stats_.reuses;
        return u;
    }
    io::SocketAddress address = pick_address(origin);
    int fd = ::socket(address.family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *err = errno;
        return nullptr;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    Connection* u = free_;
    if (u != nullptr) {
        free_ = u->next_free_;
    } else {
        all_.push_back(std::make_unique<Connection>());
        u = all_.back().get();
        u->pool_ = this;
        for (io::Operation* op : {&u->connect_op_, &u->recv_op_, &u->send_op_}) {
            op->owner = u;
        }
        u->connect_op_.on_complete = &Pool::on_connect;
        u->recv_op_.on_complete = &Pool::on_recv;
        u->send_op_.on_complete = &Pool::on_send;
        u->idle_timer_.owner = u;
    }
    u->origin_ = origin;
    u->address_ = address;
    u->generation_ = generation_;
    u->fd_ = fd;
    u->state_ = ConnState::connecting;
    u->reused_ = false;
    u->paused_ = false;
    u->want_recv_ = false;
    u->observer_ = observer;
    u->error_reason_ = "";
    u->tls_.reset();
    u->next_free_ = nullptr;
    ++stats_.connects;
    ++stats_.open;
    io_uring_sqe* sqe = shard_.ring().sqe();
    // The address lives in the connection, which outlives the connect.
    io_uring_prep_connect(sqe, fd, reinterpret_cast<const sockaddr*>(&u->address_.storage),
                          u->address_.length);
    io::Ring::bind(sqe, &u->connect_op_);
    return u;
}

void Pool::on_connect(io::Operation* op, int32_t res, uint32_t) {
    auto* u = static_cast<Connection*>(op->owner);
    Pool* self = u->pool_;
    if (u->state_ == ConnState::closing) {
        self->maybe_free(u);
        return;
    }
    if (res < 0) {
        ++self->stats_.connect_errors;
        self->fail(u, -res);
        return;
    }
    const Origin& o = self->origins_[u->origin_];
    if (o.tls && o.tls_context != nullptr) {
        // The handshake runs over the same ring: ciphertext in through receives, out
        // through sends. The observer hears of the connection once it is done.
        u->state_ = ConnState::handshaking;
        u->tls_ = tls::Engine::client(o.tls_context, o.host, &self->sessions_, o.port);
        self->arm_recv(u);
        self->flush_tls(u);
        return;
    }
    u->state_ = ConnState::ready;
    self->arm_recv(u);
    if (u->observer_ != nullptr) {
        u->observer_->on_upstream_connected(u);
    }
}

void Pool::arm_recv(Connection* u) {
    u->want_recv_ = false;
    if (u->recv_op_.in_flight || u->state_ == ConnState::closing || u->paused_) {
        return;
    }
    io_uring_sqe* sqe = shard_.ring().sqe();
    io_uring_prep_recv_multishot(sqe, u->fd_, nullptr, 0, 0);
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = shard_.buffers().group_id();
    io::Ring::bind(sqe, &u->recv_op_);
}

void Pool::queue_rearm(Connection* u) {
    if (!u->want_recv_) {
        u->want_recv_ = true;
        u->next_rearm_ = rearm_;
        rearm_ = u;
    }
}

void Pool::on_recv(io::Operation* op, int32_t res, uint32_t flags) {
    auto* u = static_cast<Connection*>(op->owner);
    Pool* self = u->pool_;
    if (flags & IORING_CQE_F_BUFFER) {
        uint16_t bid = io::BufferRing::buffer_id(flags);
        self->shard_.buffers().note_taken();
        if (res > 0) {
            const char* data = self->shard_.buffers().buffer(bid);
            if (u->tls_ != nullptr) {
                self->on_tls_bytes(u, data, static_cast<size_t>(res));
            } else {
                self->on_plain_bytes(u, data, static_cast<size_t>(res));
            }
        }
        self->shard_.buffers().recycle(bid);
    } else if (res == 0) {
        self->fail(u, 0);  // the peer closed (the end of a close-delimited body, or idle)
    } else if (res < 0 && res != -ENOBUFS && res != -ECANCELED) {
        self->fail(u, -res);
    }
    if (!u->recv_op_.in_flight) {
        if (u->state_ == ConnState::ready || u->state_ == ConnState::idle ||
            u->state_ == ConnState::handshaking) {
            if (!u->paused_) {
                self->queue_rearm(u);
            }
        } else {
            self->maybe_free(u);
        }
    }
}

void Pool::on_plain_bytes(Connection* u, const char* data, size_t len) {
    if (u->state_ == ConnState::ready && u->observer_ != nullptr) {
        u->observer_->on_upstream_data(u, data, len);
    } else if (u->state_ == ConnState::idle) {
        close(u);  // bytes on an idle connection: the stream is out of sync
    }
}

void Pool::on_tls_bytes(Connection* u, const char* data, size_t len) {
    tls::Status st = u->tls_->feed(data, len);
    if (st == tls::Status::error) {
        ++stats_.tls_errors;
        u->error_reason_ = u->tls_->error_reason();
        fail(u, EPROTO);
        return;
    }
    if (u->state_ == ConnState::handshaking && u->tls_->handshake_done()) {
        ++stats_.tls_handshakes;
        stats_.tls_resumed += u->tls_->session_reused() ? 1 : 0;
        u->state_ = ConnState::ready;
        if (u->observer_ != nullptr) {
            u->observer_->on_upstream_connected(u);
        }
    }
    // Decrypted bytes go to the observer, which may release the connection meanwhile.
    while (u->state_ == ConnState::ready || u->state_ == ConnState::idle) {
        size_t n = 0;
        st = u->tls_->read(plain_, sizeof(plain_), &n);
        if (n > 0) {
            on_plain_bytes(u, plain_, n);
        }
        if (st == tls::Status::closed) {
            fail(u, 0);  // close_notify: the end of a close-delimited body, or idle
            return;
        }
        if (st == tls::Status::error) {
            ++stats_.tls_errors;
            u->error_reason_ = u->tls_->error_reason();
            fail(u, EPROTO);
            return;
        }
        if (n == 0) {
            break;
        }
    }
    if (u->state_ != ConnState::closing) {
        flush_tls(u);  // handshake messages, key updates, alerts
    }
}

void Pool::flush_tls(Connection* u) {
    if (u->send_op_.in_flight || u->state_ == ConnState::closing) {
        return;
    }
    std::string_view out = u->tls_->pending_output();
    if (!out.empty()) {
        start_send(u, out.data(), out.size());
    }
}

void Pool::start_send(Connection* u, const char* data, size_t len) {
    io_uring_sqe* sqe = shard_.ring().sqe();
    io_uring_prep_send(sqe, u->fd_, data, len, MSG_NOSIGNAL);
    io::Ring::bind(sqe, &u->send_op_);
}

void Pool::send(Connection* u, ByteBuffer& request) {
    RG_ASSERT(u->state_ == ConnState::ready);
    if (u->tls_ != nullptr) {
        if (u->tls_->write(request.data(), request.size()) == tls::Status::error) {
            u->error_reason_ = u->tls_->error_reason();
            request.clear();
            fail(u, EPROTO);
            return;
        }
        request.clear();
        flush_tls(u);
        return;
    }
    RG_ASSERT(!u->send_op_.in_flight);
    std::swap(u->sending_, request);
    request.clear();
    start_send(u, u->sending_.data(), u->sending_.size());
}

void Pool::on_send(io::Operation* op, int32_t res, uint32_t) {
    auto* u = static_cast<Connection*>(op->owner);
    Pool* self = u->pool_;
    if (u->state_ == ConnState::closing) {
        self->maybe_free(u);
        return;
    }
    if (res < 0) {
        self->fail(u, -res);
        return;
    }
    if (u->tls_ != nullptr) {
        u->tls_->consume_output(static_cast<size_t>(res));
        self->flush_tls(u);
        return;
    }
    u->sending_.consume(static_cast<size_t>(res));
    if (!u->sending_.empty()) {
        self->start_send(u, u->sending_.data(), u->sending_.size());
    }
}

void Pool::pause(Connection* u) {
    if (u->paused_ || u->state_ != ConnState::ready) {
        return;
    }
    u->paused_ = true;
    if (u->recv_op_.in_flight) {
        io_uring_prep_cancel64(shard_.ring().sqe(), reinterpret_cast<uint64_t>(&u->recv_op_), 0);
    }
}

void Pool::resume(Connection* u) {
    if (!u->paused_) {
        return;
    }
    u->paused_ = false;
    if (!u->recv_op_.in_flight && u->state_ == ConnState::ready) {
        queue_rearm(u);
    }
}

void Pool::release(Connection* u, bool reusable) {
    u->observer_ = nullptr;
    bool keep = reusable && u->state_ == ConnState::ready && u->generation_ == generation_ &&
                !u->send_op_.in_flight && idle_[u->origin_].size() < idle_max_;
    if (!keep) {
        close(u);
        return;
    }
    u->state_ = ConnState::idle;
    u->paused_ = false;
    uint64_t deadline = monotonic_ms() + idle_timeout_ms_;
    idle_[u->origin_].push_back(&u->idle_timer_, deadline);
    ++stats_.idle;
    shard_.wake_at(deadline);
    if (!u->recv_op_.in_flight) {
        queue_rearm(u);  // an idle connection keeps reading to notice the peer's close
    }
}

void Pool::fail(Connection* u, int sys_errno) {
    Observer* observer = u->observer_;
    u->observer_ = nullptr;
    close(u);  // takes an idle connection off its idle list
    if (observer != nullptr) {
        observer->on_upstream_closed(u, sys_errno);
    }
}

void Pool::close(Connection* u) {
    if (u->state_ == ConnState::closing) {
        return;
    }
    if (u->state_ == ConnState::idle) {
        idle_[u->origin_].remove(&u->idle_timer_);
        --stats_.idle;
    }
    u->state_ = ConnState::closing;
    u->observer_ = nullptr;
    for (io::Operation* op : {&u->recv_op_, &u->connect_op_}) {
        if (op->in_flight) {
            io_uring_prep_cancel64(shard_.ring().sqe(), reinterpret_cast<uint64_t>(op), 0);
        }
    }
    maybe_free(u);
}

void Pool::maybe_free(Connection* u) {
    if (u->state_ != ConnState::closing || u->fd_ < 0 || u->recv_op_.in_flight ||
        u->send_op_.in_flight || u->connect_op_.in_flight) {
        return;
    }
    io_uring_prep_close(shard_.ring().sqe(), u->fd_);
    u->fd_ = -1;
    u->sending_.clear();
    u->tls_.reset();
    --stats_.open;
    // Pooled only after before_submit() has walked the re-arm list it may still be on, and
    // after the observer that is being told of the close has returned.
    u->next_free_ = released_;
    released_ = u;
}

uint64_t Pool::on_timer(uint64_t now_ms) {
    uint64_t next = 0;
    for (shard::TimerList& list : idle_) {
        while (!list.empty() && list.front()->deadline_ms <= now_ms) {
            close(static_cast<Connection*>(list.front()->owner));
        }
        uint64_t d = list.next_deadline_ms();
        if (d != 0 && (next == 0 || d < next)) {
            next = d;
        }
    }
    return next;
}

void Pool::before_submit() {
    while (rearm_ != nullptr) {
        Connection* u = rearm_;
        rearm_ = u->next_rearm_;
        bool open = u->state_ == ConnState::ready || u->state_ == ConnState::idle;
        if (u->want_recv_ && open) {
            arm_recv(u);
        }
        u->want_recv_ = false;
    }
    while (released_ != nullptr) {
        Connection* u = released_;
        released_ = u->next_free_;
        u->want_recv_ = false;
        u->next_free_ = free_;
        free_ = u;
    }
}

}  // namespace rg::upstream
