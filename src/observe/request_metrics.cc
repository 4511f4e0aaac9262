#include "observe/request_metrics.h"

#include <algorithm>

#include "base/assert.h"

namespace rg::observe {
namespace {

constexpr std::string_view status_class_names[status_classes] = {"1xx", "2xx", "3xx",
                                                                 "4xx", "5xx", "other"};

std::string_view at(std::span<const std::string_view> names, uint32_t i) {
    return i < names.size() ? names[i] : LabelSet::other;
}

}  // namespace

RequestMetrics::RequestMetrics(WorkerMetrics& block,
                               std::shared_ptr<const MetricsVocabulary> vocabulary)
    : block_(block), vocab_(std::move(vocabulary)) {
    const MetricsVocabulary& v = *vocab_;
    RG_ASSERT(!v.routes.empty() && !v.formats.empty());
    rf_count_ = static_cast<uint32_t>(v.routes.size() * v.formats.size());
    model_slots_ = v.model_none() + 1;
    const size_t providers = v.providers.size() + 1;
    const size_t keys = v.key_ids.size();
    const size_t clients = v.clients.size();
    pairs_.resize(providers * model_slots_);
    duration_.assign(rf_count_, 0);
    key_requests_.assign(keys * status_classes, 0);
    key_tokens_.assign(keys * token_kinds, 0);
    client_requests_.assign(clients, 0);
    client_tokens_.assign(clients * token_kinds, 0);
    client_cost_.assign(clients, 0);
    limited_.assign(clients * v.limits.size(), 0);
    retries_.assign(providers * v.reasons.size(), 0);
    failovers_.assign(providers * v.reasons.size(), 0);
}

RequestMetrics::~RequestMetrics() = default;

uint32_t RequestMetrics::counter(FamilyId f, std::span<const std::string_view> values) {
    return block_.counter(f, values).cell;
}

uint32_t RequestMetrics::histogram(FamilyId f, std::span<const std::string_view> values) {
    return block_.histogram(f, values).series;
}

void RequestMetrics::add(uint32_t* slot, FamilyId f, std::span<const std::string_view> values,
                         uint64_t n) {
    if (*slot == 0) {
        *slot = counter(f, values);  // 0 again only when the block is full (the sink)
    }
    block_.add(CounterId{*slot}, n);
}

std::string_view RequestMetrics::provider_name(uint32_t p) const {
    return p < vocab_->providers.size() ? std::string_view(vocab_->providers[p]) : label_none;
}

std::string_view RequestMetrics::model_name(uint32_t m) const {
    return m <= vocab_->model_other() ? vocab_->models.value(m) : label_none;
}

RequestMetrics::PairIds& RequestMetrics::pair(uint32_t provider, uint32_t model) {
    provider = std::min(provider, vocab_->provider_none());
    model = std::min(model, vocab_->model_none());
    std::unique_ptr<PairIds>& p = pairs_[provider * model_slots_ + model];
    if (p == nullptr) {
        // Once per pair and snapshot, the first time a request uses it.
        p = std::make_unique<PairIds>(static_cast<size_t>(rf_count_) * status_classes);
    }
    return *p;
}

uint32_t RequestMetrics::request_id(uint32_t provider, uint32_t model, uint32_t rf, uint32_t sc) {
    uint32_t& slot = pair(provider, model).requests[rf * status_classes + sc];
    if (slot == 0) {
        const size_t formats = vocab_->formats.size();
        std::string_view v[] = {at(vocab_->routes, static_cast<uint32_t>(rf / formats)),
                                at(vocab_->formats, static_cast<uint32_t>(rf % formats)),
                                provider_name(provider), model_name(model), status_class_names[sc]};
        slot = counter(family(Metric::requests), v);
    }
    return slot;
}

void RequestMetrics::request(const RequestSample& s) {
    const MetricsVocabulary& v = *vocab_;
    uint32_t route = std::min<uint32_t>(s.route, static_cast<uint32_t>(v.routes.size()) - 1);
    uint32_t format = std::min<uint32_t>(s.format, static_cast<uint32_t>(v.formats.size()) - 1);
    uint32_t rf = route * static_cast<uint32_t>(v.formats.size()) + format;
    uint32_t sc = status_class_index(s.status);
    block_.add(CounterId{request_id(s.provider, s.model, rf, sc)});
    uint32_t& duration = duration_[rf];
    if (duration == 0) {
        std::string_view labels[] = {v.routes[route], v.formats[format]};
        duration = histogram(family(Metric::request_duration), labels);
    }
    block_.observe(HistogramId{duration}, s.duration_us);
    if (s.client < v.clients.size()) {
        std::string_view c[] = {v.clients[s.client]};
        add(&client_requests_[s.client], family(Metric::client_requests), c, 1);
    }
    if (s.usage_known) {
        tokens(s);
    }
}

void RequestMetrics::tokens(const RequestSample& s) {
    const MetricsVocabulary& v = *vocab_;
    PairIds& p = pair(s.provider, s.served_model);
    std::string_view provider = provider_name(s.provider);
    std::string_view model = model_name(std::min(s.served_model, v.model_none()));
    bool key = s.key < v.key_ids.size();
    bool client = s.client < v.clients.size();
    for (size_t k = 0; k < token_kinds; ++k) {
        uint64_t n = s.tokens[k];
        if (n == 0) {
            continue;
        }
        std::string_view labels[] = {token_kind_names[k], provider, model};
        add(&p.tokens[k], family(Metric::tokens), labels, n);
        if (key) {
            std::string_view kl[] = {provider, v.key_ids[s.key], token_kind_names[k]};
            add(&key_tokens_[s.key * token_kinds + k], family(Metric::upstream_key_tokens), kl, n);
        }
        if (client) {
            std::string_view cl[] = {v.clients[s.client], token_kind_names[k]};
            add(&client_tokens_[s.client * token_kinds + k], family(Metric::client_tokens), cl, n);
        }
    }
    if (s.cost_nano_usd == 0) {
        return;
    }
    std::string_view pm[] = {provider, model};
    add(&p.cost, family(Metric::cost), pm, s.cost_nano_usd);
    if (client) {
        std::string_view c[] = {v.clients[s.client]};
        add(&client_cost_[s.client], family(Metric::client_cost), c, s.cost_nano_usd);
    }
}

void RequestMetrics::attempt(uint32_t key, uint32_t status) {
    const MetricsVocabulary& v = *vocab_;
    if (key >= v.key_ids.size()) {
        return;
    }
    uint32_t sc = status_class_index(status);
    uint32_t& slot = key_requests_[key * status_classes + sc];
    std::string_view labels[] = {provider_name(v.key_provider[key]), v.key_ids[key],
                                 status_class_names[sc]};
    add(&slot, family(Metric::upstream_key_requests), labels, 1);
}

void RequestMetrics::upstream_latency(uint32_t provider, uint32_t served_model, uint64_t us) {
    uint32_t& slot = pair(provider, served_model).latency;
    if (slot == 0) {
        std::string_view labels[] = {provider_name(provider), model_name(served_model)};
        slot = histogram(family(Metric::upstream_latency), labels);
    }
    block_.observe(HistogramId{slot}, us);
}

void RequestMetrics::first_token(uint32_t provider, uint32_t served_model, uint64_t us) {
    uint32_t& slot = pair(provider, served_model).first_token;
    if (slot == 0) {
        std::string_view labels[] = {provider_name(provider), model_name(served_model)};
        slot = histogram(family(Metric::time_to_first_token), labels);
    }
    block_.observe(HistogramId{slot}, us);
}

void RequestMetrics::retry(uint32_t provider, uint32_t reason) {
    const MetricsVocabulary& v = *vocab_;
    if (reason >= v.reasons.size()) {
        return;
    }
    provider = std::min(provider, v.provider_none());
    std::string_view labels[] = {provider_name(provider), v.reasons[reason]};
    add(&retries_[provider * v.reasons.size() + reason], family(Metric::retries), labels, 1);
}

void RequestMetrics::failover(uint32_t provider, uint32_t reason) {
    const MetricsVocabulary& v = *vocab_;
    if (reason >= v.reasons.size()) {
        return;
    }
    provider = std::min(provider, v.provider_none());
    std::string_view labels[] = {provider_name(provider), v.reasons[reason]};
    add(&failovers_[provider * v.reasons.size() + reason], family(Metric::failovers), labels, 1);
}

void RequestMetrics::limited(uint32_t client, uint32_t limit) {
    const MetricsVocabulary& v = *vocab_;
    if (client >= v.clients.size() || limit >= v.limits.size()) {
        return;
    }
    std::string_view labels[] = {v.clients[client], v.limits[limit]};
    add(&limited_[client * v.limits.size() + limit], family(Metric::rate_limited), labels, 1);
}

}  // namespace rg::observe
