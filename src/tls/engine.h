// Engine: one TLS connection (client or server side) run entirely in memory. The socket
// layer feeds it ciphertext from receive completions and sends what pending_output()
// returns; the engine never touches a file descriptor. Shard-local: created, used and
// destroyed on the shard that owns the connection; not thread-safe, no locks. Steady state
// allocates nothing of its own per record: its queues grow to the connection's high-water
// mark and are reused (BoringSSL's own record buffers aside).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/byte_buffer.h"
#include "tls/cipher_queues.h"
#include "tls/client_context.h"
#include "tls/server_context.h"
#include "tls/session_cache.h"

struct ssl_st;
struct ssl_session_st;

namespace rg::tls {

namespace detail {
// BoringSSL's new-session callback for client contexts (engine.cc).
int on_new_client_session(ssl_st* ssl, ssl_session_st* session);
}  // namespace detail

enum class Status : uint8_t { ok, want_more, closed, error };

class Engine {
  public:
    // Client: SNI = host unless it is an IP literal (RFC 6066 §3), name check against host
    // (IP SAN for IP literals, which may come in brackets), ALPN from the context, and
    // resumption through `cache` (keyed by context, host and port) when it is given. The
    // ClientHello is queued at once. Never null: a bad host or an allocation failure yields
    // an engine whose calls return error, with the reason in error_reason().
    static std::unique_ptr<Engine> client(const std::shared_ptr<ClientContext>& ctx,
                                          std::string_view host, SessionCache* cache,
                                          uint16_t port = 443);
    static std::unique_ptr<Engine> server(const std::shared_ptr<ServerContext>& ctx);
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Ciphertext from the peer, copied in. Drives the handshake: want_more while it needs
    // more bytes, ok once it is done (app data stays queued for read()), error on failure.
    Status feed(const char* data, size_t len);
    // Up to `cap` (> 0) decrypted bytes: ok with *n > 0; want_more with *n == 0 when no
    // whole record is queued (or the handshake is still running); closed after the peer's
    // close_notify; error on a protocol or MAC failure.
    Status read(char* out, size_t cap, size_t* n);
    // Encrypts all of `data` into output (ok) or fails (error). Before the handshake is
    // done the bytes are held and encrypted the moment it completes. Not after close().
    Status write(const char* data, size_t len);

    // Ciphertext to send: handshake records, app records, alerts (after an error too: send
    // it before closing). It may be only the oldest part of what is queued; call again after
    // consume_output(). The view stays valid until consume_output() releases its bytes:
    // output produced meanwhile queues behind it, so a send may be in flight while the
    // connection keeps reading and writing.
    std::string_view pending_output() { return queues_.front_output(); }
    // Everything queued, for back-pressure (>= pending_output().size()).
    size_t pending_output_bytes() const { return queues_.output_bytes(); }
    void consume_output(size_t n) { queues_.consume_output(n); }

    bool handshake_done() const { return handshake_done_; }
    // Queues close_notify (once). Before the handshake is done there is nothing to close
    // politely and it only marks the engine closed for writing.
    void close();
    // The negotiated protocol, empty when none (or before the handshake is done).
    std::string_view alpn() const;
    bool session_reused() const;
    // "TLSv1.3", "TLSv1.2" once the handshake is done (for logs and metrics), else "".
    const char* protocol_version() const;

    // After an error: a static, human-readable reason ("" before any error).
    const char* error_reason() const { return error_reason_; }
    // The error is our rejection of the peer's certificate chain or name.
    bool verify_failed() const { return verify_failed_; }

  private:
    friend int detail::on_new_client_session(ssl_st* ssl, ssl_session_st* session);

    explicit Engine(std::shared_ptr<const void> context) : context_(std::move(context)) {}

    bool attach(ssl_ctx_st* ctx);
    void setup_client(const ClientContext& ctx, std::string_view host, SessionCache* cache,
                      uint16_t port);
    bool set_peer_name(std::string_view host);
    void offer_cached_session();
    Status drive_handshake();
    Status write_now(const char* data, size_t len);
    Status fail(int ssl_error);
    Status fail_with(const char* reason);
    bool store_session(ssl_session_st* session);

    detail::CipherQueues queues_;
    ByteBuffer early_;  // app bytes written before the handshake completed
    // Keeps the SSL_CTX and the data its callbacks use (server ALPN list) alive.
    std::shared_ptr<const void> context_;
    ssl_st* ssl_ = nullptr;
    // Client resumption: the cache and this connection's key into it.
    SessionCache* cache_ = nullptr;
    uint64_t context_id_ = 0;
    std::string host_;
    uint16_t port_ = 0;
    const char* error_reason_ = "";
    bool handshake_done_ = false;
    bool failed_ = false;
    bool peer_closed_ = false;
    bool close_sent_ = false;
    bool verify_failed_ = false;
};

}  // namespace rg::tls
