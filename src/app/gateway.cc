#include "app/gateway.h"

#include <sched.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include <openssl/sha.h>

#include "base/clock.h"
#include "base/limits.h"
#include "base/log.h"
#include "base/sd_notify.h"
#include "io/probe.h"
#include "io/socket.h"
#include "observe/catalog.h"
#include "observe/log_stats.h"
#include "proxy/config.h"
#include "proxy/proxy_handler.h"

#ifndef RG_VERSION
#define RG_VERSION "unknown"
#endif
#ifndef RG_REVISION
#define RG_REVISION "unknown"
#endif

namespace rg::app {
namespace {

std::atomic<uint64_t> g_generation{0};

// Control-thread tick: drives the drain watch and the watchdog.
constexpr uint64_t tick_ms = 50;

std::vector<int> allowed_cpus() {
    std::vector<int> cpus;
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) == 0) {
        for (int i = 0; i < CPU_SETSIZE; ++i) {
            if (CPU_ISSET(i, &set)) {
                cpus.push_back(i);
            }
        }
    }
    if (cpus.empty()) {
        cpus.push_back(-1);
    }
    return cpus;
}

void apply_logging(const log::Options& o) {
    log::set_level(o.level);
    log::set_format(o.format);
    // `off` turns the access log off; process messages then go to stderr.
    const char* target = o.access_log == "off" ? "stderr" : o.access_log.c_str();
    if (!log::set_target(target)) {
        RG_ERROR("cannot open log file %s: %s", o.access_log.c_str(), std::strerror(errno));
    }
}

void print_errors(const config::LoadResult& r, const std::string& path) {
    for (const config::Diagnostic& d : r.errors) {
        RG_ERROR("%s", config::format_diagnostic(path, d).c_str());
    }
}

// Hands a new settings snapshot's origins to the DNS resolver, started on first use; the
// previous snapshot's origins are forgotten. Without it, addresses stay as loaded.
void watch_origins(std::unique_ptr<upstream::Resolver>& resolver, const shard::Settings& settings) {
    if (resolver == nullptr) {
        resolver = std::make_unique<upstream::Resolver>(upstream::ResolverOptions{});
        auto started = resolver->start();
        if (!started.ok()) {
            RG_WARN("DNS re-resolution off (%s): upstream addresses stay as resolved at load",
                    started.error().context);
            resolver.reset();
            return;
        }
    }
    resolver->watch(settings.proxy != nullptr ? settings.proxy->origins
                                              : std::vector<upstream::Origin>{});
}

// SHA-256 of the file's bytes in hex ("" when it cannot be read): /health/detailed shows
// it so an operator can tell which file version is in force. Control thread.
std::string file_sha256(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        return "";
    }
    SHA256_CTX ctx;
    SHA256_Init(&ctx);
    char buf[8192];
    while (f.read(buf, sizeof(buf)) || f.gcount() > 0) {
        SHA256_Update(&ctx, buf, static_cast<size_t>(f.gcount()));
    }
    uint8_t digest[SHA256_DIGEST_LENGTH];
    SHA256_Final(digest, &ctx);
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (uint8_t b : digest) {
        out += hex[b >> 4];
        out += hex[b & 15];
    }
    return out;
}

void copy_trace_counts(const traces::TraceService* traces, server::ControlStats& stats) {
    if (traces != nullptr) {
        traces::TraceCounts c = traces->counts();
        stats.trace_records_spooled_total.set(c.spooled);
        stats.trace_records_stored_total.set(c.rows_inserted);
        stats.trace_dropped_ring_full.set(c.dropped_ring_full);
        stats.trace_dropped_spool_full.set(c.dropped_spool_full);
        stats.trace_dropped_error.set(c.dropped_other);
    }
}

// Hands the client keys of a new settings snapshot to the Redis thread of shared limits.
void watch_client_keys(redis::LimitsSync* sync, const shard::Settings& settings) {
    if (sync != nullptr) {
        sync->watch(settings.proxy != nullptr ? settings.proxy->clients : nullptr);
    }
}

void copy_redis_counts(const redis::LimitsSync* sync, const limits::SharedLimits* shared,
                       server::ControlStats& stats) {
    if (sync == nullptr || shared == nullptr) {
        return;
    }
    redis::SyncCounts c = sync->counts();
    limits::SharedLimitsCounts w = shared->counts();
    stats.redis_up.set(c.up);
    stats.redis_connects_total.set(c.connects);
    stats.redis_failures_total.set(c.failures);
    stats.redis_round_trips_total.set(c.rounds);
    stats.redis_errors_total.set(c.errors);
    stats.redis_permits_total.set(c.permits);
    stats.redis_permits_expired_total.set(c.dropped);
    stats.redis_reconciled_requests_total.set(c.reconciled);
    stats.redis_parked_total.set(w.parked);
    stats.redis_park_timeouts_total.set(w.park_timeouts);
    stats.redis_fail_open_total.set(w.fail_open);
    stats.redis_fail_closed_total.set(w.fail_closed);
}

void copy_dns_counts(const upstream::Resolver* resolver, server::ControlStats& stats) {
    if (resolver != nullptr) {
        upstream::ResolverCounts c = resolver->counts();
        stats.dns_resolutions_total.set(c.resolutions);
        stats.dns_failures_total.set(c.failures);
        stats.dns_address_changes_total.set(c.address_changes);
    }
}

}  // namespace

uint64_t current_generation() {
    return g_generation.load(std::memory_order_relaxed);
}

std::shared_ptr<tls::ServerContext> make_server_tls(const server::Options& options,
                                                    std::string* error) {
    tls::ServerOptions o;
    o.cert_file = options.tls.cert_file;
    o.key_file = options.tls.key_file;
    o.alpn = {"http/1.1"};  // the only protocol the server speaks
    auto ctx = tls::ServerContext::create(o);
    if (!ctx.ok()) {
        *error =
            "server.tls (cert " + o.cert_file + ", key " + o.key_file + "): " + ctx.error().context;
        if (ctx.error().sys_errno != 0) {
            *error += std::string(": ") + std::strerror(ctx.error().sys_errno);
        }
        return nullptr;
    }
    return *ctx;
}

Gateway::Gateway(GatewayOptions options) : options_(std::move(options)) {
    signal_op_.owner = this;
    signal_op_.on_complete = &Gateway::on_signal;
    tick_op_.owner = this;
    tick_op_.on_complete = &Gateway::on_tick;
}

Gateway::~Gateway() {
    for (auto& s : shards_) {
        s->join();
    }
    if (signal_fd_ >= 0) {
        ::close(signal_fd_);
    }
}

std::shared_ptr<const shard::Settings> Gateway::make_settings(
    const std::shared_ptr<const config::Snapshot>& snap, std::string* error) {
    auto s = std::make_shared<shard::Settings>();
    s->generation = snap->generation;
    char resolved[PATH_MAX];
    s->config_path = realpath(options_.config_path.c_str(), resolved) != nullptr
                         ? std::string(resolved)
                         : options_.config_path;
    s->config_sha256 = file_sha256(options_.config_path);
    s->loaded_at_unix_ms = wall_ms();
    // Aliasing pointer: shares ownership of the whole snapshot, points at one section.
    s->server = std::shared_ptr<const server::Options>(snap, &snap->server);
    if (snap->server.has_tls) {
        // Loaded here, on the control thread, so that a reload whose certificate or key
        // does not load is refused before any shard sees it.
        s->server_tls = make_server_tls(snap->server, error);
        if (s->server_tls == nullptr) {
            return nullptr;
        }
    }
    if (!snap->providers.empty()) {
        const proxy::Config* previous = settings_ != nullptr ? settings_->proxy.get() : nullptr;
        auto proxy = proxy::build_config(snap, snap->server, snap->providers, snap->models,
                                         snap->routing, snap->health, snap->client_keys, snap->auth,
                                         snap->pricing, previous, worker_count_, error);
        if (!proxy.ok()) {
            return nullptr;
        }
        s->proxy = *proxy;
    }
    return s;
}

int Gateway::run() {
    if (!start()) {
        return 1;
    }
    control_loop();
    for (auto& s : shards_) {
        s->join();
    }
    if (access_log_ != nullptr) {
        access_log_->stop();  // drains every worker's ring
    }
    if (traces_ != nullptr) {
        traces_->stop();  // drains every worker's ring into the spool and the database
    }
    resolver_.reset();  // stops and joins its thread
    if (limits_sync_ != nullptr) {
        limits_sync_->stop();  // hands unused day permits back to Redis
    }
    RG_INFO("ringgate stopped");
    return 0;
}

bool Gateway::start() {
    config::LoadResult loaded = config::load_file(options_.config_path, config::process_env());
    if (!loaded.ok()) {
        print_errors(loaded, options_.config_path);
        return false;
    }
    auto snap = std::make_shared<config::Snapshot>(*loaded.snapshot);
    snap->generation = 1;
    snapshot_ = snap;
    g_generation.store(1);
    apply_logging(snapshot_->logging);

    cpus_ = allowed_cpus();
    worker_count_ = snapshot_->server.workers != 0 ? snapshot_->server.workers
                                                   : static_cast<uint32_t>(cpus_.size());
    io::ProbeReport probe = io::probe_kernel(worker_count_, limits::recv_buffer_count);
    if (!probe.ok) {
        RG_ERROR("cannot start: %s", probe.problem.c_str());
        return false;
    }
    if (!probe.defer_taskrun) {
        RG_WARN("io_uring DEFER_TASKRUN unavailable: using COOP_TASKRUN (kernel < 6.1)");
    }

    // Signals are read through a signalfd on the control ring; block them before any
    // thread starts so every shard inherits the mask.
    sigset_t mask;
    sigemptyset(&mask);
    for (int s : {SIGHUP, SIGTERM, SIGINT, SIGUSR1}) {
        sigaddset(&mask, s);
    }
    pthread_sigmask(SIG_BLOCK, &mask, nullptr);
    signal(SIGPIPE, SIG_IGN);
    signal_fd_ = signalfd(-1, &mask, SFD_CLOEXEC);
    if (signal_fd_ < 0) {
        RG_ERROR("signalfd: %s", std::strerror(errno));
        return false;
    }
    auto init = ring_.init(io::RingOptions{64, 256});
    if (!init.ok()) {
        RG_ERROR("control ring: %s", std::strerror(init.error().sys_errno));
        return false;
    }
    if (!open_listeners() || !start_shards()) {
        return false;
    }
    write_ready_file();
    watchdog_usec_ = sd_watchdog_usec();
    last_heartbeats_.assign(shards_.size(), UINT64_MAX);
    sd_notify("READY=1\nSTATUS=serving");
    RG_INFO("ringgate %s serving with %u workers (io_uring %s)", RG_VERSION, worker_count_,
            probe.defer_taskrun ? "SINGLE_ISSUER|DEFER_TASKRUN" : "COOP_TASKRUN");
    return true;
}

bool Gateway::open_listeners() {
    listener_fds_.assign(worker_count_, {});
    for (const server::ListenAddress& a : snapshot_->server.listen) {
        auto addr = io::make_address(a.host, a.port);
        if (!addr.ok()) {
            RG_ERROR("listen %s: not an IP address", a.text.c_str());
            return false;
        }
        uint16_t port = a.port;
        for (uint32_t w = 0; w < worker_count_; ++w) {
            // The first socket may bind port 0; the others join the port it got.
            auto bound = io::make_address(a.host, port);
            auto fd = io::listen_tcp(*bound, true, limits::listen_backlog);
            if (!fd.ok()) {
                RG_ERROR("listen %s: %s: %s", a.text.c_str(), fd.error().context,
                         std::strerror(fd.error().sys_errno));
                return false;
            }
            if (w == 0) {
                port = *io::local_port(*fd);
                bound_ports_.push_back(port);
            }
            listener_fds_[w].push_back(server::ListenerSpec{*fd, false});
        }
        RG_INFO("listening on %s (port %u, %u sockets)", a.text.c_str(), port, worker_count_);
    }
    if (snapshot_->server.has_admin_listen) {
        const server::ListenAddress& a = snapshot_->server.admin_listen;
        auto addr = io::make_address(a.host, a.port);
        auto fd = addr.ok() ? io::listen_tcp(*addr, false, 128) : Result<int>(addr.error());
        if (!fd.ok()) {
            RG_ERROR("admin listen %s: %s: %s", a.text.c_str(), fd.error().context,
                     std::strerror(fd.error().sys_errno));
            return false;
        }
        admin_port_ = *io::local_port(*fd);
        listener_fds_[0].push_back(server::ListenerSpec{*fd, true});
        RG_INFO("admin listening on %s (port %u)", a.text.c_str(), admin_port_);
    }
    return true;
}

bool Gateway::start_shards() {
    std::string error;
    auto settings = make_settings(snapshot_, &error);
    if (settings == nullptr) {
        RG_ERROR("cannot start: %s", error.c_str());
        return false;
    }
    watch_origins(resolver_, *settings);
    settings_ = settings;
    if (!start_shared_limits()) {
        return false;
    }
    watch_client_keys(limits_sync_.get(), *settings);
    for (uint32_t w = 0; w < worker_count_; ++w) {
        stats_.push_back(std::make_unique<server::ServerStats>());
        metrics_.shards.push_back(stats_.back().get());
    }
    metrics_.control = &control_stats_;
    metrics_.config_generation = &current_generation;
    registry_ = std::make_unique<observe::Registry>(observe::catalog_families());
    metrics_.registry = registry_.get();
    control_metrics_ = &registry_->add_block();
    std::string_view build[] = {RG_VERSION, RG_REVISION};
    control_metrics_->set(
        control_metrics_->gauge(observe::family(observe::Metric::build_info), build), 1);
    observe::LogWriterOptions log_options;
    log_options.access_path = snapshot_->logging.access_log;
    // 1024 records per worker: a 10 ms writer pass drains 100k requests/s per worker; a
    // 4096-record ring would cost every worker 2.6 MiB once written through.
    log_options.access_ring_records = 1024;
    // Audit: room for a whole burst of auth-failure records between two writer passes.
    constexpr uint32_t audit_ring_records = 128;
    static_assert(audit_ring_records >= observe::limits::auth_audit_burst + 16);
    log_options.audit_ring_records = audit_ring_records;
    access_log_ = std::make_unique<observe::LogWriter>(log_options);
    board_ = std::make_unique<proxy::WorkerBoard>(worker_count_);
    if (!access_log_->start()) {
        RG_ERROR("cannot open the access log %s: %s", log_options.access_path.c_str(),
                 std::strerror(errno));
        return false;
    }
    control_log_ = &access_log_->add_producer();
    if (!start_traces()) {
        return false;
    }
    for (uint32_t w = 0; w < worker_count_; ++w) {
        int cpu = cpus_[w % cpus_.size()];
        shards_.push_back(std::make_unique<shard::Shard>(w, cpu));
        server::ServerStats* stats = stats_[w].get();
        std::vector<server::ListenerSpec> fds = listener_fds_[w];
        uint32_t count = worker_count_;
        observe::LogProducer* log = access_log_ != nullptr ? &access_log_->add_producer() : nullptr;
        const server::MetricsSources* metrics = &metrics_;
        proxy::WorkerBoard* board = board_.get();
        observe::WorkerMetrics* block = &registry_->add_block();
        limits::SharedLimits* shared = shared_limits_.get();
        proxy::TraceHooks hooks;
        if (traces_ != nullptr) {
            hooks.producer = &traces_->add_producer();
            hooks.queries = traces_->queries();
        }
        hooks.postgresql = snapshot_->storage.traces.backend == storage::TracesBackend::postgresql;
        auto started = shards_.back()->start(settings, [fds, count, stats, metrics, log, board,
                                                        block, hooks, shared](shard::Shard& s) {
            auto server = std::make_unique<server::HttpServer>(s, fds, count, stats, metrics);
            server->set_handler(std::make_unique<proxy::ProxyHandler>(s, *server, log, board, block,
                                                                      hooks, shared));
            return server;
        });
        if (!started.ok()) {
            RG_ERROR("worker %u failed to start: %s (%s)", w, started.error().context,
                     std::strerror(started.error().sys_errno));
            return false;
        }
    }
    return true;
}

// storage.traces: every trace goes to the spool; with SQLite the trace thread also stores
// it and answers the admin queries; with PostgreSQL ringgate-pgexport ships the spool.
bool Gateway::start_traces() {
    const storage::Options& o = snapshot_->storage;
    if (o.traces.backend == storage::TracesBackend::none) {
        return true;
    }
    traces::TraceServiceOptions options;
    options.spool_dir = o.spool_dir;
    options.spool_max_bytes = o.spool_max_bytes;
    options.retention_s = o.retention_s;
    if (o.traces.backend == storage::TracesBackend::sqlite) {
        options.sqlite_path = o.traces.sqlite_path;
    }
    traces_ = std::make_unique<traces::TraceService>(options);
    Result<void> started = traces_->start();
    if (!started.ok()) {
        RG_ERROR("cannot start request traces (storage.spool %s, storage.traces): %s: %s",
                 o.spool_dir.c_str(), started.error().context,
                 std::strerror(started.error().sys_errno));
        traces_.reset();
        return false;
    }
    control_stats_.traces_on = true;
    RG_INFO("request traces: spool %s, %s", o.spool_dir.c_str(),
            o.traces.backend == storage::TracesBackend::sqlite ? o.traces.sqlite_path.c_str()
                                                               : "PostgreSQL (ringgate-pgexport)");
    return true;
}

bool Gateway::start_shared_limits() {
    const storage::Options& o = snapshot_->storage;
    if (!o.has_redis) {
        return true;
    }
    shared_limits_ = std::make_unique<limits::SharedLimits>(
        o.redis_failure == storage::RedisFailure::open ? limits::RedisFailure::open
                                                       : limits::RedisFailure::closed,
        worker_count_);
    redis::SyncOptions so;
    so.host = o.redis.host;
    so.port = o.redis.port;
    so.db = o.redis.db;
    so.username = o.redis.username;
    so.password = o.redis.password;
    limits_sync_ = std::make_unique<redis::LimitsSync>(so, shared_limits_.get());
    auto started = limits_sync_->start();
    if (!started.ok()) {
        RG_ERROR("cannot start the redis thread: %s", started.error().context);
        return false;
    }
    control_stats_.has_redis = true;
    RG_INFO("client-key limits shared through redis %s:%u/%u (failure: %s)", so.host.c_str(),
            so.port, so.db, o.redis_failure == storage::RedisFailure::open ? "open" : "closed");
    return true;
}

void Gateway::write_ready_file() {
    if (options_.ready_file.empty()) {
        return;
    }
    std::string json = "{\"pid\":" + std::to_string(getpid()) + ",\"listen\":[";
    for (size_t i = 0; i < bound_ports_.size(); ++i) {
        json += (i ? "," : "") + std::to_string(bound_ports_[i]);
    }
    json += "],\"admin\":" + std::to_string(admin_port_) + "}\n";
    std::string tmp = options_.ready_file + ".tmp";
    {
        std::ofstream f(tmp, std::ios::trunc);
        f << json;
    }
    std::rename(tmp.c_str(), options_.ready_file.c_str());
}

// --- Control loop ----------------------------------------------------------------------

void Gateway::control_loop() {
    arm_signal_read();
    arm_tick();
    while (true) {
        int err = 0;
        if (!ring_.submit_and_wait(0, &err)) {
            RG_ERROR("control ring: %s", std::strerror(err));
            return;
        }
        ring_.dispatch_completions();
        bool all_exited = true;
        for (auto& s : shards_) {
            all_exited = all_exited && s->exited();
        }
        if (draining_ && all_exited) {
            return;
        }
    }
}

void Gateway::arm_signal_read() {
    io_uring_sqe* sqe = ring_.sqe();
    io_uring_prep_read(sqe, signal_fd_, siginfo_, sizeof(signalfd_siginfo), 0);
    io::Ring::bind(sqe, &signal_op_);
}

void Gateway::arm_tick() {
    tick_ts_.tv_sec = 0;
    tick_ts_.tv_nsec = static_cast<long long>(tick_ms * 1000000);
    io_uring_sqe* sqe = ring_.sqe();
    io_uring_prep_timeout(sqe, &tick_ts_, 0, 0);
    io::Ring::bind(sqe, &tick_op_);
}

void Gateway::on_signal(io::Operation* op, int32_t res, uint32_t) {
    auto* self = static_cast<Gateway*>(op->owner);
    if (res == static_cast<int32_t>(sizeof(signalfd_siginfo))) {
        signalfd_siginfo info;
        std::memcpy(&info, self->siginfo_, sizeof(info));
        self->handle_signal(static_cast<int>(info.ssi_signo));
    }
    self->arm_signal_read();
}

void Gateway::on_tick(io::Operation* op, int32_t, uint32_t) {
    auto* self = static_cast<Gateway*>(op->owner);
    copy_dns_counts(self->resolver_.get(), self->control_stats_);
    self->publish_metrics();
    copy_trace_counts(self->traces_.get(), self->control_stats_);
    copy_redis_counts(self->limits_sync_.get(), self->shared_limits_.get(), self->control_stats_);
    self->watchdog_check();
    self->arm_tick();
}

void Gateway::handle_signal(int signo) {
    switch (signo) {
        case SIGHUP:
            reload();
            break;
        case SIGTERM:
        case SIGINT:
            if (draining_) {
                RG_WARN("second stop signal: closing now");
                for (auto& s : shards_) {
                    s->set_drain_deadline(monotonic_ms());
                    post(*s, shard::Message::stop);
                }
            } else {
                begin_drain();
            }
            break;
        case SIGUSR1:
            if (access_log_ != nullptr) {
                access_log_->request_reopen();
            }
            if (!log::reopen()) {
                RG_ERROR("log reopen failed: %s", std::strerror(errno));
            } else {
                RG_INFO("log files reopened");
            }
            break;
        default:
            break;
    }
}

void Gateway::post(shard::Shard& s, shard::Message m) {
    io_uring_sqe* sqe = ring_.sqe();
    io_uring_prep_msg_ring(sqe, s.ring_fd(), static_cast<unsigned>(m), s.mailbox_user_data(), 0);
}

void Gateway::reload() {
    sd_notify("RELOADING=1\nSTATUS=reloading");
    config::LoadResult loaded = config::load_file(options_.config_path, config::process_env());
    if (!loaded.ok()) {
        control_stats_.config_reload_failures_total.inc();
        audit_reload(false, static_cast<uint32_t>(loaded.errors.size()));
        RG_ERROR("reload refused: %s has %zu error(s); the running config stays in force",
                 options_.config_path.c_str(), loaded.errors.size());
        print_errors(loaded, options_.config_path);
        sd_notify("READY=1\nSTATUS=serving (last reload failed)");
        return;
    }
    auto snap = std::make_shared<config::Snapshot>(*loaded.snapshot);
    snap->generation = snapshot_->generation + 1;
    const server::Options& now = snapshot_->server;
    const server::Options& next = snap->server;
    bool listeners_changed = now.listen.size() != next.listen.size() ||
                             now.workers != next.workers ||
                             now.has_admin_listen != next.has_admin_listen ||
                             now.admin_listen.text != next.admin_listen.text;
    for (size_t i = 0; !listeners_changed && i < now.listen.size(); ++i) {
        listeners_changed = now.listen[i].text != next.listen[i].text;
    }
    if (listeners_changed) {
        RG_WARN(
            "reload: server.listen, server.admin_listen and server.workers take effect "
            "only after a restart; the other settings are applied");
        snap->server.listen = now.listen;
        snap->server.admin_listen = now.admin_listen;
        snap->server.has_admin_listen = now.has_admin_listen;
        snap->server.workers = now.workers;
    }
    const storage::Options& was = snapshot_->storage;
    if (snap->storage.traces.url != was.traces.url || snap->storage.spool_dir != was.spool_dir ||
        snap->storage.spool_max_bytes != was.spool_max_bytes ||
        snap->storage.retention_s != was.retention_s) {
        RG_WARN(
            "reload: storage.traces, spool, spool_max_bytes and retention take effect only "
            "after a restart");
    }
    if (snap->storage.has_redis != snapshot_->storage.has_redis ||
        snap->storage.redis.url != snapshot_->storage.redis.url ||
        snap->storage.redis_failure != snapshot_->storage.redis_failure) {
        RG_WARN("reload: storage.redis and storage.redis_failure take effect only after a restart");
    }
    std::string error;
    auto settings = make_settings(snap, &error);
    if (settings == nullptr) {
        control_stats_.config_reload_failures_total.inc();
        audit_reload(false, 1);
        RG_ERROR("reload refused: %s; the running config stays in force", error.c_str());
        sd_notify("READY=1\nSTATUS=serving (last reload failed)");
        return;
    }
    snapshot_ = snap;
    settings_ = settings;
    g_generation.store(snap->generation);
    apply_logging(snapshot_->logging);
    for (auto& s : shards_) {
        s->post_settings(settings);
        post(*s, shard::Message::reload);
    }
    watch_origins(resolver_, *settings);
    watch_client_keys(limits_sync_.get(), *settings);
    // Hand the messages to the kernel before telling anyone the reload is done: each
    // shard's reload completion is then queued ahead of any request that follows READY=1.
    ring_.submit();
    control_stats_.config_reloads_total.inc();
    audit_reload(true, 0);
    RG_INFO("config reloaded: generation %llu",
            static_cast<unsigned long long>(snapshot_->generation));
    sd_notify("READY=1\nSTATUS=serving");
}

void Gateway::audit_reload(bool applied, uint32_t errors) {
    if (control_log_ == nullptr) {
        return;
    }
    observe::AuditRecord r;
    r.event =
        applied ? observe::AuditEvent::config_reload : observe::AuditEvent::config_reload_refused;
    r.actor = "control";
    r.subject = options_.config_path;
    r.config_version = snapshot_->generation;  // the version in force after the event
    r.errors = errors;
    control_log_->push(r);
}

void Gateway::begin_drain() {
    draining_ = true;
    drain_deadline_ms_ = monotonic_ms() + snapshot_->server.shutdown_grace_ms;
    RG_INFO("draining: in-flight requests have %u ms", snapshot_->server.shutdown_grace_ms);
    for (auto& s : shards_) {
        s->set_drain_deadline(drain_deadline_ms_);
        post(*s, shard::Message::drain);
    }
    ring_.submit();
    sd_notify("STOPPING=1\nSTATUS=draining");
}

void Gateway::publish_metrics() {
    if (control_metrics_ == nullptr) {
        return;
    }
    key_metrics_.publish(settings_ != nullptr ? settings_->proxy.get() : nullptr,
                         *control_metrics_);
    if (access_log_ != nullptr) {
        observe::publish_log_stats(*access_log_, *control_metrics_);
    }
}

void Gateway::watchdog_check() {
    if (watchdog_usec_ == 0) {
        return;
    }
    uint64_t now = monotonic_ms();
    if (now < next_watchdog_ms_) {
        return;
    }
    next_watchdog_ms_ = now + watchdog_usec_ / 2000;
    // Healthy means every live shard completed a loop turn since the last check; the
    // ping posted now makes an idle shard turn once before the next check.
    bool healthy = true;
    for (size_t i = 0; i < shards_.size(); ++i) {
        uint64_t hb = shards_[i]->heartbeat();
        if (!shards_[i]->exited() && last_heartbeats_[i] != UINT64_MAX &&
            hb == last_heartbeats_[i]) {
            healthy = false;
            RG_ERROR("watchdog: worker %zu made no progress", i);
        }
        last_heartbeats_[i] = hb;
        post(*shards_[i], shard::Message::ping);
    }
    if (healthy) {
        sd_notify("WATCHDOG=1");
    }
}

}  // namespace rg::app
