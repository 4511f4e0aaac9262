#include "json/json_string.h"

#include <gtest/gtest.h>

#include <string>

namespace rg::json {
namespace {

std::string as_json(std::string_view s) {
    ByteBuffer out;
    append_json_string(out, s);
    return std::string(out.view());
}

TEST(AppendJsonString, EscapesWhatRfc8259Requires) {
    struct Case {
        std::string in;
        std::string out;
    };
    const Case cases[] = {
        {"", R"("")"},
        {"gpt-4o", R"("gpt-4o")"},
        {"say \"hi\"", R"("say \"hi\"")"},
        {"a\\b", R"("a\\b")"},
        {"line\nnext\r\ttab", R"("line\nnext\r\ttab")"},
        {"\b\f", R"("\b\f")"},
        {std::string("nul\0byte", 8), R"("nul\u0000byte")"},
        {"\x01\x1f", R"("\u0001\u001f")"},
        {"\x7f", "\"\x7f\""},
        {"/slash/", R"("/slash/")"},
        {"caf\xc3\xa9 \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xf0\x9f\x98\x80\""},
        {"\"\"", R"("\"\"")"},
    };
    for (const Case& c : cases) {
        EXPECT_EQ(as_json(c.in), c.out) << c.in;
    }
}

TEST(AppendJsonString, AppendsAfterExistingContent) {
    ByteBuffer out;
    out.append("{\"message\":");
    append_json_string(out, "x");
    out.append_char('}');
    EXPECT_EQ(out.view(), R"({"message":"x"})");
}

TEST(AppendJsonString, EscapesEveryControlByte) {
    for (int c = 0; c < 0x20; ++c) {
        const std::string out = as_json(std::string(1, static_cast<char>(c)));
        ASSERT_GE(out.size(), 4u);
        EXPECT_EQ(out[1], '\\') << c;
    }
    for (int c = 0x20; c < 0x100; ++c) {
        if (c == '"' || c == '\\') {
            continue;
        }
        EXPECT_EQ(as_json(std::string(1, static_cast<char>(c))).size(), 3u) << c;
    }
}

}  // namespace
}  // namespace rg::json
