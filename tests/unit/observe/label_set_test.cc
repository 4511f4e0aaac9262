#include "observe/label_set.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "observe/observe_limits.h"

namespace rg::observe {
namespace {

TEST(LabelSet, KnownValuesMapToTheirStoredCopy) {
    std::vector<std::string> models = {"gpt-4o", "claude-sonnet-4", "gemini-2.5-pro", "gpt-4o"};
    LabelSet set(models);
    EXPECT_EQ(set.size(), 3u);
    std::string asked = "claude-sonnet-4";
    std::string_view c = set.canonical(asked);
    EXPECT_EQ(c, "claude-sonnet-4");
    EXPECT_NE(c.data(), asked.data());  // not a view of the caller's (request) memory
}

TEST(LabelSet, UnknownValuesCollapseIntoOther) {
    std::vector<std::string> models = {"gpt-4o"};
    LabelSet set(models);
    EXPECT_EQ(set.canonical("gpt-4o-mini"), "other");
    EXPECT_EQ(set.canonical(""), "other");
    EXPECT_EQ(set.canonical("GPT-4O"), "other");
    for (int i = 0; i < 1000; ++i) {
        EXPECT_EQ(set.canonical("made-up-" + std::to_string(i)), "other");
    }
    EXPECT_TRUE(set.contains("gpt-4o"));
    EXPECT_FALSE(set.contains("x"));
}

TEST(LabelSet, IndexIsDenseInInsertionOrderWithOtherLast) {
    std::vector<std::string> models = {"b", "a", "b", "c"};
    LabelSet set(models);
    EXPECT_EQ(set.index("b"), 0u);
    EXPECT_EQ(set.index("a"), 1u);
    EXPECT_EQ(set.index("c"), 2u);
    EXPECT_EQ(set.index("zzz"), 3u);
    EXPECT_EQ(set.value(1), "a");
    EXPECT_EQ(set.value(set.index("zzz")), "other");
}

TEST(LabelSet, EmptySetSaysOther) {
    LabelSet set;
    EXPECT_EQ(set.canonical("anything"), "other");
}

TEST(LabelSet, ManyValuesAllFound) {
    std::vector<std::string> models;
    for (int i = 0; i < 500; ++i) {
        models.push_back("model-" + std::to_string(i));
    }
    LabelSet set(models);
    for (const std::string& m : models) {
        EXPECT_EQ(set.canonical(m), m);
    }
}

TEST(LabelSet, LongValuesAreCutLikeLabelValues) {
    std::string long_model(limits::label_value_bytes_max + 20, 'x');
    std::vector<std::string> models = {long_model};
    LabelSet set(models);
    EXPECT_EQ(set.canonical(long_model).size(), limits::label_value_bytes_max);
}

TEST(StatusClass, MapsStatusesToFiveClassesAndOther) {
    EXPECT_EQ(status_class(100), "1xx");
    EXPECT_EQ(status_class(200), "2xx");
    EXPECT_EQ(status_class(299), "2xx");
    EXPECT_EQ(status_class(301), "3xx");
    EXPECT_EQ(status_class(429), "4xx");
    EXPECT_EQ(status_class(599), "5xx");
    EXPECT_EQ(status_class(0), "other");
    EXPECT_EQ(status_class(99), "other");
    EXPECT_EQ(status_class(600), "other");
}

}  // namespace
}  // namespace rg::observe
