// Responses API streams across formats on the real binary against the mock: a Responses
// client reaching Anthropic and Gemini providers, and Chat, Anthropic and Gemini clients
// reaching a provider that serves only the Responses API (`api: responses`). Every client
// stream is checked whole with the unit tests' format checker (stream_translate_check.h).
#include <gtest/gtest.h>

#include <string>

#include "harness/fixture.h"
#include "stream_translate_check.h"

namespace rg::test {
namespace {

using translate::Format;
using translate::test::check_client_stream;
using translate::test::Ending;

std::string config(int port) {
    return mock_gateway_config(
               port, mock_provider("re", "openai", port, "r1", "sk-re", "api: responses, ")) +
           "  - {name: \"resp-*\", targets: [{provider: re}]}\n"
           "  - {name: \"gpt-*\", targets: [{provider: oa}]}\n";
}

const std::string weather_schema =
    "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}},"
    "\"required\":[\"location\"]}";

std::string responses_body(const std::string& model, bool tools, const std::string& extra = "") {
    return "{\"model\":\"" + model + "\",\"stream\":true,\"input\":\"hello there\"" +
           (tools ? ",\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\","
                    "\"parameters\":" +
                        weather_schema + "}]"
                  : "") +
           extra + "}";
}

std::string chat_body(const std::string& model, bool tools) {
    return "{\"model\":\"" + model +
           "\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
           "\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]" +
           (tools ? ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                    "\"parameters\":" +
                        weather_schema + "}}]"
                  : "") +
           "}";
}

class ResponsesStreamTest : public MockGatewaySuite {
  protected:
    static void SetUpTestSuite() { start_suite(config); }
    // A 200 event stream that is a valid `format` stream with that ending.
    static Response stream(const std::string& request, Format format, Ending ending) {
        Response r = call(request);
        EXPECT_EQ(r.status, 200) << r.body;
        EXPECT_TRUE(has(r.header("content-type"), "text/event-stream"));
        EXPECT_EQ(check_client_stream(format, r.body, ending), "") << r.body;
        return r;
    }
};

TEST_F(ResponsesStreamTest, ResponsesClientStreamsTextFromAnthropicAndGemini) {
    for (const char* model : {"claude-sonnet-4-5", "gemini-2.5-flash"}) {
        Response r = stream(post("/v1/responses", responses_body(model, false), openai_auth),
                            Format::openai_responses, Ending::terminated);
        EXPECT_TRUE(has(r.body, "event: response.created\n")) << r.body;
        EXPECT_TRUE(has(r.body, "\"delta\":\" tok3\"")) << r.body;
        EXPECT_TRUE(has(r.body, "\"text\":\"tok1 tok2 tok3\"")) << r.body;
        EXPECT_TRUE(has(r.body, "\"status\":\"completed\"")) << r.body;
        EXPECT_TRUE(has(r.body, "\"output_tokens\":3,")) << r.body;
        EXPECT_TRUE(has(r.body, "\"input_tokens\":2,")) << r.body;  // "hello there"
        EXPECT_TRUE(has(r.body, std::string("\"model\":\"") + model + "\"")) << r.body;
    }
    std::string log = mock_->attempts();
    EXPECT_TRUE(has(log, "\"key\":\"sk-an\"")) << log;
    EXPECT_TRUE(has(log, "\"key\":\"sk-ge\"")) << log;
    EXPECT_FALSE(has(log, "client-key"));
}

TEST_F(ResponsesStreamTest, ResponsesClientStreamsAFunctionCall) {
    for (const char* model : {"claude-sonnet-4-5", "gemini-2.5-flash"}) {
        Response r = stream(post("/v1/responses", responses_body(model, true), openai_auth),
                            Format::openai_responses, Ending::terminated);
        EXPECT_TRUE(has(r.body, "\"type\":\"function_call\"")) << r.body;
        EXPECT_TRUE(has(r.body, "\"name\":\"get_weather\"")) << r.body;
        EXPECT_TRUE(has(r.body, "\"arguments\":\"{\\\"location\\\":\\\"mock\\\"}\"")) << r.body;
        EXPECT_TRUE(has(r.body, "event: response.completed\n")) << r.body;
    }
}

TEST_F(ResponsesStreamTest, ResponsesClientGetsIncompleteAtMaxTokens) {
    Response r = stream(
        post("/v1/responses",
             responses_body("claude-sonnet-4-5", false, ",\"max_output_tokens\":2"), openai_auth),
        Format::openai_responses, Ending::terminated);
    EXPECT_TRUE(has(r.body, "event: response.incomplete\n")) << r.body;
    EXPECT_TRUE(has(r.body, "\"reason\":\"max_output_tokens\"")) << r.body;
}

TEST_F(ResponsesStreamTest, ResponsesClientStreamCutMidwayEndsWithAnErrorEvent) {
    Response r = stream(
        post("/v1/responses", responses_body("claude-sonnet-4-5~cut~after=2", false), openai_auth),
        Format::openai_responses, Ending::error);
    EXPECT_TRUE(has(r.body, "tok1"));
    EXPECT_FALSE(has(r.body, "response.completed")) << r.body;
}

TEST_F(ResponsesStreamTest, ChatAnthropicAndGeminiClientsStreamFromAResponsesProvider) {
    Response oa = stream(post("/v1/chat/completions", chat_body("resp-4o", false), openai_auth),
                         Format::openai_chat, Ending::terminated);
    EXPECT_TRUE(has(oa.body, "\"content\":\" tok3\"")) << oa.body;
    EXPECT_TRUE(has(oa.body, "\"completion_tokens\":3")) << oa.body;
    Response an = stream(post("/v1/messages",
                              "{\"model\":\"resp-4o\",\"max_tokens\":64,\"stream\":true,"
                              "\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}",
                              anthropic_auth),
                         Format::anthropic, Ending::terminated);
    EXPECT_TRUE(has(an.body, "\"text\":\" tok3\"")) << an.body;
    Response ge = stream(post("/v1beta/models/resp-4o:streamGenerateContent?alt=sse",
                              "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hello "
                              "there\"}]}]}",
                              gemini_auth),
                         Format::gemini, Ending::terminated);
    EXPECT_TRUE(has(ge.body, "\"finishReason\":\"STOP\"")) << ge.body;
    std::string log = mock_->attempts();
    EXPECT_TRUE(has(log, "\"path\":\"/v1/responses\"")) << log;
    EXPECT_TRUE(has(log, "\"key\":\"sk-re\"")) << log;
    EXPECT_FALSE(has(log, "/v1/chat/completions")) << log;
}

TEST_F(ResponsesStreamTest, ChatClientStreamsAFunctionCallFromAResponsesProvider) {
    Response r = stream(post("/v1/chat/completions", chat_body("resp-4o", true), openai_auth),
                        Format::openai_chat, Ending::terminated);
    EXPECT_TRUE(has(r.body, "\"name\":\"get_weather\"")) << r.body;
    EXPECT_TRUE(has(r.body, "\"finish_reason\":\"tool_calls\"")) << r.body;
}

TEST_F(ResponsesStreamTest, AResponsesUpstreamCutOrErrorEndsTheClientStreamWithAnError) {
    for (const char* fault : {"cut", "stream_error"}) {
        const std::string model = std::string("resp-4o~") + fault + "~after=2";
        Response r = stream(post("/v1/chat/completions", chat_body(model, false), openai_auth),
                            Format::openai_chat, Ending::error);
        EXPECT_TRUE(has(r.body, "tok1")) << r.body;
        EXPECT_FALSE(has(r.body, "[DONE]")) << r.body;
    }
}

// Passthrough (an `api: chat` provider serves Responses too): a cut upstream stream ends
// with the gateway's error event, numbered after the upstream's last event.
TEST_F(ResponsesStreamTest, APassedThroughResponsesStreamCutEndsWithANumberedErrorEvent) {
    Response r =
        stream(post("/v1/responses", responses_body("gpt-4o~cut~after=2", false), openai_auth),
               Format::openai_responses, Ending::error);
    EXPECT_TRUE(has(r.body, "tok2")) << r.body;
    EXPECT_TRUE(has(r.body, "event: error\n")) << r.body;
    EXPECT_TRUE(has(mock_->attempts(), "\"key\":\"sk-oa\""));
}

}  // namespace
}  // namespace rg::test
