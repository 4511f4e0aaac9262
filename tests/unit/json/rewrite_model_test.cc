#include <gtest/gtest.h>

#include <string>

#include "json/request_scan.h"

namespace rg::json {
namespace {

std::string rewrite(const std::string& body, std::string_view new_model) {
    Result<RequestScan> scan = scan_request(body);
    EXPECT_TRUE(scan.ok()) << body;
    ByteBuffer out;
    rewrite_model(body, *scan, new_model, out);
    return std::string(out.view());
}

TEST(RewriteModel, ReplacesOnlyTheTopLevelModelValue) {
    struct Case {
        std::string body;
        std::string new_model;
        std::string expected;
    };
    const Case cases[] = {
        {R"({"model":"Proxy/gpt-4","messages":[]})", "gpt-4", R"({"model":"gpt-4","messages":[]})"},
        {R"({"messages":[{"model":"gpt-4"}],"model":"gpt-4"})", "gpt-4-turbo",
         R"({"messages":[{"model":"gpt-4"}],"model":"gpt-4-turbo"})"},
        {"{ \"model\" :\t\"a\"\n , \"x\" : [ 1 , 2 ] }\n", "bbb",
         "{ \"model\" :\t\"bbb\"\n , \"x\" : [ 1 , 2 ] }\n"},
        {R"({"model":"gpt-\u0034o"})", "gpt-4o", R"({"model":"gpt-4o"})"},
        {R"({"model":"m"})", "needs \"escaping\"\n", R"({"model":"needs \"escaping\"\n"})"},
        {R"({"model":"long-name-here","stream":true})", "s", R"({"model":"s","stream":true})"},
        {R"({"model":"m"})", "", R"({"model":""})"},
    };
    for (const Case& c : cases) {
        EXPECT_EQ(rewrite(c.body, c.new_model), c.expected) << c.body;
    }
}

TEST(RewriteModel, PreservesEveryOtherByteOfALargeBody) {
    std::string prefix = "{\"messages\":[{\"role\":\"user\",\"content\":\"";
    for (int i = 0; i < 20000; ++i) {
        prefix += static_cast<char>('a' + i % 26);
        if (i % 100 == 0) {
            prefix += "\\n\\u00e9 ";
        }
    }
    prefix += "\"}],\r\n\t\"model\" : ";
    const std::string suffix = " , \"temperature\" : 0.5e-1 }  ";
    const std::string body = prefix + "\"old\"" + suffix;
    EXPECT_EQ(rewrite(body, "new-model"), prefix + "\"new-model\"" + suffix);
}

TEST(RewriteModel, OutputRescansToTheNewModel) {
    const std::string body =
        R"({"model":"a","stream":true,"stream_options":{"include_usage":true}})";
    for (std::string_view model : {"b", "with \"quotes\"", "tab\there", "\xc3\xa9", "ctl\x01"}) {
        const std::string out = rewrite(body, model);
        Result<RequestScan> again = scan_request(out);
        ASSERT_TRUE(again.ok()) << out;
        EXPECT_EQ(again->model(), model);
        EXPECT_TRUE(again->stream);
        EXPECT_TRUE(again->include_usage);
    }
}

TEST(RewriteModel, AppendsAfterWhatTheBufferHolds) {
    const std::string body = R"({"model":"a"})";
    Result<RequestScan> scan = scan_request(body);
    ASSERT_TRUE(scan.ok());
    ByteBuffer out;
    out.append("HEAD\r\n\r\n");
    rewrite_model(body, *scan, "b", out);
    EXPECT_EQ(out.view(), "HEAD\r\n\r\n{\"model\":\"b\"}");
}

}  // namespace
}  // namespace rg::json
