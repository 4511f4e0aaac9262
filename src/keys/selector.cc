#include "keys/selector.h"

#include <algorithm>
#include <limits>

#include "base/assert.h"

namespace rg::keys {

namespace {

constexpr std::memory_order relaxed = std::memory_order_relaxed;
constexpr uint64_t never = std::numeric_limits<uint64_t>::max();

// The latency average of a key that has not been measured for a while halves every this
// many ms, so a key once slow gets tried again (power of two choices would otherwise never
// pick the slower of two keys, and never learn it recovered).
constexpr uint64_t latency_half_life_ms = 10000;
// Weight of a new sample in the average: 1/8, steady against single outliers.
constexpr uint64_t latency_ewma_shift = 3;

bool excluded(uint32_t k, std::span<const uint32_t> exclude) {
    for (uint32_t e : exclude) {
        if (e == k) {
            return true;
        }
    }
    return false;
}

uint64_t splitmix64(uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

}  // namespace

// Per key, written only by the owning shard; the two atomics are read by the admin thread.
struct Selector::KeyLocal {
    uint64_t seen_word = 0;    // health word at the last rebuild: the probe CAS expects it
    uint64_t ready_at_ms = 0;  // cooling/open: when usable again; 0 otherwise
    uint64_t sample_ms = 0;    // when the latest latency sample came in
    bool has_sample = false;
    std::atomic<uint32_t> inflight{0};
    std::atomic<uint64_t> latency_ewma_us{0};
};

Selector::Selector(uint32_t seed) : seed_(seed), rng_(splitmix64(seed) | 1) {}

Selector::~Selector() = default;

void Selector::attach(std::shared_ptr<const KeyTable> table) {
    table_ = std::move(table);
    providers_.clear();
    uint32_t total = 0;
    const uint32_t provider_count = table_ ? table_->provider_count() : 0;
    providers_.resize(provider_count);
    for (uint32_t p = 0; p < provider_count; ++p) {
        ProviderLocal& pl = providers_[p];
        pl.first = total;
        pl.count = table_->key_count(p);
        pl.strategy = table_->provider(p).strategy;
        pl.cursor = pl.count > 0 ? seed_ % pl.count : 0;
        total += pl.count;
    }
    keys_ = std::make_unique<KeyLocal[]>(total);
    weight_.assign(total, 1);
    swrr_.assign(total, 0);
    for (uint32_t p = 0; p < provider_count; ++p) {
        for (uint32_t k = 0; k < providers_[p].count; ++k) {
            weight_[providers_[p].first + k] = table_->key(p, k).weight;
            providers_[p].weight_total += table_->key(p, k).weight;
        }
    }
    normal_.assign(total, 0);
    reserve_.assign(total, 0);
    probe_.assign(total, 0);
}

void Selector::rebuild(ProviderLocal& pl, uint32_t p, uint64_t epoch, uint64_t now_ms) {
    pl.seen_epoch = epoch;
    pl.next_check_ms = never;
    pl.normal_n = pl.reserve_n = pl.probe_n = 0;
    for (uint32_t k = 0; k < pl.count; ++k) {
        KeyLocal& kl = keys_[pl.first + k];
        const HealthWord w = table_->health_word(p, k);
        kl.seen_word = w.bits;
        kl.ready_at_ms = 0;
        switch (availability(w, now_ms)) {
            case Availability::usable: {
                const uint64_t exhausted_until = table_->exhausted_until_ms(p, k);
                if (exhausted_until > now_ms) {
                    reserve_[pl.first + pl.reserve_n++] = k;
                    pl.next_check_ms = std::min(pl.next_check_ms, exhausted_until);
                } else {
                    normal_[pl.first + pl.normal_n++] = k;
                }
                break;
            }
            case Availability::probe:
                probe_[pl.first + pl.probe_n++] = k;
                break;
            case Availability::blocked:
                pl.next_check_ms = std::min(pl.next_check_ms, w.until_ms());
                if (w.state() == KeyState::cooling || w.state() == KeyState::open) {
                    kl.ready_at_ms = w.until_ms();
                }
                break;
        }
    }
    // Round robin resumes after the key it picked last, whatever moved in the list.
    if (pl.last_key >= 0) {
        pl.cursor = 0;
        for (uint32_t i = 0; i < pl.normal_n; ++i) {
            if (normal_[pl.first + i] > static_cast<uint32_t>(pl.last_key)) {
                pl.cursor = i;
                break;
            }
        }
    }
}

Selector::Pick Selector::pick(uint32_t p, uint64_t now_ms, std::span<const uint32_t> exclude) {
    RG_ASSERT(p < providers_.size());
    last_now_ms_ = now_ms;
    ProviderLocal& pl = providers_[p];
    const uint64_t epoch = table_->epoch();
    if (epoch != pl.seen_epoch || now_ms >= pl.next_check_ms) {
        rebuild(pl, p, epoch, now_ms);
    }
    Pick out;
    if (pl.probe_n > 0 && try_probe(pl, p, now_ms, exclude, &out)) {
        return out;
    }
    int32_t k = choose(pl, normal_.data() + pl.first, pl.normal_n, now_ms, exclude);
    if (k < 0 && pl.reserve_n > 0) {
        k = choose(pl, reserve_.data() + pl.first, pl.reserve_n, now_ms, exclude);
    }
    if (k >= 0) {
        out.key = k;
        return out;
    }
    out.ready_at_ms = ready_at(pl, exclude);
    return out;
}

bool Selector::try_probe(ProviderLocal& pl, uint32_t p, uint64_t now_ms,
                         std::span<const uint32_t> exclude, Pick* out) {
    // Claimed or lost, a key leaves this list: either way its word changed and the epoch
    // moved, so the next pick rebuilds. Excluded keys stay for other requests.
    uint32_t kept = 0;
    bool claimed = false;
    for (uint32_t i = 0; i < pl.probe_n; ++i) {
        const uint32_t k = probe_[pl.first + i];
        if (claimed || excluded(k, exclude)) {
            probe_[pl.first + kept++] = k;
            continue;
        }
        const HealthWord seen{keys_[pl.first + k].seen_word};
        if (table_->claim_probe(p, k, seen, now_ms)) {
            claimed = true;
            out->key = static_cast<int32_t>(k);
            out->probe = true;
        }
    }
    pl.probe_n = kept;
    return claimed;
}

int32_t Selector::choose(ProviderLocal& pl, const uint32_t* list, uint32_t n, uint64_t now_ms,
                         std::span<const uint32_t> exclude) {
    if (n == 0) {
        return -1;
    }
    switch (pl.strategy) {
        case Strategy::weighted:
            return choose_weighted(pl, list, n, exclude);
        case Strategy::round_robin:
            return choose_round_robin(pl, list, n, exclude);
        case Strategy::least_inflight:
            return choose_least_inflight(pl, list, n, exclude);
        case Strategy::latency:
            return choose_latency(pl, list, n, now_ms, exclude);
        case Strategy::priority:
            for (uint32_t i = 0; i < n; ++i) {
                if (!excluded(list[i], exclude)) {
                    return static_cast<int32_t>(list[i]);
                }
            }
            return -1;
    }
    return -1;
}

// nginx's smooth weighted round robin: every candidate gains its weight, the largest
// current weight wins and pays the total back. Weights 2:1 give a, b, a, a, b, a, ...
// The scan starts at a per-shard offset so that shards break ties on different keys.
int32_t Selector::choose_weighted(ProviderLocal& pl, const uint32_t* list, uint32_t n,
                                  std::span<const uint32_t> exclude) {
    int64_t* current = swrr_.data() + pl.first;
    const int64_t* weight = weight_.data() + pl.first;
    const uint32_t start = seed_ % n;
    if (n == pl.count && exclude.empty()) {
        // Every key is a candidate (the usual case): list[i] == i, so run over the dense
        // arrays in two straight ranges, with the best value kept in a register.
        uint32_t best = start;
        int64_t top = std::numeric_limits<int64_t>::min();
        auto scan = [&](uint32_t from, uint32_t to) {
            for (uint32_t k = from; k < to; ++k) {
                const int64_t c = current[k] + weight[k];
                current[k] = c;
                if (c > top) {
                    top = c;
                    best = k;
                }
            }
        };
        scan(start, n);
        scan(0, start);
        current[best] -= pl.weight_total;
        return static_cast<int32_t>(best);
    }
    int64_t total = 0;
    int32_t best = -1;
    uint32_t j = start;
    for (uint32_t i = 0; i < n; ++i, j = (j + 1 == n) ? 0 : j + 1) {
        const uint32_t k = list[j];
        if (!exclude.empty() && excluded(k, exclude)) {
            continue;
        }
        current[k] += weight[k];
        total += weight[k];
        if (best < 0 || current[k] > current[best]) {
            best = static_cast<int32_t>(k);
        }
    }
    if (best >= 0) {
        current[best] -= total;
    }
    return best;
}

int32_t Selector::choose_round_robin(ProviderLocal& pl, const uint32_t* list, uint32_t n,
                                     std::span<const uint32_t> exclude) {
    uint32_t j = pl.cursor % n;
    for (uint32_t i = 0; i < n; ++i, j = (j + 1 == n) ? 0 : j + 1) {
        if (!exclude.empty() && excluded(list[j], exclude)) {
            continue;
        }
        pl.cursor = j + 1;
        pl.last_key = static_cast<int32_t>(list[j]);
        return pl.last_key;
    }
    return -1;
}

// This shard's own in-flight counts (the other shards' are theirs to balance). The scan
// starts at a cursor that moves past each pick, so ties rotate.
int32_t Selector::choose_least_inflight(ProviderLocal& pl, const uint32_t* list, uint32_t n,
                                        std::span<const uint32_t> exclude) {
    uint32_t best_pos = n;
    uint32_t best_inflight = std::numeric_limits<uint32_t>::max();
    uint32_t j = pl.cursor % n;
    for (uint32_t i = 0; i < n; ++i, j = (j + 1 == n) ? 0 : j + 1) {
        if (!exclude.empty() && excluded(list[j], exclude)) {
            continue;
        }
        const uint32_t inflight = keys_[pl.first + list[j]].inflight.load(relaxed);
        if (inflight < best_inflight) {
            best_inflight = inflight;
            best_pos = j;
            if (inflight == 0) {
                break;  // nothing beats an idle key
            }
        }
    }
    if (best_pos == n) {
        return -1;
    }
    pl.cursor = best_pos + 1;
    return static_cast<int32_t>(list[best_pos]);
}

// Power of two random choices over the decaying latency averages; a key without samples
// counts as fastest so that it gets measured.
int32_t Selector::choose_latency(ProviderLocal& pl, const uint32_t* list, uint32_t n,
                                 uint64_t now_ms, std::span<const uint32_t> exclude) {
    uint32_t m = n;
    if (!exclude.empty()) {
        for (uint32_t i = 0; i < n; ++i) {
            m -= excluded(list[i], exclude) ? 1 : 0;
        }
    }
    if (m == 0) {
        return -1;
    }
    // The a-th and b-th keys not excluded (a != b when m > 1).
    const uint32_t a = static_cast<uint32_t>(next_random() % m);
    uint32_t b = a;
    if (m > 1) {
        b = static_cast<uint32_t>(next_random() % (m - 1));
        b += b >= a ? 1 : 0;
    }
    uint32_t ka = list[a];
    uint32_t kb = list[b];
    if (m != n) {
        for (uint32_t i = 0, seen = 0; i < n; ++i) {
            if (excluded(list[i], exclude)) {
                continue;
            }
            ka = seen == a ? list[i] : ka;
            kb = seen == b ? list[i] : kb;
            ++seen;
        }
    }
    const uint64_t la = effective_latency_us(keys_[pl.first + ka], now_ms);
    const uint64_t lb = effective_latency_us(keys_[pl.first + kb], now_ms);
    return static_cast<int32_t>(lb < la ? kb : ka);
}

uint64_t Selector::effective_latency_us(const KeyLocal& kl, uint64_t now_ms) const {
    if (!kl.has_sample) {
        return 0;
    }
    const uint64_t age_ms = now_ms > kl.sample_ms ? now_ms - kl.sample_ms : 0;
    const uint64_t halvings = age_ms / latency_half_life_ms;
    const uint64_t ewma = kl.latency_ewma_us.load(relaxed);
    return halvings >= 64 ? 0 : ewma >> halvings;
}

uint64_t Selector::ready_at(const ProviderLocal& pl, std::span<const uint32_t> exclude) const {
    uint64_t ready = 0;
    for (uint32_t k = 0; k < pl.count; ++k) {
        const uint64_t at = keys_[pl.first + k].ready_at_ms;
        if (at != 0 && (ready == 0 || at < ready) && !excluded(k, exclude)) {
            ready = at;
        }
    }
    return ready;
}

uint64_t Selector::next_random() {
    // xorshift64*: a few cycles, and good enough to pick two of a handful of keys.
    rng_ ^= rng_ >> 12;
    rng_ ^= rng_ << 25;
    rng_ ^= rng_ >> 27;
    return rng_ * 0x2545f4914f6cdd1dull;
}

void Selector::started(uint32_t p, uint32_t k) {
    RG_ASSERT(p < providers_.size() && k < providers_[p].count);
    std::atomic<uint32_t>& n = keys_[providers_[p].first + k].inflight;
    // Only this shard writes it: a load and a store, no locked read-modify-write.
    n.store(n.load(relaxed) + 1, relaxed);
}

void Selector::finished(uint32_t p, uint32_t k, uint64_t latency_us, bool ok) {
    if (p >= providers_.size() || k >= providers_[p].count) {
        return;  // a request from before the last attach()
    }
    KeyLocal& kl = keys_[providers_[p].first + k];
    const uint32_t n = kl.inflight.load(relaxed);
    if (n > 0) {
        kl.inflight.store(n - 1, relaxed);
    }
    if (!ok) {
        return;
    }
    // A key measured again after more than a half-life starts over from the new sample
    // rather than dragging its stale average along.
    uint64_t ewma = latency_us;
    if (kl.has_sample && last_now_ms_ - kl.sample_ms < latency_half_life_ms) {
        const uint64_t old = kl.latency_ewma_us.load(relaxed);
        ewma = old - (old >> latency_ewma_shift) + (latency_us >> latency_ewma_shift);
    }
    kl.latency_ewma_us.store(std::max<uint64_t>(ewma, 1), relaxed);
    kl.has_sample = true;
    kl.sample_ms = last_now_ms_;
}

uint32_t Selector::inflight(uint32_t p, uint32_t k) const {
    RG_ASSERT(p < providers_.size() && k < providers_[p].count);
    return keys_[providers_[p].first + k].inflight.load(relaxed);
}

uint64_t Selector::latency_ewma_us(uint32_t p, uint32_t k) const {
    RG_ASSERT(p < providers_.size() && k < providers_[p].count);
    return keys_[providers_[p].first + k].latency_ewma_us.load(relaxed);
}

}  // namespace rg::keys
