// The not-implemented table: keys this build parses but does not serve are rejected.
#include "config/not_implemented.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "test_util.h"

namespace rg::config {
namespace {

using testing::errors_text;

TEST(NotImplemented, TableHoldsWhatThisBuildLacks) {
    std::set<std::string_view> paths;
    for (const auto& row : detail::not_implemented_table()) {
        paths.insert(row.path);
        EXPECT_FALSE(row.reason.empty()) << row.path;
    }
    EXPECT_EQ(paths, (std::set<std::string_view>{"storage.redis"}));
}

TEST(NotImplemented, RejectsEachUnimplementedKeyAtItsPosition) {
    struct Case {
        const char* path;
        const char* yaml;
        uint32_t line;
        uint32_t column;
    };
    const Case cases[] = {
        {"storage.redis", "storage: {redis: \"redis://h:1/0\"}\n", 1, 11},
    };
    for (const auto& c : cases) {
        LoadResult result = testing::load_as_built(c.yaml);
        ASSERT_EQ(result.errors.size(), 1u) << c.path << "\n" << errors_text(result);
        EXPECT_EQ(result.errors[0].line, c.line) << c.path;
        EXPECT_EQ(result.errors[0].column, c.column) << c.path;
        std::string prefix = std::string(c.path) + ": not implemented in this build yet (";
        EXPECT_EQ(result.errors[0].message.rfind(prefix, 0), 0u) << result.errors[0].message;
        EXPECT_TRUE(testing::load_all_sections(c.yaml).ok()) << c.path;
    }
}

TEST(NotImplemented, ExampleFailsOncePerUnimplementedSection) {
    testing::FakeEnv env{{"OPENAI_KEY_1", "a"},
                         {"OPENAI_KEY_2", "b"},
                         {"ANTHROPIC_KEY", "c"},
                         {"MASTER_KEY_1", "d"}};
    LoadResult result = load_file(testing::data_path("example.yaml"), env.lookup());
    ASSERT_EQ(result.errors.size(), detail::not_implemented_table().size()) << errors_text(result);
    for (const Diagnostic& d : result.errors) {
        EXPECT_NE(d.message.find("not implemented in this build yet"), std::string::npos);
        EXPECT_GT(d.line, 0u);
    }
}

TEST(NotImplemented, IsReportedAlongsideValidationErrors) {
    LoadResult result = testing::load_as_built("storage: {redis: \"ftp://h/0\"}\n");
    ASSERT_EQ(result.errors.size(), 2u) << errors_text(result);
    EXPECT_NE(result.errors[0].message.find("storage.redis: not implemented"), std::string::npos);
    EXPECT_NE(result.errors[1].message.find("storage.redis"), std::string::npos)
        << errors_text(result);
}

}  // namespace
}  // namespace rg::config
