// HttpServer, second half: connection timers (header, idle, linger), teardown and the
// connection/parser pools, and drain. Shard-local like the rest of the server.
#include <sys/socket.h>

#include "base/clock.h"
#include "http/response_writer.h"
#include "server/http_server.h"

namespace rg::server {
namespace {

// How long a closing connection keeps reading (and discarding) after its final response,
// so that unread request bytes do not turn our close into a reset that destroys the
// response before the client reads it (nginx's lingering_close).
constexpr uint32_t linger_timeout_ms = 2000;

// Buffers larger than this are freed when a connection returns to the pool.
constexpr size_t pooled_buffer_bytes_max = 16 * 1024;

}  // namespace

// --- Timers -------------------------------------------------------------------------

void HttpServer::set_timer(Connection* c, shard::TimerList& list, uint32_t timeout_ms) {
    uint64_t deadline = monotonic_ms() + timeout_ms;
    list.push_back(&c->timer, deadline);
    shard_.wake_at(deadline);
}

uint64_t HttpServer::on_timer(uint64_t now_ms) {
    expire(header_timers_, now_ms, &HttpServer::on_header_timeout);
    expire(idle_timers_, now_ms, &HttpServer::on_idle_timeout);
    expire(linger_timers_, now_ms, &HttpServer::on_linger_timeout);
    if (draining_ && drain_deadline_ms_ != 0 && now_ms >= drain_deadline_ms_) {
        // Grace period over: close whatever is still open.
        for (auto& c : all_connections_) {
            if (c->fd >= 0 && c->state != ConnState::closing) {
                close_connection(c.get());
            }
        }
    }
    uint64_t next = 0;
    for (const shard::TimerList* l : {&header_timers_, &idle_timers_, &linger_timers_}) {
        uint64_t d = l->next_deadline_ms();
        if (d != 0 && (next == 0 || d < next)) {
            next = d;
        }
    }
    if (draining_ && drain_deadline_ms_ > now_ms && (next == 0 || drain_deadline_ms_ < next)) {
        next = drain_deadline_ms_;
    }
    if (handler_ != nullptr) {
        uint64_t h = handler_->on_timer(now_ms);
        if (h != 0 && (next == 0 || h < next)) {
            next = h;
        }
    }
    return next;
}

void HttpServer::expire(shard::TimerList& list, uint64_t now_ms,
                        void (HttpServer::*fn)(Connection*)) {
    while (!list.empty() && list.front()->deadline_ms <= now_ms) {
        shard::TimerNode* node = list.front();
        list.remove(node);
        (this->*fn)(static_cast<Connection*>(node->owner));
    }
}

void HttpServer::on_header_timeout(Connection* c) {
    if (c->state != ConnState::open) {
        return;
    }
    if (!c->request_started) {
        // A new connection that never sent a byte (or never finished its TLS handshake):
        // close without an answer.
        if (c->tls != nullptr && !c->tls->engine->handshake_done()) {
            stats_->tls_handshake_timeouts_total.inc();
        }
        close_connection(c);
        return;
    }
    stats_->header_timeouts_total.inc();
    http::write_response(c->out, 408, "application/json",
                         "{\"error\":{\"message\":\"Request Timeout: request head not received "
                         "within header_timeout\",\"type\":\"invalid_request_error\","
                         "\"param\":null,\"code\":\"request_timeout\"}}",
                         true);
    finish_request(408);
    c->close_after_send = true;
    mark_dirty(c);
}

void HttpServer::on_idle_timeout(Connection* c) {
    if (c->state != ConnState::open) {
        return;
    }
    stats_->idle_timeouts_total.inc();
    close_connection(c);
}

void HttpServer::on_linger_timeout(Connection* c) {
    close_connection(c);
}

void HttpServer::begin_linger(Connection* c) {
    c->state = ConnState::lingering;
    io_uring_sqe* sqe = shard_.ring().sqe();
    io_uring_prep_shutdown(sqe, c->fd, SHUT_WR);
    io::Ring::bind(sqe, &c->shutdown_op);
    set_timer(c, linger_timers_, linger_timeout_ms);
}

void HttpServer::close_connection(Connection* c) {
    if (c->state == ConnState::closing) {
        return;
    }
    c->state = ConnState::closing;
    shard::timer_unlink(&c->timer);
    if (c->handled) {
        if (c->tls != nullptr) {
            c->tls->truncated = true;
        }
        c->handled = false;
        c->handler_ended = false;
        handler_->on_downstream_gone(c);
        c->handler_state = nullptr;
    }
    if (c->recv_op.in_flight) {
        io_uring_prep_cancel64(shard_.ring().sqe(), reinterpret_cast<uint64_t>(&c->recv_op), 0);
    }
    if (c->send_op.in_flight) {
        // A peer that stopped reading would otherwise hold the send, and so the fd, forever.
        io_uring_prep_cancel64(shard_.ring().sqe(), reinterpret_cast<uint64_t>(&c->send_op), 0);
    } else if (c->tls != nullptr) {
        send_tls_farewell(c);
    }
    maybe_release(c);
}

void HttpServer::maybe_release(Connection* c) {
    if (c->state != ConnState::closing || c->recv_op.in_flight || c->send_op.in_flight ||
        c->shutdown_op.in_flight || c->fd < 0) {
        return;
    }
    io_uring_prep_close(shard_.ring().sqe(), c->fd);
    c->fd = -1;
    release_parser(c);
    release_tls(c);
    c->pending_in.clear();
    for (ByteBuffer* b : {&c->out, &c->sending, &c->pending_in}) {
        b->clear();
        if (b->capacity() > pooled_buffer_bytes_max) {
            b->release();
        }
    }
    --connections_;
    if (!c->admin) {
        --main_connections_;
    }
    stats_->connections_closed_total.inc();
    stats_->connections_active.dec();
    // The connection may still be linked on this turn's flush or re-arm list: it returns
    // to the pool only after before_submit() has walked those lists.
    c->next_free = released_;
    released_ = c;
}

http::RequestParser* HttpServer::acquire_parser() {
    if (!free_parsers_.empty()) {
        http::RequestParser* p = free_parsers_.back();
        free_parsers_.pop_back();
        return p;
    }
    return new http::RequestParser(
        http::ParseLimits{options_->limits.header_bytes_max, options_->limits.body_bytes_max});
}

void HttpServer::release_parser(Connection* c) {
    if (c->parser != nullptr) {
        c->parser->reset();
        c->parser->set_limits(
            http::ParseLimits{options_->limits.header_bytes_max, options_->limits.body_bytes_max});
        free_parsers_.push_back(c->parser);
        c->parser = nullptr;
    }
}

void HttpServer::on_drain(uint64_t deadline_ms) {
    draining_ = true;
    drain_deadline_ms_ = deadline_ms;
    for (Listener& l : listeners_) {
        if (!l.admin) {
            close_listener(&l);
        }
    }
    // Idle keep-alive connections close now; busy ones close after their current answer
    // (every answer while draining carries Connection: close).
    for (auto& c : all_connections_) {
        if (c->fd >= 0 && c->state == ConnState::open && !c->admin && !c->request_started &&
            c->backlog() == 0) {
            close_connection(c.get());
        }
    }
    shard_.wake_at(deadline_ms);
}

bool HttpServer::finished() const {
    return draining_ && main_connections_ == 0;
}

}  // namespace rg::server
