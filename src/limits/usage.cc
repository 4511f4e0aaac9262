#include "limits/usage.h"

#include <algorithm>
#include <cmath>

namespace rg::limits {

namespace {

// USD per million tokens -> integer pico-USD per token. Negative prices are refused by the
// config; clamp anyway so a cost can never wrap.
uint64_t pico_usd_per_token(double usd_per_million) {
    if (!(usd_per_million > 0)) {
        return 0;
    }
    return static_cast<uint64_t>(std::llround(usd_per_million * 1e6));
}

}  // namespace

uint64_t cost_micro_usd(const Usage& usage, const PriceOptions* price) {
    if (price == nullptr) {
        return 0;
    }
    const uint64_t cached = std::min(usage.cached_prompt_tokens, usage.prompt_tokens);
    // 128-bit: 1e12 tokens x 1e9 pico-USD would not fit 64 bits.
    using u128 = unsigned __int128;
    const u128 pico = u128{usage.prompt_tokens - cached} * pico_usd_per_token(price->input) +
                      u128{cached} * pico_usd_per_token(price->cached_input) +
                      u128{usage.completion_tokens} * pico_usd_per_token(price->output);
    const u128 micro = (pico + 500000) / 1000000;
    return micro > UINT64_MAX ? UINT64_MAX : static_cast<uint64_t>(micro);
}

const char* token_kind_name(TokenKind k) {
    static constexpr const char* names[token_kind_count] = {
        "prompt", "cached_prompt", "cache_creation", "completion", "reasoning"};
    return names[static_cast<size_t>(k)];
}

void UsageTotals::add(const Usage& usage, uint64_t cost) {
    ++requests;
    tokens[static_cast<size_t>(TokenKind::prompt)] += usage.prompt_tokens;
    tokens[static_cast<size_t>(TokenKind::cached_prompt)] += usage.cached_prompt_tokens;
    tokens[static_cast<size_t>(TokenKind::cache_creation)] += usage.cache_creation_tokens;
    tokens[static_cast<size_t>(TokenKind::completion)] += usage.completion_tokens;
    tokens[static_cast<size_t>(TokenKind::reasoning)] += usage.reasoning_tokens;
    cost_micro_usd += cost;
}

UsageTotals& UsageTotals::operator+=(const UsageTotals& other) {
    requests += other.requests;
    for (size_t i = 0; i < token_kind_count; ++i) {
        tokens[i] += other.tokens[i];
    }
    cost_micro_usd += other.cost_micro_usd;
    return *this;
}

UsageTotals sum_usage(std::span<const UsageTotals> per_worker) {
    UsageTotals sum;
    for (const UsageTotals& t : per_worker) {
        sum += t;
    }
    return sum;
}

}  // namespace rg::limits
