// Stream translation to and from the Responses API beyond the golden transcripts: usage
// mapped once (cached and reasoning tokens are parts of input and output), the terminal
// event's status as the finish, response.failed and error events, calls sent whole, and the
// Responses client's incomplete status, "{}" arguments and reasoning items.
#include <gtest/gtest.h>

#include <string>

#include "stream_test_util.h"
#include "stream_translate_check.h"
#include "translate/stream_translate.h"

namespace rg::translate {
namespace {

using test::check_client_stream;
using test::Ending;

// One Responses event, with the event line and the same type in the payload.
std::string event(const std::string& type, const std::string& rest) {
    return "event: " + type + "\ndata: {\"type\":\"" + type + "\"" +
           (rest.empty() ? "" : "," + rest) + "}\n\n";
}

std::string created() {
    return event("response.created",
                 R"("response":{"id":"r","model":"gpt-x","status":"in_progress","usage":null})");
}

std::string text_item(const std::string& text) {
    return event("response.output_item.added",
                 R"("output_index":0,"item":{"id":"m","type":"message","content":[]})") +
           event("response.output_text.delta",
                 R"("output_index":0,"item_id":"m","content_index":0,"delta":")" + text + "\"");
}

std::string terminal(const std::string& type, const std::string& extra) {
    return event(type, R"("response":{"id":"r","model":"gpt-x","status":"x")" + extra + "}");
}

struct Outcome {
    std::string out;
    StreamEnd end;
    Usage usage;
    bool has_usage;
};

Outcome translate(Format from, Format to, const std::string& body, bool include_usage = true) {
    StreamTranslator t;
    StreamOptions o;
    o.id_token = "tok";
    o.include_usage = include_usage;
    t.start(from, to, o);
    ByteBuffer out;
    t.feed(body, out);
    Outcome r;
    r.end = t.finish(out);
    r.out = std::string(out.view());
    r.usage = t.usage();
    r.has_usage = t.has_usage();
    return r;
}

bool has(const std::string& hay, const std::string& needle) {
    return hay.find(needle) != std::string::npos;
}

TEST(ResponsesStream, UsageIsMappedOnce) {
    const std::string body =
        created() + text_item("hi") +
        terminal("response.completed",
                 R"(,"usage":{"input_tokens":100,"input_tokens_details":{"cached_tokens":40},)"
                 R"("output_tokens":50,"output_tokens_details":{"reasoning_tokens":20},)"
                 R"("total_tokens":150})");
    const Outcome oa = translate(Format::openai_responses, Format::openai_chat, body);
    ASSERT_EQ(oa.end, StreamEnd::complete);
    ASSERT_TRUE(oa.has_usage);
    EXPECT_EQ(oa.usage.input, 100u);
    EXPECT_EQ(oa.usage.cached_input, 40u);
    EXPECT_EQ(oa.usage.output, 50u);
    EXPECT_EQ(oa.usage.reasoning, 20u);
    EXPECT_TRUE(has(oa.out, R"("prompt_tokens":100,"completion_tokens":50,"total_tokens":150)"))
        << oa.out;
    EXPECT_TRUE(has(oa.out, R"("cached_tokens":40)")) << oa.out;
    EXPECT_TRUE(has(oa.out, R"("reasoning_tokens":20)")) << oa.out;
    const Outcome an = translate(Format::openai_responses, Format::anthropic, body);
    EXPECT_TRUE(has(an.out, R"("input_tokens":60,"output_tokens":50,"cache_read_input_tokens":40)"))
        << an.out;
    const Outcome ge = translate(Format::openai_responses, Format::gemini, body);
    EXPECT_TRUE(has(ge.out, R"("promptTokenCount":100)")) << ge.out;
    EXPECT_TRUE(has(ge.out, R"("candidatesTokenCount":30)")) << ge.out;
    EXPECT_TRUE(has(ge.out, R"("thoughtsTokenCount":20)")) << ge.out;
}

TEST(ResponsesStream, IncompleteIsTheLengthFinish) {
    const std::string body =
        created() + text_item("hi") +
        terminal("response.incomplete", R"(,"incomplete_details":{"reason":"max_output_tokens"})");
    const Outcome oa = translate(Format::openai_responses, Format::openai_chat, body);
    ASSERT_EQ(oa.end, StreamEnd::complete);
    EXPECT_TRUE(has(oa.out, R"("finish_reason":"length")")) << oa.out;
    const Outcome an = translate(Format::openai_responses, Format::anthropic, body);
    EXPECT_TRUE(has(an.out, R"("stop_reason":"max_tokens")")) << an.out;
    EXPECT_EQ(check_client_stream(Format::anthropic, an.out, Ending::terminated), "") << an.out;
}

TEST(ResponsesStream, FailedAndErrorEventsBecomeTheClientsError) {
    const std::string failed =
        created() + text_item("hi") +
        terminal("response.failed",
                 R"(,"error":{"code":"rate_limit_exceeded","message":"slow down"})");
    const std::string error =
        created() + text_item("hi") +
        event("error", R"("code":"server_error","message":"boom","param":null)");
    for (const std::string& body : {failed, error}) {
        for (Format to : {Format::openai_chat, Format::anthropic, Format::gemini}) {
            const Outcome r = translate(Format::openai_responses, to, body);
            EXPECT_EQ(r.end, StreamEnd::upstream_error) << r.out;
            EXPECT_EQ(check_client_stream(to, r.out, Ending::error), "") << r.out;
        }
    }
    const Outcome limited = translate(Format::openai_responses, Format::openai_chat, failed);
    EXPECT_TRUE(has(limited.out, R"("message":"slow down")")) << limited.out;
    EXPECT_TRUE(has(limited.out, R"("code":"rate_limit_exceeded")")) << limited.out;
    const Outcome an = translate(Format::openai_responses, Format::anthropic, error);
    EXPECT_TRUE(has(an.out, R"("message":"boom")")) << an.out;
}

TEST(ResponsesStream, ACallSentWholeInItsDoneEventIsTranslated) {
    const std::string body =
        created() +
        event("response.output_item.done",
              R"("output_index":0,"item":{"id":"fc","type":"function_call","call_id":"c1",)"
              R"("name":"f","arguments":"{\"a\":1}"})") +
        terminal("response.completed", "");
    const Outcome r = translate(Format::openai_responses, Format::anthropic, body);
    ASSERT_EQ(r.end, StreamEnd::complete);
    EXPECT_EQ(check_client_stream(Format::anthropic, r.out, Ending::terminated), "") << r.out;
    EXPECT_TRUE(has(r.out, R"("id":"c1","name":"f")")) << r.out;
    EXPECT_TRUE(has(r.out, R"("partial_json":"{\"a\":1}")")) << r.out;
    EXPECT_TRUE(has(r.out, R"("stop_reason":"tool_use")")) << r.out;
}

TEST(ResponsesStream, ArgumentsInBothDeltasAndDoneCountOnce) {
    const std::string body =
        created() +
        event("response.output_item.added",
              R"("output_index":0,"item":{"id":"fc","type":"function_call","call_id":"c1",)"
              R"("name":"f","arguments":""})") +
        event("response.function_call_arguments.delta", R"("output_index":0,"delta":"{\"a\":")") +
        event("response.function_call_arguments.delta", R"("output_index":0,"delta":"1}")") +
        event("response.function_call_arguments.done",
              R"("output_index":0,"arguments":"{\"a\":1}")") +
        event("response.output_item.done",
              R"("output_index":0,"item":{"id":"fc","type":"function_call","call_id":"c1",)"
              R"("name":"f","arguments":"{\"a\":1}"})") +
        terminal("response.completed", "");
    const Outcome r = translate(Format::openai_responses, Format::gemini, body);
    ASSERT_EQ(r.end, StreamEnd::complete);
    EXPECT_TRUE(has(r.out, R"("args":{"a":1})")) << r.out;
    EXPECT_EQ(check_client_stream(Format::gemini, r.out, Ending::terminated), "") << r.out;
}

TEST(ResponsesStream, ReasoningSummaryBecomesReasoningContent) {
    const std::string body =
        created() +
        event("response.output_item.added",
              R"("output_index":0,"item":{"id":"rs","type":"reasoning","summary":[]})") +
        event("response.reasoning_summary_text.delta",
              R"("output_index":0,"summary_index":0,"delta":"think")") +
        event("response.output_item.added",
              R"("output_index":1,"item":{"id":"m","type":"message","content":[]})") +
        event("response.output_text.delta", R"("output_index":1,"delta":"hi")") +
        terminal("response.completed", "");
    const Outcome r = translate(Format::openai_responses, Format::openai_chat, body);
    ASSERT_EQ(r.end, StreamEnd::complete);
    EXPECT_TRUE(has(r.out, R"("reasoning_content":"think")")) << r.out;
    EXPECT_TRUE(has(r.out, R"("content":"hi")")) << r.out;
}

TEST(ResponsesStream, WithoutATerminalEventTheStreamIsCut) {
    const Outcome r =
        translate(Format::openai_responses, Format::openai_chat, created() + text_item("hi"));
    EXPECT_EQ(r.end, StreamEnd::cut);
    EXPECT_EQ(check_client_stream(Format::openai_chat, r.out, Ending::open), "") << r.out;
}

// Anthropic at max_tokens -> response.incomplete; a call without arguments gets "{}".
TEST(ResponsesStream, ResponsesClientGetsIncompleteAndEmptyObjectArguments) {
    const std::string body =
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"c\","
        "\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n"
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
        "\"content_block\":{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"now\",\"input\":{}}}\n\n"
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
        "\"max_tokens\"},\"usage\":{\"output_tokens\":5}}\n\n"
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    const Outcome r = translate(Format::anthropic, Format::openai_responses, body);
    ASSERT_EQ(r.end, StreamEnd::complete);
    EXPECT_EQ(check_client_stream(Format::openai_responses, r.out, Ending::terminated), "")
        << r.out;
    EXPECT_TRUE(has(r.out, "event: response.incomplete\n")) << r.out;
    EXPECT_TRUE(has(r.out, R"("reason":"max_output_tokens")")) << r.out;
    EXPECT_TRUE(has(r.out, R"("arguments":"{}")")) << r.out;
    EXPECT_TRUE(has(r.out, R"("call_id":"t1")")) << r.out;
}

// The gateway's cut error to a Responses client is an `error` event the SDK raises.
TEST(ResponsesStream, CutErrorToAResponsesClientIsAnErrorEvent) {
    const std::string body = test::read_stream_file("gemini/generate_text.stream.sse");
    StreamTranslator t;
    t.start(Format::gemini, Format::openai_responses, StreamOptions{});
    ByteBuffer out;
    t.feed(std::string_view(body).substr(0, body.rfind("data:")), out);
    ASSERT_EQ(t.finish(out), StreamEnd::cut);
    t.append_cut_error(out);
    const std::string s(out.view());
    EXPECT_EQ(check_client_stream(Format::openai_responses, s, Ending::error), "") << s;
    EXPECT_TRUE(has(s, "event: error\n")) << s;
    EXPECT_TRUE(has(s, "ended before its end marker")) << s;
}

}  // namespace
}  // namespace rg::translate
