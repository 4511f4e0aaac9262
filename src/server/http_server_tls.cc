// HttpServer, TLS part: connections on the main listeners when server.tls is set. Received
// ciphertext is fed to the connection's tls::Engine and the plaintext goes to the same
// parse path as a plain connection's receive buffers; the answer bytes the server and the
// handler put in `out` are encrypted when sent, and the engine's output is what the kernel
// gets. The handshake runs on the ring like any other exchange, under header_timeout.
// Shard-local like the rest of the server.
#include <sys/socket.h>

#include "base/log.h"
#include "server/http_server.h"

namespace rg::server {
namespace {

// One TLS record carries at most 2^14 plaintext bytes (RFC 8446 §5.1), and SSL_read returns
// at most one record: a larger scratch buffer would never fill.
constexpr size_t tls_plain_bytes = 16 * 1024;

}  // namespace

void HttpServer::open_tls(Connection* c) {
    TlsSession* t = free_tls_;
    if (t != nullptr) {
        free_tls_ = t->next_free;
    } else {
        all_tls_.push_back(std::make_unique<TlsSession>());
        t = all_tls_.back().get();
    }
    if (tls_plain_ == nullptr) {
        tls_plain_ = std::make_unique<char[]>(tls_plain_bytes);
    }
    // Never null: an engine that could not be set up fails its first feed(), which closes
    // the connection and counts a handshake error.
    t->engine = tls::Engine::server(settings_->server_tls);
    t->handshake_counted = t->bytes_seen = t->close_notify_queued = t->failed = false;
    t->truncated = false;
    t->next_free = nullptr;
    c->tls = t;
}

void HttpServer::release_tls(Connection* c) {
    TlsSession* t = c->tls;
    if (t == nullptr) {
        return;
    }
    t->engine.reset();  // lets go of its context: an old one is freed with its last connection
    t->next_free = free_tls_;
    free_tls_ = t;
    c->tls = nullptr;
}

void HttpServer::on_tls_data(Connection* c, const char* data, size_t len) {
    if (c->state != ConnState::open) {
        return;  // lingering: discarding until EOF, like a plain connection
    }
    TlsSession* t = c->tls;
    t->bytes_seen = true;
    tls::Status st = t->engine->feed(data, len);
    if (!t->handshake_counted && t->engine->handshake_done()) {
        t->handshake_counted = true;
        stats_->tls_handshakes_total.inc();
    }
    if (st == tls::Status::error) {
        on_tls_error(c);
        return;
    }
    // Every whole record is decrypted now, so nothing waits inside the engine while reading
    // is paused: on_data keeps what the parser cannot take yet in pending_in.
    while (c->state == ConnState::open) {
        size_t n = 0;
        st = t->engine->read(tls_plain_.get(), tls_plain_bytes, &n);
        if (n > 0) {
            on_data(c, tls_plain_.get(), n);
            continue;
        }
        if (st == tls::Status::closed) {
            on_peer_eof(c);  // close_notify
        } else if (st == tls::Status::error) {
            on_tls_error(c);
        }
        break;
    }
    // on_data may have closed the connection (and pooled the session with it).
    if (c->state != ConnState::closing && t->engine->pending_output_bytes() > 0) {
        mark_dirty(c);  // handshake flights, session tickets, KeyUpdate answers
    }
}

void HttpServer::on_tls_error(Connection* c) {
    TlsSession* t = c->tls;
    if (t->engine->handshake_done()) {
        stats_->tls_errors_total.inc();
    } else {
        stats_->tls_handshake_errors_total.inc();
    }
    RG_DEBUG("tls: closing a client connection: %s", t->engine->error_reason());
    t->failed = true;
    c->out.clear();  // nothing more can be encrypted
    close_connection(c);
}

void HttpServer::start_tls_send(Connection* c) {
    if (c->state == ConnState::closing) {
        return;
    }
    TlsSession* t = c->tls;
    if (!c->out.empty()) {
        // After close_notify nothing may follow; the server writes nothing after a final
        // answer, so this only drops bytes a bug would have sent.
        if (!t->close_notify_queued &&
            t->engine->write(c->out.data(), c->out.size()) != tls::Status::ok) {
            on_tls_error(c);
            return;
        }
        c->out_taken += c->out.size();
        c->out.clear();
    }
    if (c->send_op.in_flight) {
        return;  // on_send sends the rest; the view of the bytes in flight stays valid
    }
    std::string_view pending = t->engine->pending_output();
    if (pending.empty()) {
        return;
    }
    io_uring_sqe* sqe = shard_.ring().sqe();
    io_uring_prep_send(sqe, c->fd, pending.data(), pending.size(), MSG_NOSIGNAL);
    io::Ring::bind(sqe, &c->send_op);
}

bool HttpServer::send_close_notify(Connection* c) {
    TlsSession* t = c->tls;
    if (t->close_notify_queued || t->failed || !t->engine->handshake_done()) {
        return false;
    }
    t->engine->close();
    t->close_notify_queued = true;
    start_tls_send(c);
    return c->send_op.in_flight;
}

void HttpServer::send_tls_farewell(Connection* c) {
    TlsSession* t = c->tls;
    if (!t->failed) {
        // close_notify says "all data was sent": never after an answer was cut short.
        bool clean = t->engine->handshake_done() && !t->truncated && c->backlog() == 0;
        if (!clean || t->close_notify_queued) {
            return;
        }
        t->engine->close();
        t->close_notify_queued = true;
    }
    std::string_view pending = t->engine->pending_output();
    if (pending.empty()) {
        return;
    }
    io_uring_sqe* sqe = shard_.ring().sqe();
    io_uring_prep_send(sqe, c->fd, pending.data(), pending.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    io::Ring::bind(sqe, &c->send_op);
}

}  // namespace rg::server
