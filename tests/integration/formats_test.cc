// The three client formats on the real binary against the mock: Anthropic and Gemini
// clients reaching providers of their own format (passthrough, streams included), and
// clients of one format reaching providers of another (translated answers, not streamed).
#include <gtest/gtest.h>

#include <string>

#include "harness/fixture.h"

namespace rg::test {
namespace {

std::string config(int port) {
    return mock_gateway_config(port) +
           "  - {name: smart, targets: [{provider: an, model: \"claude-x~context_length\"}],\n"
           "     fallbacks: [gpt-4o-mini]}\n";
}

std::string openai_chat(const std::string& model, bool stream = false) {
    return "{\"model\":\"" + model + "\",\"stream\":" + (stream ? "true" : "false") +
           ",\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
           "{\"role\":\"user\",\"content\":\"hello there\"}]}";
}
std::string anthropic_messages(const std::string& model, bool stream = false) {
    return "{\"model\":\"" + model +
           "\",\"max_tokens\":64,\"stream\":" + (stream ? "true" : "false") +
           ",\"system\":\"be brief\",\"messages\":[{\"role\":\"user\",\"content\":\"hello "
           "there\"}]}";
}
const std::string gemini_body =
    "{\"systemInstruction\":{\"parts\":[{\"text\":\"be brief\"}]},"
    "\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hello there\"}]}]}";

class FormatsTest : public MockGatewaySuite {
  protected:
    static void SetUpTestSuite() { start_suite(config); }
};

TEST_F(FormatsTest, AnthropicClientReachesAnthropicProviderUnchanged) {
    Response r =
        call(post("/v1/messages", anthropic_messages("claude-sonnet-4-5"), anthropic_auth));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(has(r.body, "\"type\":\"message\"")) << r.body;
    EXPECT_TRUE(has(r.body, "tok1 tok2 tok3"));
    std::string log = mock_->attempts();
    EXPECT_TRUE(has(log, "\"key\":\"sk-an\"")) << log;
    EXPECT_TRUE(has(log, "\"path\":\"/v1/messages\"")) << log;
    EXPECT_FALSE(has(log, "client-key"));

    Response s =
        call(post("/v1/messages", anthropic_messages("claude-sonnet-4-5", true), anthropic_auth));
    ASSERT_EQ(s.status, 200);
    EXPECT_TRUE(has(s.body, "event: message_start"));
    EXPECT_TRUE(has(s.body, "event: message_stop")) << s.body;
    EXPECT_FALSE(has(s.body, "event: error"));
}

TEST_F(FormatsTest, GeminiClientReachesGeminiProviderInEveryForm) {
    Response r =
        call(post("/v1beta/models/gemini-2.5-flash:generateContent", gemini_body, gemini_auth));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(has(r.body, "\"candidates\""));
    EXPECT_TRUE(has(r.body, "tok1 tok2 tok3"));
    std::string log = mock_->attempts();
    EXPECT_TRUE(has(log, "\"key\":\"sk-ge\"")) << log;
    EXPECT_TRUE(has(log, "gemini-2.5-flash:generateContent")) << log;

    Response sse = call(post("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
                             gemini_body, gemini_auth));
    ASSERT_EQ(sse.status, 200);
    EXPECT_TRUE(has(sse.body, "data: {")) << sse.body;
    EXPECT_TRUE(has(sse.body, "\"finishReason\":\"STOP\"")) << sse.body;

    Response array = call(
        post("/v1beta/models/gemini-2.5-flash:streamGenerateContent", gemini_body, gemini_auth));
    ASSERT_EQ(array.status, 200);
    EXPECT_EQ(array.body.front(), '[') << array.body;
    EXPECT_EQ(array.body.find_last_not_of("\r\n "), array.body.rfind(']'));
    // The client's ?key= never travels on: the mock sees the provider's key only.
    mock_->reset();
    Response keyed = call(
        post("/v1beta/models/gemini-2.5-flash:generateContent?key=client-key", gemini_body, ""));
    EXPECT_EQ(keyed.status, 200);
    EXPECT_FALSE(has(mock_->attempts(), "client-key"));
}

TEST_F(FormatsTest, OpenAIClientGetsAnAnthropicModelsAnswerInItsOwnFormat) {
    Response r = call(post("/v1/chat/completions", openai_chat("claude-sonnet-4-5"), openai_auth));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(has(r.body, "\"object\":\"chat.completion\"")) << r.body;
    EXPECT_TRUE(has(r.body, "\"content\":\"tok1 tok2 tok3\"")) << r.body;
    EXPECT_TRUE(has(r.body, "\"model\":\"claude-sonnet-4-5\""));
    EXPECT_TRUE(has(r.body, "\"finish_reason\":\"stop\""));
    EXPECT_TRUE(has(r.body, "\"completion_tokens\":3")) << r.body;
    EXPECT_FALSE(r.header("x-request-id").empty());
    std::string log = mock_->attempts();
    EXPECT_TRUE(has(log, "\"format\":\"anthropic\"")) << log;
    EXPECT_TRUE(has(log, "\"key\":\"sk-an\""));
}

TEST_F(FormatsTest, AnthropicClientGetsAnOpenAIModelsAnswerInItsOwnFormat) {
    Response r = call(post("/v1/messages", anthropic_messages("gpt-4o"), anthropic_auth));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(has(r.body, "\"type\":\"message\"")) << r.body;
    EXPECT_TRUE(has(r.body, "\"text\":\"tok1 tok2 tok3\"")) << r.body;
    EXPECT_TRUE(has(r.body, "\"stop_reason\":\"end_turn\""));
    EXPECT_TRUE(has(mock_->attempts(), "\"path\":\"/v1/chat/completions\""));
}

TEST_F(FormatsTest, GeminiClientGetsAnAnthropicModelsAnswerInItsOwnFormat) {
    Response r =
        call(post("/v1beta/models/claude-sonnet-4-5:generateContent", gemini_body, gemini_auth));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(has(r.body, "\"candidates\"")) << r.body;
    EXPECT_TRUE(has(r.body, "tok1 tok2 tok3"));
    EXPECT_TRUE(has(r.body, "\"finishReason\":\"STOP\""));
    EXPECT_TRUE(has(mock_->attempts(), "\"format\":\"anthropic\""));
}

TEST_F(FormatsTest, ATranslatedFallbackAnswerNamesTheModelThatServedIt) {
    // "smart" is an alias: its Anthropic target fails (context length), its fallback is an
    // OpenAI model; the Anthropic client's answer says which model answered.
    Response r = call(post("/v1/messages", anthropic_messages("smart"), anthropic_auth));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(has(r.body, "\"model\":\"gpt-4o-mini\"")) << r.body;
}

TEST_F(FormatsTest, ProviderErrorsReachTheClientInItsOwnEnvelope) {
    Response r = call(
        post("/v1/chat/completions", openai_chat("claude-sonnet-4-5~context_length"), openai_auth));
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_TRUE(has(r.body, "\"error\":{")) << r.body;
    EXPECT_TRUE(has(r.body, "\"type\":\"invalid_request_error\"")) << r.body;
    EXPECT_TRUE(has(r.body, "too long")) << r.body;  // the provider's message is kept
}

TEST_F(FormatsTest, ModelsAreListedInEachClientsFormat) {
    HttpClient c;
    Response anthropic, gemini, one_gemini, one_anthropic;
    ASSERT_TRUE(c.connect(gateway_->port()));
    ASSERT_TRUE(c.send("GET /v1/models HTTP/1.1\r\nHost: gw\r\n" + anthropic_auth + "\r\n"));
    ASSERT_TRUE(c.read_response(&anthropic));
    EXPECT_EQ(anthropic.status, 200);
    EXPECT_TRUE(has(anthropic.body, "{\"type\":\"model\",\"id\":\"claude-sonnet-4-5\""))
        << anthropic.body;
    EXPECT_TRUE(has(anthropic.body, "\"has_more\":false,\"first_id\":\"claude-sonnet-4-5\""));
    ASSERT_TRUE(c.send("GET /v1/models/gemini-2.5-flash HTTP/1.1\r\nHost: gw\r\n" + anthropic_auth +
                       "\r\n"));
    ASSERT_TRUE(c.read_response(&one_anthropic));
    EXPECT_TRUE(has(one_anthropic.body, "\"display_name\":\"gemini-2.5-flash\""));
    ASSERT_TRUE(c.send("GET /v1beta/models HTTP/1.1\r\nHost: gw\r\n" + gemini_auth + "\r\n"));
    ASSERT_TRUE(c.read_response(&gemini));
    EXPECT_EQ(gemini.status, 200);
    EXPECT_TRUE(has(gemini.body, "{\"models\":[{\"name\":\"models/claude-sonnet-4-5\""))
        << gemini.body;
    ASSERT_TRUE(c.send("GET /v1beta/models/gemini-2.5-flash HTTP/1.1\r\nHost: gw\r\n" +
                       gemini_auth + "\r\n"));
    ASSERT_TRUE(c.read_response(&one_gemini));
    EXPECT_TRUE(has(one_gemini.body, "\"name\":\"models/gemini-2.5-flash\"")) << one_gemini.body;
    EXPECT_EQ(mock_->attempts().find("\"seq\":"), std::string::npos);  // answered locally
}

TEST_F(FormatsTest, TokenCountsPassThroughToAProviderOfTheClientsFormat) {
    Response a = call(post("/v1/messages/count_tokens",
                           "{\"model\":\"claude-sonnet-4-5\",\"messages\":[{\"role\":"
                           "\"user\",\"content\":\"hello there you\"}]}",
                           anthropic_auth));
    ASSERT_EQ(a.status, 200) << a.body;
    EXPECT_TRUE(has(a.body, "\"input_tokens\":3")) << a.body;
    Response g =
        call(post("/v1beta/models/gemini-2.5-flash:countTokens", gemini_body, gemini_auth));
    ASSERT_EQ(g.status, 200) << g.body;
    EXPECT_TRUE(has(g.body, "\"totalTokens\":4")) << g.body;  // "be brief" + "hello there"
    std::string log = mock_->attempts();
    EXPECT_TRUE(has(log, "/v1/messages/count_tokens")) << log;
    EXPECT_TRUE(has(log, "gemini-2.5-flash:countTokens")) << log;
}

TEST_F(FormatsTest, StreamsAreTranslatedEventByEvent) {
    // OpenAI client, Anthropic provider.
    Response oa =
        call(post("/v1/chat/completions", openai_chat("claude-sonnet-4-5", true), openai_auth));
    ASSERT_EQ(oa.status, 200) << oa.body;
    EXPECT_TRUE(has(oa.header("content-type"), "text/event-stream"));
    EXPECT_TRUE(has(oa.body, "\"object\":\"chat.completion.chunk\"")) << oa.body;
    EXPECT_TRUE(has(oa.body, "\"content\":\" tok3\"")) << oa.body;
    EXPECT_TRUE(has(oa.body, "\"finish_reason\":\"stop\""));
    EXPECT_EQ(oa.body.rfind("data: [DONE]\n\n") + 14, oa.body.size());
    // Anthropic client, OpenAI provider.
    Response an = call(post("/v1/messages", anthropic_messages("gpt-4o", true), anthropic_auth));
    ASSERT_EQ(an.status, 200) << an.body;
    EXPECT_TRUE(has(an.body, "event: message_start")) << an.body;
    EXPECT_TRUE(has(an.body, "\"text_delta\"")) << an.body;
    EXPECT_TRUE(has(an.body, "event: message_stop")) << an.body;
    // Gemini client (SSE), Anthropic provider.
    Response ge = call(post("/v1beta/models/claude-sonnet-4-5:streamGenerateContent?alt=sse",
                            gemini_body, gemini_auth));
    ASSERT_EQ(ge.status, 200) << ge.body;
    EXPECT_TRUE(has(ge.body, "\"finishReason\":\"STOP\"")) << ge.body;
    EXPECT_TRUE(has(ge.body, "tok3"));
    std::string log = mock_->attempts();
    EXPECT_TRUE(has(log, "\"stream\":true")) << log;
}

TEST_F(FormatsTest, ATranslatedStreamCutMidwayEndsWithAnErrorEvent) {
    Response r = call(post("/v1/chat/completions",
                           openai_chat("claude-sonnet-4-5~cut~after=2", true), openai_auth));
    ASSERT_EQ(r.status, 200);
    EXPECT_TRUE(has(r.body, "tok1"));
    EXPECT_FALSE(has(r.body, "[DONE]")) << r.body;
    EXPECT_TRUE(has(r.body, "\"error\"")) << r.body;
}

}  // namespace
}  // namespace rg::test
