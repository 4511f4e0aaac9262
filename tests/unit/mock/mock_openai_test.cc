// OpenAI endpoints of ringgate-mock: Chat Completions (plain, streamed, tools), legacy
// Completions, Embeddings, Responses, Models and the error envelope.
#include <cstring>

#include "mock_fixture.h"

namespace rg::mock::test {
namespace {

constexpr const char* kTools =
    ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":"
    "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"},\"days\":{\"type\":"
    "\"integer\"},\"unit\":{\"type\":\"string\",\"enum\":[\"celsius\",\"fahrenheit\"]}},"
    "\"required\":[\"location\",\"days\",\"unit\"]}}}]";

using OpenAi = MockTest;

TEST_F(OpenAi, ChatAnswersTokensWithExactUsage) {
    Response r = post("/v1/chat/completions", openai_auth(), chat_body("gpt-4o", false));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("content-type"), "application/json");
    EXPECT_FALSE(r.header("x-request-id").empty());
    EXPECT_EQ(r.header("x-ratelimit-remaining-requests"), "9999");
    auto j = parse_json(r.body);
    ASSERT_TRUE(j);
    EXPECT_EQ(str(j->root["object"]), "chat.completion");
    EXPECT_EQ(str(j->root["model"]), "gpt-4o");
    EXPECT_EQ(str(j->root["choices"].at(0)["message"]["content"]), "tok1 tok2 tok3 tok4");
    EXPECT_EQ(str(j->root["choices"].at(0)["finish_reason"]), "stop");
    EXPECT_EQ(num(j->root["usage"]["prompt_tokens"]), 5);  // "be brief" + "hello mock world"
    EXPECT_EQ(num(j->root["usage"]["completion_tokens"]), 4);
    EXPECT_EQ(num(j->root["usage"]["total_tokens"]), 9);
}

TEST_F(OpenAi, ChatStreamHasExactFramingAndSameUsage) {
    std::string opts = ",\"stream_options\":{\"include_usage\":true}";
    Response r = post("/v1/chat/completions", openai_auth(), chat_body("gpt-4o", true, opts));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("content-type"), "text/event-stream; charset=utf-8");
    EXPECT_TRUE(r.chunked);
    EXPECT_TRUE(r.complete);
    bool framing = false;
    auto events = parse_sse(r.body, &framing);
    EXPECT_TRUE(framing);
    ASSERT_EQ(events.size(), 8u);  // role, 4 deltas, finish, usage, [DONE]
    std::string text;
    for (size_t i = 0; i + 1 < events.size(); ++i) {
        EXPECT_TRUE(events[i].event.empty());
        auto j = parse_json(events[i].data);
        ASSERT_TRUE(j) << events[i].data;
        if (i == 6) {
            EXPECT_EQ(j->root["choices"].get_array().size(), 0u);
            EXPECT_EQ(num(j->root["usage"]["prompt_tokens"]), 5);
            EXPECT_EQ(num(j->root["usage"]["completion_tokens"]), 4);
            continue;
        }
        EXPECT_TRUE(j->root["usage"].is_null());
        auto delta = j->root["choices"].at(0)["delta"];
        if (i == 0) {
            EXPECT_EQ(str(delta["role"]), "assistant");
        } else if (i <= 4) {
            text += str(delta["content"]);
        } else {
            EXPECT_EQ(str(j->root["choices"].at(0)["finish_reason"]), "stop");
        }
    }
    EXPECT_EQ(text, "tok1 tok2 tok3 tok4");
    EXPECT_EQ(events.back().data, "[DONE]");
    EXPECT_EQ(r.body.substr(r.body.size() - 14), "data: [DONE]\n\n");
}

TEST_F(OpenAi, ChatStreamWithoutIncludeUsageCarriesNoUsage) {
    Response r = post("/v1/chat/completions", openai_auth(), chat_body("gpt-4o", true));
    auto events = parse_sse(r.body);
    ASSERT_EQ(events.size(), 7u);
    EXPECT_EQ(r.body.find("usage"), std::string::npos);
}

TEST_F(OpenAi, ModelDirectivesSetTokensAndMaxTokensTruncates) {
    Response r = post("/v1/chat/completions", openai_auth(),
                      chat_body("gpt-4o~tokens=7", false, ",\"max_tokens\":3"));
    auto j = parse_json(r.body);
    ASSERT_TRUE(j);
    EXPECT_EQ(str(j->root["model"]), "gpt-4o");
    EXPECT_EQ(str(j->root["choices"].at(0)["message"]["content"]), "tok1 tok2 tok3");
    EXPECT_EQ(str(j->root["choices"].at(0)["finish_reason"]), "length");
    r = post("/v1/chat/completions", {{"authorization", "Bearer k"}, {"x-mock-tokens", "2"}},
             chat_body("gpt-4o", false));
    j = parse_json(r.body);
    EXPECT_EQ(num(j->root["usage"]["completion_tokens"]), 2);
}

TEST_F(OpenAi, ChatCallsTheFirstToolWithPlaceholderArguments) {
    Response r = post("/v1/chat/completions", openai_auth(), chat_body("gpt-4o", false, kTools));
    auto j = parse_json(r.body);
    ASSERT_TRUE(j);
    auto choice = j->root["choices"].at(0);
    EXPECT_EQ(str(choice["finish_reason"]), "tool_calls");
    EXPECT_TRUE(choice["message"]["content"].is_null());
    auto call = choice["message"]["tool_calls"].at(0);
    EXPECT_EQ(str(call["function"]["name"]), "get_weather");
    EXPECT_EQ(str(call["function"]["arguments"]),
              "{\"location\":\"mock\",\"days\":0,\"unit\":\"celsius\"}");
    EXPECT_EQ(str(call["id"]).rfind("call_", 0), 0u);
}

TEST_F(OpenAi, StreamedToolCallArgumentsConcatenateToTheSameJson) {
    Response r = post("/v1/chat/completions", openai_auth(), chat_body("gpt-4o", true, kTools));
    auto events = parse_sse(r.body);
    ASSERT_GE(events.size(), 4u);
    std::string args;
    std::string finish;
    for (size_t i = 0; i + 1 < events.size(); ++i) {
        auto j = parse_json(events[i].data);
        ASSERT_TRUE(j);
        auto choice = j->root["choices"].at(0);
        auto calls = choice["delta"]["tool_calls"];
        if (calls.error() == simdjson::SUCCESS) {
            EXPECT_EQ(num(calls.at(0)["index"]), 0);
            args += str(calls.at(0)["function"]["arguments"]);
        }
        if (!choice["finish_reason"].is_null()) {
            finish = str(choice["finish_reason"]);
        }
    }
    EXPECT_EQ(args, "{\"location\":\"mock\",\"days\":0,\"unit\":\"celsius\"}");
    EXPECT_EQ(finish, "tool_calls");
    EXPECT_EQ(events.size(), 1u + 4u + 2u);  // start, 4 fragments (tokens=4), finish, [DONE]
}

TEST_F(OpenAi, ToolChoiceNoneAndToolResultTurnsAnswerWithText) {
    std::string none = std::string(kTools) + ",\"tool_choice\":\"none\"";
    auto j = parse_json(
        post("/v1/chat/completions", openai_auth(), chat_body("gpt-4o", false, none)).body);
    EXPECT_EQ(str(j->root["choices"].at(0)["finish_reason"]), "stop");
    std::string after_tool =
        "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":"
        "\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\","
        "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}}]},{\"role\":\"tool\","
        "\"tool_call_id\":\"c1\",\"content\":\"sunny\"}]" +
        std::string(kTools) + "}";
    j = parse_json(post("/v1/chat/completions", openai_auth(), after_tool).body);
    EXPECT_EQ(str(j->root["choices"].at(0)["finish_reason"]), "stop");
}

TEST_F(OpenAi, LegacyCompletionsStreamAndNot) {
    std::string body = "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":\"say hi\"}";
    auto j = parse_json(post("/v1/completions", openai_auth(), body).body);
    ASSERT_TRUE(j);
    EXPECT_EQ(str(j->root["object"]), "text_completion");
    EXPECT_EQ(str(j->root["choices"].at(0)["text"]), "tok1 tok2 tok3 tok4");
    EXPECT_EQ(num(j->root["usage"]["prompt_tokens"]), 2);
    std::string sbody =
        "{\"model\":\"m\",\"prompt\":\"say hi\",\"stream\":true,"
        "\"stream_options\":{\"include_usage\":true}}";
    auto events = parse_sse(post("/v1/completions", openai_auth(), sbody).body);
    ASSERT_EQ(events.size(), 7u);  // 4 texts, finish, usage, [DONE]
    std::string text;
    for (size_t i = 0; i < 4; ++i) {
        text += str(parse_json(events[i].data)->root["choices"].at(0)["text"]);
    }
    EXPECT_EQ(text, "tok1 tok2 tok3 tok4");
    EXPECT_EQ(num(parse_json(events[5].data)->root["usage"]["completion_tokens"]), 4);
}

TEST_F(OpenAi, EmbeddingsAreDeterministicAndHonourDimensions) {
    std::string body =
        "{\"model\":\"text-embedding-3-small\",\"input\":[\"a b\",\"c\"],"
        "\"dimensions\":8}";
    Response r1 = post("/v1/embeddings", openai_auth(), body);
    Response r2 = post("/v1/embeddings", openai_auth(), body);
    ASSERT_EQ(r1.status, 200);
    EXPECT_EQ(r1.body, r2.body);
    auto j = parse_json(r1.body);
    ASSERT_TRUE(j);
    EXPECT_EQ(j->root["data"].get_array().size(), 2u);
    EXPECT_EQ(j->root["data"].at(1)["embedding"].get_array().size(), 8u);
    EXPECT_EQ(num(j->root["usage"]["prompt_tokens"]), 3);
    std::string b64 =
        "{\"model\":\"text-embedding-3-small\",\"input\":\"a b\",\"dimensions\":8,"
        "\"encoding_format\":\"base64\"}";
    auto k = parse_json(post("/v1/embeddings", openai_auth(), b64).body);
    ASSERT_TRUE(k);
    EXPECT_EQ(str(k->root["data"].at(0)["embedding"]).size(), 44u);  // 32 bytes of float32
    auto plain = parse_json(post("/v1/embeddings", openai_auth(),
                                 "{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}")
                                .body);
    EXPECT_EQ(plain->root["data"].at(0)["embedding"].get_array().size(), 1536u);
}

TEST_F(OpenAi, ResponsesNonStreamAndEventSequence) {
    std::string body = "{\"model\":\"gpt-4o\",\"instructions\":\"be brief\",\"input\":\"hi\"}";
    auto j = parse_json(post("/v1/responses", openai_auth(), body).body);
    ASSERT_TRUE(j);
    EXPECT_EQ(str(j->root["object"]), "response");
    EXPECT_EQ(str(j->root["status"]), "completed");
    EXPECT_EQ(str(j->root["output"].at(0)["content"].at(0)["text"]), "tok1 tok2 tok3 tok4");
    EXPECT_EQ(num(j->root["usage"]["input_tokens"]), 3);
    std::string sbody = "{\"model\":\"gpt-4o\",\"input\":\"hi\",\"stream\":true}";
    bool framing = false;
    auto events = parse_sse(post("/v1/responses", openai_auth(), sbody).body, &framing);
    EXPECT_TRUE(framing);
    std::vector<std::string> expected = {
        "response.created",           "response.in_progress",
        "response.output_item.added", "response.content_part.added",
        "response.output_text.delta", "response.output_text.delta",
        "response.output_text.delta", "response.output_text.delta",
        "response.output_text.done",  "response.content_part.done",
        "response.output_item.done",  "response.completed"};
    ASSERT_EQ(events.size(), expected.size());
    for (size_t i = 0; i < events.size(); ++i) {
        EXPECT_EQ(events[i].event, expected[i]);
        auto e = parse_json(events[i].data);
        ASSERT_TRUE(e);
        EXPECT_EQ(str(e->root["type"]), expected[i]);
        EXPECT_EQ(num(e->root["sequence_number"]), static_cast<int64_t>(i));
    }
    auto done = parse_json(events.back().data);
    EXPECT_EQ(num(done->root["response"]["usage"]["output_tokens"]), 4);
}

TEST_F(OpenAi, ResponsesToolCallStreamsArgumentDeltas) {
    std::string body =
        "{\"model\":\"gpt-4o\",\"input\":\"hi\",\"stream\":true,\"tools\":[{"
        "\"type\":\"function\",\"name\":\"lookup\",\"parameters\":{\"type\":"
        "\"object\",\"properties\":{\"q\":{\"type\":\"string\"}},\"required\":"
        "[\"q\"]}}]}";
    auto events = parse_sse(post("/v1/responses", openai_auth(), body).body);
    std::string args, done_args;
    for (const auto& e : events) {
        auto j = parse_json(e.data);
        ASSERT_TRUE(j);
        if (e.event == "response.function_call_arguments.delta") {
            args += str(j->root["delta"]);
        } else if (e.event == "response.function_call_arguments.done") {
            done_args = str(j->root["arguments"]);
        }
    }
    EXPECT_EQ(args, "{\"q\":\"mock\"}");
    EXPECT_EQ(done_args, args);
}

TEST_F(OpenAi, ModelsListAndGet) {
    auto list = parse_json(get("/v1/models", openai_auth()).body);
    ASSERT_TRUE(list);
    EXPECT_EQ(str(list->root["object"]), "list");
    EXPECT_GE(list->root["data"].get_array().size(), 1u);
    auto one = parse_json(get("/v1/models/gpt-4o", openai_auth()).body);
    EXPECT_EQ(str(one->root["id"]), "gpt-4o");
    EXPECT_EQ(str(one->root["object"]), "model");
}

TEST_F(OpenAi, AuthPathAndJsonErrorsUseTheOpenAiEnvelope) {
    Response r = post("/v1/chat/completions", {}, chat_body("gpt-4o", false));
    EXPECT_EQ(r.status, 401);
    auto j = parse_json(r.body);
    ASSERT_TRUE(j);
    EXPECT_EQ(str(j->root["error"]["type"]), "invalid_request_error");
    r = post("/v1/chat/completions", {{"x-api-key", "k"}}, chat_body("gpt-4o", false));
    EXPECT_EQ(r.status, 401);  // the Anthropic header is the wrong one here
    r = post("/v1/nope", openai_auth(), "{}");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(str(parse_json(r.body)->root["error"]["message"]), "Invalid URL (POST /v1/nope)");
    r = post("/v1/chat/completions", openai_auth(), "{\"model\":");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(str(parse_json(r.body)->root["error"]["type"]), "invalid_request_error");
    r = post("/v1/chat/completions", openai_auth(), chat_body("gpt-4o~bogus=1", false));
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find("bogus=1"), std::string::npos);
}

}  // namespace
}  // namespace rg::mock::test
