#include "observe/request_metrics.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>

#include "observe/registry.h"

namespace rg::observe {
namespace {

using SV = std::string_view;

constexpr SV routes[] = {"chat", "messages"};
constexpr SV formats[] = {"openai", "anthropic"};
constexpr SV reasons[] = {"rate_limited", "server"};
constexpr SV limit_names[] = {"none", "requests_per_second"};

std::shared_ptr<MetricsVocabulary> vocabulary() {
    auto v = std::make_shared<MetricsVocabulary>();
    v->routes = routes;
    v->formats = formats;
    v->reasons = reasons;
    v->limits = limit_names;
    v->providers = {"oa", "an"};
    v->key_base = {0, 2};
    v->key_ids = {"k1", "k2", "a1"};
    v->key_provider = {0, 0, 1};
    v->clients = {"team-a"};
    std::string models[] = {"gpt-4o", "claude"};
    v->models = LabelSet(std::span<const std::string>(models));
    return v;
}

struct Fixture : ::testing::Test {
    Registry registry{catalog_families()};
    WorkerMetrics& block = registry.add_block();
    std::shared_ptr<MetricsVocabulary> vocab = vocabulary();
    RequestMetrics metrics{block, vocab};

    uint64_t sum(Metric m, std::initializer_list<SV> values) {
        return registry.sum(family(m), std::span<const SV>(values.begin(), values.size()));
    }
};

TEST_F(Fixture, RequestCountsEveryFamilyItTouches) {
    RequestSample s;
    s.route = 1;
    s.format = 1;
    s.status = 200;
    s.provider = 1;
    s.model = vocab->models.index("claude");
    s.served_model = s.model;
    s.key = 2;
    s.client = 0;
    s.duration_us = 1500;
    s.usage_known = true;
    s.tokens[static_cast<size_t>(TokenKind::input)] = 7;
    s.tokens[static_cast<size_t>(TokenKind::output)] = 3;
    s.cost_nano_usd = 42'000;
    metrics.request(s);
    metrics.request(s);
    EXPECT_EQ(sum(Metric::requests, {"messages", "anthropic", "an", "claude", "2xx"}), 2u);
    EXPECT_EQ(sum(Metric::request_duration, {"messages", "anthropic"}), 2u);
    EXPECT_EQ(sum(Metric::tokens, {"input", "an", "claude"}), 14u);
    EXPECT_EQ(sum(Metric::tokens, {"output", "an", "claude"}), 6u);
    EXPECT_EQ(sum(Metric::tokens, {"cached", "an", "claude"}), 0u);  // zero kinds: no series
    EXPECT_EQ(sum(Metric::cost, {"an", "claude"}), 84'000u);
    EXPECT_EQ(sum(Metric::upstream_key_tokens, {"an", "a1", "output"}), 6u);
    EXPECT_EQ(sum(Metric::client_requests, {"team-a"}), 2u);
    EXPECT_EQ(sum(Metric::client_tokens, {"team-a", "input"}), 14u);
    EXPECT_EQ(sum(Metric::client_cost, {"team-a"}), 84'000u);
}

TEST_F(Fixture, NoneAndOtherIndicesNameTheirSeries) {
    RequestSample s;
    s.status = 0;  // the client went away
    s.provider = vocab->provider_none();
    s.model = vocab->models.index("made-up");
    s.served_model = vocab->model_none();
    s.key = vocab->key_none();
    s.client = vocab->client_none();
    metrics.request(s);
    s.model = vocab->model_none();
    s.status = 404;
    metrics.request(s);
    EXPECT_EQ(sum(Metric::requests, {"chat", "openai", "none", "other", "other"}), 1u);
    EXPECT_EQ(sum(Metric::requests, {"chat", "openai", "none", "none", "4xx"}), 1u);
}

TEST_F(Fixture, AttemptsRetriesFailoversAndLimits) {
    metrics.attempt(1, 429);
    metrics.attempt(1, 0);
    metrics.attempt(9, 200);  // out of range: ignored
    metrics.retry(0, 0);
    metrics.failover(0, 1);
    metrics.limited(0, 1);
    metrics.upstream_latency(0, 0, 2'000);
    metrics.first_token(0, 0, 3'000);
    EXPECT_EQ(sum(Metric::upstream_key_requests, {"oa", "k2", "4xx"}), 1u);
    EXPECT_EQ(sum(Metric::upstream_key_requests, {"oa", "k2", "other"}), 1u);
    EXPECT_EQ(sum(Metric::retries, {"oa", "rate_limited"}), 1u);
    EXPECT_EQ(sum(Metric::failovers, {"oa", "server"}), 1u);
    EXPECT_EQ(sum(Metric::rate_limited, {"team-a", "requests_per_second"}), 1u);
    EXPECT_EQ(registry.histogram_sum(family(Metric::upstream_latency),
                                     std::initializer_list<SV>{"oa", "gpt-4o"}),
              2'000u);
    EXPECT_EQ(sum(Metric::time_to_first_token, {"oa", "gpt-4o"}), 1u);
}

}  // namespace
}  // namespace rg::observe
