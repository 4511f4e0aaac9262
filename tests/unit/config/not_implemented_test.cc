// The not-implemented table: keys this build parses but does not serve are rejected.
#include "config/not_implemented.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "test_util.h"

namespace rg::config {
namespace {

using testing::errors_text;

TEST(NotImplemented, EveryKeyOfTheContractIsBuilt) {
    EXPECT_TRUE(detail::not_implemented_table().empty());
    // The last two rows were storage.traces and storage.redis: both load as built now.
    LoadResult result = testing::load_as_built(
        "storage:\n  traces: \"sqlite:///tmp/t.db\"\n  redis: \"redis://h:1/0\"\n");
    EXPECT_TRUE(result.ok()) << errors_text(result);
}

TEST(NotImplemented, ExampleFailsOncePerUnimplementedSectionThatIsNone) {
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

}  // namespace
}  // namespace rg::config
