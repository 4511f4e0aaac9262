// Connection: one downstream HTTP/1.1 connection and its state. Shard-local: created,
// used and freed only by the HttpServer of the shard that accepted it; it never moves.
// Memory while idle: this struct only (the parser and its head storage are pooled per
// shard and attached only while a request is being read); a TLS connection adds its
// TlsSession and the engine's SSL state.
#pragma once

#include <cstdint>

#include "base/byte_buffer.h"
#include "http/request_parser.h"
#include "io/operation.h"
#include "server/tls_session.h"
#include "shard/timer_list.h"

namespace rg::server {

class HttpServer;

enum class ConnState : uint8_t {
    open = 0,       // reading requests, answering them
    lingering = 1,  // final response sent, write side shut; discarding input until EOF
    closing = 2,    // waiting for in-flight operations before the fd is closed
};

struct Connection {
    HttpServer* server = nullptr;
    int fd = -1;
    bool admin = false;
    ConnState state = ConnState::open;

    io::Operation recv_op;
    io::Operation send_op;
    // The write-side shutdown before lingering. Tracked like any other operation: the kernel
    // may run it asynchronously and resolve the fd late, so the fd must stay open (and its
    // number unused) until it completes.
    io::Operation shutdown_op;
    shard::TimerNode timer;

    http::RequestParser* parser = nullptr;  // attached while a request is in progress
    ByteBuffer out;                         // response bytes waiting to be sent (plaintext)
    ByteBuffer sending;                     // response bytes handed to the kernel (plain only)
    ByteBuffer pending_in;                  // received bytes not parsed yet (reading paused)

    bool close_after_send = false;  // answer is final: shut the write side after it
    bool peer_closed = false;       // EOF seen
    bool paused = false;            // send backlog over the limit: not reading
    bool want_recv = false;         // a receive must be (re-)armed in before_submit
    bool dirty = false;             // on the flush list
    bool request_started = false;   // bytes of the current request seen
    bool head_pending = false;      // head parsed, message not complete yet
    bool handled = false;           // the RequestHandler owns the current request
    bool handler_ended = false;     // ...and its request was read completely
    void* handler_state = nullptr;  // the handler's per-request object
    // Set on TLS listeners only: out is encrypted into the engine when sent, and the
    // engine's ciphertext is what goes to the kernel (sending stays empty).
    TlsSession* tls = nullptr;
    uint32_t requests = 0;
    // Plaintext bytes taken from `out` to be sent, over the connection's life: with
    // out.size() it says how many bytes a handler has written (access log bytes_out).
    uint64_t out_taken = 0;

    Connection* next_dirty = nullptr;
    Connection* next_rearm = nullptr;
    Connection* next_free = nullptr;

    // Everything accepted for sending and not yet taken by the kernel, ciphertext included.
    uint64_t backlog() const {
        return out.size() + sending.size() + (tls != nullptr ? tls->backlog() : 0);
    }
};

}  // namespace rg::server
