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
#include "keys/classify.h"
#include "keys/selector.h"
#include "observe/log_rate_limit.h"
#include "observe/log_writer.h"
#include "proxy/config.h"
#include "proxy/error_body.h"
#include "proxy/exchange.h"
#include "proxy/proxy_metrics.h"
#include "proxy/proxy_trace.h"
#include "proxy/request_id.h"
#include "proxy/worker_board.h"
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
    uint64_t attempts = 0;
    uint64_t retries = 0;        // attempts after the first
    uint64_t fallbacks = 0;      // attempts on a fallback model
    uint64_t no_key = 0;         // requests refused because no key could take them
    uint64_t auth_failures = 0;  // client requests without a valid client key
    uint64_t limited = 0;        // client requests refused by a rate limit, quota or budget
};

// /admin/traces, /admin/traces/{id}, /admin/usage.
bool is_trace_admin_path(std::string_view path);

// The translate format of a client route, and of a provider for a client of `client`.
translate::Format client_format_of(Route route);
translate::Format upstream_format_of(const keys::ProviderOptions& o, translate::Format client);
// Whether a route with its own translator (embeddings, token counts, legacy completions) can
// be translated for a provider of another format (proxy_endpoints.cc).
bool endpoint_translatable(Route route, const keys::ProviderOptions& o);

class ProxyHandler final : public server::RequestHandler {
  public:
    // `access_log` (may be null): this shard's producer of the access and audit log.
    // `board` (may be null): where this shard mirrors its numbers for /health/detailed.
    // `metrics` (may be null): this shard's block of the metrics registry. `traces`: its
    // ring of the trace thread and the admin trace queries (proxy_trace.h).
    // `shared_limits` (may be null): client-key limits shared through Redis.
    ProxyHandler(shard::Shard& shard, server::HttpServer& server,
                 observe::LogProducer* access_log = nullptr, WorkerBoard* board = nullptr,
                 observe::WorkerMetrics* metrics = nullptr, TraceHooks traces = {},
                 limits::SharedLimits* shared_limits = nullptr);
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
    // An admin trace query's answer arrived (or could not be asked: `failed`); sends it.
    void on_trace_answer(Exchange* x, traces::Query* q, bool failed);
    const upstream::Pool& pool() const { return pool_; }

  private:
    // Admin listener (proxy_admin.cc): /health/detailed, /admin/keys/reset.
    bool on_admin_request(server::Connection* c, const http::RequestHead& head);
    void answer_admin(Exchange* x);
    void write_health_detailed(ByteBuffer& out);
    Exchange* acquire_exchange(server::Connection* c);
    void release_exchange(Exchange* x);
    void answer_model(Exchange* x);
    void keep_cors_headers(Exchange* x, const Cors& cors, const http::RequestHead& head);
    void answer_local(Exchange* x, int status, std::string_view content_type, std::string_view body,
                      bool close, std::span<const http::Header> extra = {});
    // Answers an error in the client's format (status from the kind unless given), or
    // ends a started stream with an error event.
    void fail(Exchange* x, ErrorKind kind, std::string_view message, int status = 0);
    // Attempts (proxy_attempts.cc): plan, pick a key, launch, classify failures, retry.
    void start_upstream(Exchange* x);
    void plan_and_start(Exchange* x, const Resolution& r);
    void build_plan(Exchange* x, const Resolution& r);
    void next_attempt(Exchange* x);
    void launch(Exchange* x, const Candidate& c, uint32_t key);
    void attempt_failed(Exchange* x, const keys::Classification& cls, const char* reason);
    void transport_failed(Exchange* x, keys::TransportFailure f, const char* reason);
    void end_attempt(Exchange* x, bool ok);
    void mirror_load(const Config* cfg, uint32_t p, uint32_t k);
    void give_up(Exchange* x);
    void wait_and_retry(Exchange* x, uint64_t at_ms);
    uint64_t backoff_ms(const Exchange* x);
    void build_request(Exchange* x, std::string_view upstream_model, uint32_t key);
    void append_upstream_path(ByteBuffer& r, const keys::ProviderOptions& o, const Exchange* x,
                              std::string_view model) const;
    void complete_translated(Exchange* x, bool reusable);
    // Embeddings, token counts, legacy completions and re-framed streams across formats
    // (proxy_endpoints.cc).
    bool build_endpoint_body(Exchange* x, std::string_view upstream_model);
    void complete_endpoint(Exchange* x, bool reusable);
    bool count_locally(Exchange* x, const Resolution& r);
    void start_reframe(Exchange* x);
    void reframe_out(Exchange* x);
    void finish_reframe(Exchange* x);
    // The gateway's own error ending a stream: an error event, or for Gemini's JSON array its
    // last element and the closing bracket.
    void write_stream_failure(Exchange* x, int status, ErrorKind kind, std::string_view message,
                              ByteBuffer& out, const ErrorExtras& extras);
    // Client keys and limits (proxy_limits.cc).
    void authenticate(Exchange* x, const http::RequestHead& head);
    bool admit(Exchange* x, std::string_view public_model, bool wait_over = false);
    void refuse_limited(Exchange* x, const limits::Admission& a);
    // Shared limits (proxy_limits.cc): requests parked until the Redis thread has permits.
    void park(Exchange* x);
    void resume_parked(Exchange* x, bool wait_over);
    void arm_limits_wake();
    static void on_limits_wake(io::Operation* op, int32_t res, uint32_t flags);
    void expire_parked(uint64_t now_ms);
    void settle_limits(Exchange* x);
    void passthrough_usage(Exchange* x);
    void read_usage(Exchange* x, std::string_view json);
    void send_request(Exchange* x);
    // Response side.
    void on_head(Exchange* x);
    void on_error_answer(Exchange* x, bool reusable);
    void commit(Exchange* x);
    bool holding_done(Exchange* x);
    void pump_stream(Exchange* x);
    bool stream_failed_early(const Exchange* x) const;
    void forward_body(Exchange* x, std::string_view raw);
    void complete(Exchange* x, bool reusable);
    void set_deadline(Exchange* x, uint32_t timeout_ms);
    void on_deadline(Exchange* x);
    const keys::ProviderOptions& provider(const Exchange* x) const;

    shard::Shard& shard_;
    server::HttpServer& server_;
    std::shared_ptr<const shard::Settings> settings_;
    const Config* config_ = nullptr;
    // Snapshots exchanges still use (Exchange::cfg), with how many use each; the current
    // one is kept too. Shard-local counts: no atomics on the request path.
    struct ConfigUse {
        std::shared_ptr<const Config> config;
        uint32_t users = 0;
    };
    std::vector<ConfigUse> configs_;
    void use_config(Exchange* x);
    void drop_config(Exchange* x);
    upstream::Pool pool_;
    shard::TimerList timers_;
    std::vector<std::unique_ptr<Exchange>> all_;
    Exchange* free_ = nullptr;
    keys::Selector selector_;     // this shard's key choice (cursors, in-flight, latency)
    uint32_t target_cursor_ = 0;  // weighted choice among a model's targets
    uint64_t jitter_ = 0x9e3779b97f4a7c15ull;  // retry jitter state (LCG)
    RequestIdGenerator ids_;
    std::string admin_key_;  // RINGGATE_ADMIN_KEY at start; empty: the admin API is off
    ProxyStats stats_;
    limits::Limiter limiter_;
    // Shared limits: exchanges parked for permits (deadline order), and the eventfd the
    // Redis thread writes to wake this shard, read through the ring.
    shard::TimerList parked_;
    int limits_wake_fd_ = -1;
    io::Operation limits_wake_op_;
    uint64_t limits_wake_value_ = 0;
    observe::LogProducer* access_log_ = nullptr;
    void log_access(Exchange* x);
    // Audit records (proxy_audit.cc), pushed by the shard that saw the event.
    void audit_auth_failure(Exchange* x);
    void audit_key_change(const Exchange* x, const keys::KeyTable& table, uint32_t p, uint32_t k,
                          const keys::Transition& t, std::string_view reason);
    void audit_admin(Exchange* x, bool authorized, std::string_view subject,
                     std::string_view detail, uint16_t status);
    void bill_dropped_stream(Exchange* x);
    void count_stream_output(Exchange* x, translate::StreamFormat format, std::string_view data);
    void mirror_worker_row();
    observe::LogRateLimit auth_audit_{observe::limits::auth_audit_per_second,
                                      observe::limits::auth_audit_burst};
    WorkerBoard* board_ = nullptr;
    uint32_t active_ = 0;   // exchanges in progress
    uint32_t streams_ = 0;  // streamed answers committed and flowing
    ProxyMetrics metrics_;
    // Traces (proxy_trace.cc, proxy_admin_traces.cc).
    TraceHooks traces_;
    void push_trace(Exchange* x);
    void trace_attempt_started(Exchange* x, const Candidate& c, uint32_t key);
    void trace_attempt_ended(Exchange* x, bool ok);
    void trace_attempt_failed(Exchange* x, keys::FailureClass cls);
    void begin_trace_query(Exchange* x, const http::RequestHead& head);
    void answer_trace_query(Exchange* x);
    void forget_trace_query(Exchange* x);
    http::RequestHead scratch_head_;  // rebuilt per upstream request; avoids a 4 KiB alloc
    ByteBuffer scratch_;              // rewritten bodies and error bodies, reused
};

}  // namespace rg::proxy
