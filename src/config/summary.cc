// The --check-config summary. Prints names, counts, addresses and durations only: never a
// key, a key digest, a header value or URL credentials.
#include "config/summary.h"

#include <algorithm>

#include "config/urls.h"
#include "config/values.h"

namespace rg::config {
namespace {

// Entries listed per section: the summary must fit one screen.
constexpr size_t listed_max = 12;

const char* type_name(keys::ProviderType type) {
    switch (type) {
        case keys::ProviderType::openai:
            return "openai";
        case keys::ProviderType::anthropic:
            return "anthropic";
        case keys::ProviderType::gemini:
            return "gemini";
    }
    return "?";
}

const char* strategy_name(keys::Strategy strategy) {
    static constexpr const char* names[] = {"weighted", "round_robin", "least_inflight", "latency",
                                            "priority"};
    return names[static_cast<size_t>(strategy)];
}

const char* level_name(log::Level level) {
    static constexpr const char* names[] = {"debug", "info", "warn", "error"};
    return names[static_cast<size_t>(level)];
}

// "Label:" padded so values line up.
std::string line(std::string_view label, std::string_view value) {
    std::string out(label);
    out += ':';
    out.resize(std::max<size_t>(out.size() + 1, 14), ' ');
    out += value;
    out += '\n';
    return out;
}

// "1 key", "2 keys".
std::string count(size_t n, std::string_view noun) {
    return std::to_string(n) + " " + std::string(noun) + (n == 1 ? "" : "s");
}

std::string more(size_t total) {
    return total > listed_max ? "  ... and " + std::to_string(total - listed_max) + " more\n" : "";
}

std::string server_lines(const server::Options& s) {
    std::string listen;
    for (const server::ListenAddress& a : s.listen) {
        listen += (listen.empty() ? "" : ", ") + a.text;
    }
    std::string out = line("listen", listen);
    out += line("admin", s.has_admin_listen ? s.admin_listen.text : "off");
    out += line("workers", s.workers == 0 ? "auto (one per core)" : std::to_string(s.workers));
    out += line("limits", "header " + std::to_string(s.limits.header_bytes_max) + " B, body " +
                              std::to_string(s.limits.body_bytes_max) + " B, " +
                              std::to_string(s.limits.connections_max) + " connections, idle " +
                              format_duration_ms(s.limits.idle_timeout_ms) + ", header " +
                              format_duration_ms(s.limits.header_timeout_ms) + ", grace " +
                              format_duration_ms(s.shutdown_grace_ms));
    if (s.has_tls) {
        out += line("tls", "cert " + s.tls.cert_file);
    }
    if (s.has_cors) {
        out += line("cors", count(s.cors.allow_origins.size(), "origin") + ", max_age " +
                                format_duration_ms(s.cors.max_age_ms));
    }
    return out;
}

std::string upstream_line(const upstream::Options& u) {
    return line("upstream", "connect " + format_duration_ms(u.connect_timeout_ms) +
                                ", first byte " + format_duration_ms(u.first_byte_timeout_ms) +
                                ", first token " + format_duration_ms(u.first_token_timeout_ms) +
                                ", stall " + format_duration_ms(u.stall_timeout_ms) + ", " +
                                std::to_string(u.attempts_max) + " attempts, verify_tls " +
                                (u.verify_tls ? "on" : "off"));
}

std::string provider_line(const keys::ProviderOptions& p) {
    std::string out = "  " + p.name + " (" + type_name(p.type);
    if (p.type == keys::ProviderType::openai) {
        out += p.api == keys::Api::chat        ? ", chat"
               : p.api == keys::Api::responses ? ", responses"
                                               : ", chat_only";
    }
    out += ", " + std::string(strategy_name(p.strategy)) + ") " + p.base_url + ": ";
    out += count(p.keys.size(), "key");
    for (size_t i = 0; i < p.keys.size(); ++i) {
        out += (i == 0 ? " " : ", ") + p.keys[i].id;
        if (p.keys[i].weight != 1) {
            out += " (weight " + std::to_string(p.keys[i].weight) + ")";
        }
    }
    return out + '\n';
}

std::string model_line(const proxy::ModelOptions& m) {
    std::string out = "  " + m.name + " ->";
    for (size_t i = 0; i < m.targets.size(); ++i) {
        const proxy::TargetOptions& t = m.targets[i];
        out += (i == 0 ? " " : ", ") + t.provider + (t.model.empty() ? "" : "/" + t.model);
    }
    for (size_t i = 0; i < m.fallbacks.size(); ++i) {
        out += (i == 0 ? "; fallbacks " : ", ") + m.fallbacks[i];
    }
    return out + '\n';
}

std::string routing_lines(const Snapshot& s) {
    std::string out = line("providers", std::to_string(s.providers.size()));
    for (size_t i = 0; i < s.providers.size() && i < listed_max; ++i) {
        out += provider_line(s.providers[i]);
    }
    out += more(s.providers.size());
    out += line("models", std::to_string(s.models.size()));
    for (size_t i = 0; i < s.models.size() && i < listed_max; ++i) {
        out += model_line(s.models[i]);
    }
    out += more(s.models.size());
    std::string routing = std::string("built-in rules ") + (s.routing.builtin_rules ? "on" : "off");
    if (!s.routing.strip_prefix.empty()) {
        routing += ", strip prefix \"" + s.routing.strip_prefix + "\"";
    }
    return out + line("routing", routing);
}

std::string client_lines(const Snapshot& s) {
    std::string names;
    for (size_t i = 0; i < s.client_keys.size() && i < listed_max; ++i) {
        names += (i == 0 ? " (" : ", ") + s.client_keys[i].name;
    }
    if (s.client_keys.size() > listed_max) {
        names += ", ... and " + std::to_string(s.client_keys.size() - listed_max) + " more";
    }
    names += names.empty() ? "" : ")";
    std::string out = line("client keys", std::to_string(s.client_keys.size()) + names);
    out += line("auth", s.auth.required ? "required" : "optional (open gateway)");
    out += line("pricing", count(s.pricing.size(), "model") + " priced");
    return out;
}

std::string storage_line(const storage::Options& s) {
    std::string value = s.traces.backend == storage::TracesBackend::none
                            ? "traces off"
                            : "traces " + redact_url(s.traces.url) + " (spool " + s.spool_dir +
                                  ", retention " + std::to_string(s.retention_s / 86400) + "d)";
    value += s.has_redis ? ", redis " + s.redis.host + ":" + std::to_string(s.redis.port) + "/" +
                               std::to_string(s.redis.db)
                         : ", redis off";
    if (s.has_redis) {
        value += s.redis_failure == storage::RedisFailure::open ? " (failure: open)"
                                                                : " (failure: closed)";
    }
    return line("storage", value);
}

}  // namespace

std::string summary(const Snapshot& s) {
    std::string out =
        "configuration " + s.source + " (generation " + std::to_string(s.generation) + ")\n";
    out += server_lines(s.server);
    out += upstream_line(s.upstream);
    out += routing_lines(s);
    out += client_lines(s);
    out += storage_line(s.storage);
    out += line("logging", std::string(level_name(s.logging.level)) + ", " +
                               (s.logging.format == log::Format::json ? "json" : "text") +
                               ", access log " + s.logging.access_log);
    out += line("metrics", s.metrics.enabled ? "on" : "off");
    return out;
}

}  // namespace rg::config
