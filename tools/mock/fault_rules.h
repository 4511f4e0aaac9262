// Runtime fault state shared by all workers:
//  - FaultRules: rules added over the control API (match a key, model or format and
//    inject a fault), published as an immutable list plus a generation number. Workers
//    keep a copy and re-copy it (under the mutex) only when the generation moves, so the
//    request path reads one atomic. Per-rule counters are atomics.
//  - SequenceTable: state of sequence-mode directives ("fail for the first N requests /
//    for N ms") keyed by the directive text. Touched only by requests that carry such a
//    directive; guarded by a mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mock/plan.h"

namespace rg::mock {

struct FaultRule {
    uint64_t id = 0;
    std::string key;     // empty: any key; else the key as received or its base
    std::string model;   // empty: any model; else the model as received or its base
    std::string format;  // empty: any; else "openai" | "anthropic" | "gemini"
    Plan plan;
    bool since_configured = false;  // for_ms counts from creation, not first match
    uint64_t created_ns = 0;
    std::atomic<uint64_t> first_ns{0};
    std::atomic<uint32_t> hits{0};   // matching requests seen
    std::atomic<uint32_t> fired{0};  // requests the fault was applied to

    bool matches(std::string_view key_full, std::string_view model_full,
                 std::string_view format_name) const;
    // Counts a matching request; returns whether the fault applies to it.
    bool take(uint64_t now_ns);
    bool active(uint64_t now_ns) const;
};

using RuleList = std::vector<std::shared_ptr<FaultRule>>;

class FaultRules {
  public:
    // Returns the new rule's id, or 0 when the table is full.
    uint64_t add(std::shared_ptr<FaultRule> rule);
    bool remove(uint64_t id);
    void clear();
    uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
    // Copies the list; sets *generation to the generation it belongs to.
    void snapshot(RuleList* out, uint64_t* generation) const;

  private:
    mutable std::mutex mu_;
    RuleList rules_;
    uint64_t next_id_ = 1;
    std::atomic<uint64_t> generation_{1};
};

// Worker-local view of FaultRules; refreshed when the shared generation changes.
class RuleCache {
  public:
    const RuleList& rules(const FaultRules& shared);

  private:
    uint64_t generation_ = 0;
    RuleList rules_;
};

class SequenceTable {
  public:
    // Counts one request carrying `directives` (its source text); returns whether the
    // sequence's fault still applies (first `count` requests and/or within `for_ms` of the
    // first one).
    bool take(std::string_view directives, uint32_t count, uint32_t for_ms, uint64_t now_ns);
    void clear();

  private:
    struct State {
        uint64_t first_ns = 0;
        uint32_t hits = 0;
    };
    std::mutex mu_;
    std::unordered_map<std::string, State> states_;
};

}  // namespace rg::mock
