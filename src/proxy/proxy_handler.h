// ProxyHandler: the request lifecycle of proxied routes on one shard, as phases
// (see README.md): take the head -> read the body -> scan model/stream -> route to a
// provider and key -> build the upstream request -> connect or reuse -> send -> forward
// the response head -> stream the body back (raw bytes when framing allows) -> release
// the upstream connection to the pool. Shard-local: one per shard, owns its upstream
// Pool and its Exchange pool.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "json/request_scan.h"
#include "proxy/config.h"
#include "proxy/error_body.h"
#include "proxy/exchange.h"
#include "proxy/request_id.h"
#include "server/http_server.h"
#include "server/request_handler.h"
#include "shard/shard.h"
#include "upstream/pool.h"

namespace rg::proxy {

struct ProxyStats {
    uint64_t requests = 0;
    uint64_t upstream_errors = 0;
    uint64_t upstream_timeouts = 0;
    uint64_t client_aborts = 0;
};

class ProxyHandler final : public server::RequestHandler {
  public:
    ProxyHandler(shard::Shard& shard, server::HttpServer& server);
    ~ProxyHandler() override;

    bool on_request(server::Connection* c, const http::RequestHead& head) override;
    void on_request_body(server::Connection* c, std::string_view bytes) override;
    void on_request_end(server::Connection* c) override;
    void on_downstream_writable(server::Connection* c) override;
    void on_downstream_gone(server::Connection* c) override;
    void on_settings(const std::shared_ptr<const shard::Settings>& settings) override;
    uint64_t on_timer(uint64_t now_ms) override;
    void before_submit() override;

    // From the exchange's upstream observer.
    void on_connected(Exchange* x);
    void on_data(Exchange* x, const char* data, size_t len);
    void on_closed(Exchange* x, upstream::Connection* u, int sys_errno);

    const ProxyStats& stats() const { return stats_; }
    const upstream::Pool& pool() const { return pool_; }

  private:
    Exchange* acquire_exchange(server::Connection* c);
    void release_exchange(Exchange* x);
    void answer_model(Exchange* x);
    void keep_cors_headers(Exchange* x, const Cors& cors, const http::RequestHead& head);
    void answer_local(Exchange* x, int status, std::string_view content_type, std::string_view body,
                      bool close);
    // Answers an error in the client's format (status from the kind unless given), or
    // ends a started stream with an error event.
    void fail(Exchange* x, ErrorKind kind, std::string_view message, int status = 0);
    void start_upstream(Exchange* x);
    void build_request(Exchange* x, std::string_view upstream_model, const json::RequestScan& scan);
    void send_request(Exchange* x);
    void forward_head(Exchange* x);
    void forward_body(Exchange* x, std::string_view raw);
    void complete(Exchange* x, bool reusable);
    void set_deadline(Exchange* x, uint32_t timeout_ms);
    void on_deadline(Exchange* x);
    const keys::ProviderOptions& provider(const Exchange* x) const;

    shard::Shard& shard_;
    server::HttpServer& server_;
    std::shared_ptr<const shard::Settings> settings_;
    const Config* config_ = nullptr;
    upstream::Pool pool_;
    shard::TimerList timers_;
    std::vector<std::unique_ptr<Exchange>> all_;
    Exchange* free_ = nullptr;
    std::vector<uint32_t> key_cursor_;  // per provider: round robin over its keys
    RequestIdGenerator ids_;
    ProxyStats stats_;
    http::RequestHead scratch_head_;  // rebuilt per upstream request; avoids a 4 KiB alloc
    ByteBuffer scratch_;              // rewritten bodies and error bodies, reused
};

}  // namespace rg::proxy
