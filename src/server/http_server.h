// HttpServer: the downstream HTTP/1.1 server of one shard. It owns the shard's
// listeners (multishot accept), its connections (multishot receive from the shard's
// provided-buffer ring, batched sends, header/idle/linger timeouts), back-pressure and
// drain. Shard-local: every method runs on the owning shard's thread.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "http/request_head.h"
#include "http/request_parser.h"
#include "io/operation.h"
#include "observe/registry.h"
#include "server/connection.h"
#include "server/options.h"
#include "server/request_handler.h"
#include "server/stats.h"
#include "shard/shard.h"
#include "shard/timer_list.h"

namespace rg::server {

// A listening socket handed to one shard (each shard gets its own SO_REUSEPORT socket;
// the admin socket goes to shard 0 only).
struct ListenerSpec {
    int fd = -1;
    bool admin = false;
};

// What the admin listener needs to render /metrics: every shard's stats, and the labelled
// families of the registry (observe/catalog.h), whose names the stats do not repeat.
struct MetricsSources {
    std::vector<const ServerStats*> shards;
    const ControlStats* control = nullptr;
    uint64_t (*config_generation)() = nullptr;
    observe::Registry* registry = nullptr;  // rendered by the admin shard only
};

class HttpServer final : public shard::Service {
  public:
    HttpServer(shard::Shard& shard, std::vector<ListenerSpec> listeners, uint32_t shard_count,
               ServerStats* stats, const MetricsSources* metrics);
    ~HttpServer() override;

    void on_settings(const std::shared_ptr<const shard::Settings>& settings) override;
    void on_drain(uint64_t deadline_ms) override;
    uint64_t on_timer(uint64_t now_ms) override;
    void before_submit() override;
    bool finished() const override;

    uint32_t connection_count() const { return connections_; }

    // --- For the RequestHandler (shard thread only) -----------------------------------
    // Takes requests the built-in routes do not (the proxy); owned by the server.
    void set_handler(std::unique_ptr<RequestHandler> handler) {
        owned_handler_ = std::move(handler);
        handler_ = owned_handler_.get();
    }
    ByteBuffer& output(Connection* c) { return c->out; }
    // Queues the connection's output for sending in this loop turn.
    void flush(Connection* c) { mark_dirty(c); }
    // True while the client's unsent backlog is under the high-water mark.
    bool writable(const Connection* c) const;
    // Ends a handled request: counts `status`; `close` ends the connection after the
    // answer is sent; otherwise the next pipelined request is read.
    void finish(Connection* c, int status, bool close);
    // Drops the connection now (answer cut short: the client must not take it as complete).
    void abort(Connection* c);
    bool draining() const { return draining_; }
    ServerStats& stats() { return *stats_; }
    const Options& options() const { return *options_; }

  private:
    struct Listener {
        io::Operation accept_op;
        int fd = -1;
        bool admin = false;
        bool want_accept = false;
        bool closed = false;
    };

    // Accept path.
    static void on_accept(io::Operation* op, int32_t res, uint32_t flags);
    void arm_accept(Listener* l);
    void close_listener(Listener* l);
    Connection* open_connection(int fd, bool admin);

    // Receive path.
    static void on_recv(io::Operation* op, int32_t res, uint32_t flags);
    void arm_recv(Connection* c);
    void on_data(Connection* c, const char* data, size_t len);
    void on_peer_eof(Connection* c);
    // Parses from `in`; returns how many bytes were used (the rest waits in pending_in).
    size_t consume(Connection* c, std::string_view in);
    void resume_reading(Connection* c);
    void pause_reading(Connection* c);
    void on_request_head(Connection* c);
    void on_message_end(Connection* c);
    void on_parse_error(Connection* c);
    // Answers `status` with an OpenAI-style error body and closes after sending.
    void reject(Connection* c, int status, const char* code, std::string_view message);
    void finish_request(int status);

    // Send path.
    static void on_send(io::Operation* op, int32_t res, uint32_t flags);
    static void on_shutdown(io::Operation* op, int32_t res, uint32_t flags);
    void mark_dirty(Connection* c);
    void start_send(Connection* c);
    void after_send_drained(Connection* c);

    // TLS (http_server_tls.cc): ciphertext in, plaintext to on_data; out encrypted and the
    // engine's output sent; close_notify or the failure alert on the way out.
    void open_tls(Connection* c);
    void on_tls_data(Connection* c, const char* data, size_t len);
    void on_tls_error(Connection* c);
    void start_tls_send(Connection* c);
    // Queues close_notify after a final answer; true when a send now carries it.
    bool send_close_notify(Connection* c);
    // On close: the failure alert, or close_notify when nothing was cut short. Sent without
    // waiting (MSG_DONTWAIT), so a peer that stopped reading cannot hold the close up.
    void send_tls_farewell(Connection* c);
    void release_tls(Connection* c);

    // Timers and teardown.
    void set_timer(Connection* c, shard::TimerList& list, uint32_t timeout_ms);
    void expire(shard::TimerList& list, uint64_t now_ms, void (HttpServer::*fn)(Connection*));
    void on_header_timeout(Connection* c);
    void on_idle_timeout(Connection* c);
    void on_linger_timeout(Connection* c);
    void begin_linger(Connection* c);
    void close_connection(Connection* c);
    void maybe_release(Connection* c);
    http::RequestParser* acquire_parser();
    void release_parser(Connection* c);

    // Built-in routes.
    void route(Connection* c, const http::RequestHead& head);
    void write_metrics(Connection* c, bool close);

    shard::Shard& shard_;
    std::vector<Listener> listeners_;
    uint32_t shard_count_ = 1;
    ServerStats* stats_;
    const MetricsSources* metrics_;
    RequestHandler* handler_ = nullptr;
    std::unique_ptr<RequestHandler> owned_handler_;
    std::shared_ptr<const shard::Settings> settings_;
    const Options* options_ = nullptr;
    uint32_t connections_max_ = 0;  // this shard's share of server.limits.max_connections

    uint32_t connections_ = 0;       // all open connections
    uint32_t main_connections_ = 0;  // connections on non-admin listeners
    bool draining_ = false;
    uint64_t drain_deadline_ms_ = 0;
    bool in_consume_ = false;  // parsing on this stack: finish() must not re-enter it

    shard::TimerList header_timers_;
    shard::TimerList idle_timers_;
    shard::TimerList linger_timers_;

    Connection* dirty_head_ = nullptr;
    Connection* rearm_head_ = nullptr;
    Connection* free_connections_ = nullptr;
    Connection* released_ = nullptr;  // closed this turn; pooled after before_submit
    std::vector<http::RequestParser*> free_parsers_;
    TlsSession* free_tls_ = nullptr;
    std::vector<std::unique_ptr<TlsSession>> all_tls_;
    // Decrypted bytes on their way to the parser, which treats them like a receive buffer
    // (views into it are retained or copied before it is reused). Allocated with the
    // first TLS connection.
    std::unique_ptr<char[]> tls_plain_;
    std::vector<std::unique_ptr<Connection>> all_connections_;
    bool listeners_need_arm_ = false;
};

}  // namespace rg::server
