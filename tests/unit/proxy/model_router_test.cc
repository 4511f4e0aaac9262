#include "proxy/model_router.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rg::proxy {
namespace {

using keys::ProviderType;

keys::ProviderOptions provider(std::string name, ProviderType type,
                               std::vector<std::string> models = {},
                               std::vector<keys::ModelMapping> mapping = {}) {
    keys::ProviderOptions p;
    p.name = std::move(name);
    p.type = type;
    p.models = std::move(models);
    p.model_mapping = std::move(mapping);
    return p;
}

ModelOptions entry(std::string name, std::vector<TargetOptions> targets,
                   std::vector<std::string> fallbacks = {}) {
    return ModelOptions{std::move(name), std::move(targets), std::move(fallbacks)};
}

// Provider indices: 0 openai-main, 1 anthropic-main, 2 gemini-main, 3 openai-azure,
// 4 openai-second.
struct Fixture {
    std::vector<keys::ProviderOptions> providers = {
        provider("openai-main", ProviderType::openai, {}, {{"gpt-4", "gpt-4-turbo"}}),
        provider("anthropic-main", ProviderType::anthropic),
        provider("gemini-main", ProviderType::gemini),
        provider("openai-azure", ProviderType::openai, {"gpt-4o", "gpt-4o-*"},
                 {{"gpt-4o", "gpt-4o-azure"}}),
        provider("openai-second", ProviderType::openai, {"o3-mini"}),
    };
    std::vector<ModelOptions> models = {
        entry("claude-sonnet", {{"anthropic-main", "claude-sonnet-4-5", 1}}, {"gpt-4o"}),
        entry("gpt-*", {{"openai-main", "", 1}}),
        entry("pool", {{"openai-main", "gpt-4o", 3}, {"openai-azure", "gpt-4o", 1}},
              {"claude-sonnet", "gemini-2.5-flash"}),
        entry("my-?", {{"gemini-main", "gemini-2.5-flash", 1}}),
        entry("restricted", {{"openai-azure", "gpt-3.5", 1}}),
        entry("re*", {{"anthropic-main", "claude-x", 1}}),
        entry("half", {{"openai-azure", "gpt-3.5", 2}, {"openai-azure", "gpt-4o-mini", 5}}),
    };
    RoutingOptions routing{"Proxy/", true};

    ModelRouter build() const {
        Result<ModelRouter> r = ModelRouter::build(models, routing, providers);
        EXPECT_TRUE(r.ok());
        return std::move(r).value();
    }
};

struct Case {
    std::string asked;
    MatchKind kind;
    std::string public_name;
    std::vector<ResolvedTarget> targets;
    std::vector<std::string> fallbacks = {};
};

TEST(ModelRouter, ResolvesInContractOrder) {
    const ModelRouter router = Fixture().build();
    const Case cases[] = {
        {"claude-sonnet",
         MatchKind::exact,
         "claude-sonnet",
         {{1, 1, "claude-sonnet-4-5"}},
         {"gpt-4o"}},
        {"Proxy/claude-sonnet",
         MatchKind::exact,
         "claude-sonnet",
         {{1, 1, "claude-sonnet-4-5"}},
         {"gpt-4o"}},
        {"gpt-4", MatchKind::glob, "gpt-4", {{0, 1, "gpt-4-turbo"}}},
        {"gpt-4o-mini", MatchKind::glob, "gpt-4o-mini", {{0, 1, "gpt-4o-mini"}}},
        {"Proxy/gpt-4", MatchKind::glob, "gpt-4", {{0, 1, "gpt-4-turbo"}}},
        {"pool",
         MatchKind::exact,
         "pool",
         {{0, 3, "gpt-4o"}, {3, 1, "gpt-4o-azure"}},
         {"claude-sonnet", "gemini-2.5-flash"}},
        {"my-x", MatchKind::glob, "my-x", {{2, 1, "gemini-2.5-flash"}}},
        {"restricted", MatchKind::glob, "restricted", {{1, 1, "claude-x"}}},
        {"half", MatchKind::exact, "half", {{3, 5, "gpt-4o-mini"}}},
        {"claude-3-opus", MatchKind::builtin, "claude-3-opus", {{1, 1, "claude-3-opus"}}},
        {"o3-mini", MatchKind::builtin, "o3-mini", {{0, 1, "o3-mini"}}},
        {"o1", MatchKind::builtin, "o1", {{0, 1, "o1"}}},
        {"o4-mini", MatchKind::builtin, "o4-mini", {{0, 1, "o4-mini"}}},
        {"chatgpt-4o-latest",
         MatchKind::builtin,
         "chatgpt-4o-latest",
         {{0, 1, "chatgpt-4o-latest"}}},
        {"text-embedding-3-small",
         MatchKind::builtin,
         "text-embedding-3-small",
         {{0, 1, "text-embedding-3-small"}}},
        {"davinci-002", MatchKind::builtin, "davinci-002", {{0, 1, "davinci-002"}}},
        {"babbage-002", MatchKind::builtin, "babbage-002", {{0, 1, "babbage-002"}}},
        {"gemini-2.5-pro", MatchKind::builtin, "gemini-2.5-pro", {{2, 1, "gemini-2.5-pro"}}},
        {"text-embedding-004",
         MatchKind::builtin,
         "text-embedding-004",
         {{2, 1, "text-embedding-004"}}},
        {"embedding-001", MatchKind::builtin, "embedding-001", {{2, 1, "embedding-001"}}},
        {"gemma-3-27b-it", MatchKind::builtin, "gemma-3-27b-it", {{2, 1, "gemma-3-27b-it"}}},
    };
    for (const Case& c : cases) {
        const Resolution r = router.resolve(c.asked);
        ASSERT_TRUE(r.found()) << c.asked;
        EXPECT_EQ(r.kind, c.kind) << c.asked;
        EXPECT_EQ(r.public_name, c.public_name) << c.asked;
        ASSERT_EQ(r.target_count, c.targets.size()) << c.asked;
        for (size_t i = 0; i < c.targets.size(); ++i) {
            EXPECT_EQ(r.targets[i].provider, c.targets[i].provider) << c.asked << " " << i;
            EXPECT_EQ(r.targets[i].weight, c.targets[i].weight) << c.asked << " " << i;
            EXPECT_EQ(r.targets[i].model, c.targets[i].model) << c.asked << " " << i;
        }
        ASSERT_EQ(r.fallbacks.size(), c.fallbacks.size()) << c.asked;
        for (size_t i = 0; i < c.fallbacks.size(); ++i) {
            EXPECT_EQ(r.fallbacks[i], c.fallbacks[i]) << c.asked;
        }
        EXPECT_EQ(&r.pick_first(), &r.targets[0]);
    }
}

TEST(ModelRouter, UnknownNamesAreNotFound) {
    const ModelRouter router = Fixture().build();
    for (std::string_view asked :
         {"llama-3", "", "Proxy/", "proxy/gpt-4", "my-xy", "GPT-4", "mistral-large", " gpt-4"}) {
        const Resolution r = router.resolve(asked);
        EXPECT_FALSE(r.found()) << asked;
        EXPECT_EQ(r.kind, MatchKind::none) << asked;
        EXPECT_TRUE(r.target_list().empty()) << asked;
    }
}

TEST(ModelRouter, BuiltinRulesCanBeTurnedOff) {
    Fixture f;
    f.routing.builtin_rules = false;
    const ModelRouter router = f.build();
    EXPECT_FALSE(router.resolve("claude-3-opus").found());
    EXPECT_FALSE(router.resolve("gemini-2.5-pro").found());
    EXPECT_TRUE(router.resolve("gpt-4").found());  // a models entry, not a rule
}

TEST(ModelRouter, BuiltinRulesPickTheFirstProviderOfTheTypeThatServesTheName) {
    const std::vector<keys::ProviderOptions> providers = {
        provider("gem", ProviderType::gemini),
        provider("oa-listed", ProviderType::openai, {"gpt-4o", "o3*"}),
        provider("oa-open", ProviderType::openai),
    };
    Result<ModelRouter> router = ModelRouter::build({}, RoutingOptions{}, providers);
    ASSERT_TRUE(router.ok());
    EXPECT_EQ(router->resolve("gpt-4o").pick_first().provider, 1);
    EXPECT_EQ(router->resolve("o3-pro").pick_first().provider, 1);
    EXPECT_EQ(router->resolve("gpt-5").pick_first().provider, 2);
    EXPECT_FALSE(router->resolve("claude-3").found());  // no anthropic provider
}

TEST(ModelRouter, ExactEntryWinsOverAnEarlierGlobAndTheFirstDuplicateWins) {
    const std::vector<keys::ProviderOptions> providers = {provider("a", ProviderType::openai),
                                                          provider("b", ProviderType::openai)};
    const std::vector<ModelOptions> models = {
        entry("*", {{"a", "from-glob", 1}}),
        entry("m", {{"b", "first", 1}}),
        entry("m", {{"a", "second", 1}}),
    };
    Result<ModelRouter> router = ModelRouter::build(models, RoutingOptions{}, providers);
    ASSERT_TRUE(router.ok());
    const Resolution r = router->resolve("m");
    EXPECT_EQ(r.kind, MatchKind::exact);
    EXPECT_EQ(r.pick_first().model, "first");
    EXPECT_EQ(router->resolve("other").pick_first().model, "from-glob");
    EXPECT_EQ(router->resolve("other").entry, "*");
}

TEST(ModelRouter, KeptNamesPointIntoTheAskedString) {
    const ModelRouter router = Fixture().build();
    const std::string asked = "Proxy/gpt-4o-mini";
    const Resolution r = router.resolve(asked);
    ASSERT_TRUE(r.found());
    EXPECT_EQ(r.public_name.data(), asked.data() + 6);
    EXPECT_EQ(r.pick_first().model.data(), asked.data() + 6);
    EXPECT_EQ(router.strip(asked), "gpt-4o-mini");
    EXPECT_EQ(router.strip("gpt-4"), "gpt-4");
}

TEST(ModelRouter, OutlivesTheOptionsItWasBuiltFrom) {
    Result<ModelRouter> router = [] {
        Fixture f;
        return ModelRouter::build(f.models, f.routing, f.providers);
    }();
    ASSERT_TRUE(router.ok());
    ModelRouter moved = std::move(router).value();
    const Resolution r = moved.resolve("pool");
    ASSERT_EQ(r.target_count, 2);
    EXPECT_EQ(r.targets[1].model, "gpt-4o-azure");
    EXPECT_EQ(r.fallbacks[0], "claude-sonnet");
}

TEST(ModelRouter, BuildRejectsUnknownProvidersAndTooManyTargets) {
    Fixture f;
    f.models.push_back(entry("x", {{"nope", "", 1}}));
    Result<ModelRouter> unknown = ModelRouter::build(f.models, f.routing, f.providers);
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().code, ErrorCode::config);

    Fixture g;
    std::vector<TargetOptions> many(targets_max + 1, TargetOptions{"openai-main", "", 1});
    g.models.push_back(entry("many", many));
    EXPECT_FALSE(ModelRouter::build(g.models, g.routing, g.providers).ok());
    many.pop_back();
    g.models.back() = entry("many", many);
    Result<ModelRouter> full = ModelRouter::build(g.models, g.routing, g.providers);
    ASSERT_TRUE(full.ok());
    EXPECT_EQ(full->resolve("many").target_count, targets_max);
}

TEST(GlobMatch, MatchesStarsAndQuestionMarks) {
    struct GlobCase {
        std::string_view pattern;
        std::string_view text;
        bool match;
    };
    const GlobCase cases[] = {
        {"*", "", true},
        {"*", "anything", true},
        {"gpt-*", "gpt-", true},
        {"gpt-*", "gpt-4o", true},
        {"gpt-*", "gpt4o", false},
        {"?", "", false},
        {"?", "a", true},
        {"a?c", "abc", true},
        {"a?c", "ac", false},
        {"*-mini", "o3-mini", true},
        {"*-mini", "o3-minis", false},
        {"a*b*c", "aXbYbZc", true},
        {"a*b*c", "aXbYbZ", false},
        {"**", "x", true},
        {"", "", true},
        {"", "x", false},
        {"exact", "exact", true},
        {"exact", "exactly", false},
        {"*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
    };
    for (const GlobCase& c : cases) {
        EXPECT_EQ(glob_match(c.pattern, c.text), c.match) << c.pattern << " ~ " << c.text;
    }
}

TEST(BuiltinRuleType, SendsKnownFamiliesToTheirProvider) {
    EXPECT_EQ(builtin_rule_type("gpt-4o"), ProviderType::openai);
    EXPECT_EQ(builtin_rule_type("text-embedding-ada-002"), ProviderType::openai);
    EXPECT_EQ(builtin_rule_type("text-embedding-004"), ProviderType::gemini);
    EXPECT_EQ(builtin_rule_type("claude-opus-4-1"), ProviderType::anthropic);
    EXPECT_EQ(builtin_rule_type("gemini-embedding-001"), ProviderType::gemini);
    EXPECT_FALSE(builtin_rule_type("llama-3.1-70b").has_value());
    EXPECT_FALSE(builtin_rule_type("gpt").has_value());
}

}  // namespace
}  // namespace rg::proxy
