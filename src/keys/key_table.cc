#include "keys/key_table.h"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "base/assert.h"
#include "base/clock.h"

namespace rg::keys {

// A key's health: what shards read when they rebuild their candidate lists. Written only on
// failures and recoveries, never by a plain success on a healthy key.
struct alignas(64) HealthLine {
    std::atomic<uint64_t> word{0};  // HealthWord
    std::atomic<uint32_t> consecutive_failures{0};
    std::atomic<uint32_t> rate_limit_streak{0};  // cooling periods since the last success
    std::atomic<uint32_t> reopens{0};            // failed half-open probes in a row
    std::atomic<uint64_t> exhausted_until_ms{0};
};

// Counters and the last rate-limit headers: written on many answers, so kept off the
// health line that shards read.
struct alignas(64) StatsLine {
    std::atomic<int64_t> remaining_requests{-1};
    std::atomic<int64_t> remaining_tokens{-1};
    std::atomic<uint64_t> reset_at_ms{0};
    std::atomic<uint64_t> errors[failure_class_count] = {};
    std::atomic<uint64_t> cooldowns{0};  // times the key went (or stayed longer) cooling
};

struct KeyTable::Slot {
    HealthLine health;
    StatsLine stats;
};
static_assert(sizeof(HealthLine) == 64, "a key's health words fill exactly one cache line");

namespace {

constexpr std::memory_order relaxed = std::memory_order_relaxed;

uint64_t splitmix64(uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

// Deadlines are 55-bit fields; a hint of days is already absurd, so clamp to a day.
constexpr uint64_t wait_max_ms = 24ull * 3600 * 1000;

void store_if_changed(std::atomic<uint32_t>& a, uint32_t v) {
    if (a.load(relaxed) != v) {
        a.store(v, relaxed);
    }
}

}  // namespace

std::string_view key_state_name(KeyState s) {
    switch (s) {
        case KeyState::healthy:
            return "healthy";
        case KeyState::cooling:
            return "cooling";
        case KeyState::open:
            return "open";
        case KeyState::half_open:
            return "half_open";
        case KeyState::disabled:
            return "disabled";
        case KeyState::parked:
            return "parked";
    }
    return "unknown";
}

Availability availability(HealthWord w, uint64_t now_ms) {
    switch (w.state()) {
        case KeyState::healthy:
            return Availability::usable;
        case KeyState::cooling:
            return w.until_ms() <= now_ms ? Availability::usable : Availability::blocked;
        case KeyState::open:
        case KeyState::half_open:
        case KeyState::disabled:
        case KeyState::parked:
            return w.until_ms() <= now_ms ? Availability::probe : Availability::blocked;
    }
    return Availability::blocked;
}

KeyTable::KeyTable(const std::vector<ProviderOptions>& providers, HealthPolicy policy)
    : policy_(policy), jitter_seed_(splitmix64(monotonic_ns())), providers_(providers) {
    RG_ASSERT(policy_.circuit_failures >= 1);
    RG_ASSERT(policy_.circuit_open_ms >= 1 &&
              policy_.circuit_open_max_ms >= policy_.circuit_open_ms);
    RG_ASSERT(policy_.cooldown_base_ms >= 1 && policy_.cooldown_max_ms >= policy_.cooldown_base_ms);
    RG_ASSERT(policy_.reprobe_ms >= 1 && policy_.probe_lease_ms >= 1);
    uint32_t total = 0;
    first_slot_.reserve(providers_.size());
    for (const ProviderOptions& p : providers_) {
        first_slot_.push_back(total);
        total += static_cast<uint32_t>(p.keys.size());
    }
    slots_ = std::make_unique<Slot[]>(total);
}

KeyTable::~KeyTable() = default;

std::shared_ptr<KeyTable> KeyTable::build(const std::vector<ProviderOptions>& providers,
                                          const KeyTable* previous, HealthPolicy policy) {
    std::shared_ptr<KeyTable> table(new KeyTable(providers, policy));
    if (previous != nullptr) {
        table->carry_over(*previous);
        // Numbers keep growing across reloads, so an epoch never repeats for a reader that
        // compares values from two tables.
        table->epoch_.value.store(previous->epoch() + 1, relaxed);
    }
    return table;
}

void KeyTable::carry_over(const KeyTable& previous) {
    std::unordered_map<std::string_view, uint32_t> old_providers;
    for (uint32_t p = 0; p < previous.provider_count(); ++p) {
        old_providers.emplace(previous.providers_[p].name, p);
    }
    for (uint32_t p = 0; p < provider_count(); ++p) {
        auto it = old_providers.find(providers_[p].name);
        if (it == old_providers.end()) {
            continue;
        }
        const uint32_t op = it->second;
        std::unordered_map<std::string_view, uint32_t> old_keys;
        for (uint32_t k = 0; k < previous.key_count(op); ++k) {
            old_keys.emplace(previous.providers_[op].keys[k].id, k);
        }
        for (uint32_t k = 0; k < key_count(p); ++k) {
            auto kit = old_keys.find(providers_[p].keys[k].id);
            if (kit == old_keys.end()) {
                continue;
            }
            const Slot& from = previous.slot(op, kit->second);
            Slot& to = slot(p, k);
            to.health.word.store(from.health.word.load(relaxed), relaxed);
            to.health.consecutive_failures.store(from.health.consecutive_failures.load(relaxed),
                                                 relaxed);
            to.health.rate_limit_streak.store(from.health.rate_limit_streak.load(relaxed), relaxed);
            to.health.reopens.store(from.health.reopens.load(relaxed), relaxed);
            to.health.exhausted_until_ms.store(from.health.exhausted_until_ms.load(relaxed),
                                               relaxed);
            to.stats.remaining_requests.store(from.stats.remaining_requests.load(relaxed), relaxed);
            to.stats.remaining_tokens.store(from.stats.remaining_tokens.load(relaxed), relaxed);
            to.stats.reset_at_ms.store(from.stats.reset_at_ms.load(relaxed), relaxed);
            for (size_t c = 0; c < failure_class_count; ++c) {
                to.stats.errors[c].store(from.stats.errors[c].load(relaxed), relaxed);
            }
            to.stats.cooldowns.store(from.stats.cooldowns.load(relaxed), relaxed);
        }
    }
}

uint32_t KeyTable::key_count(uint32_t provider) const {
    RG_ASSERT(provider < providers_.size());
    return static_cast<uint32_t>(providers_[provider].keys.size());
}

const ProviderOptions& KeyTable::provider(uint32_t p) const {
    RG_ASSERT(p < providers_.size());
    return providers_[p];
}

const KeyOptions& KeyTable::key(uint32_t p, uint32_t k) const {
    RG_ASSERT(k < key_count(p));
    return providers_[p].keys[k];
}

KeyTable::Slot& KeyTable::slot(uint32_t p, uint32_t k) const {
    RG_ASSERT(k < key_count(p));
    return slots_[first_slot_[p] + k];
}

HealthWord KeyTable::health_word(uint32_t p, uint32_t k) const {
    return {slot(p, k).health.word.load(std::memory_order_acquire)};
}

uint64_t KeyTable::exhausted_until_ms(uint32_t p, uint32_t k) const {
    return slot(p, k).health.exhausted_until_ms.load(relaxed);
}

bool KeyTable::replace_word(Slot& s, HealthWord& seen, HealthWord next, uint64_t now_ms,
                            Transition* t) const {
    if (!s.health.word.compare_exchange_strong(seen.bits, next.bits, std::memory_order_acq_rel,
                                               std::memory_order_acquire)) {
        return false;
    }
    bump_epoch();
    if (t != nullptr) {
        // A wait pushed further back while it still runs is the same state, not a change.
        const bool extended =
            seen.state() == next.state() && availability(seen, now_ms) == Availability::blocked;
        t->changed = !extended;
        t->from = seen.state();
        t->to = next.state();
        t->until_ms = next.until_ms();
    }
    return true;
}

bool KeyTable::claim_probe(uint32_t p, uint32_t k, HealthWord seen, uint64_t now_ms) const {
    if (availability(seen, now_ms) != Availability::probe) {
        return false;
    }
    const KeyState state = seen.state() == KeyState::open ? KeyState::half_open : seen.state();
    return replace_word(slot(p, k), seen,
                        HealthWord::make(state, true, now_ms + policy_.probe_lease_ms));
}

Transition KeyTable::on_success(uint32_t p, uint32_t k, uint64_t now_ms) {
    Slot& s = slot(p, k);
    Transition t;
    HealthWord w{s.health.word.load(std::memory_order_acquire)};
    for (;;) {
        const KeyState st = w.state();
        if (st == KeyState::healthy) {
            break;
        }
        // Only evidence from after the wait counts: a success of a request sent before the
        // key cooled down or its circuit opened says nothing about it now.
        const bool recovers = (st == KeyState::cooling && w.until_ms() <= now_ms) ||
                              st == KeyState::half_open || w.probing();
        if (!recovers) {
            return t;
        }
        if (replace_word(s, w, HealthWord::make(KeyState::healthy, false, 0), now_ms, &t)) {
            break;
        }
    }
    store_if_changed(s.health.consecutive_failures, 0);
    store_if_changed(s.health.rate_limit_streak, 0);
    store_if_changed(s.health.reopens, 0);
    return t;
}

Transition KeyTable::on_failure(uint32_t p, uint32_t k, FailureClass c, uint64_t retry_after_ms,
                                uint64_t now_ms) {
    Slot& s = slot(p, k);
    const size_t index = static_cast<size_t>(c);
    RG_ASSERT(index < failure_class_count);
    s.stats.errors[index].fetch_add(1, relaxed);
    switch (c) {
        case FailureClass::rate_limited:
            return on_rate_limited(s, p, k, retry_after_ms, now_ms);
        case FailureClass::auth:
            return on_key_rejected(s, KeyState::disabled, now_ms);
        case FailureClass::quota:
            return on_key_rejected(s, KeyState::parked, now_ms);
        case FailureClass::server:
        case FailureClass::overloaded:
        case FailureClass::transport:
        case FailureClass::timeout:
            return on_circuit_failure(s, now_ms);
        case FailureClass::context_length:
        case FailureClass::content_policy:
        case FailureClass::client_error:
        case FailureClass::count_:
            break;
    }
    return {};
}

uint64_t KeyTable::backoff_ms(uint32_t streak, uint32_t p, uint32_t k, uint64_t now_ms) const {
    // base * 2^(streak-1), capped, then "equal jitter": a uniform draw in [d/2, d], so keys
    // (and gateways) that were limited together do not come back in lockstep.
    const uint32_t shift = std::min<uint32_t>(streak > 0 ? streak - 1 : 0, 31);
    const uint64_t d =
        std::min<uint64_t>(uint64_t{policy_.cooldown_base_ms} << shift, policy_.cooldown_max_ms);
    const uint64_t r = splitmix64(jitter_seed_ ^ (uint64_t{p} << 48) ^ (uint64_t{k} << 32) ^
                                  (now_ms * 0x9e3779b97f4a7c15ull) ^ streak);
    return d - d / 2 + r % (d / 2 + 1);
}

Transition KeyTable::on_rate_limited(Slot& s, uint32_t p, uint32_t k, uint64_t retry_after_ms,
                                     uint64_t now_ms) {
    Transition t;
    HealthWord w{s.health.word.load(std::memory_order_acquire)};
    for (;;) {
        const KeyState st = w.state();
        const bool cooling_now = st == KeyState::cooling && w.until_ms() > now_ms;
        // A 429 from a request sent before the key went open/disabled/parked says nothing
        // new; a probe answered with 429 means the key works again, only too fast.
        if ((st == KeyState::open || st == KeyState::disabled || st == KeyState::parked) &&
            !w.probing()) {
            return t;
        }
        // Without a hint, a 429 for a request sent before the current cooldown began is
        // not a new signal: counting it would double the backoff per in-flight request.
        if (cooling_now && retry_after_ms == 0) {
            return t;
        }
        const uint32_t streak = s.health.rate_limit_streak.load(relaxed) + 1;
        const uint64_t wait = retry_after_ms > 0 ? std::min(retry_after_ms, wait_max_ms)
                                                 : backoff_ms(streak, p, k, now_ms);
        const uint64_t until = now_ms + wait;
        if (cooling_now && w.until_ms() >= until) {
            return t;
        }
        if (replace_word(s, w, HealthWord::make(KeyState::cooling, false, until), now_ms, &t)) {
            s.health.rate_limit_streak.fetch_add(1, relaxed);
            s.stats.cooldowns.fetch_add(1, relaxed);
            return t;
        }
    }
}

uint64_t KeyTable::open_period_ms(uint32_t reopens) const {
    const uint32_t shift = std::min<uint32_t>(reopens, 31);
    return std::min<uint64_t>(uint64_t{policy_.circuit_open_ms} << shift,
                              policy_.circuit_open_max_ms);
}

Transition KeyTable::on_circuit_failure(Slot& s, uint64_t now_ms) {
    Transition t;
    const uint32_t failures = s.health.consecutive_failures.fetch_add(1, relaxed) + 1;
    HealthWord w{s.health.word.load(std::memory_order_acquire)};
    for (;;) {
        const KeyState st = w.state();
        HealthWord next;
        bool reopen = false;
        if (st == KeyState::healthy || st == KeyState::cooling) {
            if (failures < policy_.circuit_failures) {
                return t;
            }
            next = HealthWord::make(KeyState::open, false,
                                    now_ms + open_period_ms(s.health.reopens.load(relaxed)));
        } else if (st == KeyState::half_open) {
            reopen = true;
            next = HealthWord::make(KeyState::open, false,
                                    now_ms + open_period_ms(s.health.reopens.load(relaxed) + 1));
        } else if (w.probing()) {
            // A disabled/parked key's probe failed for another reason: the question it was
            // asking is still open, so ask again after another reprobe period.
            next = HealthWord::make(st, false, now_ms + policy_.reprobe_ms);
        } else {
            return t;  // already open, or disabled/parked and waiting for its probe
        }
        if (replace_word(s, w, next, now_ms, &t)) {
            if (reopen) {
                s.health.reopens.fetch_add(1, relaxed);
            }
            return t;
        }
    }
}

Transition KeyTable::on_key_rejected(Slot& s, KeyState state, uint64_t now_ms) {
    Transition t;
    HealthWord w{s.health.word.load(std::memory_order_acquire)};
    for (;;) {
        // Repeated 401s from requests already in flight must not push the probe back.
        if (w.state() == state && !w.probing()) {
            return t;
        }
        if (replace_word(s, w, HealthWord::make(state, false, now_ms + policy_.reprobe_ms), now_ms,
                         &t)) {
            return t;
        }
    }
}

void KeyTable::on_rate_limit_hint(uint32_t p, uint32_t k, int64_t remaining_requests,
                                  int64_t remaining_tokens, uint64_t reset_at_ms) {
    Slot& s = slot(p, k);
    const bool requests_known = remaining_requests >= 0;
    const bool tokens_known = remaining_tokens >= 0;
    if (!requests_known && !tokens_known) {
        return;
    }
    if (requests_known && s.stats.remaining_requests.load(relaxed) != remaining_requests) {
        s.stats.remaining_requests.store(remaining_requests, relaxed);
    }
    if (tokens_known && s.stats.remaining_tokens.load(relaxed) != remaining_tokens) {
        s.stats.remaining_tokens.store(remaining_tokens, relaxed);
    }
    if (s.stats.reset_at_ms.load(relaxed) != reset_at_ms) {
        s.stats.reset_at_ms.store(reset_at_ms, relaxed);
    }
    const bool exhausted = remaining_requests == 0 || remaining_tokens == 0;
    const uint64_t until = exhausted ? reset_at_ms : 0;
    std::atomic<uint64_t>& word = s.health.exhausted_until_ms;
    if (word.load(relaxed) == until) {
        return;
    }
    const uint64_t before = word.exchange(until, std::memory_order_acq_rel);
    // Shards only need to hear of the key entering or leaving steering; a moved reset time
    // is read at their next rebuild (which the old deadline triggers at the latest).
    if ((before == 0) != (until == 0)) {
        bump_epoch();
    }
}

Transition KeyTable::reset(uint32_t p, uint32_t k) {
    Slot& s = slot(p, k);
    const uint64_t before_word = s.health.word.exchange(0, std::memory_order_acq_rel);
    Transition t;
    t.changed = before_word != 0;
    t.from = HealthWord{before_word}.state();
    t.to = KeyState::healthy;
    const uint64_t before_exhausted =
        s.health.exhausted_until_ms.exchange(0, std::memory_order_acq_rel);
    s.health.consecutive_failures.store(0, relaxed);
    s.health.rate_limit_streak.store(0, relaxed);
    s.health.reopens.store(0, relaxed);
    if (before_word != 0 || before_exhausted != 0) {
        bump_epoch();
    }
    return t;
}

KeyTable::KeySnapshot KeyTable::snapshot(uint32_t p, uint32_t k) const {
    const Slot& s = slot(p, k);
    const HealthWord w{s.health.word.load(relaxed)};
    KeySnapshot out{};
    out.state = w.state();
    out.until_ms = w.until_ms();
    out.consecutive_failures = s.health.consecutive_failures.load(relaxed);
    out.remaining_requests = s.stats.remaining_requests.load(relaxed);
    out.remaining_tokens = s.stats.remaining_tokens.load(relaxed);
    for (size_t c = 0; c < failure_class_count; ++c) {
        out.errors[c] = s.stats.errors[c].load(relaxed);
    }
    out.cooldowns = s.stats.cooldowns.load(relaxed);
    return out;
}

}  // namespace rg::keys
