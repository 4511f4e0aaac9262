// Upstream connections on the shard's ring and their keep-alive pool. A connection is
// opened with IORING_OP_CONNECT, reads with multishot receive from the shard's
// provided-buffer ring, and sends one request at a time. Between requests it waits in its
// origin's idle list (capped, expired after an idle timeout, dropped when the origin
// closes it). Shard-local: one Pool per shard; nothing here is shared between shards.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/byte_buffer.h"
#include "io/operation.h"
#include "io/socket.h"
#include "shard/shard.h"
#include "shard/timer_list.h"
#include "tls/client_context.h"
#include "tls/engine.h"
#include "tls/session_cache.h"
#include "upstream/live_address.h"

namespace rg::upstream {

// Where requests go: one per distinct (address, port) of the providers' base URLs.
struct Origin {
    std::string host;  // as written in base_url (for Host and, later, SNI)
    uint16_t port = 0;
    bool tls = false;
    io::SocketAddress address;  // resolved on the control thread at config load
    std::shared_ptr<tls::ClientContext> tls_context;  // set when `tls`
    // The addresses in force now, kept current by the resolver thread (seeded with
    // `address`). Null: `address` is used as is.
    std::shared_ptr<LiveAddress> live;
};

class Connection;

// The user of a connection (the proxy's exchange). Called on the shard thread.
class Observer {
  public:
    virtual ~Observer() = default;
    virtual void on_upstream_connected(Connection* u) = 0;
    virtual void on_upstream_data(Connection* u, const char* data, size_t len) = 0;
    // The connection failed or was closed by the peer; it is gone after this call.
    // `sys_errno` is 0 for an orderly EOF.
    virtual void on_upstream_closed(Connection* u, int sys_errno) = 0;
};

enum class ConnState : uint8_t { connecting, handshaking, ready, idle, closing };

class Pool;

class Connection {
  public:
    uint32_t origin() const { return origin_; }
    bool reused() const { return reused_; }
    ConnState state() const { return state_; }
    // Why the connection failed when it was not a socket error (a TLS verification
    // failure, say). Static storage; "" otherwise.
    const char* error_reason() const { return error_reason_; }

  private:
    friend class Pool;
    Pool* pool_ = nullptr;
    uint32_t origin_ = 0;
    uint64_t generation_ = 0;
    int fd_ = -1;
    ConnState state_ = ConnState::closing;
    bool reused_ = false;
    bool paused_ = false;
    bool want_recv_ = false;
    Observer* observer_ = nullptr;
    const char* error_reason_ = "";
    std::unique_ptr<tls::Engine> tls_;  // between the socket and the HTTP bytes, for https
    io::SocketAddress address_;         // the connect's target: the kernel reads it at submission
    io::Operation connect_op_;
    io::Operation recv_op_;
    io::Operation send_op_;
    shard::TimerNode idle_timer_;
    ByteBuffer sending_;
    Connection* next_free_ = nullptr;
    Connection* next_rearm_ = nullptr;
};

struct PoolStats {
    uint64_t connects = 0;
    uint64_t connect_errors = 0;
    uint64_t tls_handshakes = 0;
    uint64_t tls_resumed = 0;
    uint64_t tls_errors = 0;
    uint64_t reuses = 0;
    uint32_t idle = 0;
    uint32_t open = 0;
};

class Pool {
  public:
    Pool(shard::Shard& shard, uint32_t idle_max_per_origin, uint32_t idle_timeout_ms);
    ~Pool();

    // New origin table (config reload): idle connections to old origins are closed;
    // connections in use finish their request and are then closed, not pooled.
    void set_origins(std::vector<Origin> origins);
    const Origin& origin(uint32_t i) const { return origins_[i]; }

    // A connection to `origin` for `observer`: an idle one (state ready: send at once) or a
    // new one (state connecting: wait for on_upstream_connected). Null when the socket
    // could not be created (errno in *err).
    Connection* acquire(uint32_t origin, Observer* observer, int* err);
    // Sends `request` (taken over; the buffer is swapped, not copied).
    void send(Connection* u, ByteBuffer& request);
    // Stops/restarts reading (back-pressure from a slow client).
    void pause(Connection* u);
    void resume(Connection* u);
    // The observer is done: back to the idle list when `reusable`, otherwise closed.
    // The observer gets no further calls.
    void release(Connection* u, bool reusable);

    uint64_t on_timer(uint64_t now_ms);  // idle expiry; returns the next deadline
    void before_submit();                // re-arms receives
    const PoolStats& stats() const { return stats_; }

  private:
    static void on_connect(io::Operation* op, int32_t res, uint32_t flags);
    static void on_recv(io::Operation* op, int32_t res, uint32_t flags);
    static void on_send(io::Operation* op, int32_t res, uint32_t flags);
    void arm_recv(Connection* u);
    void on_plain_bytes(Connection* u, const char* data, size_t len);
    void on_tls_bytes(Connection* u, const char* data, size_t len);
    void flush_tls(Connection* u);
    void start_send(Connection* u, const char* data, size_t len);
    void queue_rearm(Connection* u);
    void fail(Connection* u, int sys_errno);
    void close(Connection* u);
    void maybe_free(Connection* u);
    Connection* take_idle(uint32_t origin);
    io::SocketAddress pick_address(uint32_t origin);

    shard::Shard& shard_;
    uint32_t idle_max_;
    uint32_t idle_timeout_ms_;
    uint64_t generation_ = 0;
    std::vector<Origin> origins_;
    std::vector<shard::TimerList> idle_;  // per origin, oldest first
    std::vector<AddressCursor> cursors_;  // per origin: rotation over its live addresses
    std::vector<std::unique_ptr<Connection>> all_;
    Connection* free_ = nullptr;
    Connection* released_ = nullptr;
    Connection* rearm_ = nullptr;
    PoolStats stats_;
    tls::SessionCache sessions_;  // TLS resumption across this shard's connections
    char plain_[16 * 1024];       // decrypted bytes on their way to the observer
};

}  // namespace rg::upstream
