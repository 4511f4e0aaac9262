// Stream translators: golden transcripts for the cross-format pairs (upstream fixture in,
// expected client stream out, compared event by event as JSON), fed whole, cut at every
// byte and byte by byte; every output checked valid for its format; cut streams, errors and
// hostile shapes.
#include "translate/stream_translate.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

#include "stream_test_util.h"
#include "stream_translate_check.h"

namespace rg::translate {
namespace {

using test::compare_streams;
using test::Ending;

std::string read_expected(const std::string& name) {
    return test::read_stream_file("../translate_stream/" + name);
}

struct Golden {
    const char* input;     // under tests/data/streams/
    const char* expected;  // under tests/data/translate_stream/
    Format from;
    Format to;
    bool include_usage;
    StreamEnd end;
};

constexpr Format kOpenAi = Format::openai_chat;
constexpr Format kAnthropic = Format::anthropic;
constexpr Format kGemini = Format::gemini;
constexpr Format kResponses = Format::openai_responses;

const Golden goldens[] = {
    // Anthropic -> OpenAI chat (§4.6 (a); the first is the spec's checked fixture).
    {"anthropic/messages_tool_parallel.stream.sse", "anthropic_tool_parallel.to_openai.sse",
     kAnthropic, kOpenAi, true, StreamEnd::complete},
    {"anthropic/messages_text.stream.sse", "anthropic_text.to_openai.sse", kAnthropic, kOpenAi,
     true, StreamEnd::complete},
    {"anthropic/messages_tool.stream.sse", "anthropic_tool.to_openai.sse", kAnthropic, kOpenAi,
     false, StreamEnd::complete},
    {"anthropic/messages_thinking.stream.sse", "anthropic_thinking.to_openai.sse", kAnthropic,
     kOpenAi, true, StreamEnd::complete},
    {"anthropic/messages_stream_error.sse", "anthropic_error.to_openai.sse", kAnthropic, kOpenAi,
     true, StreamEnd::upstream_error},
    // Gemini -> OpenAI chat (§4.6 (b)).
    {"gemini/generate_tool.stream.sse", "gemini_tool.to_openai.sse", kGemini, kOpenAi, true,
     StreamEnd::complete},
    {"gemini/generate_text.stream.sse", "gemini_text.to_openai.sse", kGemini, kOpenAi, true,
     StreamEnd::complete},
    {"gemini/generate_text.stream.crlf.sse", "gemini_text.to_openai.sse", kGemini, kOpenAi, true,
     StreamEnd::complete},
    {"gemini/generate_tool_parallel.stream.sse", "gemini_tool_parallel.to_openai.sse", kGemini,
     kOpenAi, false, StreamEnd::complete},
    {"gemini/generate_stream_error.sse", "gemini_error.to_openai.sse", kGemini, kOpenAi, true,
     StreamEnd::upstream_error},
    // OpenAI chat -> Anthropic (§4.6 (c)).
    {"openai/chat_text.stream.sse", "openai_text.to_anthropic.sse", kOpenAi, kAnthropic, false,
     StreamEnd::complete},
    {"openai/chat_tool.stream.sse", "openai_tool.to_anthropic.sse", kOpenAi, kAnthropic, false,
     StreamEnd::complete},
    {"openai/chat_stream_error.sse", "openai_error.to_anthropic.sse", kOpenAi, kAnthropic, false,
     StreamEnd::upstream_error},
    // OpenAI chat -> Gemini (§4.6 (d)).
    {"openai/chat_text.stream.sse", "openai_text.to_gemini.sse", kOpenAi, kGemini, false,
     StreamEnd::complete},
    {"openai/chat_tool.stream.sse", "openai_tool.to_gemini.sse", kOpenAi, kGemini, false,
     StreamEnd::complete},
    {"openai/chat_stream_error.sse", "openai_error.to_gemini.sse", kOpenAi, kGemini, false,
     StreamEnd::upstream_error},
    // Gemini -> Anthropic (§4.6 (e)).
    {"gemini/generate_text.stream.sse", "gemini_text.to_anthropic.sse", kGemini, kAnthropic, false,
     StreamEnd::complete},
    {"gemini/generate_tool.stream.sse", "gemini_tool.to_anthropic.sse", kGemini, kAnthropic, false,
     StreamEnd::complete},
    // Anthropic -> Gemini (§4.6 (f)).
    {"anthropic/messages_text.stream.sse", "anthropic_text.to_gemini.sse", kAnthropic, kGemini,
     false, StreamEnd::complete},
    {"anthropic/messages_tool_parallel.stream.sse", "anthropic_tool_parallel.to_gemini.sse",
     kAnthropic, kGemini, false, StreamEnd::complete},
    {"anthropic/messages_thinking.stream.sse", "anthropic_thinking.to_gemini.sse", kAnthropic,
     kGemini, false, StreamEnd::complete},
    // OpenAI chat, Anthropic and Gemini -> Responses (§2.2.4).
    {"openai/chat_text.stream.sse", "openai_text.to_responses.sse", kOpenAi, kResponses, false,
     StreamEnd::complete},
    {"openai/chat_tool.stream.sse", "openai_tool.to_responses.sse", kOpenAi, kResponses, false,
     StreamEnd::complete},
    {"anthropic/messages_text.stream.sse", "anthropic_text.to_responses.sse", kAnthropic,
     kResponses, false, StreamEnd::complete},
    {"anthropic/messages_tool.stream.sse", "anthropic_tool.to_responses.sse", kAnthropic,
     kResponses, false, StreamEnd::complete},
    {"anthropic/messages_thinking.stream.sse", "anthropic_thinking.to_responses.sse", kAnthropic,
     kResponses, false, StreamEnd::complete},
    {"anthropic/messages_stream_error.sse", "anthropic_error.to_responses.sse", kAnthropic,
     kResponses, false, StreamEnd::upstream_error},
    {"gemini/generate_text.stream.sse", "gemini_text.to_responses.sse", kGemini, kResponses, false,
     StreamEnd::complete},
    {"gemini/generate_tool.stream.sse", "gemini_tool.to_responses.sse", kGemini, kResponses, false,
     StreamEnd::complete},
    // Responses -> OpenAI chat, Anthropic and Gemini.
    {"openai/responses_text.stream.sse", "responses_text.to_openai.sse", kResponses, kOpenAi, true,
     StreamEnd::complete},
    {"openai/responses_tool.stream.sse", "responses_tool.to_openai.sse", kResponses, kOpenAi, false,
     StreamEnd::complete},
    {"openai/responses_stream_error.sse", "responses_error.to_openai.sse", kResponses, kOpenAi,
     true, StreamEnd::upstream_error},
    {"openai/responses_text.stream.sse", "responses_text.to_anthropic.sse", kResponses, kAnthropic,
     false, StreamEnd::complete},
    {"openai/responses_tool.stream.sse", "responses_tool.to_anthropic.sse", kResponses, kAnthropic,
     false, StreamEnd::complete},
    {"openai/responses_text.stream.sse", "responses_text.to_gemini.sse", kResponses, kGemini, false,
     StreamEnd::complete},
    {"openai/responses_tool.stream.sse", "responses_tool.to_gemini.sse", kResponses, kGemini, false,
     StreamEnd::complete},
};

StreamOptions options_for(const Golden& g) {
    StreamOptions o;
    o.id_token = "tok";
    o.created_s = 1735689600;
    o.include_usage = g.include_usage;
    return o;
}

struct Output {
    std::string out;
    StreamEnd end = StreamEnd::cut;
};

Output translate(StreamTranslator& t, const Golden& g, const std::vector<std::string>& pieces) {
    t.start(g.from, g.to, options_for(g));
    ByteBuffer out;
    for (const std::string& piece : pieces) {
        std::string copy = piece;  // scribbled over after use: no view may outlive it
        t.feed(copy, out);
        copy.assign(copy.size(), '#');
    }
    Output r;
    r.end = t.finish(out);
    r.out = std::string(out.view());
    return r;
}

Ending ending_for(StreamEnd end) {
    return end == StreamEnd::complete ? Ending::terminated
           : end == StreamEnd::cut    ? Ending::open
                                      : Ending::error;
}

class GoldenStream : public ::testing::TestWithParam<Golden> {};

TEST_P(GoldenStream, MatchesExpectedWhenFedWhole) {
    const Golden& g = GetParam();
    StreamTranslator t;
    const Output r = translate(t, g, {test::read_stream_file(g.input)});
    EXPECT_EQ(r.end, g.end) << stream_end_name(r.end);
    EXPECT_EQ(compare_streams(read_expected(g.expected), r.out), "") << r.out;
    EXPECT_EQ(test::check_client_stream(g.to, r.out, ending_for(g.end)), "") << r.out;
}

TEST_P(GoldenStream, SameBytesUnderEveryCut) {
    const Golden& g = GetParam();
    const std::string body = test::read_stream_file(g.input);
    StreamTranslator t;  // reused across runs: start() must forget everything
    const Output whole = translate(t, g, {body});
    for (size_t cut = 1; cut < body.size(); ++cut) {
        const Output r = translate(t, g, test::cut_at(body, {cut}));
        ASSERT_EQ(r.out, whole.out) << "cut at " << cut;
        ASSERT_EQ(r.end, whole.end);
    }
    const Output bytes = translate(t, g, test::cut_every(body, 1));
    EXPECT_EQ(bytes.out, whole.out);
    for (uint64_t seed = 1; seed <= 20; ++seed) {
        const Output r = translate(t, g, test::cut_random(body, seed, 64));
        ASSERT_EQ(r.out, whole.out) << "seed " << seed;
    }
}

TEST_P(GoldenStream, CutStreamIsReportedAndErrorEventIsValid) {
    const Golden& g = GetParam();
    if (g.end != StreamEnd::complete) {
        return;
    }
    const std::string body = test::read_stream_file(g.input);
    // Drop the last event (the terminator, or Gemini's finishReason chunk).
    const size_t last = body.rfind("data:", body.size() - 3);
    ASSERT_NE(last, std::string::npos);
    size_t cut = last;
    if (cut >= 7 && body.compare(body.rfind('\n', cut - 2) + 1, 6, "event:") == 0) {
        cut = body.rfind('\n', cut - 2) + 1;  // the event: line of the same block
    }
    StreamTranslator t;
    t.start(g.from, g.to, options_for(g));
    ByteBuffer out;
    t.feed(std::string_view(body).substr(0, cut), out);
    EXPECT_EQ(t.finish(out), StreamEnd::cut);
    EXPECT_EQ(test::check_client_stream(g.to, out.view(), Ending::open), "") << out.view();
    t.append_cut_error(out);
    EXPECT_EQ(test::check_client_stream(g.to, out.view(), Ending::error), "") << out.view();
    // Nothing more is translated after the error.
    const size_t size = out.size();
    t.feed(body, out);
    EXPECT_EQ(out.size(), size);
}

std::string golden_name(const ::testing::TestParamInfo<Golden>& info) {
    std::string name = std::to_string(info.index) + "_" + info.param.expected;
    for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) {
            c = '_';
        }
    }
    return name;
}

INSTANTIATE_TEST_SUITE_P(Pairs, GoldenStream, ::testing::ValuesIn(goldens), golden_name);

// Usage is a running total mapped once: Anthropic's message_delta overwrites the counts it
// carries and keeps message_start's input (§2.3).
TEST(StreamTranslator, AnthropicUsageIsCumulativeAndCountedOnce) {
    StreamTranslator t;
    StreamOptions o;
    o.id_token = "x";
    t.start(Format::anthropic, Format::openai_chat, o);
    ByteBuffer out;
    t.feed(test::read_stream_file("anthropic/messages_text.stream.sse"), out);
    ASSERT_EQ(t.finish(out), StreamEnd::complete);
    ASSERT_TRUE(t.has_usage());
    EXPECT_EQ(t.usage().input, 21u);
    EXPECT_EQ(t.usage().output, 10u);
    EXPECT_TRUE(t.saw_content());
}

TEST(StreamTranslator, GeminiUsageTakesTheLastRunningTotal) {
    StreamTranslator t;
    t.start(Format::gemini, Format::anthropic, StreamOptions{});
    ByteBuffer out;
    t.feed(test::read_stream_file("gemini/generate_text.stream.sse"), out);
    ASSERT_EQ(t.finish(out), StreamEnd::complete);
    EXPECT_EQ(t.usage().input, 12u);
    EXPECT_EQ(t.usage().output, 31u);  // candidates 7 + thoughts 24 (§4.5)
    EXPECT_EQ(t.usage().reasoning, 24u);
}

TEST(StreamTranslator, SawContentOnlyAfterTheFirstDelta) {
    StreamTranslator t;
    t.start(Format::openai_chat, Format::anthropic, StreamOptions{});
    ByteBuffer out;
    const std::string body = test::read_stream_file("openai/chat_text.stream.sse");
    const size_t second = body.find("data:", 10);
    t.feed(std::string_view(body).substr(0, second), out);  // the role chunk only
    EXPECT_FALSE(t.saw_content());
    t.feed(std::string_view(body).substr(second), out);
    EXPECT_TRUE(t.saw_content());
}

// Some compatible upstreams send arguments before the call's id and name (§4.6 (c)).
TEST(StreamTranslator, OpenAiArgumentsBeforeNameAreHeld) {
    const std::string body =
        "data: {\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
        "\"function\":{\"arguments\":\"{\\\"a\\\":\"}}]}}]}\n\n"
        "data: {\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
        "\"id\":\"c1\",\"function\":{\"name\":\"f\",\"arguments\":\"1}\"}}]}}]}\n\n"
        "data: "
        "{\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}"
        "\n\ndata: [DONE]\n\n";
    StreamTranslator t;
    t.start(Format::openai_chat, Format::anthropic, StreamOptions{});
    ByteBuffer out;
    t.feed(body, out);
    ASSERT_EQ(t.finish(out), StreamEnd::complete);
    EXPECT_EQ(test::check_client_stream(Format::anthropic, out.view(), Ending::terminated), "");
    const std::string s(out.view());
    EXPECT_NE(s.find("\"partial_json\":\"{\\\"a\\\":\""), std::string::npos) << s;
    EXPECT_NE(s.find("\"partial_json\":\"1}\""), std::string::npos) << s;
    EXPECT_NE(s.find("\"stop_reason\":\"tool_use\""), std::string::npos) << s;  // forced
}

// Anthropic tool with no input_json_delta: OpenAI clients get "{}", not "" (§4.9 #2).
TEST(StreamTranslator, ToolWithoutArgumentsGetsEmptyObject) {
    const std::string body =
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"c\","
        "\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n"
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
        "\"content_block\":{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"now\",\"input\":{}}}\n\n"
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
        "\"tool_use\"},\"usage\":{\"output_tokens\":5}}\n\n"
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    for (Format to : {Format::openai_chat, Format::gemini}) {
        StreamTranslator t;
        t.start(Format::anthropic, to, StreamOptions{});
        ByteBuffer out;
        t.feed(body, out);
        ASSERT_EQ(t.finish(out), StreamEnd::complete);
        EXPECT_EQ(test::check_client_stream(to, out.view(), Ending::terminated), "") << out.view();
        const std::string s(out.view());
        EXPECT_NE(s.find(to == Format::gemini ? "\"args\":{}" : "\"arguments\":\"{}\""),
                  std::string::npos)
            << s;
    }
}

// Events whose JSON is broken are skipped, never crash, and the stream still ends well.
TEST(StreamTranslator, BrokenEventsAreSkipped) {
    const std::string body =
        "data: {\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n"
        "data: {not json\n\n"
        "data: [1,2]\n\n"
        "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}\n\n"
        "data: [DONE]\n\n";
    for (Format to : {Format::anthropic, Format::gemini}) {
        StreamTranslator t;
        t.start(Format::openai_chat, to, StreamOptions{});
        ByteBuffer out;
        t.feed(body, out);
        ASSERT_EQ(t.finish(out), StreamEnd::complete);
        EXPECT_EQ(t.skipped_events(), 2u);
        EXPECT_EQ(test::check_client_stream(to, out.view(), Ending::terminated), "") << out.view();
        const std::string s(out.view());
        EXPECT_NE(s.find(to == Format::gemini ? "MAX_TOKENS" : "max_tokens"), std::string::npos)
            << s;
    }
}

// An event over the size limit breaks the framing: one error event, then nothing.
TEST(StreamTranslator, OversizedEventFailsWithErrorEvent) {
    StreamTranslator t(limits::stream_event_bytes_min);
    t.start(Format::openai_chat, Format::anthropic, StreamOptions{});
    ByteBuffer out;
    const std::string big = "data: {\"x\":\"" + std::string(limits::stream_event_bytes_min, 'a');
    t.feed(big, out);
    EXPECT_EQ(t.finish(out), StreamEnd::invalid);
    EXPECT_EQ(test::check_client_stream(Format::anthropic, out.view(), Ending::error), "")
        << out.view();
}

// Gemini without a finishReason chunk is cut; its EOF is otherwise the terminator.
TEST(StreamTranslator, GeminiWithoutFinishReasonIsCut) {
    const std::string body = test::read_stream_file("gemini/generate_text.stream.sse");
    const size_t last = body.rfind("data:");
    StreamTranslator t;
    t.start(Format::gemini, Format::openai_chat, StreamOptions{});
    ByteBuffer out;
    t.feed(std::string_view(body).substr(0, last), out);
    EXPECT_EQ(t.finish(out), StreamEnd::cut);
    EXPECT_EQ(out.view().find("[DONE]"), std::string_view::npos);
}

}  // namespace
}  // namespace rg::translate
