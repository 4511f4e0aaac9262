// Recording through resolved ids allocates nothing. The binary links rg_alloc_counter
// (tests/common/alloc_count.h), so this file is built only without sanitizers.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/alloc_count.h"
#include "observe/registry.h"
#include "observe/request_metrics.h"

namespace rg::observe {
namespace {

using SV = std::string_view;

constexpr SV routes[] = {"chat"};
constexpr SV formats[] = {"openai"};
constexpr SV reasons[] = {"server"};
constexpr SV limit_names[] = {"requests_per_second"};

TEST(RequestMetricsAlloc, RecordingAfterFirstUseAllocatesNothing) {
    Registry registry(catalog_families());
    WorkerMetrics& block = registry.add_block();
    auto v = std::make_shared<MetricsVocabulary>();
    v->routes = routes;
    v->formats = formats;
    v->reasons = reasons;
    v->limits = limit_names;
    v->providers = {"oa"};
    v->key_base = {0};
    v->key_ids = {"k1"};
    v->key_provider = {0};
    v->clients = {"team-a"};
    std::string models[] = {"gpt-4o"};
    v->models = LabelSet(std::span<const std::string>(models));
    RequestMetrics metrics(block, v);
    RequestSample s;
    s.status = 200;
    s.usage_known = true;
    s.tokens[0] = 5;
    s.tokens[3] = 2;
    s.cost_nano_usd = 1;
    metrics.request(s);  // the first use resolves the ids
    metrics.attempt(0, 200);
    metrics.upstream_latency(0, 0, 10);
    metrics.retry(0, 0);

    const uint64_t counted = alloc_count::allocations();
    auto probe = std::make_unique<int>(1);
    ASSERT_GT(alloc_count::allocations(), counted) << "operator new replacement not in effect";
    const uint64_t before = alloc_count::allocations();
    for (int i = 0; i < 100; ++i) {
        metrics.attempt(0, 200);
        metrics.upstream_latency(0, 0, 10);
        metrics.retry(0, 0);
        metrics.request(s);
    }
    EXPECT_EQ(alloc_count::allocations(), before);
    SV labels[] = {"chat", "openai", "oa", "gpt-4o", "2xx"};
    EXPECT_EQ(registry.sum(family(Metric::requests), labels), 101u);
}

}  // namespace
}  // namespace rg::observe
