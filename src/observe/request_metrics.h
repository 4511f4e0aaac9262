// RequestMetrics: one worker's series ids for the request families of the catalog, for one
// config snapshot. Label values known at load (providers, key ids, client names, model
// names, and the fixed route/format/reason/limit names) form a MetricsVocabulary built once
// per snapshot; a worker makes a RequestMetrics from it when it adopts the snapshot. Every
// series is addressed by small indices into dense arrays of ids; an id is looked up in the
// worker's block (hash + probe) the first time its combination occurs and kept, so
// recording afterwards is array indexing plus relaxed load+stores: no hashing, no
// allocation. Per (provider, model) pair the ids sit in a block allocated on that pair's
// first use in the snapshot.
// Shard-local: made, used and destroyed on its worker's thread; the vocabulary is
// immutable and shared.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "observe/catalog.h"
#include "observe/label_set.h"
#include "observe/worker_metrics.h"

namespace rg::observe {

// The label values of one config snapshot. Built on the control thread, then immutable.
struct MetricsVocabulary {
    // Fixed names of enums the caller owns (static storage): index = enum value.
    std::span<const std::string_view> routes;
    std::span<const std::string_view> formats;
    std::span<const std::string_view> reasons;  // retry and failover reasons
    std::span<const std::string_view> limits;   // rate-limit kinds
    std::vector<std::string> providers;         // provider index -> configured name
    std::vector<uint32_t> key_base;             // provider index -> index of its key 0
    std::vector<std::string> key_ids;           // key index -> configured id
    std::vector<uint32_t> key_provider;         // key index -> provider index
    std::vector<std::string> clients;           // client index -> configured name
    LabelSet models;  // model names from the config; index() = size() is "other"

    uint32_t provider_none() const { return static_cast<uint32_t>(providers.size()); }
    uint32_t model_other() const { return static_cast<uint32_t>(models.size()); }
    uint32_t model_none() const { return model_other() + 1; }
    uint32_t key_none() const { return static_cast<uint32_t>(key_ids.size()); }
    uint32_t client_none() const { return static_cast<uint32_t>(clients.size()); }
};

inline constexpr std::string_view label_none = "none";
inline constexpr size_t status_classes = 6;  // 1xx..5xx, other

// 0..4 for 1xx..5xx, 5 ("other") outside 100..599 (no answer).
inline uint32_t status_class_index(uint32_t status) {
    return status >= 100 && status <= 599 ? status / 100 - 1 : 5;
}

// One finished request, as indices into the vocabulary ("none" indices where it has none).
struct RequestSample {
    uint32_t route = 0;
    uint32_t format = 0;
    uint32_t status = 0;        // 0: the client went away before an answer
    uint32_t provider = 0;      // of the last attempt
    uint32_t model = 0;         // the model asked (public name)
    uint32_t served_model = 0;  // the model of the last attempt (upstream name)
    uint32_t key = 0;           // of the last attempt
    uint32_t client = 0;
    uint64_t duration_us = 0;
    bool usage_known = false;
    uint64_t tokens[token_kinds] = {};
    uint64_t cost_nano_usd = 0;
};

class RequestMetrics {
  public:
    RequestMetrics(WorkerMetrics& block, std::shared_ptr<const MetricsVocabulary> vocabulary);
    RequestMetrics(const RequestMetrics&) = delete;
    RequestMetrics& operator=(const RequestMetrics&) = delete;
    ~RequestMetrics();

    const MetricsVocabulary& vocabulary() const { return *vocab_; }

    // A request ended (answered, refused or abandoned).
    void request(const RequestSample& s);
    // An attempt's answer head (status) or its failure without one (status 0).
    void attempt(uint32_t key, uint32_t status);
    void upstream_latency(uint32_t provider, uint32_t served_model, uint64_t us);
    void first_token(uint32_t provider, uint32_t served_model, uint64_t us);
    void retry(uint32_t provider, uint32_t reason);
    void failover(uint32_t provider, uint32_t reason);
    void limited(uint32_t client, uint32_t limit);

  private:
    // Ids of one (provider, model) pair: requests by route x format x status class, and
    // the per-served-model families.
    struct PairIds {
        explicit PairIds(size_t request_slots) : requests(request_slots, 0) {}
        std::vector<uint32_t> requests;
        uint32_t latency = 0, first_token = 0, cost = 0;
        uint32_t tokens[token_kinds] = {};
    };

    PairIds& pair(uint32_t provider, uint32_t model);
    uint32_t request_id(uint32_t provider, uint32_t model, uint32_t rf, uint32_t sc);
    // Cold paths: build the label values and look the series up in the block.
    uint32_t counter(FamilyId f, std::span<const std::string_view> values);
    uint32_t histogram(FamilyId f, std::span<const std::string_view> values);
    void add(uint32_t* slot, FamilyId f, std::span<const std::string_view> values, uint64_t n);
    std::string_view provider_name(uint32_t p) const;
    std::string_view model_name(uint32_t m) const;
    void tokens(const RequestSample& s);

    WorkerMetrics& block_;
    std::shared_ptr<const MetricsVocabulary> vocab_;
    uint32_t rf_count_ = 0;  // routes x formats
    uint32_t model_slots_ = 0;
    std::vector<std::unique_ptr<PairIds>> pairs_;  // (provider + 1) x (model + 2)
    std::vector<uint32_t> duration_;               // route x format: histogram series
    std::vector<uint32_t> key_requests_;           // key x status class
    std::vector<uint32_t> key_tokens_;             // key x kind
    std::vector<uint32_t> client_requests_;        // client
    std::vector<uint32_t> client_tokens_;          // client x kind
    std::vector<uint32_t> client_cost_;            // client
    std::vector<uint32_t> limited_;                // client x limit
    std::vector<uint32_t> retries_;                // (provider + 1) x reason
    std::vector<uint32_t> failovers_;              // (provider + 1) x reason
};

}  // namespace rg::observe
