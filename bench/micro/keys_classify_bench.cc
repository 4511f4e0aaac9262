// keys::classify_response and parse_rate_limit on real provider answers (the spec's 429
// fixtures with their headers): ns/answer and allocs/answer, which must be 0 once the
// thread's parser and scratch copy are warm.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "common/alloc_counter.h"
#include "keys/classify.h"

namespace {

using rg::http::Header;
using rg::keys::ProviderType;

constexpr int64_t now_ms = 1735689600000;  // the fixtures' Date: 2025-01-01T00:00:00Z

struct Answer {
    ProviderType type;
    int status;
    std::vector<Header> headers;
    std::string body;
};

// spec/fixtures/{openai,anthropic,gemini}/error_429.http, bodies minified.
Answer answer(int which) {
    switch (which) {
        case 0:
            return {ProviderType::openai,
                    429,
                    {{"date", "Wed, 01 Jan 2025 00:00:00 GMT"},
                     {"content-type", "application/json; charset=utf-8"},
                     {"x-request-id", "req_7f3c2a1b9d8e4f5a6b7c8d9e0f1a2b3c"},
                     {"retry-after", "2"},
                     {"x-ratelimit-limit-requests", "500"},
                     {"x-ratelimit-limit-tokens", "30000"},
                     {"x-ratelimit-remaining-requests", "497"},
                     {"x-ratelimit-remaining-tokens", "200"},
                     {"x-ratelimit-reset-requests", "360ms"},
                     {"x-ratelimit-reset-tokens", "1.24s"}},
                    R"({"error":{"message":"Rate limit reached for gpt-4o in organization )"
                    R"(org-abc123 on tokens per min (TPM): Limit 30000, Used 29800, Requested )"
                    R"(820. Please try again in 1.24s. Visit https://platform.openai.com/)"
                    R"(account/rate-limits to learn more.","type":"tokens","param":null,)"
                    R"("code":"rate_limit_exceeded"}})"};
        case 1:
            return {ProviderType::anthropic,
                    429,
                    {{"date", "Wed, 01 Jan 2025 00:00:00 GMT"},
                     {"content-type", "application/json"},
                     {"x-should-retry", "true"},
                     {"anthropic-ratelimit-requests-limit", "50"},
                     {"anthropic-ratelimit-requests-remaining", "0"},
                     {"anthropic-ratelimit-requests-reset", "2025-01-01T00:00:17Z"},
                     {"anthropic-ratelimit-tokens-limit", "48000"},
                     {"anthropic-ratelimit-tokens-remaining", "47000"},
                     {"anthropic-ratelimit-tokens-reset", "2025-01-01T00:00:02Z"},
                     {"anthropic-ratelimit-input-tokens-remaining", "39500"},
                     {"anthropic-ratelimit-input-tokens-reset", "2025-01-01T00:00:01Z"},
                     {"anthropic-ratelimit-output-tokens-remaining", "7500"},
                     {"anthropic-ratelimit-output-tokens-reset", "2025-01-01T00:00:04Z"}},
                    R"({"type":"error","error":{"type":"rate_limit_error","message":"This )"
                    R"(request would exceed the rate limit for your organization (org-id) of )"
                    R"(50 requests per minute."},"request_id":"req_011CSHoEeqs5C35K2UUqR7Fy"})"};
        default:
            return {ProviderType::gemini,
                    429,
                    {{"date", "Wed, 01 Jan 2025 00:00:00 GMT"},
                     {"content-type", "application/json; charset=UTF-8"}},
                    R"({"error":{"code":429,"message":"You exceeded your current quota.",)"
                    R"("status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.)"
                    R"(com/google.rpc.QuotaFailure","violations":[{"quotaMetric":)"
                    R"("generativelanguage.googleapis.com/generate_content_free_tier_)"
                    R"(requests","quotaId":"GenerateRequestsPerMinutePerProjectPerModel-)"
                    R"(FreeTier","quotaDimensions":{"location":"global","model":)"
                    R"("gemini-2.5-flash"},"quotaValue":"10"}]},{"@type":"type.googleapis.)"
                    R"(com/google.rpc.Help","links":[{"description":"Learn more","url":)"
                    R"("https://ai.google.dev/gemini-api/docs/rate-limits"}]},{"@type":)"
                    R"("type.googleapis.com/google.rpc.RetryInfo","retryDelay":"34s"}]}})"};
    }
}

void BM_ClassifyResponse(benchmark::State& state) {
    const Answer a = answer(static_cast<int>(state.range(0)));
    rg::keys::Classification warm =
        rg::keys::classify_response(a.type, a.status, a.headers, a.body, now_ms);
    if (warm.cls != rg::keys::FailureClass::rate_limited || warm.retry_after_ms == 0) {
        state.SkipWithError("unexpected classification");
        return;
    }
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        rg::keys::Classification c =
            rg::keys::classify_response(a.type, a.status, a.headers, a.body, now_ms);
        benchmark::DoNotOptimize(c);
    }
    RG_BENCH_REPORT_ALLOCS(state, before);
    state.counters["body_bytes"] = static_cast<double>(a.body.size());
}
BENCHMARK(BM_ClassifyResponse)->DenseRange(0, 2)->ArgName("openai_anthropic_gemini");

// Run on every answer, successes included.
void BM_ParseRateLimit(benchmark::State& state) {
    const Answer a = answer(static_cast<int>(state.range(0)));
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        rg::keys::RateLimitHint h = rg::keys::parse_rate_limit(a.type, a.headers, now_ms);
        benchmark::DoNotOptimize(h);
    }
    RG_BENCH_REPORT_ALLOCS(state, before);
}
BENCHMARK(BM_ParseRateLimit)->DenseRange(0, 1)->ArgName("openai_anthropic");

}  // namespace

BENCHMARK_MAIN();
