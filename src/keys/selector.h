// Selector: one shard's key choice over a shared KeyTable. It keeps everything a pick
// writes (cursors, smooth-WRR weights, in-flight counts, latency averages, candidate lists)
// in the shard's own memory and reads the table's health words only to rebuild a
// provider's candidate list, when the table's epoch moved or a deadline it knows of passed.
// A pick takes no lock, allocates nothing and writes no shared cache line, except the one
// CAS that claims a probe.
// Shard-local: one per shard, used only on it; inflight() and latency_ewma_us() may be read
// from other threads (admin), but not while attach() runs.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "keys/key_table.h"

namespace rg::keys {

class Selector {
  public:
    // seed: e.g. the shard index; rotates start points and seeds the RNG, so shards do not
    // all start on key 0.
    explicit Selector(uint32_t seed);
    ~Selector();
    Selector(const Selector&) = delete;
    Selector& operator=(const Selector&) = delete;

    // On config change; resets all per-key state. Requests still in flight on the old
    // table may call finished() afterwards: counts saturate at 0, unknown indices are
    // ignored.
    void attach(std::shared_ptr<const KeyTable> table);
    const KeyTable* table() const { return table_.get(); }

    struct Pick {
        int32_t key = -1;          // -1: no usable key now
        bool probe = false;        // this request is the single half-open / re-probe request
        uint64_t ready_at_ms = 0;  // when key == -1: earliest time a cooling or open key of
                                   // this provider becomes usable (0: none will by time
                                   // alone, e.g. all disabled)
    };
    // Picks a usable key of provider `p`, skipping the indices in `exclude` (keys this
    // request already tried; at most ~10 entries). A key whose probe is due is offered
    // first, so a recovered key comes back promptly; keys steered away from (remaining
    // quota 0 until a reset) are used only when no other key is usable.
    Pick pick(uint32_t p, uint64_t now_ms, std::span<const uint32_t> exclude = {});
    void started(uint32_t p, uint32_t k);  // in-flight +1
    // in-flight -1; on `ok` the latency feeds the key's average.
    void finished(uint32_t p, uint32_t k, uint64_t latency_us, bool ok);

    uint32_t inflight(uint32_t p, uint32_t k) const;
    uint64_t latency_ewma_us(uint32_t p, uint32_t k) const;  // 0: no sample yet

  private:
    struct KeyLocal;
    struct ProviderLocal {
        uint32_t first = 0;  // into keys_, normal_, reserve_, probe_
        uint32_t count = 0;
        Strategy strategy = Strategy::weighted;
        uint64_t seen_epoch = 0;  // 0: never built (table epochs start at 1)
        uint64_t next_check_ms = 0;
        uint32_t normal_n = 0;   // usable keys, in key order
        uint32_t reserve_n = 0;  // usable but steered away from (quota 0 until reset)
        uint32_t probe_n = 0;    // keys whose probe is due
        uint32_t cursor = 0;     // position in a candidate list (round robin, least in flight)
        int32_t last_key = -1;   // round robin resumes after it when the list changes
        int64_t weight_total = 0;
    };

    void rebuild(ProviderLocal& pl, uint32_t p, uint64_t epoch, uint64_t now_ms);
    bool try_probe(ProviderLocal& pl, uint32_t p, uint64_t now_ms,
                   std::span<const uint32_t> exclude, Pick* out);
    int32_t choose(ProviderLocal& pl, const uint32_t* list, uint32_t n, uint64_t now_ms,
                   std::span<const uint32_t> exclude);
    int32_t choose_weighted(ProviderLocal& pl, const uint32_t* list, uint32_t n,
                            std::span<const uint32_t> exclude);
    int32_t choose_round_robin(ProviderLocal& pl, const uint32_t* list, uint32_t n,
                               std::span<const uint32_t> exclude);
    int32_t choose_least_inflight(ProviderLocal& pl, const uint32_t* list, uint32_t n,
                                  std::span<const uint32_t> exclude);
    int32_t choose_latency(ProviderLocal& pl, const uint32_t* list, uint32_t n, uint64_t now_ms,
                           std::span<const uint32_t> exclude);
    uint64_t ready_at(const ProviderLocal& pl, std::span<const uint32_t> exclude) const;
    uint64_t effective_latency_us(const KeyLocal& kl, uint64_t now_ms) const;
    uint64_t next_random();

    uint32_t seed_;
    uint64_t rng_;
    uint64_t last_now_ms_ = 0;  // time of the latest pick, stamps latency samples
    std::shared_ptr<const KeyTable> table_;
    std::vector<ProviderLocal> providers_;
    std::unique_ptr<KeyLocal[]> keys_;
    // Smooth WRR state apart from KeyLocal, so the weighted scan runs over dense arrays.
    std::vector<int64_t> weight_;
    std::vector<int64_t> swrr_;  // nginx's current_weight
    std::vector<uint32_t> normal_;
    std::vector<uint32_t> reserve_;
    std::vector<uint32_t> probe_;
};

}  // namespace rg::keys
