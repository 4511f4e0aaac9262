#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "limits/pricing.h"
#include "limits/token_estimate.h"
#include "limits/usage.h"

namespace rg::limits {
namespace {

Usage usage(uint64_t prompt, uint64_t cached, uint64_t completion) {
    Usage u;
    u.prompt_tokens = prompt;
    u.cached_prompt_tokens = cached;
    u.completion_tokens = completion;
    return u;
}

TEST(Cost, FormulaInMicroUsd) {
    const PriceOptions gpt4o{"gpt-4o", 2.50, 1.25, 10.00};
    // 1M uncached input = USD 2.50; 1M completion = USD 10.
    EXPECT_EQ(cost_micro_usd(usage(1000000, 0, 0), &gpt4o), 2500000u);
    EXPECT_EQ(cost_micro_usd(usage(0, 0, 1000000), &gpt4o), 10000000u);
    // 1000 prompt of which 400 cached, 300 completion: 600x2.5 + 400x1.25 + 300x10.
    EXPECT_EQ(cost_micro_usd(usage(1000, 400, 300), &gpt4o), 1500u + 500u + 3000u);
    EXPECT_EQ(cost_micro_usd(usage(1000, 400, 300), nullptr), 0u);
}

TEST(Cost, RoundsHalfUpOncePerAnswer) {
    const PriceOptions cheap{"m", 0.075, 0.0375, 0.3};        // pico-USD per token: 75000, 37500
    EXPECT_EQ(cost_micro_usd(usage(6, 0, 0), &cheap), 0u);    // 0.45 micro-USD
    EXPECT_EQ(cost_micro_usd(usage(7, 0, 0), &cheap), 1u);    // 0.525
    EXPECT_EQ(cost_micro_usd(usage(20, 20, 0), &cheap), 1u);  // 0.75
    EXPECT_EQ(cost_micro_usd(usage(0, 0, 5), &cheap), 2u);    // 1.5 -> 2
}

TEST(Cost, CacheCreationAtInputPriceAndReasoningInsideCompletion) {
    const PriceOptions p{"m", 3.0, 0.3, 15.0};
    Usage u = usage(100, 0, 10);
    u.cache_creation_tokens = 100;
    u.reasoning_tokens = 10;
    EXPECT_EQ(cost_micro_usd(u, &p), 300u + 150u);
}

TEST(Cost, CachedBeyondPromptIsClampedAndHugeCountsDoNotWrap) {
    const PriceOptions p{"m", 2.0, 1.0, 0};
    EXPECT_EQ(cost_micro_usd(usage(10, 50, 0), &p), 10u);
    const PriceOptions dear{"m", 1e6, 1e6, 1e6};
    EXPECT_EQ(cost_micro_usd(usage(UINT64_MAX, 0, 0), &dear), UINT64_MAX);
}

TEST(UsageTotals, AddsAndSumsWorkers) {
    std::vector<UsageTotals> workers(3);
    Usage u = usage(100, 20, 30);
    u.reasoning_tokens = 5;
    u.cache_creation_tokens = 7;
    workers[0].add(u, 11);
    workers[2].add(u, 11);
    workers[2].add(usage(1, 0, 1), 1);
    const UsageTotals s = sum_usage(workers);
    EXPECT_EQ(s.requests, 3u);
    EXPECT_EQ(s.tokens[static_cast<size_t>(TokenKind::prompt)], 201u);
    EXPECT_EQ(s.tokens[static_cast<size_t>(TokenKind::cached_prompt)], 40u);
    EXPECT_EQ(s.tokens[static_cast<size_t>(TokenKind::cache_creation)], 14u);
    EXPECT_EQ(s.tokens[static_cast<size_t>(TokenKind::completion)], 61u);
    EXPECT_EQ(s.tokens[static_cast<size_t>(TokenKind::reasoning)], 10u);
    EXPECT_EQ(s.cost_micro_usd, 23u);
    EXPECT_STREQ(token_kind_name(TokenKind::cache_creation), "cache_creation");
    EXPECT_EQ(u.total_tokens(), 130u);
}

TEST(Pricing, ExactNameBeforeGlobsThenFirstGlobInConfigOrder) {
    const Pricing p({{"gpt-*", 1, 1, 1},
                     {"gpt-4o*", 2, 2, 2},
                     {"gpt-4o", 3, 3, 3},
                     {"claude-?", 4, 4, 4},
                     {"gpt-4o", 5, 5, 5}});
    ASSERT_NE(p.find("gpt-4o"), nullptr);
    EXPECT_EQ(p.find("gpt-4o")->input, 3);  // exact, first of the duplicates
    EXPECT_EQ(p.find("gpt-4o-mini")->input, 1);
    EXPECT_EQ(p.find("claude-3")->input, 4);
    EXPECT_EQ(p.find("claude-35"), nullptr);
    EXPECT_EQ(p.find("gemini"), nullptr);
    EXPECT_EQ(Pricing().find("gpt-4o"), nullptr);
}

TEST(TokenEstimate, CountsStringValuesNotKeysOrStructure) {
    EXPECT_EQ(estimate_tokens_from_text_bytes(0), 0u);
    EXPECT_EQ(estimate_tokens_from_text_bytes(1), 1u);
    EXPECT_EQ(estimate_tokens_from_text_bytes(8), 2u);
    // Values "gpt-4o" (6 -> 2), "user" (4 -> 1), 16 bytes of text (-> 4); keys skipped.
    const std::string body =
        R"({"model": "gpt-4o", "messages": [{"role" : "user", "content": "Hello there, you"}],)"
        R"( "max_tokens": 100})";
    EXPECT_EQ(estimate_input_tokens(body), 2u + 1u + 4u);
    EXPECT_EQ(estimate_input_tokens(""), 0u);
    EXPECT_EQ(estimate_input_tokens("not json"), 0u);
}

TEST(TokenEstimate, EscapesCountAsOneByte) {
    EXPECT_EQ(estimate_input_tokens(R"({"a":"\"\"\"\""})"), 1u);              // 4 quotes
    EXPECT_EQ(estimate_input_tokens(R"({"a":"\u00e9\u00e9\\\\abcd"})"), 2u);  // 2+2+4
    EXPECT_EQ(estimate_input_tokens(R"(["x\\", "yy"])"), 2u);  // escaped backslash ends "x\"
}

TEST(TokenEstimate, BlobsCountAsAFixedAmount) {
    const std::string b64(4000, 'A');
    const std::string body = R"({"image_url": {"url": "data:image/png;base64,)" + b64 +
                             R"("}, "text": ")" + std::string(400, 'a') + R"("})";
    EXPECT_EQ(estimate_input_tokens(body), blob_tokens + 100);
    const std::string long_base64 = R"({"data": ")" + b64 + R"("})";
    EXPECT_EQ(estimate_input_tokens(long_base64), blob_tokens);
    std::string prose;
    while (prose.size() < 4000) {
        prose += "word ";
    }
    EXPECT_EQ(estimate_input_tokens(R"({"t": ")" + prose + R"("})"),
              estimate_tokens_from_text_bytes(prose.size()));
}

TEST(TokenEstimate, TruncatedBodyStillGivesANumber) {
    EXPECT_EQ(estimate_input_tokens(R"({"content": "abcdefgh)"), 2u);
    EXPECT_EQ(estimate_input_tokens(R"({"content": "abc\)"), 1u);
}

}  // namespace
}  // namespace rg::limits
