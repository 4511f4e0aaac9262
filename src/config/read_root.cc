// The top level: the table of sections in dependency order, defaults that depend on the
// whole file, the small sections (storage, logging) and helpers the section readers share.
#include "config/sections.h"
#include "config/urls.h"
#include "config/values.h"

namespace rg::config::detail {
namespace {

// In the order of the enumerators of log::Level and log::Format.
const std::vector<std::string_view> level_names = {"debug", "info", "warn", "error"};
const std::vector<std::string_view> format_names = {"json", "text"};
// In the order of storage::RedisFailure.
const std::vector<std::string_view> redis_failure_names = {"open", "closed"};

constexpr std::string_view default_listen = "0.0.0.0:8080";

bool is_log_target(std::string_view target) {
    return target == "stderr" || target == "off" || is_absolute_path(target);
}

void read_traces(Reader& r, const YAML::Node& node, const std::string& path,
                 storage::TracesOptions* out) {
    std::string text;
    if (!r.read_string(node, path, &text)) {
        return;
    }
    auto traces = parse_traces_url(text);
    if (!traces.ok()) {
        r.error(path, traces.error().context);  // no echo: the URL may hold a password
        return;
    }
    *out = std::move(*traces);
}

bool read_redis(Reader& r, const YAML::Node& node, const std::string& path,
                storage::RedisOptions* out) {
    std::string text;
    if (!r.read_string(node, path, &text)) {
        return false;
    }
    auto redis = parse_redis_url(text);
    if (!redis.ok()) {
        r.error(path, redis.error().context);
        return false;
    }
    *out = std::move(*redis);
    return true;
}

// storage.retention: a whole number of days, hours, minutes or seconds ("30d", "12h").
void read_retention(Reader& r, const YAML::Node& node, const std::string& path, uint64_t* out) {
    std::string text;
    if (!r.read_string(node, path, &text)) {
        return;
    }
    auto seconds = parse_retention_s(text);
    if (!seconds.ok()) {
        r.error(path, std::string(seconds.error().context) + " (got '" + text + "')");
        return;
    }
    *out = *seconds;
}

// Defaults that depend on what the whole file holds.
void apply_defaults(Reader& r, Snapshot* s) {
    if (!r.has("server.listen")) {
        s->server.listen = {*parse_listen_address(default_listen)};
    }
    if (!r.has("auth.required")) {
        s->auth.required = !s->client_keys.empty();
    }
}

std::vector<Reader::Field> root_fields(Reader& r, Snapshot* s) {
    using Node = YAML::Node;
    using Path = std::string;
    auto upstream = [&r, s](const Node& n, const Path& p) {
        std::vector<Reader::Field> fields;
        add_upstream_fields(r, &s->upstream, &fields);
        add_health_fields(r, &s->health, &fields);
        if (r.walk_map(n, p, fields)) {
            check_upstream(r, p, s->upstream);
            check_health(r, p, s->health);
        }
    };
    // `upstream` precedes `providers`: providers start from its values.
    return {
        {"server", [&r, s](const Node& n, const Path& p) { read_server(r, n, p, &s->server); }},
        {"upstream", upstream},
        {"providers",
         [&r, s](const Node& n, const Path& p) {
             read_providers(r, n, p, s->upstream, &s->providers);
         }},
        {"models", [&r, s](const Node& n, const Path& p) { read_models(r, n, p, &s->models); }},
        {"routing", [&r, s](const Node& n, const Path& p) { read_routing(r, n, p, &s->routing); }},
        {"client_keys",
         [&r, s](const Node& n, const Path& p) { read_client_keys(r, n, p, &s->client_keys); }},
        {"auth",
         [&r, s](const Node& n, const Path& p) {
             r.walk_map(n, p, {r.bool_field("required", &s->auth.required)});
         }},
        {"pricing", [&r, s](const Node& n, const Path& p) { read_pricing(r, n, p, &s->pricing); }},
        {"storage", [&r, s](const Node& n, const Path& p) { read_storage(r, n, p, &s->storage); }},
        {"logging", [&r, s](const Node& n, const Path& p) { read_logging(r, n, p, &s->logging); }},
        {"metrics",
         [&r, s](const Node& n, const Path& p) {
             r.walk_map(n, p, {r.bool_field("enabled", &s->metrics.enabled)});
         }},
    };
}

}  // namespace

void read_root(Reader& r, const YAML::Node& root, Snapshot* out) {
    r.walk_map(root, "", root_fields(r, out));
    apply_defaults(r, out);
}

void read_storage(Reader& r, const YAML::Node& node, const std::string& path,
                  storage::Options* out) {
    r.walk_map(node, path,
               {
                   {"traces", [&](const YAML::Node& n,
                                  const std::string& p) { read_traces(r, n, p, &out->traces); }},
                   {"redis",
                    [&](const YAML::Node& n, const std::string& p) {
                        out->has_redis = read_redis(r, n, p, &out->redis);
                    }},
                   r.checked_field("spool", is_absolute_path, "expected an absolute directory path",
                                   &out->spool_dir),
                   // At least one 8 MiB segment plus room for the next.
                   r.u64_field("spool_max_bytes", 16ull << 20, UINT64_MAX, &out->spool_max_bytes),
                   {"retention",
                    [&](const YAML::Node& n, const std::string& p) {
                        read_retention(r, n, p, &out->retention_s);
                    }},
                   r.enum_field("redis_failure", redis_failure_names, &out->redis_failure),
               });
}

void read_logging(Reader& r, const YAML::Node& node, const std::string& path, log::Options* out) {
    r.walk_map(
        node, path,
        {
            r.enum_field("level", level_names, &out->level),
            r.checked_field("access_log", is_log_target,
                            "expected stderr, off or an absolute file path", &out->access_log),
            r.enum_field("format", format_names, &out->format),
        });
}

bool require(Reader& r, const std::string& path, std::string_view key) {
    if (r.has(child_path(path, key))) {
        return true;
    }
    r.error(path, "missing required key '" + std::string(key) + "'");
    return false;
}

bool read_secret(Reader& r, const YAML::Node& node, const std::string& path, std::string* out) {
    if (!r.read_string(node, path, out)) {
        return false;
    }
    if (out->empty()) {
        r.error(path, "must not be empty");
        return false;
    }
    if (!is_header_value(*out) || out->front() == ' ' || out->back() == ' ') {
        r.error(path, "contains control characters or surrounding spaces (value not shown)");
        return false;
    }
    return true;
}

bool is_absolute_path(std::string_view path) {
    return path.size() >= 2 && path[0] == '/' && is_header_value(path);
}

}  // namespace rg::config::detail
