// KeyTable: the upstream API keys of a config snapshot and their health, shared by all
// shards. The structure (providers, keys, weights) is immutable once built on the control
// thread; each key's health lives in atomic words on cache lines of its own, changed
// lock-free by outcome reports from any shard. Every change of a key's usability bumps one
// global epoch, so shards (keys/selector.h) rebuild their candidate lists only then.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "keys/failure_class.h"
#include "keys/options.h"

namespace rg::keys {

enum class KeyState : uint8_t {
    healthy = 0,
    cooling = 1,    // rate limited until a deadline, then usable again
    open = 2,       // circuit open after consecutive server-side failures
    half_open = 3,  // circuit deadline passed; one probe request is in flight
    disabled = 4,   // 401/403; re-probed once per reprobe period
    parked = 5,     // out of quota; re-probed once per reprobe period
};
inline constexpr size_t key_state_count = 6;

// Snake-case name for logs, metrics labels and /health/detailed.
std::string_view key_state_name(KeyState s);

struct HealthPolicy {                  // defaults; tests use small values
    uint32_t circuit_failures = 5;     // consecutive server/overloaded/transport/timeout
                                       // failures that open the circuit
    uint32_t circuit_open_ms = 10000;  // first open period; doubles per re-open, capped
    uint32_t circuit_open_max_ms = 300000;
    uint32_t cooldown_base_ms = 1000;  // 429 without any hint: exponential backoff with jitter
    uint32_t cooldown_max_ms = 60000;
    uint32_t reprobe_ms = 300000;  // disabled (401/403) and parked (quota) keys: one probe
                                   // request after this
    // A probe whose outcome is never reported (client gone before the upstream answered)
    // must not keep the key out for good: after this long another request may probe.
    uint32_t probe_lease_ms = 60000;
};

// One key's state word, packed so that state and deadline change together in one CAS:
// bits 63..56 state, bit 55 "a probe is out" (disabled/parked; half_open implies it),
// bits 54..0 deadline in monotonic ms (cooling/open: end of the wait; disabled/parked:
// next probe; probing: end of the probe's lease).
struct HealthWord {
    uint64_t bits = 0;

    static constexpr uint64_t until_mask = (uint64_t{1} << 55) - 1;
    static constexpr uint64_t probing_bit = uint64_t{1} << 55;

    static HealthWord make(KeyState s, bool probing, uint64_t until_ms) {
        return {(uint64_t{static_cast<uint8_t>(s)} << 56) | (probing ? probing_bit : 0) |
                (until_ms & until_mask)};
    }
    KeyState state() const { return static_cast<KeyState>(bits >> 56); }
    bool probing() const { return (bits & probing_bit) != 0; }
    uint64_t until_ms() const { return bits & until_mask; }
};

// How a shard may use a key at `now_ms`, from its word alone.
enum class Availability : uint8_t {
    usable,   // healthy, or cooling with its deadline passed
    probe,    // open/disabled/parked (or a lapsed probe lease) past its deadline: one
              // request may claim the probe
    blocked,  // not before until_ms()
};
Availability availability(HealthWord w, uint64_t now_ms);

// A change of a key's state made by one report. Only the caller whose CAS made the change
// gets it (changed = true), so exactly one shard learns of each change (and audits it).
// A cooldown merely pushed further back is not a change; a key that enters a new wait after
// its last one ended is (cooling -> cooling).
struct Transition {
    bool changed = false;
    KeyState from = KeyState::healthy;
    KeyState to = KeyState::healthy;
    uint64_t until_ms = 0;  // the new deadline (monotonic ms; 0: none)
};

class KeyTable {
  public:
    // Builds from the providers of a config snapshot. `previous` (may be null) is the table
    // of the snapshot being replaced: health of keys with the same provider name and key id
    // carries over (state, deadlines, counters); new keys start healthy.
    static std::shared_ptr<KeyTable> build(const std::vector<ProviderOptions>& providers,
                                           const KeyTable* previous, HealthPolicy policy = {});
    ~KeyTable();
    KeyTable(const KeyTable&) = delete;
    KeyTable& operator=(const KeyTable&) = delete;

    uint32_t provider_count() const { return static_cast<uint32_t>(providers_.size()); }
    uint32_t key_count(uint32_t provider) const;
    const ProviderOptions& provider(uint32_t p) const;
    const KeyOptions& key(uint32_t p, uint32_t k) const;
    uint64_t epoch() const { return epoch_.value.load(std::memory_order_acquire); }
    const HealthPolicy& policy() const { return policy_; }

    // Outcome reports, callable from any shard at any time (lock-free). `now_ms` is
    // monotonic milliseconds (base/clock.h monotonic_ms()), passed in for tests.
    // A success that changes nothing (healthy, no failures counted) writes no shared line.
    Transition on_success(uint32_t p, uint32_t k, uint64_t now_ms);
    // `retry_after_ms` 0 = the provider gave no hint. Classes that are not the key's fault
    // (context_length, content_policy, client_error) are counted in the key's error
    // counters and change nothing else.
    Transition on_failure(uint32_t p, uint32_t k, FailureClass c, uint64_t retry_after_ms,
                          uint64_t now_ms);
    // Rate-limit headers seen on any answer (-1 = unknown); reset_at_ms monotonic (0 =
    // unknown). A known remaining count of 0 with a reset time steers shards away from the
    // key until then (it stays usable as a last resort).
    void on_rate_limit_hint(uint32_t p, uint32_t k, int64_t remaining_requests,
                            int64_t remaining_tokens, uint64_t reset_at_ms);
    Transition reset(uint32_t p, uint32_t k);  // admin action: back to healthy

    // Read side for /health/detailed and metrics (relaxed loads).
    struct KeySnapshot {
        KeyState state;
        uint64_t until_ms;
        uint32_t consecutive_failures;
        int64_t remaining_requests, remaining_tokens;
        uint64_t errors[failure_class_count];
        uint64_t cooldowns;  // times put in (or kept longer in) cooling by a 429
    };
    KeySnapshot snapshot(uint32_t p, uint32_t k) const;

    // Shard side (keys/selector.h): the word as of now, the steering deadline (0: none),
    // and the probe claim, a CAS from the word the shard saw; true for exactly one caller.
    HealthWord health_word(uint32_t p, uint32_t k) const;
    uint64_t exhausted_until_ms(uint32_t p, uint32_t k) const;
    // Const because shards hold the table as const: the words are the table's mutable part.
    bool claim_probe(uint32_t p, uint32_t k, HealthWord seen, uint64_t now_ms) const;

  private:
    struct Slot;
    // The epoch on a line of its own: read on every pick, written only on state changes.
    struct alignas(64) EpochLine {
        std::atomic<uint64_t> value{1};
    };

    KeyTable(const std::vector<ProviderOptions>& providers, HealthPolicy policy);
    Slot& slot(uint32_t p, uint32_t k) const;
    void carry_over(const KeyTable& previous);
    // CAS loop helpers; each returns after at most one change and bumps the epoch on it.
    // `t` (may be null) receives the transition when the CAS succeeds.
    bool replace_word(Slot& s, HealthWord& seen, HealthWord next, uint64_t now_ms = 0,
                      Transition* t = nullptr) const;
    Transition on_rate_limited(Slot& s, uint32_t p, uint32_t k, uint64_t retry_after_ms,
                               uint64_t now_ms);
    Transition on_circuit_failure(Slot& s, uint64_t now_ms);
    Transition on_key_rejected(Slot& s, KeyState state, uint64_t now_ms);
    void bump_epoch() const { epoch_.value.fetch_add(1, std::memory_order_acq_rel); }
    uint64_t open_period_ms(uint32_t reopens) const;
    uint64_t backoff_ms(uint32_t streak, uint32_t p, uint32_t k, uint64_t now_ms) const;

    mutable EpochLine epoch_;
    HealthPolicy policy_;
    uint64_t jitter_seed_;
    std::vector<ProviderOptions> providers_;
    std::vector<uint32_t> first_slot_;  // per provider, index of its key 0 in slots_
    std::unique_ptr<Slot[]> slots_;
};

}  // namespace rg::keys
