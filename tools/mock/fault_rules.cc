#include "mock/fault_rules.h"

#include "mock/limits.h"

namespace rg::mock {
namespace {

bool name_matches(const std::string& want, std::string_view full) {
    if (want.empty() || want == full) {
        return true;
    }
    size_t tilde = full.find('~');
    return tilde != std::string_view::npos && want == full.substr(0, tilde);
}

bool window_open(uint32_t count, uint32_t for_ms, uint32_t hits, uint64_t first_ns,
                 uint64_t now_ns) {
    if (count != 0 && hits > count) {
        return false;
    }
    return for_ms == 0 || now_ns - first_ns < uint64_t{for_ms} * 1000000;
}

}  // namespace

bool FaultRule::matches(std::string_view key_full, std::string_view model_full,
                        std::string_view format_name) const {
    return name_matches(key, key_full) && name_matches(model, model_full) &&
           (format.empty() || format == format_name);
}

bool FaultRule::take(uint64_t now_ns) {
    uint32_t n = hits.fetch_add(1, std::memory_order_relaxed) + 1;
    uint64_t first = first_ns.load(std::memory_order_relaxed);
    if (first == 0) {
        uint64_t expected = 0;
        first_ns.compare_exchange_strong(expected, now_ns, std::memory_order_relaxed);
        first = first_ns.load(std::memory_order_relaxed);
    }
    if (since_configured) {
        first = created_ns;
    }
    bool applies = window_open(plan.count, plan.for_ms, n, first, now_ns);
    if (applies) {
        fired.fetch_add(1, std::memory_order_relaxed);
    }
    return applies;
}

bool FaultRule::active(uint64_t now_ns) const {
    uint64_t first = since_configured ? created_ns : first_ns.load(std::memory_order_relaxed);
    if (first == 0) {
        return true;  // not matched yet: its window has not started
    }
    return window_open(plan.count, plan.for_ms, hits.load(std::memory_order_relaxed) + 1, first,
                       now_ns);
}

uint64_t FaultRules::add(std::shared_ptr<FaultRule> rule) {
    std::lock_guard<std::mutex> lock(mu_);
    if (rules_.size() >= limits::fault_rules_max) {
        return 0;
    }
    rule->id = next_id_++;
    uint64_t id = rule->id;
    rules_.push_back(std::move(rule));
    generation_.fetch_add(1, std::memory_order_release);
    return id;
}

bool FaultRules::remove(uint64_t id) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = rules_.begin(); it != rules_.end(); ++it) {
        if ((*it)->id == id) {
            rules_.erase(it);
            generation_.fetch_add(1, std::memory_order_release);
            return true;
        }
    }
    return false;
}

void FaultRules::clear() {
    std::lock_guard<std::mutex> lock(mu_);
    rules_.clear();
    generation_.fetch_add(1, std::memory_order_release);
}

void FaultRules::snapshot(RuleList* out, uint64_t* generation) const {
    std::lock_guard<std::mutex> lock(mu_);
    *out = rules_;
    *generation = generation_.load(std::memory_order_relaxed);
}

const RuleList& RuleCache::rules(const FaultRules& shared) {
    if (shared.generation() != generation_) {
        shared.snapshot(&rules_, &generation_);
    }
    return rules_;
}

bool SequenceTable::take(std::string_view directives, uint32_t count, uint32_t for_ms,
                         uint64_t now_ns) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = states_.find(std::string(directives));
    if (it == states_.end()) {
        if (states_.size() >= limits::sequences_max) {
            states_.clear();  // bounded memory; tests reset between cases anyway
        }
        it = states_.emplace(std::string(directives), State{now_ns, 0}).first;
    }
    State& s = it->second;
    s.hits += s.hits == UINT32_MAX ? 0 : 1;
    return window_open(count, for_ms, s.hits, s.first_ns, now_ns);
}

void SequenceTable::clear() {
    std::lock_guard<std::mutex> lock(mu_);
    states_.clear();
}

}  // namespace rg::mock
