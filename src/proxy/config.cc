#include "proxy/config.h"

#include <netdb.h>
#include <sys/socket.h>

#include <cstring>

#include "json/json_string.h"
#include "proxy/proxy_metrics.h"

namespace rg::proxy {
namespace {

// Resolves `host` once, on the control thread (never on a shard). Literal addresses need
// no lookup. The first address returned is used.
Result<io::SocketAddress> resolve(const std::string& host, uint16_t port, std::string* error) {
    auto literal = io::make_address(host, port);
    if (literal.ok()) {
        return literal;
    }
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_family = AF_UNSPEC;
    addrinfo* res = nullptr;
    int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res);
    if (rc != 0 || res == nullptr) {
        *error = "cannot resolve " + host + ": " + gai_strerror(rc);
        return Error::make(ErrorCode::not_found, "resolve");
    }
    io::SocketAddress out;
    std::memcpy(&out.storage, res->ai_addr, res->ai_addrlen);
    out.length = res->ai_addrlen;
    if (out.family() == AF_INET) {
        reinterpret_cast<sockaddr_in*>(&out.storage)->sin_port = htons(port);
    } else {
        reinterpret_cast<sockaddr_in6*>(&out.storage)->sin6_port = htons(port);
    }
    freeaddrinfo(res);
    return out;
}

uint32_t origin_index(std::vector<upstream::Origin>& origins, const keys::BaseUrl& url,
                      const io::SocketAddress& address) {
    for (uint32_t i = 0; i < origins.size(); ++i) {
        const upstream::Origin& o = origins[i];
        if (!o.tls && o.host == url.host && o.port == url.port) {
            return i;
        }
    }
    // The live address starts as resolved here; upstream::Resolver keeps it current.
    origins.push_back(upstream::Origin{url.host, url.port, false, address, nullptr,
                                       upstream::LiveAddress::seeded(address)});
    return static_cast<uint32_t>(origins.size() - 1);
}

std::string host_header(const keys::BaseUrl& url) {
    bool default_port = (url.scheme == keys::Scheme::https && url.port == 443) ||
                        (url.scheme == keys::Scheme::http && url.port == 80);
    std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
    return default_port ? host : host + ":" + std::to_string(url.port);
}

// GET /v1/models: the public names clients may ask for (exact model entries and the
// providers' declared models), OpenAI list format.
std::string models_json(const std::vector<keys::ProviderOptions>& providers,
                        const std::vector<ModelOptions>& models) {
    ByteBuffer b;
    b.append("{\"object\":\"list\",\"data\":[");
    bool first = true;
    auto add = [&](const std::string& id, const std::string& owner) {
        if (id.find_first_of("*?") != std::string::npos) {
            return;  // globs are routing rules, not models
        }
        b.append(first ? "" : ",");
        first = false;
        b.append("{\"id\":");
        json::append_json_string(b, id);
        b.append(",\"object\":\"model\",\"created\":0,\"owned_by\":");
        json::append_json_string(b, owner);
        b.append("}");
    };
    for (const ModelOptions& m : models) {
        add(m.name, "ringgate");
    }
    for (const keys::ProviderOptions& p : providers) {
        for (const std::string& m : p.models) {
            add(m, p.name);
        }
    }
    b.append("]}");
    return std::string(b.view());
}

}  // namespace

void KeyLoads::init(uint32_t shards, const std::vector<keys::ProviderOptions>& providers) {
    uint32_t total = 0;
    base_.clear();
    for (const keys::ProviderOptions& p : providers) {
        base_.push_back(total);
        total += static_cast<uint32_t>(p.keys.size());
    }
    shards_ = shards;
    row_lines_ = (total + per_line - 1) / per_line;
    rows_ = std::make_unique<Line[]>(static_cast<size_t>(shards) * row_lines_);
}

Result<std::shared_ptr<const Config>> build_config(
    std::shared_ptr<const void> snapshot, const server::Options& server,
    const std::vector<keys::ProviderOptions>& providers, const std::vector<ModelOptions>& models,
    const RoutingOptions& routing, const keys::HealthOptions& health,
    const std::vector<limits::ClientKeyOptions>& client_keys, const limits::AuthOptions& auth,
    const std::vector<limits::PriceOptions>& pricing, const Config* previous, uint32_t shards,
    std::string* error) {
    auto config = std::make_shared<Config>();
    config->snapshot = std::move(snapshot);
    // Key health of keys that stay (same provider name, same key id) carries over.
    keys::HealthPolicy policy;
    policy.circuit_failures = health.circuit_failures;
    policy.circuit_open_ms = health.circuit_open_ms;
    policy.circuit_open_max_ms = health.circuit_open_max_ms;
    policy.reprobe_ms = health.reprobe_ms;
    config->loads.init(shards, providers);
    // Client keys that stay (same name) keep their limits' state: a reload does not reset
    // a rate limit or a day's quota.
    config->clients = limits::ClientKeyTable::build(
        client_keys, auth, previous != nullptr ? previous->clients.get() : nullptr);
    config->pricing = limits::Pricing(pricing);
    config->keys = keys::KeyTable::build(
        providers, previous != nullptr ? previous->keys.get() : nullptr, policy);
    for (const keys::ProviderOptions& p : providers) {
        auto address = resolve(p.url.host, p.url.port, error);
        if (!address.ok()) {
            *error = "provider " + p.name + ": " + *error;
            return address.error();
        }
        ProviderRuntime rt;
        rt.options = &p;
        if (p.url.scheme == keys::Scheme::https) {
            // Each https provider gets its own origin: its verification settings are its own.
            tls::ClientOptions o;
            o.verify = p.upstream.verify_tls;
            o.ca_file = p.upstream.ca_file;
            auto ctx = tls::ClientContext::create(o);
            if (!ctx.ok()) {
                *error =
                    "provider " + p.name + ": TLS: " + ctx.error().context +
                    (p.upstream.ca_file.empty() ? "" : " (ca_file " + p.upstream.ca_file + ")");
                return ctx.error();
            }
            upstream::Origin origin{p.url.host, p.url.port, true, *address, *ctx, nullptr};
            origin.live = upstream::LiveAddress::seeded(*address);
            config->origins.push_back(std::move(origin));
            rt.origin = static_cast<uint32_t>(config->origins.size() - 1);
        } else {
            rt.origin = origin_index(config->origins, p.url, *address);
        }
        rt.host_header = host_header(p.url);
        config->providers.push_back(std::move(rt));
    }
    auto router = ModelRouter::build(models, routing, providers);
    if (!router.ok()) {
        *error = std::string("models: ") + router.error().context;
        return router.error();
    }
    config->router = std::make_unique<ModelRouter>(std::move(*router));
    config->models_json = models_json(providers, models);
    for (const ModelOptions& m : models) {
        if (!is_glob(m.name)) {
            config->model_ids.emplace_back(m.name, "ringgate");
        }
    }
    for (const keys::ProviderOptions& p : providers) {
        for (const std::string& m : p.models) {
            if (!is_glob(m)) {
                config->model_ids.emplace_back(m, p.name);
            }
        }
    }
    if (server.has_cors) {
        config->cors = std::make_unique<Cors>(server.cors);
    }
    config->metrics = build_metrics_config(*config);
    return std::shared_ptr<const Config>(std::move(config));
}

}  // namespace rg::proxy
