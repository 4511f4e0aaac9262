// proxy::Config: what the proxy needs from one config snapshot, prepared once on the
// control thread (routing table, provider table with resolved origins) and then shared
// read-only by every shard. Lives as long as the snapshot it was built from.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "keys/key_table.h"
#include "keys/options.h"
#include "limits/client_key_table.h"
#include "limits/pricing.h"
#include "proxy/client_format.h"
#include "proxy/cors.h"
#include "proxy/model_router.h"
#include "proxy/options.h"
#include "upstream/pool.h"

namespace rg::proxy {

struct MetricsConfig;  // proxy_metrics.h

struct ProviderRuntime {
    const keys::ProviderOptions* options = nullptr;  // points into the snapshot
    uint32_t origin = 0;                             // index into Config::origins
    std::string host_header;                         // "host" or "host:port"
};

// In-flight requests and latency average of each key as each shard sees them: the
// shard's selector numbers, mirrored here so the admin listener can sum them over shards.
// Each shard writes only its own row (rows on separate cache lines); readers load relaxed.
struct KeyLoad {
    std::atomic<uint32_t> inflight{0};
    std::atomic<uint32_t> latency_us{0};
};

class KeyLoads {
  public:
    void init(uint32_t shards, const std::vector<keys::ProviderOptions>& providers);
    uint32_t shards() const { return shards_; }
    KeyLoad& at(uint32_t shard, uint32_t p, uint32_t k) const {
        uint32_t i = base_[p] + k;
        return rows_[shard * row_lines_ + i / per_line].slots[i % per_line];
    }

  private:
    static constexpr uint32_t per_line = 8;
    struct alignas(64) Line {
        KeyLoad slots[per_line];
    };
    uint32_t shards_ = 0;
    uint32_t row_lines_ = 0;
    std::vector<uint32_t> base_;  // per provider: index of its key 0 in a row
    std::unique_ptr<Line[]> rows_;
};

// A listed model: (id, owner).
using ModelId = std::pair<std::string, std::string>;

// A model object and a model list in the client's format (GET /v1/models[/id] for OpenAI
// and Anthropic, GET /v1beta/models[/id] for Gemini), appended to `out`.
void write_model(ByteBuffer& out, ClientFormat format, const ModelId& model);
void write_model_list(ByteBuffer& out, ClientFormat format, std::span<const ModelId> models);

struct Config {
    std::vector<upstream::Origin> origins;
    std::vector<ProviderRuntime> providers;
    std::unique_ptr<ModelRouter> router;
    std::string models_json;  // GET /v1/models answer, built once
    // Listed models as (id, owner): GET /v1/models/{id}.
    std::vector<ModelId> model_ids;
    // Health of every provider key (shared by all shards, lock-free), indexed like
    // `providers` and their keys.
    std::shared_ptr<keys::KeyTable> keys;
    KeyLoads loads;
    // Client keys (hashed), their limits' shared state and model prices.
    std::shared_ptr<const limits::ClientKeyTable> clients;
    limits::Pricing pricing;
    std::unique_ptr<Cors> cors;                    // null unless server.cors is set
    std::shared_ptr<const MetricsConfig> metrics;  // label values for this snapshot
    std::shared_ptr<const void> snapshot;          // keeps the options the pointers refer to alive
};

// Builds the proxy config; resolves provider hosts (blocking getaddrinfo: control thread
// only). `previous` (may be null) is the config being replaced: key health carries over
// from it. Errors name the provider.
Result<std::shared_ptr<const Config>> build_config(
    std::shared_ptr<const void> snapshot, const server::Options& server,
    const std::vector<keys::ProviderOptions>& providers, const std::vector<ModelOptions>& models,
    const RoutingOptions& routing, const keys::HealthOptions& health,
    const std::vector<limits::ClientKeyOptions>& client_keys, const limits::AuthOptions& auth,
    const std::vector<limits::PriceOptions>& pricing, const Config* previous, uint32_t shards,
    std::string* error);

}  // namespace rg::proxy
