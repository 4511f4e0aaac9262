#include "observe/metric_family.h"

#include <gtest/gtest.h>

namespace rg::observe {
namespace {

constexpr const char* route[] = {"route"};
constexpr const char* le[] = {"le"};
constexpr const char* dup[] = {"a", "a"};
constexpr const char* reserved[] = {"__name"};
constexpr const char* bad_label[] = {"1x"};
constexpr uint64_t bounds[] = {1, 2, 4};
constexpr uint64_t unsorted[] = {1, 3, 3};

TEST(MetricFamily, AcceptsWellFormedFamilies) {
    EXPECT_EQ(family_problem({"ringgate_x_total", "h", MetricType::counter, route}), nullptr);
    EXPECT_EQ(family_problem({"ns:x_seconds", "h", MetricType::histogram, route, 6, {bounds}}),
              nullptr);
    EXPECT_EQ(family_problem({"ringgate_up", "h", MetricType::gauge, {}}), nullptr);
}

TEST(MetricFamily, RejectsBadNamesAndLabels) {
    EXPECT_NE(family_problem({"9x_total", "h", MetricType::counter, {}}), nullptr);
    EXPECT_NE(family_problem({"x-y_total", "h", MetricType::counter, {}}), nullptr);
    EXPECT_NE(family_problem({"x_total", "h", MetricType::counter, bad_label}), nullptr);
    EXPECT_NE(family_problem({"x_total", "h", MetricType::counter, reserved}), nullptr);
    EXPECT_NE(family_problem({"x_total", "h", MetricType::counter, dup}), nullptr);
    EXPECT_NE(family_problem({"x_seconds", "h", MetricType::histogram, le, 0, {bounds}}), nullptr);
}

TEST(MetricFamily, CountersEndInTotalAndOthersDoNot) {
    EXPECT_NE(family_problem({"ringgate_x", "h", MetricType::counter, {}}), nullptr);
    EXPECT_NE(family_problem({"ringgate_x_total", "h", MetricType::gauge, {}}), nullptr);
}

TEST(MetricFamily, HistogramBucketsMustBeStrictlyIncreasing) {
    EXPECT_NE(family_problem({"x_seconds", "h", MetricType::histogram, {}, 0, {unsorted}}),
              nullptr);
    EXPECT_NE(family_problem({"x_seconds", "h", MetricType::histogram, {}}), nullptr);
    EXPECT_NE(family_problem({"x_total", "h", MetricType::counter, {}, 0, {bounds}}), nullptr);
}

TEST(BucketIndex, BoundsAreInclusiveUpperEdges) {
    Buckets b{bounds};  // 1, 2, 4, +Inf
    EXPECT_EQ(bucket_index(b, 0), 0u);
    EXPECT_EQ(bucket_index(b, 1), 0u);
    EXPECT_EQ(bucket_index(b, 2), 1u);
    EXPECT_EQ(bucket_index(b, 3), 2u);
    EXPECT_EQ(bucket_index(b, 4), 2u);
    EXPECT_EQ(bucket_index(b, 5), 3u);
    EXPECT_EQ(bucket_index(b, UINT64_MAX), 3u);
}

TEST(BucketIndex, LatencyBucketsSpan100MicrosecondsToFiveMinutes) {
    const auto& l = latency_buckets.bounds;
    ASSERT_EQ(l.size(), 20u);
    EXPECT_EQ(l.front(), 100u);
    EXPECT_EQ(l.back(), 300'000'000u);
    for (size_t i = 0; i < l.size(); ++i) {
        EXPECT_EQ(bucket_index(latency_buckets, l[i]), i) << l[i];
        EXPECT_EQ(bucket_index(latency_buckets, l[i] + 1), i + 1) << l[i];
    }
    MetricFamily f{"x_seconds", "h", MetricType::histogram, {}, 6, latency_buckets};
    EXPECT_EQ(family_problem(f), nullptr);
}

}  // namespace
}  // namespace rg::observe
