// The `upstream:` defaults and the `providers:` list with their keys and overrides.
#include <cstdint>

#include "config/sections.h"
#include "config/urls.h"
#include "config/values.h"

namespace rg::config::detail {
namespace {

// In the order of the enumerators of keys::ProviderType, keys::Api and keys::Strategy.
const std::vector<std::string_view> type_names = {"openai", "anthropic", "gemini"};
const std::vector<std::string_view> api_names = {"chat", "responses", "chat_only"};
const std::vector<std::string_view> strategy_names = {"weighted", "round_robin", "least_inflight",
                                                      "latency", "priority"};

// Headers the gateway itself writes: framing (RFC 9112 section 6, RFC 9110 section 7.6.1)
// and the credentials it takes from `keys:`.
constexpr std::string_view reserved_headers[] = {
    "host", "content-length", "transfer-encoding", "connection",    "keep-alive", "upgrade",
    "te",   "trailer",        "proxy-connection",  "authorization", "x-api-key",  "x-goog-api-key",
};

bool is_reserved_header(std::string_view name) {
    std::string lower(name);
    for (char& c : lower) {
        c = c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
    }
    for (std::string_view reserved : reserved_headers) {
        if (lower == reserved) {
            return true;
        }
    }
    return false;
}

void read_header(Reader& r, const std::string& name, const YAML::Node& node,
                 const std::string& path, std::vector<keys::HeaderOptions>* out) {
    keys::HeaderOptions header{name, ""};
    if (!is_header_name(name)) {
        r.error_at_key(path, "not a valid header name (RFC 9110 token characters)");
    } else if (is_reserved_header(name)) {
        r.error_at_key(path, "is set by the gateway and cannot be configured");
    } else if (r.read_string(node, path, &header.value)) {
        if (!is_header_value(header.value)) {
            r.error(path, "the value must not contain control characters");
        }
        out->push_back(std::move(header));
    }
}

void read_mapping(Reader& r, const std::string& from, const YAML::Node& node,
                  const std::string& path, std::vector<keys::ModelMapping>* out) {
    keys::ModelMapping mapping{from, ""};
    if (!is_valid_model_name(from)) {
        r.error_at_key(path, std::string(model_rule) + " (got " + quoted(from) + ")");
    } else if (r.read_checked(node, path, is_valid_model_name, model_rule, &mapping.to)) {
        out->push_back(std::move(mapping));
    }
}

void read_key(Reader& r, const YAML::Node& node, const std::string& path, keys::KeyOptions* out) {
    bool ok =
        r.walk_map(node, path,
                   {
                       r.checked_field("id", is_valid_name, name_rule, &out->id),
                       {"key", [&](const YAML::Node& n,
                                   const std::string& p) { read_secret(r, n, p, &out->secret); }},
                       r.u32_field("weight", 1, weight_max, &out->weight),
                   },
                   Reader::Keys::secret);
    if (ok) {
        require(r, path, "id");
        require(r, path, "key");
    }
}

std::vector<Reader::Field> provider_fields(Reader& r, keys::ProviderOptions* p) {
    std::vector<Reader::Field> fields = {
        r.checked_field("name", is_valid_name, name_rule, &p->name),
        r.enum_field("type", type_names, &p->type),
        {"base_url",
         [&r, p](const YAML::Node& n, const std::string& path) {
             if (!r.read_string(n, path, &p->base_url)) {
                 return;
             }
             auto url = parse_base_url(p->base_url);
             if (!url.ok()) {
                 r.error(path, url.error().context);
                 return;
             }
             p->url = std::move(*url);
         }},
        r.enum_field("api", api_names, &p->api),
        r.enum_field("strategy", strategy_names, &p->strategy),
        {"keys",
         [&r, p](const YAML::Node& n, const std::string& path) {
             r.walk_list(n, path, [&r, p](const YAML::Node& item, const std::string& item_path) {
                 read_key(r, item, item_path, &p->keys.emplace_back());
             });
         }},
        {"headers",
         [&r, p](const YAML::Node& n, const std::string& path) {
             r.walk_entries(n, path,
                            [&r, p](const std::string& name, const YAML::Node& value,
                                    const std::string& entry_path) {
                                read_header(r, name, value, entry_path, &p->headers);
                            });
         }},
        r.checked_list_field("models", is_valid_model_name, model_rule, &p->models),
        {"model_mapping",
         [&r, p](const YAML::Node& n, const std::string& path) {
             r.walk_entries(n, path,
                            [&r, p](const std::string& from, const YAML::Node& value,
                                    const std::string& entry_path) {
                                read_mapping(r, from, value, entry_path, &p->model_mapping);
                            });
         }},
    };
    add_upstream_fields(r, &p->upstream, &fields);
    return fields;
}

// Defaults and checks that need several fields of one provider.
void finish_provider(Reader& r, const std::string& path, keys::ProviderOptions* p) {
    require(r, path, "name");
    bool typed = require(r, path, "type");
    if (require(r, path, "keys") && p->keys.empty()) {
        r.error(child_path(path, "keys"), "at least one key is required");
    }
    if (typed && !r.has(child_path(path, "base_url"))) {
        p->base_url = std::string(default_base_url(p->type));
        p->url = *parse_base_url(p->base_url);
    }
    if (typed && r.has(child_path(path, "api")) && p->type != keys::ProviderType::openai) {
        r.error(child_path(path, "api"), "applies to providers of type openai only");
    }
    check_upstream(r, path, p->upstream);
}

}  // namespace

void add_upstream_fields(Reader& r, upstream::Options* out, std::vector<Reader::Field>* fields) {
    auto backoff = [&r, out](const YAML::Node& n, const std::string& path) {
        r.walk_map(n, path,
                   {
                       r.duration_field("base", 1, &out->backoff_base_ms),
                       r.duration_field("max", 1, &out->backoff_max_ms),
                   });
    };
    fields->push_back(r.duration_field("connect_timeout", 1, &out->connect_timeout_ms));
    fields->push_back(r.duration_field("first_byte_timeout", 1, &out->first_byte_timeout_ms));
    fields->push_back(r.duration_field("first_token_timeout", 1, &out->first_token_timeout_ms));
    fields->push_back(r.duration_field("stall_timeout", 1, &out->stall_timeout_ms));
    fields->push_back(r.u32_field("max_attempts", 1, upstream::attempts_limit, &out->attempts_max));
    fields->push_back({"backoff", backoff});
    fields->push_back(r.bool_field("verify_tls", &out->verify_tls));
    fields->push_back(r.checked_field("ca_file", is_absolute_path,
                                      "expected an absolute path to a PEM file", &out->ca_file));
}

void add_health_fields(Reader& r, keys::HealthOptions* out, std::vector<Reader::Field>* fields) {
    auto breaker = [&r, out](const YAML::Node& n, const std::string& path) {
        r.walk_map(n, path,
                   {
                       r.u32_field("failures", 1, 1000, &out->circuit_failures),
                       r.duration_field("open", 1, &out->circuit_open_ms),
                       r.duration_field("max_open", 1, &out->circuit_open_max_ms),
                   });
    };
    fields->push_back({"circuit_breaker", breaker});
    fields->push_back(r.duration_field("key_reprobe", 1, &out->reprobe_ms));
}

void check_health(Reader& r, const std::string& path, const keys::HealthOptions& options) {
    if (options.circuit_open_max_ms < options.circuit_open_ms) {
        r.error(child_path(path, "circuit_breaker"),
                "max_open (" + format_duration_ms(options.circuit_open_max_ms) +
                    ") is below open (" + format_duration_ms(options.circuit_open_ms) + ")");
    }
}

void check_upstream(Reader& r, const std::string& path, const upstream::Options& options) {
    if (options.backoff_max_ms < options.backoff_base_ms) {
        r.error(child_path(path, "backoff"), "max (" + format_duration_ms(options.backoff_max_ms) +
                                                 ") is below base (" +
                                                 format_duration_ms(options.backoff_base_ms) + ")");
    }
}

void read_providers(Reader& r, const YAML::Node& node, const std::string& path,
                    const upstream::Options& defaults, std::vector<keys::ProviderOptions>* out) {
    r.walk_list(node, path, [&](const YAML::Node& item, const std::string& item_path) {
        keys::ProviderOptions& p = out->emplace_back();
        p.upstream = defaults;
        if (r.walk_map(item, item_path, provider_fields(r, &p))) {
            finish_provider(r, item_path, &p);
        }
    });
}

}  // namespace rg::config::detail
