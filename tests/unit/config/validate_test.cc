// Checks across entries: fallback resolution and cycles.
#include "config/validate.h"

#include <gtest/gtest.h>

#include <string>

#include "test_util.h"

namespace rg::config {
namespace {

using testing::errors_text;
using testing::load_all_sections;

const std::string providers =
    "providers:\n"                                                 // 1
    "  - {name: oa, type: openai, keys: [{id: a, key: b}]}\n"      // 2
    "  - {name: an, type: anthropic, keys: [{id: a, key: b}]}\n";  // 3

// A models entry on one line: "  - {name: N, targets: [{provider: oa}], fallbacks: [F]}".
std::string model(const std::string& name, const std::string& fallbacks) {
    return "  - {name: \"" + name + "\", targets: [{provider: oa}], fallbacks: [" + fallbacks +
           "]}\n";
}

TEST(FallbackCycles, ReportsATwoEntryCycleWithItsPath) {
    LoadResult result =
        load_all_sections(providers + "models:\n" + model("a", "b") + model("b", "a"));
    ASSERT_EQ(result.errors.size(), 1u) << errors_text(result);
    // Line 6 is entry b; its first fallback is at column 56.
    EXPECT_EQ(result.errors[0].line, 6u);
    EXPECT_EQ(result.errors[0].column, 56u);
    EXPECT_EQ(result.errors[0].message, "models[1].fallbacks[0]: fallback cycle: a -> b -> a");
}

TEST(FallbackCycles, ReportsASelfReferenceThroughAGlob) {
    LoadResult result = load_all_sections(providers + "models:\n" + model("gpt-*", "gpt-4o"));
    ASSERT_EQ(result.errors.size(), 1u) << errors_text(result);
    EXPECT_EQ(result.errors[0].line, 5u);
    EXPECT_EQ(result.errors[0].message, "models[0].fallbacks[0]: fallback cycle: gpt-* -> gpt-*");
}

TEST(FallbackCycles, ReportsALongerCycleOnce) {
    LoadResult result = load_all_sections(providers + "models:\n" + model("a", "b") +
                                          model("b", "c") + model("c", "a"));
    ASSERT_EQ(result.errors.size(), 1u) << errors_text(result);
    EXPECT_EQ(result.errors[0].line, 7u);
    EXPECT_EQ(result.errors[0].message, "models[2].fallbacks[0]: fallback cycle: a -> b -> c -> a");
}

TEST(FallbackCycles, ReportsEachSeparateCycle) {
    LoadResult result = load_all_sections(providers + "models:\n" + model("a", "b") +
                                          model("b", "a") + model("c", "d") + model("d", "c"));
    ASSERT_EQ(result.errors.size(), 2u) << errors_text(result);
    EXPECT_NE(result.errors[0].message.find("a -> b -> a"), std::string::npos);
    EXPECT_NE(result.errors[1].message.find("c -> d -> c"), std::string::npos);
}

TEST(FallbackCycles, AcceptsChainsAndDiamonds) {
    LoadResult result =
        load_all_sections(providers + "models:\n" + model("a", "b, c") + model("b", "d") +
                          model("c", "d") + model("d", "") + model("e", "a, claude-3"));
    EXPECT_TRUE(result.ok()) << errors_text(result);
}

TEST(FallbackCycles, FindsCyclesBehindAcyclicEntries) {
    LoadResult result = load_all_sections(providers + "models:\n" + model("x", "a") +
                                          model("a", "b") + model("b", "a"));
    ASSERT_EQ(result.errors.size(), 1u) << errors_text(result);
    EXPECT_EQ(result.errors[0].message, "models[2].fallbacks[0]: fallback cycle: a -> b -> a");
}

TEST(FallbackResolution, ExactNamesWinOverGlobsInFileOrder) {
    std::vector<proxy::ModelOptions> models(3);
    models[0].name = "gpt-*";
    models[1].name = "gpt-4o";
    models[2].name = "g*";
    EXPECT_EQ(detail::resolve_model(models, "gpt-4o"), 1u);
    EXPECT_EQ(detail::resolve_model(models, "gpt-4"), 0u);
    EXPECT_EQ(detail::resolve_model(models, "gemini"), 2u);
    EXPECT_FALSE(detail::resolve_model(models, "claude").has_value());
}

TEST(FallbackResolution, BuiltinRulesNeedAProviderOfTheirType) {
    EXPECT_EQ(detail::builtin_rule_type("gpt-4o"), keys::ProviderType::openai);
    EXPECT_EQ(detail::builtin_rule_type("o3-mini"), keys::ProviderType::openai);
    EXPECT_EQ(detail::builtin_rule_type("claude-3-5-haiku"), keys::ProviderType::anthropic);
    EXPECT_EQ(detail::builtin_rule_type("gemini-2.0-flash"), keys::ProviderType::gemini);
    EXPECT_FALSE(detail::builtin_rule_type("llama-3").has_value());

    // anthropic provider present: claude-* resolves; no gemini provider: gemini-* does not.
    LoadResult result =
        load_all_sections(providers + "models:\n" + model("m", "claude-3, gemini-pro"));
    ASSERT_EQ(result.errors.size(), 1u) << errors_text(result);
    EXPECT_NE(result.errors[0].message.find("models[0].fallbacks[1]: 'gemini-pro' matches no"),
              std::string::npos);

    // Without built-in rules, claude-3 has nothing to resolve to either.
    LoadResult off = load_all_sections(providers + "routing: {builtin_rules: false}\nmodels:\n" +
                                       model("m", "claude-3"));
    ASSERT_EQ(off.errors.size(), 1u) << errors_text(off);
    EXPECT_EQ(off.errors[0].message, "models[0].fallbacks[0]: 'claude-3' matches no models entry");
}

}  // namespace
}  // namespace rg::config
