// ${VAR} substitution: values, defaults, escapes, comments, errors and position mapping.
#include "config/env_subst.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace rg::config {
namespace {

using detail::Position;
using detail::substitute_env;
using testing::FakeEnv;

struct SubstCase {
    const char* name;
    const char* input;
    const char* output;
};

TEST(EnvSubst, ReplacesVariablesAndDefaults) {
    FakeEnv env{{"A", "1"}, {"B", "two"}, {"EMPTY", ""}, {"URL", "https://x.test/v1"}};
    const SubstCase cases[] = {
        {"set", "a: ${A}", "a: 1"},
        {"unset with default", "a: ${NOPE:-dflt}", "a: dflt"},
        {"set ignores default", "a: ${B:-dflt}", "a: two"},
        {"empty uses default", "a: ${EMPTY:-dflt}", "a: dflt"},
        {"empty without default", "a: '${EMPTY}'", "a: ''"},
        {"empty default", "a: '${NOPE:-}'", "a: ''"},
        {"default with spaces and colons", "a: ${NOPE:-x: y z}", "a: x: y z"},
        {"adjacent", "a: ${A}${B}${A}", "a: 1two1"},
        {"inside text", "a: pre-${A}-post", "a: pre-1-post"},
        {"double quoted", "a: \"${URL}\"", "a: \"https://x.test/v1\""},
        {"single quoted", "a: '${B}'", "a: 'two'"},
        {"escape", "a: $${A}", "a: ${A}"},
        {"escape then variable", "a: $${A}${A}", "a: ${A}1"},
        {"lone dollars", "a: $ $$ $A $}", "a: $ $$ $A $}"},
        {"several lines", "a: ${A}\nb: ${B}\n", "a: 1\nb: two\n"},
        {"comment left alone", "a: 1 # ${NOPE}", "a: 1 # ${NOPE}"},
        {"comment line left alone", "# key: ${NOPE}\na: ${A}", "# key: ${NOPE}\na: 1"},
        {"hash in double quotes is text", "a: \"x #${A}\"", "a: \"x #1\""},
        {"hash in single quotes is text", "a: 'x #${A}'", "a: 'x #1'"},
        {"hash without space is text", "a: x#${A}", "a: x#1"},
        {"apostrophe in plain scalar", "a: it's # ${NOPE}", "a: it's # ${NOPE}"},
        {"escaped quote in double quotes", "a: \"q\\\" #${A}\"", "a: \"q\\\" #1\""},
        {"doubled quote in single quotes", "a: 'it''s #${A}'", "a: 'it''s #1'"},
        {"quoted flow value", "{a: \"#${A}\"}", "{a: \"#1\"}"},
        {"multi-line quoted", "a: \"x\n  #${A}\"", "a: \"x\n  #1\""},
        {"no variables", "server: {workers: 2}\n", "server: {workers: 2}\n"},
    };
    for (const auto& c : cases) {
        auto result = substitute_env(c.input, env.lookup());
        EXPECT_TRUE(result.errors.empty()) << c.name << ": " << result.errors[0].message;
        EXPECT_EQ(result.text, c.output) << c.name;
    }
}

struct SubstErrorCase {
    const char* name;
    const char* input;
    uint32_t line;
    uint32_t column;
    const char* message_part;
};

TEST(EnvSubst, ReportsEveryBadReferenceAtItsDollar) {
    FakeEnv env{{"MULTI", "a\nb"}, {"CR", "a\rb"}};
    const SubstErrorCase cases[] = {
        {"unset", "a: ${MISSING}", 1, 4, "environment variable MISSING is not set"},
        {"unset later line", "a: 1\nb:\n  c: x${MISSING}", 3, 7, "MISSING is not set"},
        {"newline value", "a: ${MULTI}", 1, 4, "MULTI contains a newline"},
        {"carriage return value", "a: ${CR:-x}", 1, 4, "CR contains a newline"},
        {"digit first", "a: ${1A}", 1, 4, "bad variable name"},
        {"empty name", "a: ${}", 1, 4, "bad variable name"},
        {"dash name", "a: ${A-B}", 1, 4, "unsupported form ${A-"},
        {"posix error form", "a: ${A:?x}", 1, 4, "unsupported form ${A:?"},
        {"unterminated", "a: ${A\nb: 1", 1, 4, "unterminated"},
        {"unterminated at end", "a: x ${A", 1, 6, "unterminated"},
        {"in quotes", "a: \"${MISSING}\"", 1, 5, "MISSING is not set"},
    };
    for (const auto& c : cases) {
        auto result = substitute_env(c.input, env.lookup());
        ASSERT_EQ(result.errors.size(), 1u) << c.name;
        EXPECT_EQ(result.errors[0].line, c.line) << c.name;
        EXPECT_EQ(result.errors[0].column, c.column) << c.name;
        EXPECT_NE(result.errors[0].message.find(c.message_part), std::string::npos)
            << c.name << ": " << result.errors[0].message;
    }
}

TEST(EnvSubst, CollectsAllErrors) {
    auto result = substitute_env("a: ${X}\nb: ${Y}${Z}\n", FakeEnv{}.lookup());
    ASSERT_EQ(result.errors.size(), 3u);
    EXPECT_EQ(result.errors[0].column, 4u);
    EXPECT_EQ(result.errors[1].line, 2u);
    EXPECT_EQ(result.errors[1].column, 4u);
    EXPECT_EQ(result.errors[2].column, 8u);
}

TEST(SourceMap, MapsOutputPositionsBackToTheOriginal) {
    FakeEnv env{{"LONG", "0123456789012345678901234567890123456789"}, {"S", "x"}};
    //                            1234567890123456789012345678
    auto result = substitute_env("a: ${LONG}, b: ${S} c\nd: ${S}${S} e\n", env.lookup());
    ASSERT_TRUE(result.errors.empty());
    const auto& map = result.map;
    // Before any substitution: unchanged.
    EXPECT_EQ(map.to_original(Position{1, 1}).column, 1u);
    // Inside a substituted value: the '$' that produced it.
    EXPECT_EQ(map.to_original(Position{1, 4}).column, 4u);
    EXPECT_EQ(map.to_original(Position{1, 30}).column, 4u);
    // After it: shifted back by the length difference (40 bytes replaced 7).
    size_t comma = result.text.find(',');
    auto after = map.to_original(Position{1, static_cast<uint32_t>(comma + 1)});
    EXPECT_EQ(after.line, 1u);
    EXPECT_EQ(after.column, 11u);
    auto c = map.to_original(Position{1, static_cast<uint32_t>(result.text.find(" c") + 2)});
    EXPECT_EQ(c.column, 21u);
    // Second line: "d: xx e" -> 'e' at output column 7, original column 13.
    auto e = map.to_original(Position{2, 7});
    EXPECT_EQ(e.line, 2u);
    EXPECT_EQ(e.column, 13u);
    // The second ${S} on line 2 starts at original column 8.
    EXPECT_EQ(map.to_original(Position{2, 5}).column, 8u);
    // Unknown stays unknown.
    EXPECT_EQ(map.to_original(Position{0, 0}).line, 0u);
}

TEST(SourceMap, MarksPlaceholdersOfFailedVariables) {
    auto result = substitute_env("a: ${MISSING} b", FakeEnv{}.lookup());
    ASSERT_EQ(result.errors.size(), 1u);
    EXPECT_TRUE(result.map.in_failed_replacement(Position{1, 4}));
    EXPECT_FALSE(result.map.in_failed_replacement(Position{1, 1}));
    size_t b = result.text.rfind('b');
    EXPECT_FALSE(result.map.in_failed_replacement(Position{1, static_cast<uint32_t>(b + 1)}));
}

// Through the loader: positions in diagnostics refer to the original file.

TEST(LoadEnv, ReportsPositionsOfTheOriginalAfterALongerValue) {
    testing::FakeEnv env{{"W", "12345678901234567890"}};
    //                                  col 25: "wokers"
    auto result = testing::load_all_sections("server: {workers: ${W}, wokers: 1}\n", env);
    ASSERT_EQ(result.errors.size(), 2u) << testing::errors_text(result);
    // The substituted value is out of range: reported at its '$'.
    EXPECT_EQ(result.errors[0].line, 1u);
    EXPECT_EQ(result.errors[0].column, 19u);
    EXPECT_NE(result.errors[0].message.find("server.workers: must be between 1 and 256"),
              std::string::npos);
    EXPECT_EQ(result.errors[1].column, 25u);
    EXPECT_NE(result.errors[1].message.find("server.wokers: unknown key"), std::string::npos);
}

TEST(LoadEnv, ReportsPositionsOfTheOriginalAfterAShorterValue) {
    testing::FakeEnv env{{"HOST_AND_PORT_OF_THE_LISTENER", "1.2.3.4:1"}};
    auto result = testing::load_all_sections(
        "server: {listen: ${HOST_AND_PORT_OF_THE_LISTENER}, x: 1}\n", env);
    ASSERT_EQ(result.errors.size(), 1u) << testing::errors_text(result);
    EXPECT_EQ(result.errors[0].column, 52u);
    EXPECT_NE(result.errors[0].message.find("server.x: unknown key"), std::string::npos);
}

TEST(LoadEnv, UsesValuesDefaultsAndEscapes) {
    testing::FakeEnv env{{"PORT", "9000"}, {"WORKERS", "4"}};
    auto result = testing::load_all_sections(
        "server:\n"
        "  listen: \"0.0.0.0:${PORT}\"\n"
        "  admin_listen: \"127.0.0.1:${ADMIN_PORT:-9090}\"\n"
        "  workers: ${WORKERS}\n"
        "routing: {strip_prefix: \"$${x}/\"}\n",
        env);
    ASSERT_TRUE(result.ok()) << testing::errors_text(result);
    EXPECT_EQ(result.snapshot->server.listen[0].port, 9000);
    EXPECT_EQ(result.snapshot->server.admin_listen.port, 9090);
    EXPECT_EQ(result.snapshot->server.workers, 4u);
    EXPECT_EQ(result.snapshot->routing.strip_prefix, "${x}/");
}

TEST(LoadEnv, MissingVariableIsOneErrorWithoutFollowOns) {
    auto result = testing::load_all_sections("server:\n  workers: ${MISSING_WORKERS}\n");
    ASSERT_EQ(result.errors.size(), 1u) << testing::errors_text(result);
    EXPECT_EQ(result.errors[0].line, 2u);
    EXPECT_EQ(result.errors[0].column, 12u);
    EXPECT_NE(result.errors[0].message.find("MISSING_WORKERS is not set"), std::string::npos);
    EXPECT_EQ(result.snapshot, nullptr);
}

TEST(LoadEnv, ReportsEnvAndSchemaErrorsTogether) {
    auto result = testing::load_all_sections(
        "server:\n"
        "  workers: ${MISSING}\n"
        "  wokers: 3\n");
    ASSERT_EQ(result.errors.size(), 2u) << testing::errors_text(result);
    EXPECT_EQ(result.errors[0].line, 2u);
    EXPECT_EQ(result.errors[1].line, 3u);
    EXPECT_EQ(result.errors[1].column, 3u);
}

TEST(LoadEnv, VariablesInCommentsAreNotNeeded) {
    auto result = testing::load_all_sections(
        "# key: ${NOT_SET}\n"
        "server: {workers: 2}  # ${ALSO_NOT_SET}\n");
    EXPECT_TRUE(result.ok()) << testing::errors_text(result);
}

}  // namespace
}  // namespace rg::config
