// ProxyHandler metrics: the snapshot's label values, the per-shard recording hooks and the
// control thread's key-table mirror. Names and ids only: a provider key is its configured
// id, a client key its configured name; secrets never reach a label.
#include "proxy/proxy_metrics.h"

#include <algorithm>
#include <string_view>

#include "base/clock.h"
#include "keys/failure_class.h"
#include "limits/usage.h"
#include "proxy/config.h"
#include "proxy/exchange.h"

namespace rg::proxy {
namespace {

constexpr size_t route_count = static_cast<size_t>(Route::not_found) + 1;
constexpr size_t format_count = 3;
constexpr size_t reason_count = keys::failure_class_count;
constexpr size_t limit_count = limits::limit_kind_count;

// Names of the enums the labels use, in enum order (built once, then read-only).
struct Names {
    std::string_view routes[route_count];
    std::string_view formats[format_count];
    std::string_view reasons[reason_count];
    std::string_view limit_kinds[limit_count];
    Names() {
        for (size_t i = 0; i < route_count; ++i) {
            routes[i] = route_name(static_cast<Route>(i));
        }
        for (size_t i = 0; i < format_count; ++i) {
            formats[i] = client_format_name(static_cast<ClientFormat>(i));
        }
        for (size_t i = 0; i < reason_count; ++i) {
            reasons[i] = keys::failure_class_name(static_cast<keys::FailureClass>(i));
        }
        for (size_t i = 0; i < limit_count; ++i) {
            limit_kinds[i] = limits::limit_kind_name(static_cast<limits::LimitKind>(i));
        }
    }
};

const Names& names() {
    static const Names n;
    return n;
}

std::shared_ptr<observe::MetricsVocabulary> base_vocabulary() {
    auto v = std::make_shared<observe::MetricsVocabulary>();
    const Names& n = names();
    v->routes = n.routes;
    v->formats = n.formats;
    v->reasons = n.reasons;
    v->limits = n.limit_kinds;
    return v;
}

// Model label values: listed models, and the upstream names their targets and fallbacks
// resolve to (model_mapping applied).
std::vector<std::string> model_names(const Config& config) {
    std::vector<std::string> out;
    for (const ModelId& m : config.model_ids) {
        out.push_back(m.first);
        if (config.router == nullptr) {
            continue;
        }
        Resolution r = config.router->resolve(m.first);
        for (const ResolvedTarget& t : r.target_list()) {
            out.emplace_back(t.model);
        }
        for (const std::string& f : r.fallbacks) {
            out.push_back(f);
        }
    }
    return out;
}

// The key index of the exchange's last attempt in `v`, or none (an exchange re-planned on a
// newer snapshot keeps its last attempt's indices, which may not fit the new one).
uint32_t key_index(const observe::MetricsVocabulary& v, const Exchange* x) {
    if (x->provider >= v.key_base.size()) {
        return v.key_none();
    }
    uint32_t k = v.key_base[x->provider] + x->key;
    return k < v.key_ids.size() && v.key_provider[k] == x->provider ? k : v.key_none();
}

uint64_t elapsed_us(uint64_t since_ns) {
    uint64_t now = monotonic_ns();
    return now > since_ns ? (now - since_ns) / 1000 : 0;
}

// Tokens by kind and the cost the pricing table gives the asked model.
void add_usage(const Exchange* x, observe::RequestSample* s) {
    s->usage_known = true;
    const translate::Usage& u = x->usage;
    s->tokens[static_cast<size_t>(observe::TokenKind::input)] = u.input;
    s->tokens[static_cast<size_t>(observe::TokenKind::cached)] = u.cached_input;
    s->tokens[static_cast<size_t>(observe::TokenKind::cache_creation)] = u.cache_creation;
    s->tokens[static_cast<size_t>(observe::TokenKind::output)] = u.output;
    s->tokens[static_cast<size_t>(observe::TokenKind::reasoning)] = u.reasoning;
    limits::Usage lu;
    lu.prompt_tokens = u.input;
    lu.cached_prompt_tokens = u.cached_input;
    lu.cache_creation_tokens = u.cache_creation;
    lu.completion_tokens = u.output;
    lu.reasoning_tokens = u.reasoning;
    const limits::PriceOptions* price =
        x->cfg->pricing.find(x->cfg->router->strip(x->scan.model()));
    s->cost_nano_usd = limits::cost_micro_usd(lu, price) * 1000;
}

}  // namespace

uint32_t MetricsConfig::client_index(const limits::ClientKey* key) const {
    auto it =
        std::lower_bound(clients.begin(), clients.end(), key,
                         [](const auto& e, const limits::ClientKey* k) { return e.first < k; });
    return it != clients.end() && it->first == key ? it->second : vocabulary->client_none();
}

std::shared_ptr<const MetricsConfig> build_metrics_config(const Config& config) {
    auto v = base_vocabulary();
    auto m = std::make_shared<MetricsConfig>();
    for (const ProviderRuntime& p : config.providers) {
        uint32_t index = static_cast<uint32_t>(v->providers.size());
        v->providers.push_back(p.options->name);
        v->key_base.push_back(static_cast<uint32_t>(v->key_ids.size()));
        for (const keys::KeyOptions& k : p.options->keys) {
            v->key_ids.push_back(k.id);
            v->key_provider.push_back(index);
        }
    }
    if (config.clients != nullptr) {
        for (size_t i = 0; i < config.clients->size(); ++i) {
            const limits::ClientKey& key = config.clients->key(i);
            m->clients.emplace_back(&key, static_cast<uint32_t>(v->clients.size()));
            v->clients.push_back(key.name());
        }
        std::sort(m->clients.begin(), m->clients.end());
    }
    std::vector<std::string> models = model_names(config);
    v->models = observe::LabelSet(std::span<const std::string>(models));
    m->vocabulary = std::move(v);
    return m;
}

// --- Shard side -------------------------------------------------------------------------

ProxyMetrics::ProxyMetrics(observe::WorkerMetrics* block) : block_(block) {
    if (block_ == nullptr) {
        return;
    }
    fallback_ = std::make_unique<observe::RequestMetrics>(*block_, base_vocabulary());
    streams_ = block_->gauge(observe::family(observe::Metric::streams_active));
    std::string_view idle[] = {"idle"};
    std::string_view busy[] = {"busy"};
    pool_idle_ = block_->gauge(observe::family(observe::Metric::upstream_pool), idle);
    pool_busy_ = block_->gauge(observe::family(observe::Metric::upstream_pool), busy);
}

ProxyMetrics::~ProxyMetrics() = default;

void ProxyMetrics::keep(std::span<const Config* const> in_use) {
    std::erase_if(tables_, [&](const std::unique_ptr<observe::RequestMetrics>& t) {
        return std::none_of(in_use.begin(), in_use.end(), [&](const Config* c) {
            return c != nullptr && c->metrics != nullptr &&
                   c->metrics->vocabulary.get() == &t->vocabulary();
        });
    });
}

observe::RequestMetrics* ProxyMetrics::table(const Config* cfg) {
    if (block_ == nullptr) {
        return nullptr;
    }
    if (cfg == nullptr || cfg->metrics == nullptr) {
        return fallback_.get();
    }
    const observe::MetricsVocabulary* v = cfg->metrics->vocabulary.get();
    for (const auto& t : tables_) {
        if (&t->vocabulary() == v) {
            return t.get();
        }
    }
    // Once per snapshot and shard: the first exchange on a new snapshot.
    tables_.push_back(std::make_unique<observe::RequestMetrics>(*block_, cfg->metrics->vocabulary));
    return tables_.back().get();
}

void ProxyMetrics::on_launch(Exchange* x, const Candidate& c) {
    observe::RequestMetrics* t = table(x->cfg);
    if (t == nullptr) {
        return;
    }
    // x->attempts counts this attempt already; x->provider is still the previous one's.
    if (x->attempts > 1) {
        auto reason = static_cast<uint32_t>(x->fail_class);
        t->retry(x->provider, reason);
        if (c.provider != x->provider || c.group != x->metric_group) {
            t->failover(x->provider, reason);
        }
    }
    x->metric_group = c.group;
    x->metric_served = t->vocabulary().models.index(c.model);
}

void ProxyMetrics::on_head(const Exchange* x) {
    observe::RequestMetrics* t = table(x->cfg);
    if (t == nullptr) {
        return;
    }
    t->upstream_latency(x->provider, x->metric_served, x->first_byte_us);
    t->attempt(key_index(t->vocabulary(), x), static_cast<uint32_t>(x->status));
}

void ProxyMetrics::on_transport_failure(const Exchange* x) {
    observe::RequestMetrics* t = table(x->cfg);
    if (t != nullptr && x->phase != Phase::error_body && x->phase != Phase::holding) {
        t->attempt(key_index(t->vocabulary(), x), 0);
    }
}

void ProxyMetrics::on_commit(Exchange* x) {
    observe::RequestMetrics* t = table(x->cfg);
    if (t == nullptr || !(x->stream || x->raw_stream)) {
        return;
    }
    t->first_token(x->provider, x->metric_served, elapsed_us(x->attempt_start_ns));
    block_->add(streams_, 1);
    x->metric_stream = true;
}

void ProxyMetrics::on_limited(const Exchange* x, limits::LimitKind limit) {
    observe::RequestMetrics* t = table(x->cfg);
    if (t != nullptr && x->cfg != nullptr && x->cfg->metrics != nullptr) {
        t->limited(x->cfg->metrics->client_index(x->client), static_cast<uint32_t>(limit));
    }
}

void ProxyMetrics::on_exchange_end(Exchange* x) {
    if (x->metric_stream) {
        block_->add(streams_, -1);
        x->metric_stream = false;
    }
    observe::RequestMetrics* t = table(x->cfg);
    if (t == nullptr || x->start_us == 0 || x->admin != 0) {
        return;
    }
    const observe::MetricsVocabulary& v = t->vocabulary();
    observe::RequestSample s;
    s.route = static_cast<uint32_t>(x->route);
    s.format = static_cast<uint32_t>(x->format);
    s.status = static_cast<uint32_t>(x->final_status);
    s.duration_us = monotonic_ns() / 1000 - x->start_mono_us;
    s.provider = v.provider_none();
    s.model = v.model_none();
    s.served_model = v.model_none();
    s.key = v.key_none();
    s.client = x->cfg != nullptr && x->cfg->metrics != nullptr
                   ? x->cfg->metrics->client_index(x->client)
                   : v.client_none();
    if (x->scan.has_model && x->cfg != nullptr) {
        s.model = v.models.index(x->cfg->router->strip(x->scan.model()));
    }
    if (x->attempts > 0) {
        s.key = key_index(v, x);
        s.provider = s.key != v.key_none() ? x->provider : v.provider_none();
        s.served_model = s.key != v.key_none() ? x->metric_served : v.model_none();
    }
    if (x->usage_known && x->attempts > 0) {
        add_usage(x, &s);
    }
    t->request(s);
}

void ProxyMetrics::publish_pool(const upstream::PoolStats& pool) {
    if (block_ == nullptr) {
        return;
    }
    block_->set(pool_idle_, pool.idle);
    block_->set(pool_busy_, static_cast<int64_t>(pool.open) - pool.idle);
}

// --- Control thread ---------------------------------------------------------------------

void KeyMetricsPublisher::publish(const Config* config, observe::WorkerMetrics& control) {
    const keys::KeyTable* now = config != nullptr ? config->keys.get() : nullptr;
    if (now != table_.get()) {
        for (observe::GaugeId g : states_) {
            control.set(g, 0);  // keys of the previous snapshot (same keys are set again)
        }
        states_.clear();
        cooldowns_.clear();
        table_ = config != nullptr ? config->keys : nullptr;
        if (table_ == nullptr) {
            return;
        }
        for (uint32_t p = 0; p < table_->provider_count(); ++p) {
            std::string_view provider = table_->provider(p).name;
            for (uint32_t k = 0; k < table_->key_count(p); ++k) {
                std::string_view id = table_->key(p, k).id;
                for (size_t s = 0; s < keys::key_state_count; ++s) {
                    std::string_view v[] = {provider, id,
                                            keys::key_state_name(static_cast<keys::KeyState>(s))};
                    states_.push_back(
                        control.gauge(observe::family(observe::Metric::key_state), v));
                }
                std::string_view pk[] = {provider, id};
                cooldowns_.push_back(
                    control.counter(observe::family(observe::Metric::key_cooldowns), pk));
            }
        }
    }
    if (table_ == nullptr) {
        return;
    }
    size_t i = 0;
    for (uint32_t p = 0; p < table_->provider_count(); ++p) {
        for (uint32_t k = 0; k < table_->key_count(p); ++k, ++i) {
            keys::KeyTable::KeySnapshot snap = table_->snapshot(p, k);
            for (size_t s = 0; s < keys::key_state_count; ++s) {
                control.set(states_[i * keys::key_state_count + s],
                            static_cast<size_t>(snap.state) == s ? 1 : 0);
            }
            control.set(cooldowns_[i], snap.cooldowns);
        }
    }
}

}  // namespace rg::proxy
