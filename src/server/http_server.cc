#include "server/http_server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/clock.h"
#include "base/limits.h"
#include "base/log.h"
#include "http/response_writer.h"

namespace rg::server {

// README.md states the memory of an idle keep-alive connection; keep it true.
static_assert(sizeof(Connection) <= 320, "an idle connection must stay under 320 bytes");
static_assert(parse_error_kinds > static_cast<size_t>(http::ParseError::invalid_method),
              "stats.h parse_error_kinds must cover every http::ParseError");

namespace {

bool has_single_host(const http::RequestHead& head) {
    if (head.version_minor == 0) {
        return true;  // HTTP/1.0 predates Host
    }
    uint32_t hosts = 0;
    for (uint32_t i = 0; i < head.header_count; ++i) {
        hosts += http::equals_ignore_case(head.headers[i].name, "host") ? 1 : 0;
    }
    return hosts == 1;
}

void count_status(ServerStats* stats, int status) {
    stats->http_requests_total.inc();
    if (status >= 200 && status < 300) {
        stats->responses_2xx_total.inc();
    } else if (status >= 400 && status < 500) {
        stats->responses_4xx_total.inc();
    } else if (status >= 500) {
        stats->responses_5xx_total.inc();
    }
}

}  // namespace

HttpServer::HttpServer(shard::Shard& shard, std::vector<ListenerSpec> listeners,
                       uint32_t shard_count, ServerStats* stats, const MetricsSources* metrics)
    : shard_(shard),
      shard_count_(shard_count == 0 ? 1 : shard_count),
      stats_(stats),
      metrics_(metrics) {
    listeners_.resize(listeners.size());
    for (size_t i = 0; i < listeners.size(); ++i) {
        Listener& l = listeners_[i];
        l.fd = listeners[i].fd;
        l.admin = listeners[i].admin;
        l.accept_op.owner = this;
        l.accept_op.on_complete = &HttpServer::on_accept;
        l.want_accept = true;
    }
    listeners_need_arm_ = true;
}

HttpServer::~HttpServer() {
    for (Listener& l : listeners_) {
        if (!l.closed && l.fd >= 0) {
            ::close(l.fd);
        }
    }
    for (auto& c : all_connections_) {
        if (c->fd >= 0) {
            ::close(c->fd);
        }
        delete c->parser;
    }
    for (http::RequestParser* p : free_parsers_) {
        delete p;
    }
}

void HttpServer::on_settings(const std::shared_ptr<const shard::Settings>& settings) {
    settings_ = settings;
    options_ = settings_->server.get();
    connections_max_ = (options_->limits.connections_max + shard_count_ - 1) / shard_count_;
    http::ParseLimits limits{options_->limits.header_bytes_max, options_->limits.body_bytes_max};
    for (http::RequestParser* p : free_parsers_) {
        p->set_limits(limits);
    }
    if (handler_ != nullptr) {
        handler_->on_settings(settings_);
    }
}

// --- Accept -------------------------------------------------------------------------

void HttpServer::arm_accept(Listener* l) {
    io_uring_sqe* sqe = shard_.ring().sqe();
    io_uring_prep_multishot_accept(sqe, l->fd, nullptr, nullptr, SOCK_CLOEXEC);
    io::Ring::bind(sqe, &l->accept_op);
    l->want_accept = false;
}

void HttpServer::on_accept(io::Operation* op, int32_t res, uint32_t flags) {
    auto* self = static_cast<HttpServer*>(op->owner);
    Listener* l = nullptr;
    for (Listener& candidate : self->listeners_) {
        if (&candidate.accept_op == op) {
            l = &candidate;
        }
    }
    RG_ASSERT(l != nullptr);
    if (res >= 0) {
        bool over_cap = self->main_connections_ >= self->connections_max_ && !l->admin;
        if (over_cap || (self->draining_ && !l->admin) || l->closed) {
            self->stats_->connections_refused_total.inc();
            io_uring_prep_close(self->shard_.ring().sqe(), res);
        } else {
            self->open_connection(res, l->admin);
        }
    } else if (res != -ECANCELED) {
        self->stats_->accept_errors_total.inc();
        if (res == -EMFILE || res == -ENFILE) {
            RG_WARN("accept: %s (raise LimitNOFILE)", std::strerror(-res));
        }
    }
    if ((flags & IORING_CQE_F_MORE) == 0 && !l->closed) {
        // The multishot ended (an error or a kernel limit): re-arm on the next loop turn.
        l->want_accept = true;
        self->listeners_need_arm_ = true;
    }
}

Connection* HttpServer::open_connection(int fd, bool admin) {
    Connection* c = free_connections_;
    if (c != nullptr) {
        free_connections_ = c->next_free;
    } else {
        all_connections_.push_back(std::make_unique<Connection>());
        c = all_connections_.back().get();
        c->recv_op.on_complete = &HttpServer::on_recv;
        c->send_op.on_complete = &HttpServer::on_send;
        c->shutdown_op.on_complete = &HttpServer::on_shutdown;
        c->recv_op.owner = c;
        c->send_op.owner = c;
        c->shutdown_op.owner = c;
        c->timer.owner = c;
    }
    c->server = this;
    c->fd = fd;
    c->admin = admin;
    c->state = ConnState::open;
    c->close_after_send = c->peer_closed = c->paused = c->dirty = c->head_pending = false;
    c->handled = c->handler_ended = false;
    c->handler_state = nullptr;
    c->request_started = false;
    c->requests = 0;
    c->out_taken = 0;
    c->next_free = nullptr;
    c->tls = nullptr;
    if (!admin && settings_->server_tls != nullptr) {
        open_tls(c);
    }
    ++connections_;
    if (!admin) {
        ++main_connections_;
    }
    stats_->connections_accepted_total.inc();
    stats_->connections_active.inc();
    // A new connection must deliver its first request head within header_timeout (on TLS
    // listeners the handshake included).
    set_timer(c, header_timers_, options_->limits.header_timeout_ms);
    arm_recv(c);
    return c;
}

void HttpServer::close_listener(Listener* l) {
    if (l->closed) {
        return;
    }
    l->closed = true;
    if (l->accept_op.in_flight) {
        io_uring_prep_cancel64(shard_.ring().sqe(), reinterpret_cast<uint64_t>(&l->accept_op), 0);
    }
    io_uring_prep_close(shard_.ring().sqe(), l->fd);
    l->fd = -1;
}

// --- Receive ------------------------------------------------------------------------

void HttpServer::arm_recv(Connection* c) {
    c->want_recv = false;
    if (c->recv_op.in_flight || c->state == ConnState::closing) {
        return;
    }
    io_uring_sqe* sqe = shard_.ring().sqe();
    io_uring_prep_recv_multishot(sqe, c->fd, nullptr, 0, 0);
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = shard_.buffers().group_id();
    io::Ring::bind(sqe, &c->recv_op);
}

void HttpServer::on_recv(io::Operation* op, int32_t res, uint32_t flags) {
    auto* c = static_cast<Connection*>(op->owner);
    HttpServer* self = c->server;
    if (flags & IORING_CQE_F_BUFFER) {
        uint16_t bid = io::BufferRing::buffer_id(flags);
        self->shard_.buffers().note_taken();
        if (res > 0) {
            self->stats_->bytes_received_total.inc(static_cast<uint64_t>(res));
            const char* data = self->shard_.buffers().buffer(bid);
            if (c->tls != nullptr) {
                self->on_tls_data(c, data, static_cast<size_t>(res));
            } else {
                self->on_data(c, data, static_cast<size_t>(res));
            }
        }
        self->shard_.buffers().recycle(bid);
    } else if (res == 0) {
        self->on_peer_eof(c);
    } else if (res == -ENOBUFS) {
        // The provided-buffer ring ran dry and the multishot ended: re-arm once buffers
        // have been recycled at the end of this loop turn. No data was lost.
        self->stats_->recv_buffer_exhausted_total.inc();
    } else if (res < 0 && res != -ECANCELED) {
        self->close_connection(c);
    }
    if (!c->recv_op.in_flight) {
        bool reading = c->state != ConnState::closing && !c->peer_closed && !c->paused;
        if (reading && !c->want_recv) {
            c->want_recv = true;
            c->next_rearm = self->rearm_head_;
            self->rearm_head_ = c;
        }
        self->maybe_release(c);
    }
}

// EOF, or the peer's close_notify on TLS.
void HttpServer::on_peer_eof(Connection* c) {
    if (c->tls != nullptr && c->tls->bytes_seen && !c->tls->engine->handshake_done()) {
        // A client that gave up mid-handshake (typically it rejected our certificate and
        // closed without an alert). One that never sent a byte is only a TCP probe.
        stats_->tls_handshake_errors_total.inc();
    }
    c->peer_closed = true;
    if (c->state == ConnState::lingering || c->backlog() == 0 || c->handled) {
        // A client that goes away mid-answer aborts its upstream request at once.
        close_connection(c);
    } else {
        c->close_after_send = true;
    }
}

void HttpServer::on_data(Connection* c, const char* data, size_t len) {
    if (c->state == ConnState::lingering) {
        return;  // discarding until EOF
    }
    if (c->state != ConnState::open) {
        return;
    }
    if (c->paused || !c->pending_in.empty() || c->handler_ended) {
        c->pending_in.append(data, len);
        if (c->handler_ended && !c->paused &&
            c->pending_in.size() > limits::send_backlog_low_bytes) {
            pause_reading(c);  // a client pipelining while its answer is produced
        }
        return;
    }
    std::string_view in(data, len);
    size_t used = consume(c, in);
    if (used < len && c->state == ConnState::open) {
        c->pending_in.append(data + used, len - used);
    }
}

size_t HttpServer::consume(Connection* c, std::string_view in) {
    size_t used = 0;
    // finish() called from a handler inside this loop must not start parsing on its own.
    struct ConsumeGuard {
        bool& flag;
        bool saved;
        explicit ConsumeGuard(bool& f) : flag(f), saved(f) { flag = true; }
        ~ConsumeGuard() { flag = saved; }
    } guard(in_consume_);
    while (c->state == ConnState::open && !c->paused && !c->close_after_send && !c->handler_ended) {
        bool idle = c->parser == nullptr || c->parser->idle();
        if (used == in.size() && idle) {
            break;  // no bytes left and no event pending (e.g. message_end after a head)
        }
        if (c->parser == nullptr) {
            c->parser = acquire_parser();
        }
        if (idle && !c->request_started) {
            c->request_started = true;
            if (c->requests > 0) {
                // Keep-alive: the next head must complete within header_timeout of its
                // first byte.
                set_timer(c, header_timers_, options_->limits.header_timeout_ms);
            }
        }
        size_t n = 0;
        http::ParseEvent ev = c->parser->parse(in.substr(used), &n);
        used += n;
        switch (ev) {
            case http::ParseEvent::need_more:
                if (c->head_pending && !c->handled) {
                    // The body continues in a later receive: this buffer is about to be
                    // recycled, so the head's views must move into parser storage.
                    c->parser->retain_head();
                }
                return used;
            case http::ParseEvent::body:
                if (c->handled) {
                    handler_->on_request_body(c, c->parser->body());
                }
                break;  // the built-in routes take no body
            case http::ParseEvent::head:
                on_request_head(c);
                break;
            case http::ParseEvent::message_end:
                on_message_end(c);
                break;
            case http::ParseEvent::error:
                on_parse_error(c);
                return in.size();
        }
    }
    // After a final answer the rest of the input is discarded.
    return c->close_after_send ? in.size() : used;
}

void HttpServer::on_request_head(Connection* c) {
    const http::RequestHead& head = c->parser->head();
    c->head_pending = true;
    if (!has_single_host(head)) {
        // RFC 9112 section 3.2: a request without exactly one Host header gets 400.
        reject(c, 400, "missing_or_duplicate_host",
               "Bad Request: exactly one Host header is required");
        return;
    }
    // Body reading is governed by the idle timeout (time between received chunks).
    set_timer(c, idle_timers_, options_->limits.idle_timeout_ms);
    // The admin listener's own routes stay built in; its other paths (/health/detailed,
    // /admin/...) go to the handler, which knows the connection is an admin one.
    bool builtin = head.path == "/health" || (c->admin && head.path == "/metrics");
    if (!builtin && handler_ != nullptr) {
        c->handled = handler_->on_request(c, head);
    }
    if (head.expect_continue && (head.content_length > 0 || head.chunked)) {
        c->out.append("HTTP/1.1 100 Continue\r\n\r\n");
        mark_dirty(c);
    }
}

void HttpServer::on_message_end(Connection* c) {
    c->head_pending = false;
    if (c->handled) {
        // The answer may take long (upstream timeouts govern it), so no downstream timer
        // runs until finish().
        c->handler_ended = true;
        shard::timer_unlink(&c->timer);
        handler_->on_request_end(c);
        return;
    }
    route(c, c->parser->head());
    c->requests += 1;
    c->request_started = false;
    if (c->backlog() >= limits::send_backlog_high_bytes && !c->paused) {
        // The client is not reading its answers: stop reading its requests. Bytes already
        // received wait in pending_in; the kernel's socket buffer holds the rest.
        stats_->backpressure_pauses_total.inc();
        pause_reading(c);
    }
}

void HttpServer::pause_reading(Connection* c) {
    c->paused = true;
    if (c->recv_op.in_flight) {
        io_uring_prep_cancel64(shard_.ring().sqe(), reinterpret_cast<uint64_t>(&c->recv_op), 0);
    }
}

bool HttpServer::writable(const Connection* c) const {
    return c->backlog() < limits::send_backlog_high_bytes;
}

void HttpServer::finish(Connection* c, int status, bool close) {
    RG_ASSERT(c->handled);
    finish_request(status);
    c->handled = false;
    c->handler_ended = false;
    c->handler_state = nullptr;
    c->requests += 1;
    c->request_started = false;
    if (close || draining_ || c->peer_closed) {
        c->close_after_send = true;
        c->pending_in.clear();
    }
    mark_dirty(c);
    if (c->state == ConnState::open && !c->close_after_send && !in_consume_) {
        // Called from an upstream completion: read the next pipelined request, if any.
        resume_reading(c);
    }
}

void HttpServer::abort(Connection* c) {
    if (c->tls != nullptr) {
        c->tls->truncated = true;
    }
    c->handled = false;
    c->handler_ended = false;
    c->handler_state = nullptr;
    close_connection(c);
}

void HttpServer::on_parse_error(Connection* c) {
    http::ParseError e = c->parser->error();
    stats_->parse_errors[static_cast<size_t>(e)].inc();
    int status = http::parse_error_status(e);
    reject(c, status, http::parse_error_name(e), http::status_reason(status));
}

void HttpServer::reject(Connection* c, int status, const char* code, std::string_view message) {
    char body[256];
    int n = std::snprintf(body, sizeof(body),
                          "{\"error\":{\"message\":\"%.*s\",\"type\":\"invalid_request_error\","
                          "\"param\":null,\"code\":\"%s\"}}",
                          static_cast<int>(message.size()), message.data(), code);
    http::write_response(c->out, status, "application/json",
                         std::string_view(body, static_cast<size_t>(n)), true);
    finish_request(status);
    c->close_after_send = true;
    c->head_pending = false;
    c->pending_in.clear();
    mark_dirty(c);
}

void HttpServer::finish_request(int status) {
    count_status(stats_, status);
}

void HttpServer::resume_reading(Connection* c) {
    c->paused = false;
    if (!c->pending_in.empty()) {
        size_t used = consume(c, c->pending_in.view());
        c->pending_in.consume(used);
    }
    if (!c->paused && c->state == ConnState::open && !c->peer_closed && !c->recv_op.in_flight &&
        !c->want_recv) {
        c->want_recv = true;
        c->next_rearm = rearm_head_;
        rearm_head_ = c;
    }
}

// --- Send ---------------------------------------------------------------------------

void HttpServer::mark_dirty(Connection* c) {
    if (!c->dirty) {
        c->dirty = true;
        c->next_dirty = dirty_head_;
        dirty_head_ = c;
    }
}

void HttpServer::start_send(Connection* c) {
    if (c->tls != nullptr) {
        start_tls_send(c);
        return;
    }
    if (c->send_op.in_flight || c->state == ConnState::closing) {
        return;
    }
    if (c->sending.empty()) {
        if (c->out.empty()) {
            return;
        }
        c->out_taken += c->out.size();
        std::swap(c->sending, c->out);
    }
    io_uring_sqe* sqe = shard_.ring().sqe();
    io_uring_prep_send(sqe, c->fd, c->sending.data(), c->sending.size(), MSG_NOSIGNAL);
    io::Ring::bind(sqe, &c->send_op);
}

void HttpServer::on_send(io::Operation* op, int32_t res, uint32_t) {
    auto* c = static_cast<Connection*>(op->owner);
    HttpServer* self = c->server;
    if (c->state == ConnState::closing) {
        self->maybe_release(c);
        return;
    }
    if (res < 0) {
        self->close_connection(c);
        return;
    }
    self->stats_->bytes_sent_total.inc(static_cast<uint64_t>(res));
    if (c->tls != nullptr) {
        c->tls->engine->consume_output(static_cast<size_t>(res));
    } else {
        c->sending.consume(static_cast<size_t>(res));
    }
    // Progress on the write side counts as activity.
    if (c->timer.list == &self->idle_timers_) {
        self->set_timer(c, self->idle_timers_, self->options_->limits.idle_timeout_ms);
    }
    if (c->handled && c->backlog() < limits::send_backlog_low_bytes) {
        self->handler_->on_downstream_writable(c);
    }
    if (c->backlog() != 0) {
        self->start_send(c);
        if (c->paused && !c->handled && c->backlog() < limits::send_backlog_low_bytes) {
            self->resume_reading(c);
        }
        return;
    }
    self->after_send_drained(c);
}

void HttpServer::on_shutdown(io::Operation* op, int32_t, uint32_t) {
    auto* c = static_cast<Connection*>(op->owner);
    c->server->maybe_release(c);
}

void HttpServer::after_send_drained(Connection* c) {
    if (c->close_after_send) {
        if (c->tls != nullptr && !c->peer_closed && send_close_notify(c)) {
            return;  // lingering starts once it is sent
        }
        if (c->peer_closed) {
            close_connection(c);
        } else {
            begin_linger(c);
        }
        return;
    }
    if (c->handled) {
        return;  // the handler is still producing this answer
    }
    if (c->paused) {
        resume_reading(c);
        start_send(c);
    }
    if (c->state == ConnState::open && !c->request_started && c->pending_in.empty() &&
        c->backlog() == 0 && c->requests > 0) {
        // Between requests: keep-alive idle timer, and give the parser back to the pool.
        // Before the first one (a TLS handshake flight went out) header_timeout still runs.
        set_timer(c, idle_timers_, options_->limits.idle_timeout_ms);
        release_parser(c);
    }
}

// --- Loop hooks and drain -------------------------------------------------------------

void HttpServer::before_submit() {
    if (handler_ != nullptr) {
        handler_->before_submit();
    }
    if (listeners_need_arm_) {
        listeners_need_arm_ = false;
        for (Listener& l : listeners_) {
            if (l.want_accept && !l.closed) {
                arm_accept(&l);
            }
        }
    }
    while (dirty_head_ != nullptr) {
        Connection* c = dirty_head_;
        dirty_head_ = c->next_dirty;
        c->dirty = false;
        start_send(c);
    }
    while (rearm_head_ != nullptr) {
        Connection* c = rearm_head_;
        rearm_head_ = c->next_rearm;
        if (c->want_recv && c->state != ConnState::closing && !c->paused) {
            arm_recv(c);
        }
        c->want_recv = false;
    }
    while (released_ != nullptr) {
        Connection* c = released_;
        released_ = c->next_free;
        c->dirty = false;
        c->want_recv = false;
        c->next_free = free_connections_;
        free_connections_ = c;
    }
}

}  // namespace rg::server
