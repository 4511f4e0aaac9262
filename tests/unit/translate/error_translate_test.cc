// translate_error with the caller's classification: a context-length error from an Anthropic
// or Gemini upstream reaches an OpenAI client (Chat or Responses) with OpenAI's own code,
// context_length_exceeded; without the classification the code stays null, and other client
// formats, which have no such code, are unchanged.
#include <gtest/gtest.h>

#include <string>

#include "json_equal.h"
#include "translate/common.h"
#include "translate/translate.h"

namespace rg::translate {
namespace {

using testing::json_diff;

// The mock's (and the providers') context-length answers.
constexpr std::string_view anthropic_too_long =
    R"J({"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 250000 tokens > 200000 maximum"}})J";
constexpr std::string_view gemini_too_long =
    R"J({"error":{"code":400,"message":"The input token count (250000) exceeds the maximum number of tokens allowed (1048576).","status":"INVALID_ARGUMENT"}})J";

struct ErrorOut {
    int status;
    std::string body;
};

ErrorOut translated(Format from, Format to, std::string_view body, bool context_length) {
    Arena arena;
    ByteBuffer out;
    const int status = translate_error(from, to, 400, body, arena, out, context_length);
    return {status, std::string(out.view())};
}

TEST(ErrorTranslationContextLength, OpenAIClientsGetTheCodeFromAnthropic) {
    for (Format client : {Format::openai_chat, Format::openai_responses}) {
        ErrorOut o = translated(Format::anthropic, client, anthropic_too_long, true);
        EXPECT_EQ(o.status, 400);
        EXPECT_EQ(
            json_diff(
                R"J({"error":{"message":"prompt is too long: 250000 tokens > 200000 maximum","type":"invalid_request_error","param":null,"code":"context_length_exceeded"}})J",
                o.body),
            "");
    }
}

TEST(ErrorTranslationContextLength, OpenAIClientsGetTheCodeFromGemini) {
    ErrorOut o = translated(Format::gemini, Format::openai_chat, gemini_too_long, true);
    EXPECT_EQ(o.status, 400);
    EXPECT_NE(o.body.find(R"J("code":"context_length_exceeded")J"), std::string::npos) << o.body;
    EXPECT_NE(o.body.find("input token count"), std::string::npos) << o.body;
}

TEST(ErrorTranslationContextLength, UnclassifiedErrorsKeepANullCode) {
    ErrorOut o = translated(Format::anthropic, Format::openai_chat, anthropic_too_long, false);
    EXPECT_NE(o.body.find(R"J("code":null)J"), std::string::npos) << o.body;
}

TEST(ErrorTranslationContextLength, OtherClientFormatsAreUnchanged) {
    ErrorOut a = translated(Format::gemini, Format::anthropic, gemini_too_long, true);
    EXPECT_EQ(a.status, 400);
    EXPECT_EQ(
        json_diff(
            R"J({"type":"error","error":{"type":"invalid_request_error","message":"The input token count (250000) exceeds the maximum number of tokens allowed (1048576)."}})J",
            a.body),
        "");
    ErrorOut g = translated(Format::anthropic, Format::gemini, anthropic_too_long, true);
    EXPECT_EQ(
        json_diff(
            R"J({"error":{"code":400,"message":"prompt is too long: 250000 tokens > 200000 maximum","status":"INVALID_ARGUMENT"}})J",
            g.body),
        "");
}

// A rate limit is never a context-length error, whatever the caller says: the class decides.
TEST(ErrorTranslationContextLength, OnlyInvalidRequestsTakeTheCode) {
    Arena arena;
    ByteBuffer out;
    const int status = translate_error(
        Format::anthropic, Format::openai_chat, 429,
        R"J({"type":"error","error":{"type":"rate_limit_error","message":"slow down"}})J", arena,
        out, true);
    EXPECT_EQ(status, 429);
    EXPECT_NE(std::string(out.view()).find(R"J("code":"rate_limit_exceeded")J"), std::string::npos);
}

}  // namespace
}  // namespace rg::translate
