// /health/detailed: build, config and per-worker sections, and the shard side that feeds
// the per-worker rows (ProxyHandler::mirror_worker_row, once per loop turn).
#include "proxy/proxy_health.h"

#include <time.h>

#include "json/json_string.h"
#include "proxy/build_info.h"
#include "proxy/proxy_handler.h"

namespace rg::proxy {
namespace {

// RFC 3339 UTC with milliseconds: "2026-11-05T12:34:56.789Z".
void append_rfc3339_ms(ByteBuffer& out, uint64_t unix_ms) {
    time_t sec = static_cast<time_t>(unix_ms / 1000);
    tm utc;
    gmtime_r(&sec, &utc);
    char text[40];
    size_t n = strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &utc);
    int ms = static_cast<int>(unix_ms % 1000);
    text[n++] = '.';
    text[n++] = static_cast<char>('0' + ms / 100);
    text[n++] = static_cast<char>('0' + ms / 10 % 10);
    text[n++] = static_cast<char>('0' + ms % 10);
    text[n++] = 'Z';
    out.append_char('"');
    out.append(std::string_view(text, n));
    out.append_char('"');
}

void member(ByteBuffer& out, std::string_view name, uint64_t value, bool first = false) {
    out.append(first ? "\"" : ",\"");
    out.append(name);
    out.append("\":");
    out.append_decimal(value);
}

}  // namespace

void append_build_json(ByteBuffer& out) {
    const BuildInfo& b = build_info();
    out.append(",\"build\":{\"version\":");
    json::append_json_string(out, b.version);
    out.append(",\"revision\":");
    json::append_json_string(out, b.revision);
    out.append(",\"compiler\":");
    json::append_json_string(out, b.compiler);
    out.append(",\"build_type\":");
    json::append_json_string(out, b.build_type);
    out.append_char('}');
}

void append_config_json(ByteBuffer& out, const shard::Settings* settings) {
    if (settings == nullptr) {
        return;
    }
    out.append(",\"config\":{\"version\":");
    out.append_decimal(settings->generation);
    out.append(",\"loaded_at\":");
    append_rfc3339_ms(out, settings->loaded_at_unix_ms);
    out.append(",\"file\":");
    json::append_json_string(out, settings->config_path);
    out.append(",\"sha256\":");
    json::append_json_string(out, settings->config_sha256);
    out.append_char('}');
}

void append_workers_json(ByteBuffer& out, const WorkerBoard* board) {
    if (board == nullptr) {
        return;
    }
    constexpr auto relaxed = std::memory_order_relaxed;
    out.append(",\"workers\":[");
    for (uint32_t w = 0; w < board->workers(); ++w) {
        const WorkerRow& r = board->row(w);
        out.append(w == 0 ? "{" : ",{");
        member(out, "worker", w, true);
        member(out, "connections", r.connections.load(relaxed));
        member(out, "active_requests", r.active_requests.load(relaxed));
        member(out, "streams", r.streams.load(relaxed));
        member(out, "requests_served", r.requests_served.load(relaxed));
        member(out, "proxied_requests", r.proxied_requests.load(relaxed));
        out.append(",\"upstream_pool\":{");
        member(out, "idle", r.upstream_idle.load(relaxed), true);
        member(out, "busy", r.upstream_busy.load(relaxed));
        out.append("},\"ring\":{");
        member(out, "loop_turns", r.loop_turns.load(relaxed), true);
        member(out, "buffers", r.buffers.load(relaxed));
        member(out, "buffers_in_use", r.buffers_out.load(relaxed));
        member(out, "recv_buffer_exhausted", r.recv_buffer_exhausted.load(relaxed));
        out.append("},\"audit_suppressed\":");
        out.append_decimal(r.audit_suppressed.load(relaxed));
        out.append_char('}');
    }
    out.append_char(']');
}

void ProxyHandler::mirror_worker_row() {
    if (board_ == nullptr) {
        return;
    }
    WorkerRow& r = board_->row(shard_.index());
    const upstream::PoolStats& p = pool_.stats();
    server::ServerStats& s = server_.stats();
    mirror(r.requests_served, s.http_requests_total.get());
    mirror(r.proxied_requests, stats_.requests);
    mirror(r.loop_turns, shard_.heartbeat());
    mirror(r.recv_buffer_exhausted, s.recv_buffer_exhausted_total.get());
    mirror(r.audit_suppressed, auth_audit_.suppressed_total());
    mirror(r.connections, server_.connection_count());
    mirror(r.active_requests, active_);
    mirror(r.streams, streams_);
    mirror(r.upstream_idle, p.idle);
    mirror(r.upstream_busy, p.open > p.idle ? p.open - p.idle : 0);
    mirror(r.buffers, shard_.buffers().count());
    mirror(r.buffers_out, shard_.buffers().outstanding());
}

}  // namespace rg::proxy
