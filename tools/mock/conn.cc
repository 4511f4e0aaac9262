#include "mock/conn.h"

#include <errno.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#ifndef OPENSSL_IS_BORINGSSL
#error "ringgate-mock must build against BoringSSL (/usr/include/android)"
#endif

#include "mock/limits.h"
#include "mock/router.h"
#include "mock/worker.h"

namespace rg::mock {
namespace {

Conn* self(llhttp_t* p) {
    return static_cast<Conn*>(p->data);
}

const llhttp_settings_t* parser_settings() {
    static const llhttp_settings_t settings = [] {
        llhttp_settings_t s;
        llhttp_settings_init(&s);
        s.on_message_begin = [](llhttp_t* p) { return self(p)->on_message_begin(); };
        s.on_url = [](llhttp_t* p, const char* at, size_t n) { return self(p)->on_target(at, n); };
        s.on_header_field = [](llhttp_t* p, const char* at, size_t n) {
            return self(p)->on_header_name(at, n);
        };
        s.on_header_value = [](llhttp_t* p, const char* at, size_t n) {
            return self(p)->on_header_value(at, n);
        };
        s.on_header_value_complete = [](llhttp_t* p) { return self(p)->on_header_done(); };
        s.on_headers_complete = [](llhttp_t* p) { return self(p)->on_headers_complete(); };
        s.on_body = [](llhttp_t* p, const char* at, size_t n) { return self(p)->on_body(at, n); };
        // Pause after each request: it is answered before the next one is parsed, which
        // keeps pipelined replies in order.
        s.on_message_complete = [](llhttp_t* p) { return self(p)->on_message_complete(); };
        return s;
    }();
    return &settings;
}

}  // namespace

Conn::Conn(Worker* worker, int fd, SSL* ssl, uint32_t slot, uint64_t serial)
    : worker_(worker), fd_(fd), ssl_(ssl), slot_(slot), serial_(serial) {
    llhttp_init(&parser_, HTTP_REQUEST, parser_settings());
    parser_.data = this;
    handshake_done_ = ssl_ == nullptr;
}

Conn::~Conn() {
    if (ssl_ != nullptr) {
        SSL_free(ssl_);
    }
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

// --- llhttp callbacks ---------------------------------------------------------------

int Conn::on_message_begin() {
    req_.reset();
    request_ready_ = false;
    return 0;
}

int Conn::on_target(const char* at, size_t n) {
    req_.add_head_bytes(n);
    if (req_.head_bytes() > limits::head_bytes_max) {
        error_status_ = 414;
        return -1;
    }
    req_.append_target({at, n});
    return 0;
}

int Conn::on_header_name(const char* at, size_t n) {
    req_.add_head_bytes(n);
    if (req_.head_bytes() > limits::head_bytes_max ||
        req_.header_count() >= limits::header_count_max) {
        error_status_ = 431;
        return -1;
    }
    req_.append_header_name({at, n});
    return 0;
}

int Conn::on_header_value(const char* at, size_t n) {
    req_.add_head_bytes(n);
    if (req_.head_bytes() > limits::head_bytes_max) {
        error_status_ = 431;
        return -1;
    }
    req_.append_header_value({at, n});
    return 0;
}

int Conn::on_header_done() {
    req_.finish_header();
    return 0;
}

int Conn::on_headers_complete() {
    req_.set_method(llhttp_method_name(static_cast<llhttp_method_t>(parser_.method)));
    req_.set_keep_alive(llhttp_should_keep_alive(&parser_) != 0);
    if ((parser_.flags & F_CONTENT_LENGTH) != 0 &&
        parser_.content_length > limits::body_bytes_max) {
        error_status_ = 413;
        return -1;
    }
    std::string_view expect = req_.header("expect");
    if (expect.size() == 12 && (expect[0] | 0x20) == '1') {  // "100-continue"
        out_.append("HTTP/1.1 100 Continue\r\n\r\n");
    }
    return 0;
}

int Conn::on_body(const char* at, size_t n) {
    if (req_.body().size() + n > limits::body_bytes_max) {
        error_status_ = 413;
        return -1;
    }
    req_.body().append(at, n);
    return 0;
}

int Conn::on_message_complete() {
    request_ready_ = true;
    return HPE_PAUSED;
}

// --- Driving ------------------------------------------------------------------------

void Conn::on_event(uint32_t events) {
    // TLS may need the opposite readiness to make progress (WANT_READ on a write).
    if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) {
        can_read_ = true;
        can_write_ = can_write_ || write_wants_read_;
    }
    if ((events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) != 0) {
        can_write_ = true;
        can_read_ = can_read_ || read_wants_write_;
    }
    drive();
}

void Conn::on_timer(uint64_t seq) {
    if (seq != timer_seq_ || phase_ == Phase::closed) {
        return;  // superseded or stale
    }
    if (phase_ == Phase::waiting) {
        if (ex_.kind == ExchangeKind::stream) {
            start_stream();
        } else {
            if (!ex_.response.empty()) {
                out_.append(ex_.response.view());
            }
            after_reply();
        }
    } else if (phase_ == Phase::streaming) {
        advance_stream();
    }
    drive();
}

void Conn::drive() {
    if (phase_ == Phase::closed || (!handshake_done_ && !handshake())) {
        return;
    }
    flush();
    read_input();
    // Produce and flush in rounds while the socket takes everything. Progress is judged on
    // what a round produced, not on the queue size after the flush: a socket that swallows
    // a whole round leaves the queue as empty as before, and with edge-triggered epoll no
    // EPOLLOUT follows unless a send hit EAGAIN, so stopping there would stall the stream.
    bool yielded = true;
    for (int round = 0; round < limits::drive_rounds_max && phase_ != Phase::closed; ++round) {
        size_t before = out_.size();
        if (phase_ == Phase::idle) {
            parse_input();
        } else if (phase_ == Phase::streaming && output_blocked_ &&
                   out_.size() <= limits::out_low_bytes) {
            output_blocked_ = false;
            advance_stream();
        }
        if (phase_ == Phase::closed) {
            return;
        }
        bool produced = out_.size() != before;
        flush();
        if (phase_ == Phase::closed || !produced || !can_write_) {
            yielded = false;
            break;
        }
    }
    if (phase_ == Phase::closed) {
        return;
    }
    if (peer_eof_) {
        on_peer_gone();
    } else if (phase_ == Phase::closing && out_.empty()) {
        close_now(close_mode_);
    } else if (yielded) {
        // Out of rounds with the socket still writable: no event will come, so come back
        // next turn, after the other connections had theirs.
        worker_->again(this);
    }
}

bool Conn::handshake() {
    ERR_clear_error();
    int r = SSL_do_handshake(ssl_);
    if (r == 1) {
        handshake_done_ = true;
        return true;
    }
    int err = SSL_get_error(ssl_, r);
    if (err == SSL_ERROR_WANT_READ) {
        can_read_ = false;
    } else if (err == SSL_ERROR_WANT_WRITE) {
        can_write_ = false;
    } else {
        close_now(CloseMode::abrupt);
    }
    return false;
}

void Conn::read_input() {
    size_t budget = limits::read_budget_bytes;
    char discard[limits::read_chunk_bytes];
    while (can_read_ && !peer_eof_ && budget > 0 && phase_ != Phase::closed) {
        bool parked = phase_ == Phase::parked;
        if (!parked && in_.size() >= limits::pending_input_max) {
            return;  // back-pressure: leave the rest in the socket
        }
        char* dst = parked ? discard : in_.reserve_tail(limits::read_chunk_bytes);
        long n = raw_read(dst, limits::read_chunk_bytes);
        if (n > 0) {
            if (!parked) {
                in_.commit(static_cast<size_t>(n));
            }
            budget -= static_cast<size_t>(n) < budget ? static_cast<size_t>(n) : budget;
        } else if (n == 0) {
            peer_eof_ = true;
        } else if (n == -2) {
            peer_eof_ = true;  // reset or TLS failure: the peer is gone either way
        }
    }
    if (budget == 0 && can_read_) {
        worker_->again(this);
    }
}

void Conn::parse_input() {
    while (phase_ == Phase::idle && !in_.empty() && out_.size() < limits::out_high_bytes) {
        request_ready_ = false;
        llhttp_errno_t err = llhttp_execute(&parser_, in_.data(), in_.size());
        if (err == HPE_OK) {
            in_.consume(in_.size());  // the callbacks copied what they need
            return;
        }
        if (err == HPE_PAUSED && request_ready_) {
            in_.consume(static_cast<size_t>(llhttp_get_error_pos(&parser_) - in_.data()));
            llhttp_resume(&parser_);
            handle_request();
            continue;
        }
        fail_request(err == HPE_USER ? error_status_ : 400, llhttp_errno_name(err));
        return;
    }
}

void Conn::handle_request() {
    ex_.reset();
    ex_.close = !req_.keep_alive();
    route_request(*worker_, req_, ssl_ != nullptr, out_, &ex_);
    start_exchange();
}

void Conn::start_exchange() {
    switch (ex_.kind) {
        case ExchangeKind::immediate:
            after_reply();
            break;
        case ExchangeKind::delayed:
            phase_ = Phase::waiting;
            arm(worker_->now_ns() + ex_.delay_ns);
            break;
        case ExchangeKind::stream:
            phase_ = Phase::waiting;
            if (ex_.delay_ns == 0) {
                start_stream();
            } else {
                arm(worker_->now_ns() + ex_.delay_ns);
            }
            break;
        case ExchangeKind::hang:
            phase_ = Phase::parked;
            break;
        case ExchangeKind::reset:
            flush();  // earlier pipelined replies go out first, best effort
            close_now(CloseMode::reset);
            break;
    }
}

void Conn::after_reply() {
    switch (ex_.after) {
        case AfterReply::next:
            finish_exchange();
            break;
        case AfterReply::stall:
            phase_ = Phase::parked;
            break;
        case AfterReply::cut:
            phase_ = Phase::closing;
            close_mode_ = CloseMode::abrupt;
            break;
    }
}

void Conn::finish_exchange() {
    phase_ = ex_.close ? Phase::closing : Phase::idle;
}

void Conn::start_stream() {
    write_head(ex_.head, worker_->now_s(), worker_->dates(), out_);
    phase_ = Phase::streaming;
    EventSink sink(out_, worker_->event_scratch(), !ex_.answer.sse, &ex_.events);
    ex_.dialect->begin(sink);
    ex_.next_ns = worker_->now_ns() + ex_.first_delay_ns;
    advance_stream();
}

void Conn::advance_stream() {
    EventSink sink(out_, worker_->event_scratch(), !ex_.answer.sse, &ex_.events);
    uint32_t units = ex_.dialect->units();
    while (phase_ == Phase::streaming) {
        if (out_.size() >= limits::out_high_bytes) {
            output_blocked_ = true;  // resumed by drive() once the output drains
            return;
        }
        bool unit_fault = ex_.fault != FaultKind::none && ex_.fault != FaultKind::no_done;
        if (unit_fault && !ex_.fault_done && ex_.next_unit == ex_.fault_at) {
            if (!apply_stream_fault(sink)) {
                return;
            }
            continue;
        }
        if (ex_.next_unit < units) {
            if (ex_.next_ns > worker_->now_ns()) {
                arm(ex_.next_ns);
                return;
            }
            ex_.dialect->unit(sink, ex_.next_unit++);
            ex_.next_ns += ex_.unit_delay_ns;
            continue;
        }
        // no_done drops only the format's sentinel: the HTTP body still ends properly.
        ex_.dialect->end(sink, ex_.fault != FaultKind::no_done);
        http::write_last_chunk(out_);
        finish_exchange();
    }
}

// Returns whether the stream goes on after the fault.
bool Conn::apply_stream_fault(EventSink& sink) {
    ex_.fault_done = true;
    switch (ex_.fault) {
        case FaultKind::stall:
            phase_ = Phase::parked;
            return false;
        case FaultKind::cut:
            phase_ = Phase::closing;
            close_mode_ = CloseMode::abrupt;  // no terminator, no last chunk
            return false;
        case FaultKind::malformed:
            ex_.dialect->malformed(sink);
            return true;
        case FaultKind::stream_error:
            ex_.dialect->error(sink);
            http::write_last_chunk(out_);
            finish_exchange();
            return false;
        default:
            return true;
    }
}

void Conn::flush() {
    while (!out_.empty() && can_write_ && phase_ != Phase::closed) {
        long n = raw_write(out_.data(), out_.size());
        if (n > 0) {
            out_.consume(static_cast<size_t>(n));
        } else if (n == -2) {
            on_peer_gone();
        }
    }
}

void Conn::on_peer_gone() {
    if (exchange_active()) {
        worker_->log().mark_cancelled(ex_.attempt);
    }
    close_now(CloseMode::abrupt);
}

void Conn::fail_request(uint16_t status, const char* message) {
    out_.append("HTTP/1.1 ");
    out_.append_decimal(status);
    out_.append_char(' ');
    out_.append(http::status_reason(status));
    std::string_view text = message;
    out_.append("\r\ncontent-type: text/plain\r\nconnection: close\r\ncontent-length: ");
    out_.append_decimal(text.size() + 1);
    out_.append("\r\n\r\n");
    out_.append(text);
    out_.append_char('\n');
    phase_ = Phase::closing;
    close_mode_ = CloseMode::graceful;
}

void Conn::arm(uint64_t deadline_ns) {
    worker_->arm_timer(this, deadline_ns, ++timer_seq_);
}

void Conn::close_now(CloseMode mode) {
    if (phase_ == Phase::closed) {
        return;
    }
    phase_ = Phase::closed;
    if (mode == CloseMode::reset) {
        linger lin{1, 0};  // SO_LINGER 0: close() sends RST instead of FIN
        setsockopt(fd_, SOL_SOCKET, SO_LINGER, &lin, sizeof(lin));
    } else if (ssl_ != nullptr && handshake_done_ && mode == CloseMode::graceful) {
        ERR_clear_error();
        SSL_shutdown(ssl_);  // close_notify, best effort on a non-blocking socket
    }
    ::close(fd_);
    fd_ = -1;
    worker_->release(this);
}

long Conn::raw_read(char* buf, size_t n) {
    if (ssl_ == nullptr) {
        for (;;) {
            ssize_t r = ::recv(fd_, buf, n, 0);
            if (r >= 0) {
                return r;
            }
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                can_read_ = false;
                return -1;
            }
            return -2;
        }
    }
    ERR_clear_error();
    int r = SSL_read(ssl_, buf, static_cast<int>(n));
    if (r > 0) {
        read_wants_write_ = false;
        return r;
    }
    switch (SSL_get_error(ssl_, r)) {
        case SSL_ERROR_WANT_READ:
            can_read_ = false;
            return -1;
        case SSL_ERROR_WANT_WRITE:
            can_read_ = false;
            read_wants_write_ = true;
            return -1;
        case SSL_ERROR_ZERO_RETURN:
            return 0;
        case SSL_ERROR_SYSCALL:
            return r == 0 ? 0 : -2;  // EOF without close_notify reads as EOF
        default:
            return -2;
    }
}

long Conn::raw_write(const char* buf, size_t n) {
    if (ssl_ == nullptr) {
        for (;;) {
            ssize_t r = ::send(fd_, buf, n, MSG_NOSIGNAL);
            if (r >= 0) {
                return r;
            }
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                can_write_ = false;
                return -1;
            }
            return -2;
        }
    }
    ERR_clear_error();
    int chunk = n > (1u << 30) ? (1 << 30) : static_cast<int>(n);
    int r = SSL_write(ssl_, buf, chunk);
    if (r > 0) {
        write_wants_read_ = false;
        return r;
    }
    switch (SSL_get_error(ssl_, r)) {
        case SSL_ERROR_WANT_WRITE:
            can_write_ = false;
            return -1;
        case SSL_ERROR_WANT_READ:
            can_write_ = false;
            write_wants_read_ = true;
            return -1;
        default:
            return -2;
    }
}

}  // namespace rg::mock
