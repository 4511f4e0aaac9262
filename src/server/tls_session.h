// TlsSession: the TLS state of one downstream connection accepted on a TLS listener. Held
// by its Connection through one pointer (null on plain connections, which so pay nothing),
// pooled per shard by the HttpServer. Shard-local, like the Connection that holds it.
#pragma once

#include <cstddef>
#include <memory>

#include "tls/engine.h"

namespace rg::server {

struct TlsSession {
    std::unique_ptr<tls::Engine> engine;  // holds its ServerContext alive
    bool handshake_counted = false;       // tls_handshakes_total bumped for this connection
    bool bytes_seen = false;              // the peer sent something: its handshake has begun
    bool close_notify_queued = false;     // Engine::close() called: nothing more to write
    bool failed = false;                  // the engine failed: only its alert may still go out
    bool truncated = false;  // an answer was cut short: no close_notify, which would vouch for it
    TlsSession* next_free = nullptr;

    // Ciphertext not yet taken by the kernel.
    size_t backlog() const { return engine->pending_output_bytes(); }
};

}  // namespace rg::server
