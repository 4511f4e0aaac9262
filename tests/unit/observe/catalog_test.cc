#include "observe/catalog.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <string_view>

#include "observe/registry.h"

namespace rg::observe {
namespace {

using SV = std::string_view;

TEST(Catalog, EveryEntryIsFilledValidAndNamedRinggate) {
    for (const MetricFamily& f : catalog_families()) {
        ASSERT_NE(f.name, nullptr);
        EXPECT_EQ(family_problem(f), nullptr) << f.name << ": " << family_problem(f);
        EXPECT_EQ(std::strncmp(f.name, "ringgate_", 9), 0) << f.name;
    }
}

TEST(Catalog, LatencyHistogramsRenderInSeconds) {
    Registry r(catalog_families());
    WorkerMetrics& w = r.add_block();
    SV v[] = {"openai", "gpt-4o"};
    w.observe(w.histogram(family(Metric::time_to_first_token), v), 250);
    w.add(w.counter(family(Metric::cost), v), 2'500);  // 2.5 micro-USD
    SV build[] = {"0.1.0", "abc123"};
    w.set(w.gauge(family(Metric::build_info), build), 1);
    ByteBuffer b;
    r.render(b);
    std::string text(b.view());
    EXPECT_NE(text.find("ringgate_time_to_first_token_seconds_bucket{provider=\"openai\","
                        "model=\"gpt-4o\",le=\"0.00025\"} 1\n"),
              std::string::npos);
    EXPECT_NE(text.find("ringgate_cost_usd_total{provider=\"openai\",model=\"gpt-4o\"} "
                        "0.0000025\n"),
              std::string::npos);
    EXPECT_NE(text.find("ringgate_build_info{version=\"0.1.0\",revision=\"abc123\"} 1\n"),
              std::string::npos);
    EXPECT_NE(text.find("\nringgate_streams_active 0\n"), std::string::npos);
}

}  // namespace
}  // namespace rg::observe
