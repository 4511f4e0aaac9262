#include "observe/registry.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace rg::observe {
namespace {

using SV = std::string_view;

constexpr const char* request_labels[] = {"route", "status_class"};
constexpr const char* route_label[] = {"route"};
constexpr uint64_t bounds_us[] = {100, 1000, 1'000'000};

// Deliberately not in name order: rendering sorts by name.
constexpr MetricFamily families[] = {
    {"test_requests_total", "Requests.", MetricType::counter, request_labels},
    {"test_active", "Open things.", MetricType::gauge, {}},
    {"test_latency_seconds", "Latency.", MetricType::histogram, route_label, 6, {bounds_us}},
    {"test_cost_usd_total", "Money.", MetricType::counter, {}, 9},
};
constexpr FamilyId requests = 0, active = 1, latency = 2, cost = 3;

std::string render(Registry& r) {
    ByteBuffer b;
    r.render(b);
    return std::string(b.view());
}

const char* const overflow_header =
    "# HELP ringgate_metrics_series_overflow_total Metric series lookups refused because a "
    "worker's series table was full; their observations went to a sink.\n"
    "# TYPE ringgate_metrics_series_overflow_total counter\n";

TEST(Registry, RendersGoldenTextSummedOverWorkers) {
    Registry r(families);
    WorkerMetrics& a = r.add_block();
    WorkerMetrics& b = r.add_block();
    // Worker b creates its series in the opposite order: the text must not change.
    b.add(b.counter(requests, std::vector<SV>{"/v1/messages", "4xx"}));
    b.add(b.counter(requests, std::vector<SV>{"/v1/chat", "2xx"}), 2);
    a.add(a.counter(requests, std::vector<SV>{"/v1/chat", "2xx"}), 3);
    a.add(a.gauge(active), 2);
    b.add(b.gauge(active), -1);
    HistogramId h = a.histogram(latency, std::vector<SV>{"/v1/chat"});
    a.observe(h, 100);  // on the first bound: counts in le="0.0001"
    a.observe(h, 101);
    b.observe(b.histogram(latency, std::vector<SV>{"/v1/chat"}), 1'000'000);
    b.observe(b.histogram(latency, std::vector<SV>{"/v1/chat"}), 5'000'000);
    b.add(b.counter(cost), 1'500'000'000);

    std::string expected = std::string(overflow_header) +
                           "ringgate_metrics_series_overflow_total 0\n"
                           "# HELP test_active Open things.\n"
                           "# TYPE test_active gauge\n"
                           "test_active 1\n"
                           "# HELP test_cost_usd_total Money.\n"
                           "# TYPE test_cost_usd_total counter\n"
                           "test_cost_usd_total 1.5\n"
                           "# HELP test_latency_seconds Latency.\n"
                           "# TYPE test_latency_seconds histogram\n"
                           "test_latency_seconds_bucket{route=\"/v1/chat\",le=\"0.0001\"} 1\n"
                           "test_latency_seconds_bucket{route=\"/v1/chat\",le=\"0.001\"} 2\n"
                           "test_latency_seconds_bucket{route=\"/v1/chat\",le=\"1\"} 3\n"
                           "test_latency_seconds_bucket{route=\"/v1/chat\",le=\"+Inf\"} 4\n"
                           "test_latency_seconds_sum{route=\"/v1/chat\"} 6.000201\n"
                           "test_latency_seconds_count{route=\"/v1/chat\"} 4\n"
                           "# HELP test_requests_total Requests.\n"
                           "# TYPE test_requests_total counter\n"
                           "test_requests_total{route=\"/v1/chat\",status_class=\"2xx\"} 5\n"
                           "test_requests_total{route=\"/v1/messages\",status_class=\"4xx\"} 1\n";
    EXPECT_EQ(render(r), expected);
    // A second scrape of unchanged values gives the same bytes.
    EXPECT_EQ(render(r), expected);
}

TEST(Registry, UnusedLabelledFamiliesAreLeftOutAndUnlabelledRenderZero) {
    Registry r(families);
    r.add_block();
    std::string text = render(r);
    EXPECT_EQ(text.find("test_requests_total"), std::string::npos);
    EXPECT_EQ(text.find("test_latency_seconds"), std::string::npos);
    EXPECT_NE(text.find("\ntest_active 0\n"), std::string::npos);
    EXPECT_NE(text.find("\ntest_cost_usd_total 0\n"), std::string::npos);
}

TEST(Registry, EscapesLabelValuesInTheText) {
    Registry r(families);
    WorkerMetrics& w = r.add_block();
    w.add(w.counter(requests, std::vector<SV>{"a\\b\"c\nd", "2xx"}));
    EXPECT_NE(
        render(r).find("test_requests_total{route=\"a\\\\b\\\"c\\nd\",status_class=\"2xx\"} 1\n"),
        std::string::npos);
}

TEST(Registry, HelpTextIsEscaped) {
    static constexpr MetricFamily odd[] = {
        {"odd_total", "back\\slash\nnewline", MetricType::counter, {}},
    };
    Registry r(odd);
    r.add_block();
    EXPECT_NE(render(r).find("# HELP odd_total back\\\\slash\\nnewline\n"), std::string::npos);
}

TEST(Registry, SeriesSortByLabelValuesWhateverTheCreationOrder) {
    Registry r(families);
    WorkerMetrics& w = r.add_block();
    for (SV route : {"/c", "/a", "/b"}) {
        w.add(w.counter(requests, std::vector<SV>{route, "2xx"}));
    }
    std::string text = render(r);
    size_t a = text.find("route=\"/a\"");
    size_t b = text.find("route=\"/b\"");
    size_t c = text.find("route=\"/c\"");
    ASSERT_NE(a, std::string::npos);
    EXPECT_LT(a, b);
    EXPECT_LT(b, c);
}

TEST(Registry, SameLabelsReturnTheSameSeries) {
    Registry r(families);
    WorkerMetrics& w = r.add_block();
    CounterId x = w.counter(requests, std::vector<SV>{"/a", "2xx"});
    CounterId y = w.counter(requests, std::vector<SV>{"/a", "2xx"});
    CounterId z = w.counter(requests, std::vector<SV>{"/a", "5xx"});
    EXPECT_EQ(x.cell, y.cell);
    EXPECT_NE(x.cell, z.cell);
    // Label boundaries count: ("/a", "b") is not ("/ab", "").
    CounterId p = w.counter(requests, std::vector<SV>{"/a", "b"});
    CounterId q = w.counter(requests, std::vector<SV>{"/ab", ""});
    EXPECT_NE(p.cell, q.cell);
    w.add(p, 4);
    w.add(q, 9);
    EXPECT_EQ(r.sum(requests, std::vector<SV>{"/a", "b"}), 4u);
    EXPECT_EQ(r.sum(requests, std::vector<SV>{"/ab", ""}), 9u);
}

TEST(Registry, LongLabelValuesAreCutAtAUtf8Boundary) {
    Registry r(families);
    WorkerMetrics& w = r.add_block();
    // 127 ASCII bytes then a 2-byte character straddling the 128-byte limit.
    std::string long_value(limits::label_value_bytes_max - 1, 'm');
    long_value += "\xc3\xa9tail";
    w.add(w.counter(requests, std::vector<SV>{long_value, "2xx"}));
    // Another value with the same first 127 bytes lands in the same series.
    std::string other(limits::label_value_bytes_max - 1, 'm');
    other += "\xc3\xa8";
    w.add(w.counter(requests, std::vector<SV>{other, "2xx"}));
    std::string expected = "test_requests_total{route=\"" +
                           std::string(limits::label_value_bytes_max - 1, 'm') +
                           "\",status_class=\"2xx\"} 2\n";
    EXPECT_NE(render(r).find(expected), std::string::npos);
}

TEST(Registry, FullSeriesTableCountsOverflowAndKeepsExistingSeries) {
    // 5 families (4 + overflow); at start: sink, overflow, test_active, test_cost.
    Capacity cap;
    cap.series = 8;
    cap.cells = 64;
    Registry r(families, cap);
    WorkerMetrics& w = r.add_block();
    std::vector<CounterId> ids;
    for (int i = 0; i < 10; ++i) {
        std::string route = "/r" + std::to_string(i);
        ids.push_back(w.counter(requests, std::vector<SV>{route, "2xx"}));
        w.add(ids.back());
    }
    EXPECT_EQ(w.overflows(), 6u);
    // Existing series are still found and counted when the table is full.
    w.add(w.counter(requests, std::vector<SV>{"/r0", "2xx"}));
    EXPECT_EQ(w.overflows(), 6u);
    EXPECT_EQ(r.sum(requests, std::vector<SV>{"/r0", "2xx"}), 2u);
    EXPECT_EQ(r.sum(requests, std::vector<SV>{"/r9", "2xx"}), 0u);
    // A histogram that overflows writes to the sink, harmlessly.
    w.observe(w.histogram(latency, std::vector<SV>{"/x"}), 5);
    EXPECT_EQ(w.overflows(), 7u);
    std::string text = render(r);
    EXPECT_NE(text.find("ringgate_metrics_series_overflow_total 7\n"), std::string::npos);
    EXPECT_NE(text.find("route=\"/r3\""), std::string::npos);
    EXPECT_EQ(text.find("route=\"/r4\""), std::string::npos);
    EXPECT_EQ(text.find("route=\"/x\""), std::string::npos);
}

TEST(Registry, LabelBytesExhaustedCountsOverflow) {
    Capacity cap;
    cap.label_bytes = 10;
    Registry r(families, cap);
    WorkerMetrics& w = r.add_block();
    w.add(w.counter(requests, std::vector<SV>{"/abcd", "2xx"}));  // 8 bytes
    w.add(w.counter(requests, std::vector<SV>{"/efgh", "2xx"}));  // would be 16
    w.add(w.counter(requests, std::vector<SV>{"", "5"}));         // 9: fits
    EXPECT_EQ(w.overflows(), 1u);
    EXPECT_EQ(r.sum(requests, std::vector<SV>{"", "5"}), 1u);
}

TEST(Registry, GaugesSumSigned) {
    Registry r(families);
    WorkerMetrics& a = r.add_block();
    WorkerMetrics& b = r.add_block();
    a.set(a.gauge(active), -5);
    b.add(b.gauge(active), 2);
    EXPECT_NE(render(r).find("\ntest_active -3\n"), std::string::npos);
}

TEST(Registry, CounterSetMirrorsAnExternalCount) {
    Registry r(families);
    WorkerMetrics& a = r.add_block();
    CounterId c = a.counter(requests, std::vector<SV>{"/m", "2xx"});
    a.set(c, 41);
    a.add(c);
    EXPECT_EQ(r.sum(requests, std::vector<SV>{"/m", "2xx"}), 42u);
}

TEST(Registry, HistogramSumAndCountSummedOverBlocks) {
    Registry r(families);
    WorkerMetrics& a = r.add_block();
    WorkerMetrics& b = r.add_block();
    a.observe(a.histogram(latency, std::vector<SV>{"/h"}), 1'000'001);  // +Inf only
    b.observe(b.histogram(latency, std::vector<SV>{"/h"}), 0);
    EXPECT_EQ(r.sum(latency, std::vector<SV>{"/h"}), 2u);
    EXPECT_EQ(r.histogram_sum(latency, std::vector<SV>{"/h"}), 1'000'001u);
    std::string text = render(r);
    EXPECT_NE(text.find("test_latency_seconds_bucket{route=\"/h\",le=\"1\"} 1\n"),
              std::string::npos);
    EXPECT_NE(text.find("test_latency_seconds_bucket{route=\"/h\",le=\"+Inf\"} 2\n"),
              std::string::npos);
    EXPECT_NE(text.find("test_latency_seconds_sum{route=\"/h\"} 1.000001\n"), std::string::npos);
}

TEST(Registry, FindsFamiliesByName) {
    Registry r(families);
    EXPECT_EQ(r.find("test_active"), std::optional<FamilyId>(active));
    EXPECT_EQ(r.find("ringgate_metrics_series_overflow_total"),
              std::optional<FamilyId>(static_cast<FamilyId>(4)));
    EXPECT_FALSE(r.find("nope").has_value());
}

}  // namespace
}  // namespace rg::observe
