// Anthropic endpoints of ringgate-mock: Messages (plain, streamed, tools), count_tokens,
// Models, and the error envelope with its headers.
#include "mock_fixture.h"

namespace rg::mock::test {
namespace {

constexpr const char* kTools =
    ",\"tools\":[{\"name\":\"get_weather\",\"input_schema\":{\"type\":\"object\",\"properties\":"
    "{\"location\":{\"type\":\"string\"}},\"required\":[\"location\"]}}]";

using Anthropic = MockTest;

TEST_F(Anthropic, MessageAnswersTokensWithUsage) {
    Response r = post("/v1/messages", anthropic_auth(), messages_body("claude-sonnet-4-5", false));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("request-id").rfind("req_", 0), 0u);
    EXPECT_EQ(r.header("anthropic-ratelimit-requests-remaining"), "3999");
    auto j = parse_json(r.body);
    ASSERT_TRUE(j);
    EXPECT_EQ(str(j->root["type"]), "message");
    EXPECT_EQ(str(j->root["content"].at(0)["text"]), "tok1 tok2 tok3 tok4");
    EXPECT_EQ(str(j->root["stop_reason"]), "end_turn");
    EXPECT_EQ(num(j->root["usage"]["input_tokens"]), 5);
    EXPECT_EQ(num(j->root["usage"]["output_tokens"]), 4);
}

TEST_F(Anthropic, StreamFollowsTheEventOrderWithSameUsage) {
    Response r = post("/v1/messages", anthropic_auth(), messages_body("claude-sonnet-4-5", true));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("content-type"), "text/event-stream; charset=utf-8");
    bool framing = false;
    auto events = parse_sse(r.body, &framing);
    EXPECT_TRUE(framing);
    std::vector<std::string> expected = {
        "message_start",       "content_block_start", "ping",
        "content_block_delta", "content_block_delta", "content_block_delta",
        "content_block_delta", "content_block_stop",  "message_delta",
        "message_stop"};
    ASSERT_EQ(events.size(), expected.size());
    std::string text;
    for (size_t i = 0; i < events.size(); ++i) {
        EXPECT_EQ(events[i].event, expected[i]);
        auto j = parse_json(events[i].data);
        ASSERT_TRUE(j);
        EXPECT_EQ(str(j->root["type"]), expected[i]);  // the payload type equals the event
        if (expected[i] == "content_block_delta") {
            text += str(j->root["delta"]["text"]);
        }
    }
    EXPECT_EQ(text, "tok1 tok2 tok3 tok4");
    auto start = parse_json(events[0].data);
    EXPECT_EQ(num(start->root["message"]["usage"]["input_tokens"]), 5);
    auto delta = parse_json(events[8].data);
    EXPECT_EQ(num(delta->root["usage"]["output_tokens"]), 4);
    EXPECT_EQ(str(delta->root["delta"]["stop_reason"]), "end_turn");
}

TEST_F(Anthropic, ToolUseStreamsInputJsonDeltas) {
    auto plain = parse_json(
        post("/v1/messages", anthropic_auth(), messages_body("claude", false, kTools)).body);
    ASSERT_TRUE(plain);
    EXPECT_EQ(str(plain->root["stop_reason"]), "tool_use");
    EXPECT_EQ(str(plain->root["content"].at(0)["type"]), "tool_use");
    EXPECT_EQ(str(plain->root["content"].at(0)["input"]["location"]), "mock");
    auto events = parse_sse(
        post("/v1/messages", anthropic_auth(), messages_body("claude", true, kTools)).body);
    std::string json;
    std::string stop;
    for (const auto& e : events) {
        auto j = parse_json(e.data);
        ASSERT_TRUE(j);
        if (e.event == "content_block_start") {
            EXPECT_EQ(str(j->root["content_block"]["type"]), "tool_use");
            EXPECT_EQ(str(j->root["content_block"]["name"]), "get_weather");
        } else if (e.event == "content_block_delta") {
            EXPECT_EQ(str(j->root["delta"]["type"]), "input_json_delta");
            json += str(j->root["delta"]["partial_json"]);
        } else if (e.event == "message_delta") {
            stop = str(j->root["delta"]["stop_reason"]);
        }
    }
    EXPECT_EQ(json, "{\"location\":\"mock\"}");
    EXPECT_EQ(stop, "tool_use");
}

TEST_F(Anthropic, CountTokensMatchesMessageInputTokens) {
    std::string body =
        "{\"model\":\"claude\",\"system\":\"be brief\",\"messages\":[{\"role\":"
        "\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hello mock world\"}]}]}";
    auto j = parse_json(post("/v1/messages/count_tokens", anthropic_auth(), body).body);
    ASSERT_TRUE(j);
    EXPECT_EQ(num(j->root["input_tokens"]), 5);
}

TEST_F(Anthropic, ModelsUseTheAnthropicShape) {
    auto list = parse_json(get("/v1/models", anthropic_auth()).body);
    ASSERT_TRUE(list);
    EXPECT_EQ(str(list->root["data"].at(0)["type"]), "model");
    EXPECT_FALSE(list->root["has_more"].get_bool().value());
    auto one = parse_json(get("/v1/models/claude-x", anthropic_auth()).body);
    EXPECT_EQ(str(one->root["id"]), "claude-x");
}

TEST_F(Anthropic, AuthVersionAndValidationErrors) {
    Response r =
        post("/v1/messages", {{"anthropic-version", "2023-06-01"}}, messages_body("claude", false));
    EXPECT_EQ(r.status, 401);
    auto j = parse_json(r.body);
    ASSERT_TRUE(j);
    EXPECT_EQ(str(j->root["type"]), "error");
    EXPECT_EQ(str(j->root["error"]["type"]), "authentication_error");
    r = post("/v1/messages", {{"x-goog-api-key", "k"}, {"anthropic-version", "2023-06-01"}},
             messages_body("claude", false));
    EXPECT_EQ(r.status, 401);  // another provider's header
    r = post("/v1/messages", {{"authorization", "Bearer k"}, {"anthropic-version", "2023-06-01"}},
             messages_body("claude", false));
    EXPECT_EQ(r.status, 200);  // what @anthropic-ai/sdk 1.x sends
    r = post("/v1/messages", {{"x-api-key", "k"}}, messages_body("claude", false));
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(str(parse_json(r.body)->root["error"]["type"]), "invalid_request_error");
    r = post("/v1/messages", anthropic_auth(),
             "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(str(parse_json(r.body)->root["error"]["message"]), "max_tokens: Field required");
    r = post("/v1/messages/batches/x", anthropic_auth(), "{}");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(str(parse_json(r.body)->root["error"]["type"]), "not_found_error");
    r = post("/v1/messages", anthropic_auth(), "not json");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(str(parse_json(r.body)->root["type"]), "error");
}

TEST_F(Anthropic, OverloadedAndBillingFaults) {
    Response r = post("/v1/messages", anthropic_auth("k~fault=529"), messages_body("c", false));
    EXPECT_EQ(r.status, 529);
    EXPECT_EQ(r.header("x-should-retry"), "true");
    auto j = parse_json(r.body);
    ASSERT_TRUE(j);
    EXPECT_EQ(str(j->root["error"]["type"]), "overloaded_error");
    EXPECT_EQ(str(j->root["request_id"]).rfind("req_", 0), 0u);
    r = post("/v1/messages", anthropic_auth("k~fault=quota"), messages_body("c", false));
    EXPECT_EQ(r.status, 402);
    EXPECT_EQ(r.header("x-should-retry"), "false");
    EXPECT_EQ(str(parse_json(r.body)->root["error"]["type"]), "billing_error");
}

}  // namespace
}  // namespace rg::mock::test
