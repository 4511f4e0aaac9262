// Metrics of the proxy (observe/catalog.h): what a config snapshot's label values are
// (MetricsConfig, built with the proxy Config on the control thread), what each shard
// records as exchanges and attempts go (ProxyMetrics, shard-local, into the shard's own
// observe::WorkerMetrics block), and what the control thread mirrors from the shared key
// table before scrapes (publish_key_metrics).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "keys/key_table.h"
#include "limits/client_key_table.h"
#include "limits/key_state.h"
#include "observe/request_metrics.h"
#include "observe/worker_metrics.h"
#include "upstream/pool.h"

namespace rg::proxy {

struct Config;
struct Exchange;
struct Candidate;

// The label values of one snapshot, and client keys by address for the request path.
struct MetricsConfig {
    std::shared_ptr<const observe::MetricsVocabulary> vocabulary;
    std::vector<std::pair<const limits::ClientKey*, uint32_t>> clients;  // sorted by address
    // Index of `key` in the vocabulary's clients (binary search, no hashing), or none.
    uint32_t client_index(const limits::ClientKey* key) const;
};

// Control thread, once per Config (after its router and client table exist).
std::shared_ptr<const MetricsConfig> build_metrics_config(const Config& config);

class ProxyMetrics {
  public:
    // `block` null: recording is off (nothing is counted).
    explicit ProxyMetrics(observe::WorkerMetrics* block);
    ~ProxyMetrics();

    // Keeps the id tables of the snapshots in `in_use` only (call after a reload).
    void keep(std::span<const Config* const> in_use);

    // The hooks: each a line at its call site in the handler.
    void on_launch(Exchange* x, const Candidate& c);  // before the attempt's fields change
    void on_head(const Exchange* x);                  // response head of an attempt
    void on_transport_failure(const Exchange* x);     // an attempt failed without a head
    void on_commit(Exchange* x);                      // answer committed to the client
    void on_limited(const Exchange* x, limits::LimitKind limit);
    void on_exchange_end(Exchange* x);                   // next to log_access()
    void publish_pool(const upstream::PoolStats& pool);  // once per loop turn

  private:
    observe::RequestMetrics* table(const Config* cfg);

    observe::WorkerMetrics* block_;
    std::unique_ptr<observe::RequestMetrics> fallback_;  // no proxy config: names only
    std::vector<std::unique_ptr<observe::RequestMetrics>> tables_;
    observe::GaugeId streams_;
    observe::GaugeId pool_idle_;
    observe::GaugeId pool_busy_;
};

// Control thread: mirrors every key's state (1 for its current state, 0 for the others)
// and cooldown count from `config`'s shared key table into `control`; on a new snapshot the
// keys of the previous one are set to 0 first. Cheap enough for every tick.
class KeyMetricsPublisher {
  public:
    void publish(const Config* config, observe::WorkerMetrics& control);

  private:
    // Held so that a new snapshot is never mistaken for a freed one at the same address.
    std::shared_ptr<const keys::KeyTable> table_;
    std::vector<observe::GaugeId> states_;  // key x state, of table_
    std::vector<observe::CounterId> cooldowns_;
};

}  // namespace rg::proxy
