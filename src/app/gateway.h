// Gateway: the process. Owns the config snapshot, the listeners, the shards and the
// control thread's ring (signalfd reads, watchdog timer, MSG_RING posts to shards).
// Everything here runs on the control (main) thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "io/operation.h"
#include "io/ring.h"
#include "limits/shared_limits.h"
#include "observe/log_writer.h"
#include "observe/registry.h"
#include "proxy/proxy_metrics.h"
#include "proxy/worker_board.h"
#include "redis/limits_sync.h"
#include "server/http_server.h"
#include "server/stats.h"
#include "shard/shard.h"
#include "tls/server_context.h"
#include "traces/trace_service.h"
#include "upstream/resolver.h"

namespace rg::app {

struct GatewayOptions {
    std::string config_path;
    std::string ready_file;  // written once listening: JSON with the bound ports
};

class Gateway {
  public:
    explicit Gateway(GatewayOptions options);
    ~Gateway();

    // Starts everything, runs until drained after SIGTERM/SIGINT. Returns the exit code.
    int run();

  private:
    bool start();
    bool open_listeners();
    bool start_shards();
    void write_ready_file();
    void control_loop();

    static void on_signal(io::Operation* op, int32_t res, uint32_t flags);
    static void on_tick(io::Operation* op, int32_t res, uint32_t flags);
    void arm_signal_read();
    void arm_tick();
    void handle_signal(int signo);
    void reload();
    // Audit record of a reload: applied, or refused with `errors` errors.
    void audit_reload(bool applied, uint32_t errors);
    void begin_drain();
    void post(shard::Shard& s, shard::Message m);
    void watchdog_check();
    // Control thread: the registry's families mirrored from elsewhere (key table, log
    // writer), on every tick, so a scrape sees them at most one tick old.
    void publish_metrics();

    // Builds what the shards run on from a snapshot (the proxy's routing table and
    // resolved origins included). Null with *error set when the snapshot can not run.
    std::shared_ptr<const shard::Settings> make_settings(
        const std::shared_ptr<const config::Snapshot>& snap, std::string* error);

    GatewayOptions options_;
    std::shared_ptr<const config::Snapshot> snapshot_;
    std::shared_ptr<const shard::Settings> settings_;  // what the shards run on now
    // The access log (one JSON line per request), written off the workers; one producer
    // per shard. Its target is `logging.access_log` at start (a change needs a restart).
    std::unique_ptr<observe::LogWriter> access_log_;
    observe::LogProducer* control_log_ = nullptr;  // the control thread's (reload audits)
    // Per-worker numbers for /health/detailed; outlives the shards.
    std::unique_ptr<proxy::WorkerBoard> board_;
    // Request traces (storage.traces): the trace thread and its admin queries; null when
    // traces are off. Set up at start (a change needs a restart).
    std::unique_ptr<traces::TraceService> traces_;
    bool start_traces();
    uint32_t worker_count_ = 0;
    std::vector<int> cpus_;
    // listener_fds_[shard] = that shard's listener sockets.
    std::vector<std::vector<server::ListenerSpec>> listener_fds_;
    std::vector<uint16_t> bound_ports_;
    uint16_t admin_port_ = 0;

    std::vector<std::unique_ptr<server::ServerStats>> stats_;
    server::ControlStats control_stats_;
    server::MetricsSources metrics_;
    // Labelled metrics (observe/catalog.h): one block per shard, one for this thread.
    std::unique_ptr<observe::Registry> registry_;
    observe::WorkerMetrics* control_metrics_ = nullptr;
    proxy::KeyMetricsPublisher key_metrics_;
    std::vector<std::unique_ptr<shard::Shard>> shards_;
    std::unique_ptr<upstream::Resolver> resolver_;  // DNS re-resolution; null if it failed
    // storage.redis (read at start; a change needs a restart): what the workers' limiters
    // share, and the thread that keeps it in step with Redis. Both null without it.
    std::unique_ptr<limits::SharedLimits> shared_limits_;
    std::unique_ptr<redis::LimitsSync> limits_sync_;
    bool start_shared_limits();

    io::Ring ring_;
    int signal_fd_ = -1;
    io::Operation signal_op_;
    io::Operation tick_op_;
    unsigned char siginfo_[128];
    __kernel_timespec tick_ts_{};

    bool draining_ = false;
    bool force_stop_ = false;
    uint64_t drain_deadline_ms_ = 0;
    uint64_t watchdog_usec_ = 0;
    uint64_t next_watchdog_ms_ = 0;
    std::vector<uint64_t> last_heartbeats_;
};

// Generation of the snapshot in force, for /metrics.
uint64_t current_generation();

// Loads server.tls (certificate chain and key) into a context for the shards. Null with
// *error set, naming the config key and both files, when they cannot be loaded or do not
// match. Control thread (start, SIGHUP, --check-config).
std::shared_ptr<tls::ServerContext> make_server_tls(const server::Options& options,
                                                    std::string* error);

}  // namespace rg::app
