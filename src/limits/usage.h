// Usage: the tokens one answer used, normalised across providers, and what they cost.
// UsageTotals: plain per-worker sums (per model, per provider key) that the proxy owns and
// metrics add up on scrape. Pure data; no atomics, no allocation.
#pragma once

#include <cstdint>
#include <span>

#include "limits/options.h"

namespace rg::limits {

// Normalised as OpenAI reports it: prompt_tokens counts every input token, cached and
// cache-creation tokens included; completion_tokens counts every output token, reasoning
// included. Translators map the other formats onto it:
//   Anthropic: prompt = input_tokens + cache_read_input_tokens + cache_creation_input_tokens,
//              cached_prompt = cache_read_input_tokens,
//              cache_creation = cache_creation_input_tokens, completion = output_tokens.
//   Gemini:    prompt = promptTokenCount, cached_prompt = cachedContentTokenCount,
//              completion = candidatesTokenCount + thoughtsTokenCount,
//              reasoning = thoughtsTokenCount.
//   OpenAI:    prompt_tokens_details.cached_tokens, completion_tokens_details.reasoning_tokens.
struct Usage {
    uint64_t prompt_tokens = 0;
    uint64_t cached_prompt_tokens = 0;   // part of prompt_tokens, read from a provider cache
    uint64_t cache_creation_tokens = 0;  // part of prompt_tokens, written to a provider cache
    uint64_t completion_tokens = 0;
    uint64_t reasoning_tokens = 0;  // part of completion_tokens

    // What rate limits and quotas count.
    uint64_t total_tokens() const { return prompt_tokens + completion_tokens; }
};

// Cost in micro-USD (integers: sums over millions of requests do not drift):
//   pico_usd = (prompt - cached) x input + cached x cached_input + completion x output
//   micro_usd = (pico_usd + 500000) / 1000000     (round half up, once per answer)
// where each price is USD per million tokens = micro-USD per token, converted to integer
// pico-USD per token by llround(price x 1e6) (exact for prices with up to 6 decimals).
// Cache-creation tokens are billed at the input price (`pricing` has no cache-write price);
// reasoning tokens are part of completion. cached > prompt is clamped to prompt.
// No price (null): 0, the model is not priced and budgets do not see it.
uint64_t cost_micro_usd(const Usage& usage, const PriceOptions* price);

// Which kind of token a counter counts; the order of UsageTotals::tokens.
enum class TokenKind : uint8_t { prompt, cached_prompt, cache_creation, completion, reasoning };
inline constexpr size_t token_kind_count = 5;
const char* token_kind_name(TokenKind k);  // metric label: "prompt", "cached_prompt", ...

// Answered requests, their tokens and cost. One per model and one per provider key in each
// worker, plain integers written by that worker only; the scrape sums the workers' copies.
struct UsageTotals {
    uint64_t requests = 0;
    uint64_t tokens[token_kind_count] = {};
    uint64_t cost_micro_usd = 0;

    void add(const Usage& usage, uint64_t cost);
    UsageTotals& operator+=(const UsageTotals& other);
};

// Sum of the workers' copies of one counter row.
UsageTotals sum_usage(std::span<const UsageTotals> per_worker);

}  // namespace rg::limits
