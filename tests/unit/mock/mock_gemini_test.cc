// Gemini endpoints of ringgate-mock: generateContent, streamGenerateContent (SSE and the
// JSON-array form), function calls, countTokens, embeddings, Models and errors.
#include "mock_fixture.h"

namespace rg::mock::test {
namespace {

constexpr const char* kTools =
    ",\"tools\":[{\"functionDeclarations\":[{\"name\":\"get_weather\",\"parameters\":{\"type\":"
    "\"OBJECT\",\"properties\":{\"location\":{\"type\":\"STRING\"}},\"required\":[\"location\"]}"
    "}]}]";

using Gemini = MockTest;

TEST_F(Gemini, GenerateContentAnswersWithUsageMetadata) {
    Response r =
        post("/v1beta/models/gemini-2.5-flash:generateContent", gemini_auth(), gemini_body());
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("content-type"), "application/json; charset=UTF-8");
    auto j = parse_json(r.body);
    ASSERT_TRUE(j);
    auto c = j->root["candidates"].at(0);
    EXPECT_EQ(str(c["content"]["parts"].at(0)["text"]), "tok1 tok2 tok3 tok4");
    EXPECT_EQ(str(c["content"]["role"]), "model");
    EXPECT_EQ(str(c["finishReason"]), "STOP");
    EXPECT_EQ(num(j->root["usageMetadata"]["promptTokenCount"]), 5);
    EXPECT_EQ(num(j->root["usageMetadata"]["candidatesTokenCount"]), 4);
    EXPECT_EQ(num(j->root["usageMetadata"]["totalTokenCount"]), 9);
    EXPECT_EQ(str(j->root["modelVersion"]), "gemini-2.5-flash");
}

TEST_F(Gemini, SseStreamHasNoSentinelAndEndsWithTheSameUsage) {
    Response r = post("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
                      gemini_auth(), gemini_body());
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("content-type"), "text/event-stream");
    bool framing = false;
    auto events = parse_sse(r.body, &framing);
    EXPECT_TRUE(framing);
    ASSERT_EQ(events.size(), 4u);
    std::string text;
    for (size_t i = 0; i < events.size(); ++i) {
        auto j = parse_json(events[i].data);
        ASSERT_TRUE(j) << events[i].data;
        text += str(j->root["candidates"].at(0)["content"]["parts"].at(0)["text"]);
        EXPECT_EQ(num(j->root["usageMetadata"]["candidatesTokenCount"]),
                  static_cast<int64_t>(i + 1));
    }
    EXPECT_EQ(text, "tok1 tok2 tok3 tok4");
    auto last = parse_json(events.back().data);
    EXPECT_EQ(str(last->root["candidates"].at(0)["finishReason"]), "STOP");
    EXPECT_EQ(num(last->root["usageMetadata"]["totalTokenCount"]), 9);
    EXPECT_EQ(r.body.find("[DONE]"), std::string::npos);
}

TEST_F(Gemini, StreamWithoutAltSseIsOneJsonArray) {
    Response r =
        post("/v1beta/models/gemini-2.5-flash:streamGenerateContent?key=gm-q", {}, gemini_body());
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("content-type"), "application/json; charset=UTF-8");
    EXPECT_TRUE(r.complete);
    auto j = parse_json(r.body);
    ASSERT_TRUE(j) << r.body;
    ASSERT_EQ(j->root.get_array().size(), 4u);
    EXPECT_EQ(r.body.front(), '[');
    EXPECT_NE(r.body.find("},\r\n{"), std::string::npos);
}

TEST_F(Gemini, FunctionCallArrivesWholeThenAStopChunk) {
    auto plain = parse_json(
        post("/v1beta/models/g:generateContent", gemini_auth(), gemini_body(kTools)).body);
    ASSERT_TRUE(plain);
    auto part = plain->root["candidates"].at(0)["content"]["parts"].at(0);
    EXPECT_EQ(str(part["functionCall"]["name"]), "get_weather");
    EXPECT_EQ(str(part["functionCall"]["args"]["location"]), "mock");
    auto events = parse_sse(
        post("/v1beta/models/g:streamGenerateContent?alt=sse", gemini_auth(), gemini_body(kTools))
            .body);
    ASSERT_EQ(events.size(), 2u);
    auto first = parse_json(events[0].data);
    EXPECT_EQ(
        str(first->root["candidates"].at(0)["content"]["parts"].at(0)["functionCall"]["name"]),
        "get_weather");
    auto second = parse_json(events[1].data);
    EXPECT_EQ(str(second->root["candidates"].at(0)["finishReason"]), "STOP");
    std::string none =
        std::string(kTools) + ",\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"NONE\"}}";
    auto text =
        parse_json(post("/v1beta/models/g:generateContent", gemini_auth(), gemini_body(none)).body);
    EXPECT_EQ(str(text->root["candidates"].at(0)["content"]["parts"].at(0)["text"]),
              "tok1 tok2 tok3 tok4");
}

TEST_F(Gemini, CountTokensMatchesPromptTokenCount) {
    auto j = parse_json(post("/v1beta/models/g:countTokens", gemini_auth(), gemini_body()).body);
    ASSERT_TRUE(j);
    EXPECT_EQ(num(j->root["totalTokens"]), 5);
    std::string wrapped = "{\"generateContentRequest\":" + gemini_body() + "}";
    j = parse_json(post("/v1beta/models/g:countTokens", gemini_auth(), wrapped).body);
    EXPECT_EQ(num(j->root["totalTokens"]), 5);
}

TEST_F(Gemini, EmbeddingsHonourOutputDimensionality) {
    std::string one = "{\"content\":{\"parts\":[{\"text\":\"paris\"}]},\"outputDimensionality\":4}";
    auto j =
        parse_json(post("/v1beta/models/text-embedding-004:embedContent", gemini_auth(), one).body);
    ASSERT_TRUE(j);
    EXPECT_EQ(j->root["embedding"]["values"].get_array().size(), 4u);
    std::string batch =
        "{\"requests\":[{\"model\":\"models/text-embedding-004\",\"content\":{"
        "\"parts\":[{\"text\":\"a\"}]}},{\"model\":\"models/text-embedding-004\","
        "\"content\":{\"parts\":[{\"text\":\"b\"}]}}]}";
    j = parse_json(
        post("/v1beta/models/text-embedding-004:batchEmbedContents", gemini_auth(), batch).body);
    ASSERT_TRUE(j);
    EXPECT_EQ(j->root["embeddings"].get_array().size(), 2u);
    EXPECT_EQ(j->root["embeddings"].at(0)["values"].get_array().size(), 768u);
}

// The vector is a function of the text and the dimensions only: the same text gets the
// same numbers from Gemini (one part, or parts joined by a newline) and from OpenAI.
TEST_F(Gemini, EmbeddingsEqualOpenAIsForTheSameText) {
    std::string gemini =
        "{\"content\":{\"parts\":[{\"text\":\"first\"},{\"text\":\"second\"}]},"
        "\"outputDimensionality\":6}";
    Response g = post("/v1beta/models/text-embedding-004:embedContent", gemini_auth(), gemini);
    Response o = post("/v1/embeddings", openai_auth(),
                      "{\"model\":\"m\",\"input\":\"first\\nsecond\",\"dimensions\":6}");
    auto gj = parse_json(g.body);
    auto oj = parse_json(o.body);
    ASSERT_TRUE(gj && oj) << g.body << o.body;
    auto gv = gj->root["embedding"]["values"].get_array().value();
    auto ov = oj->root["data"].at(0)["embedding"].get_array().value();
    ASSERT_EQ(gv.size(), 6u);
    ASSERT_EQ(ov.size(), 6u);
    for (size_t i = 0; i < 6; ++i) {
        EXPECT_EQ(gv.at(i).get_double().value(), ov.at(i).get_double().value()) << i;
    }
    Response other = post("/v1/embeddings", openai_auth(),
                          "{\"model\":\"m\",\"input\":\"first\",\"dimensions\":6}");
    auto xj = parse_json(other.body);
    ASSERT_TRUE(xj);
    EXPECT_NE(xj->root["data"].at(0)["embedding"].at(0).get_double().value(),
              gv.at(0).get_double().value());
}

TEST_F(Gemini, ModelsListAndGet) {
    auto list = parse_json(get("/v1beta/models", gemini_auth()).body);
    ASSERT_TRUE(list);
    EXPECT_EQ(str(list->root["models"].at(0)["name"]).rfind("models/", 0), 0u);
    auto one = parse_json(get("/v1beta/models/gemini-2.5-pro", gemini_auth()).body);
    EXPECT_EQ(str(one->root["name"]), "models/gemini-2.5-pro");
}

TEST_F(Gemini, ErrorsUseTheGoogleEnvelope) {
    Response r = post("/v1beta/models/g:generateContent", {}, gemini_body());
    EXPECT_EQ(r.status, 401);
    auto j = parse_json(r.body);
    ASSERT_TRUE(j);
    EXPECT_EQ(num(j->root["error"]["code"]), 401);
    EXPECT_EQ(str(j->root["error"]["status"]), "UNAUTHENTICATED");
    r = post("/v1beta/models/g:fooBar", gemini_auth(), gemini_body());
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(str(parse_json(r.body)->root["error"]["status"]), "NOT_FOUND");
    r = post("/v1beta/models/g:generateContent", gemini_auth(), "{");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(str(parse_json(r.body)->root["error"]["status"]), "INVALID_ARGUMENT");
}

TEST_F(Gemini, RateLimitCarriesRetryInfoAndNoRetryAfterHeader) {
    Response r = post("/v1beta/models/g~fault=429~retry_after=7:generateContent", gemini_auth(),
                      gemini_body());
    ASSERT_EQ(r.status, 429);
    EXPECT_TRUE(r.header("retry-after").empty());
    auto j = parse_json(r.body);
    ASSERT_TRUE(j);
    EXPECT_EQ(str(j->root["error"]["status"]), "RESOURCE_EXHAUSTED");
    std::string delay;
    for (auto d : j->root["error"]["details"].get_array()) {
        if (str(d["@type"]) == "type.googleapis.com/google.rpc.RetryInfo") {
            delay = str(d["retryDelay"]);
        }
    }
    EXPECT_EQ(delay, "7s");
    r = post("/v1beta/models/g~fault=429:generateContent", gemini_auth(), gemini_body());
    EXPECT_EQ(r.body.find("RetryInfo"), std::string::npos);
}

TEST_F(Gemini, ContentPolicyBlocksThePromptWithA200) {
    Response r = post("/v1beta/models/g:generateContent", gemini_auth("k~fault=content_policy"),
                      gemini_body());
    ASSERT_EQ(r.status, 200);
    auto j = parse_json(r.body);
    ASSERT_TRUE(j);
    EXPECT_EQ(str(j->root["promptFeedback"]["blockReason"]), "SAFETY");
    EXPECT_TRUE(j->root["candidates"].error() != simdjson::SUCCESS);
    auto events = parse_sse(post("/v1beta/models/g:streamGenerateContent?alt=sse",
                                 gemini_auth("k~fault=content_policy"), gemini_body())
                                .body);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_NE(events[0].data.find("blockReason"), std::string::npos);
}

}  // namespace
}  // namespace rg::mock::test
