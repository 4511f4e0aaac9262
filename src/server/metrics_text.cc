// /metrics on the admin listener: every shard's counters summed, then the registry's
// labelled families, Prometheus text format 0.0.4. Runs on shard 0 and reads other shards'
// counters and metric blocks with relaxed atomic loads.
#include <cinttypes>
#include <cstdio>

#include "http/request_parser.h"
#include "http/response_writer.h"
#include "server/http_server.h"

namespace rg::server {
namespace {

void append_metric(ByteBuffer& b, const char* name, const char* type, const char* help,
                   uint64_t value) {
    char line[512];
    int n = std::snprintf(line, sizeof(line),
                          "# HELP ringgate_%s %s\n# TYPE ringgate_%s %s\nringgate_%s %" PRIu64 "\n",
                          name, help, name, type, name, value);
    b.append(line, static_cast<size_t>(n));
}

void write_trace_metrics(ByteBuffer& b, const ControlStats& c) {
    append_metric(b, "trace_records_spooled_total", "counter",
                  "Request traces written to the durable spool.",
                  c.trace_records_spooled_total.get());
    append_metric(b, "trace_records_stored_total", "counter",
                  "Request traces inserted into the SQLite traces database.",
                  c.trace_records_stored_total.get());
    char text[512];
    int n = std::snprintf(
        text, sizeof(text),
        "# HELP ringgate_trace_records_dropped_total Request traces dropped, by reason.\n"
        "# TYPE ringgate_trace_records_dropped_total counter\n"
        "ringgate_trace_records_dropped_total{reason=\"ring_full\"} %" PRIu64
        "\n"
        "ringgate_trace_records_dropped_total{reason=\"spool_full\"} %" PRIu64
        "\n"
        "ringgate_trace_records_dropped_total{reason=\"error\"} %" PRIu64 "\n",
        c.trace_dropped_ring_full.get(), c.trace_dropped_spool_full.get(),
        c.trace_dropped_error.get());
    b.append(text, static_cast<size_t>(n));
}

}  // namespace

void HttpServer::write_metrics(Connection* c, bool close) {
    ByteBuffer body;
    const auto& shards = metrics_->shards;
#define RG_RENDER_STAT(name, type, help)              \
    {                                                 \
        uint64_t sum = 0;                             \
        for (const ServerStats* s : shards) {         \
            sum += s->name.get();                     \
        }                                             \
        append_metric(body, #name, #type, help, sum); \
    }
    RG_SERVER_STATS(RG_RENDER_STAT)
#undef RG_RENDER_STAT

    body.append(
        "# HELP ringgate_http_parse_errors_total Requests rejected by the HTTP parser, by "
        "kind.\n# TYPE ringgate_http_parse_errors_total counter\n");
    for (size_t k = 1; k < parse_error_kinds; ++k) {
        uint64_t sum = 0;
        for (const ServerStats* s : shards) {
            sum += s->parse_errors[k].get();
        }
        char line[160];
        int n = std::snprintf(line, sizeof(line),
                              "ringgate_http_parse_errors_total{kind=\"%s\"} %" PRIu64 "\n",
                              http::parse_error_name(static_cast<http::ParseError>(k)), sum);
        body.append(line, static_cast<size_t>(n));
    }
    if (metrics_->control != nullptr) {
        append_metric(body, "config_reloads_total", "counter", "Successful config reloads.",
                      metrics_->control->config_reloads_total.get());
        append_metric(body, "config_reload_failures_total", "counter",
                      "Config reloads refused because the new file was invalid.",
                      metrics_->control->config_reload_failures_total.get());
    }
    if (metrics_->control != nullptr) {
#define RG_RENDER_DNS_STAT(name, type, help) \
    append_metric(body, #name, #type, help, metrics_->control->name.get());
        RG_DNS_STATS(RG_RENDER_DNS_STAT)
#undef RG_RENDER_DNS_STAT
    }
    if (metrics_->control != nullptr && metrics_->control->traces_on) {
        write_trace_metrics(body, *metrics_->control);
    }
    if (metrics_->control != nullptr && metrics_->control->has_redis) {
#define RG_RENDER_REDIS_STAT(name, type, help) \
    append_metric(body, #name, #type, help, metrics_->control->name.get());
        RG_REDIS_STATS(RG_RENDER_REDIS_STAT)
#undef RG_RENDER_REDIS_STAT
    }
    if (metrics_->config_generation != nullptr) {
        append_metric(body, "config_generation", "gauge",
                      "Generation of the config snapshot in force (1 at start).",
                      metrics_->config_generation());
    }
    append_metric(body, "workers", "gauge", "Worker shards.", shards.size());
    if (metrics_->registry != nullptr) {
        metrics_->registry->render(body);
    }
    http::write_response(c->out, 200, "text/plain; version=0.0.4; charset=utf-8", body.view(),
                         close);
}

}  // namespace rg::server
