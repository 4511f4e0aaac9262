// Workers increment while a scraper renders: every scrape is well-formed, counters never
// go backwards between scrapes, and the final sums are exact. Run under TSan
// (-DRG_TSAN=ON) to check the single-writer protocol has no data race.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "observe/registry.h"

namespace rg::observe {
namespace {

using SV = std::string_view;

constexpr const char* route_label[] = {"route"};
constexpr uint64_t bounds[] = {10, 100};
constexpr MetricFamily families[] = {
    {"t_requests_total", "r", MetricType::counter, route_label},
    {"t_inflight", "g", MetricType::gauge, {}},
    {"t_latency_seconds", "h", MetricType::histogram, route_label, 6, {bounds}},
};

// Sum of every t_requests_total sample in a scrape.
uint64_t requests_in(const std::string& text) {
    uint64_t total = 0;
    size_t pos = 0;
    while ((pos = text.find("\nt_requests_total{", pos)) != std::string::npos) {
        size_t space = text.find(' ', pos);
        total += std::strtoull(text.c_str() + space + 1, nullptr, 10);
        pos = space;
    }
    return total;
}

TEST(RegistryThreads, ScrapesWhileWorkersIncrementAndCreateSeries) {
    constexpr int workers = 3;
    constexpr uint64_t iterations = 60'000;
    constexpr int routes = 8;
    Registry r(families);
    std::vector<WorkerMetrics*> blocks;
    for (int i = 0; i < workers; ++i) {
        blocks.push_back(&r.add_block());
    }
    std::atomic<int> running{workers};
    std::vector<std::thread> threads;
    for (int t = 0; t < workers; ++t) {
        threads.emplace_back([&, t] {
            WorkerMetrics& w = *blocks[t];
            GaugeId g = w.gauge(1);
            for (uint64_t i = 0; i < iterations; ++i) {
                // Series appear lazily during the run, so the scraper sees them published.
                std::string route = "/r" + std::to_string(i % routes);
                SV v[] = {route};
                w.add(w.counter(0, v));
                w.add(g, 1);
                w.observe(w.histogram(2, v), i % 200);
                w.add(g, -1);
            }
            running.fetch_sub(1);
        });
    }
    uint64_t last = 0;
    do {
        ByteBuffer b;
        r.render(b);
        std::string text(b.view());
        uint64_t now = requests_in(text);
        EXPECT_GE(now, last);
        EXPECT_LE(now, workers * iterations);
        last = now;
    } while (running.load() > 0);
    for (auto& t : threads) {
        t.join();
    }
    ByteBuffer b;
    r.render(b);
    std::string text(b.view());
    EXPECT_EQ(requests_in(text), workers * iterations);
    for (int k = 0; k < routes; ++k) {
        std::string route = "/r" + std::to_string(k);
        SV v[] = {route};
        EXPECT_EQ(r.sum(0, v), workers * iterations / routes);
        EXPECT_EQ(r.sum(2, v), workers * iterations / routes);
    }
    EXPECT_NE(text.find("\nt_inflight 0\n"), std::string::npos);
}

}  // namespace
}  // namespace rg::observe
