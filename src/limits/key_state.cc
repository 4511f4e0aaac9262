#include "limits/key_state.h"

namespace rg::limits {

const char* limit_kind_name(LimitKind k) {
    static constexpr const char* names[limit_kind_count] = {
        "none",           "requests_per_second", "tokens_per_minute", "requests_per_day",
        "tokens_per_day", "budget_per_day",      "budget_per_month"};
    return names[static_cast<size_t>(k)];
}

KeyCounters KeyState::read_counters() const {
    constexpr auto relaxed = std::memory_order_relaxed;
    KeyCounters c;
    c.admitted = counters.admitted.load(relaxed);
    for (size_t i = 0; i < limit_kind_count; ++i) {
        c.refused[i] = counters.refused[i].load(relaxed);
    }
    c.released = counters.released.load(relaxed);
    c.settled = counters.settled.load(relaxed);
    for (size_t i = 0; i < token_kind_count; ++i) {
        c.tokens[i] = counters.tokens[i].load(relaxed);
    }
    c.cost_micro_usd = counters.cost_micro_usd.load(relaxed);
    return c;
}

}  // namespace rg::limits
