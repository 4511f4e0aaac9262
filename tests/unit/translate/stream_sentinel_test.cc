#include "translate/stream_sentinel.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "stream_test_util.h"
#include "translate/json_array_stream_decoder.h"
#include "translate/stream_scan.h"

namespace rg::translate {
namespace {

using test::read_stream_file;
using test::run_array;
using test::run_sse;

// --- stream_scan -------------------------------------------------------------------------

TEST(StreamScan, FindsMembersAtAnyDepthButNotInsideStrings) {
    EXPECT_EQ(json_find_member(R"({"a":{"content" : "x"}})", "content"), R"("x"}})");
    EXPECT_EQ(json_find_member(R"({"t":"say \"content\": no"})", "content"), "");
    EXPECT_EQ(json_find_member(R"({"reasoning_content":"x"})", "content"), "");
    EXPECT_EQ(json_find_member(R"({"content"})", "content"), "");
    EXPECT_EQ(json_find_member(R"({"content":)", "content"), "");
    EXPECT_EQ(json_find_member("content", "content"), "");
}

TEST(StreamScan, NonEmptyStringsAndArrays) {
    EXPECT_TRUE(json_has_nonempty_string(R"({"content":"x"})", "content"));
    EXPECT_FALSE(json_has_nonempty_string(R"({"content":""})", "content"));
    EXPECT_FALSE(json_has_nonempty_string(R"({"content":null})", "content"));
    EXPECT_FALSE(json_has_nonempty_string(R"({"content":[{"token":"a"}]})", "content"));
    EXPECT_TRUE(json_has_nonempty_string(R"({"content":"","x":{"content":"y"}})", "content"));
    EXPECT_TRUE(json_has_nonempty_array(R"({"tool_calls": [ {"index":0} ]})", "tool_calls"));
    EXPECT_FALSE(json_has_nonempty_array(R"({"tool_calls":[ ]})", "tool_calls"));
    EXPECT_FALSE(json_has_nonempty_array(R"({"tool_calls":null})", "tool_calls"));
    EXPECT_TRUE(json_has_string_member(R"({"a":{"type":"tool_use"}})", "type", "tool_use"));
    EXPECT_FALSE(json_has_string_member(R"({"type":"tool_use_x"})", "type", "tool_use"));
    EXPECT_FALSE(json_has_string_member(R"({"name":"tool_use"})", "type", "tool_use"));
}

TEST(StreamScan, TopLevelMembersSkipNestedValues) {
    const std::string_view json =
        R"({"response":{"error":null,"s":"}\"error\":1"},"list":[{"error":2}],"n":-1.5e3,)"
        R"("ok":true, "error" : {"code":503}})";
    EXPECT_EQ(json_top_level_member(json, "error"), R"({"code":503}})");
    EXPECT_EQ(json_top_level_member(R"({"response":{"error":{"x":1}}})", "error"), "");
    EXPECT_EQ(json_top_level_string(R"( {"type" : "message_stop"})", "type"), "message_stop");
    EXPECT_EQ(json_top_level_string(R"({"type":"a\"b"})", "type"), "");
    EXPECT_EQ(json_top_level_string(R"({"type":1})", "type"), "");
    EXPECT_EQ(json_top_level_member("[{\"error\":1}]", "error"), "");
    EXPECT_EQ(json_top_level_member("{\"error\"", "error"), "");
}

// Truncated and mutated event payloads: every view returned lies inside the input.
TEST(StreamScan, MalformedInputNeverCrashes) {
    const std::vector<std::string> seeds = {
        R"({"type":"error","error":{"type":"overloaded_error","message":"x"}})",
        R"({"choices":[{"delta":{"content":"a\"b","tool_calls":[{"index":0}]}}],"error":null})",
        R"({"type" : "content_block_delta", "delta" : {"text" : "}{"}})",
    };
    const std::string alphabet = "{}[]\":,\\ ";
    std::mt19937_64 rng(3);
    size_t found = 0;
    for (int round = 0; round < 20000; ++round) {
        std::string s = seeds[rng() % seeds.size()];
        s.resize(rng() % (s.size() + 1));
        for (int flips = static_cast<int>(rng() % 4); flips > 0 && !s.empty(); --flips) {
            s[rng() % s.size()] = alphabet[rng() % alphabet.size()];
        }
        for (std::string_view v : {json_top_level_member(s, "error"), json_find_member(s, "type"),
                                   json_top_level_string(s, "type")}) {
            if (!v.empty()) {
                ++found;
                ASSERT_GE(v.data(), s.data());
                ASSERT_LE(v.data() + v.size(), s.data() + s.size());
            }
        }
        (void)json_has_nonempty_string(s, "content");
        (void)json_has_nonempty_array(s, "tool_calls");
        (void)json_has_string_member(s, "type", "error");
    }
    EXPECT_GT(found, 1000u);  // the mutations keep many payloads recognisable
}

// --- classification per format -----------------------------------------------------------

SseEvent data_event(std::string_view data) {
    return SseEvent{{}, data, {}};
}
SseEvent named_event(std::string_view name, std::string_view data) {
    return SseEvent{name, data, {}};
}

TEST(StreamSentinel, OpenAiChat) {
    const auto f = StreamFormat::openai_chat;
    EXPECT_TRUE(is_terminal_event(f, data_event("[DONE]")));
    EXPECT_FALSE(is_terminal_event(f, data_event(R"({"choices":[]})")));
    EXPECT_TRUE(
        is_error_event(f, data_event(R"({"error":{"message":"x","type":"server_error"}})")));
    EXPECT_TRUE(is_error_event(f, data_event(R"({"id":"c","error":{"message":"x"}})")));
    EXPECT_FALSE(is_error_event(f, data_event(R"({"error":null,"choices":[]})")));
    EXPECT_TRUE(is_error_event(f, named_event("error", R"({"message":"x"})")));
    EXPECT_FALSE(carries_content(
        f, data_event(R"({"choices":[{"delta":{"role":"assistant","content":""}}]})")));
    EXPECT_TRUE(carries_content(f, data_event(R"({"choices":[{"delta":{"content":"Hi"}}]})")));
    EXPECT_TRUE(carries_content(
        f, data_event(R"({"choices":[{"delta":{"tool_calls":[{"index":0,"id":"c"}]}}]})")));
    EXPECT_TRUE(carries_content(f, data_event(R"({"choices":[{"delta":{"refusal":"no"}}]})")));
    EXPECT_TRUE(
        carries_content(f, data_event(R"({"choices":[{"delta":{"reasoning_content":"hmm"}}]})")));
    EXPECT_TRUE(carries_content(f, data_event(R"({"choices":[{"text":" Paris","index":0}]})")));
    EXPECT_FALSE(carries_content(
        f, data_event(R"({"choices":[{"delta":{},"logprobs":{"content":[{"token":"a"}]}}]})")));
    EXPECT_FALSE(carries_content(f, data_event(R"({"choices":[],"usage":{"total_tokens":3}})")));
}

TEST(StreamSentinel, OpenAiResponses) {
    const auto f = StreamFormat::openai_responses;
    for (const char* end : {"response.completed", "response.incomplete", "response.failed"}) {
        EXPECT_TRUE(is_terminal_event(f, named_event(end, "{}"))) << end;
    }
    EXPECT_TRUE(is_error_event(f, named_event("response.failed", "{}")));
    EXPECT_TRUE(is_error_event(f, named_event("error", R"({"type":"error"})")));
    EXPECT_FALSE(
        is_error_event(f, named_event("response.created", R"({"response":{"error":null}})")));
    EXPECT_TRUE(
        carries_content(f, named_event("response.output_text.delta", R"({"delta":"The"})")));
    EXPECT_FALSE(carries_content(f, named_event("response.output_text.delta", R"({"delta":""})")));
    EXPECT_TRUE(carries_content(
        f, named_event("response.output_item.added",
                       R"({"item":{"type":"function_call","name":"get_weather"}})")));
    EXPECT_FALSE(carries_content(
        f, named_event("response.output_item.added", R"({"item":{"type":"message"}})")));
    // Without event lines the payload's type decides.
    EXPECT_TRUE(is_terminal_event(f, data_event(R"({"type":"response.completed"})")));
}

// A gateway-made error event continues a Responses stream's sequence numbers.
TEST(StreamSentinel, OpenAiResponsesKeepsTheNextSequenceNumber) {
    StreamSentinel sentinel(StreamFormat::openai_responses);
    EXPECT_EQ(sentinel.next_sequence_number(), 0u);
    const test::SseRun run = run_sse(read_stream_file("openai/responses_text.stream.sse"));
    for (size_t i = 0; i + 1 < run.events.size(); ++i) {
        const auto& e = run.events[i];
        sentinel.observe(SseEvent{e.event, e.data, e.id});
        EXPECT_EQ(sentinel.next_sequence_number(), i + 1);
    }
    sentinel.observe(named_event("response.output_text.delta", R"({"sequence_number":"x"})"));
    EXPECT_EQ(sentinel.next_sequence_number(), run.events.size() - 1);  // unreadable: kept
    StreamSentinel chat(StreamFormat::openai_chat);
    chat.observe(data_event(R"({"sequence_number":4})"));
    EXPECT_EQ(chat.next_sequence_number(), 0u);
}

TEST(StreamSentinel, Anthropic) {
    const auto f = StreamFormat::anthropic;
    EXPECT_TRUE(is_terminal_event(f, named_event("message_stop", R"({"type":"message_stop"})")));
    EXPECT_TRUE(is_terminal_event(f, data_event(R"({"type":"message_stop"})")));
    EXPECT_FALSE(is_terminal_event(f, named_event("message_delta", "{}")));
    EXPECT_TRUE(is_error_event(f, named_event("error", R"({"type":"error"})")));
    EXPECT_FALSE(is_error_event(f, named_event("ping", R"({"type":"ping"})")));
    EXPECT_TRUE(carries_content(
        f, named_event("content_block_delta", R"({"delta":{"type":"text_delta","text":"x"}})")));
    EXPECT_FALSE(carries_content(
        f, named_event("content_block_delta", R"({"delta":{"type":"text_delta","text":""}})")));
    EXPECT_FALSE(carries_content(
        f, named_event("content_block_delta",
                       R"({"delta":{"type":"input_json_delta","partial_json":""}})")));
    EXPECT_FALSE(carries_content(
        f, named_event("content_block_delta",
                       R"({"delta":{"type":"signature_delta","signature":"EqQB"}})")));
    EXPECT_TRUE(carries_content(
        f, named_event("content_block_start",
                       R"({"content_block":{"type":"tool_use","id":"t","name":"n"}})")));
    EXPECT_FALSE(carries_content(
        f, named_event("content_block_start", R"({"content_block":{"type":"text","text":""}})")));
    EXPECT_FALSE(carries_content(f, named_event("unknown_future_event", R"({"text":"x"})")));
}

TEST(StreamSentinel, Gemini) {
    const auto f = StreamFormat::gemini_sse;
    EXPECT_TRUE(is_terminal_event(
        f, data_event(
               R"({"candidates":[{"content":{"parts":[{"text":""}]},"finishReason":"STOP"}]})")));
    EXPECT_FALSE(is_terminal_event(f, data_event(R"({"candidates":[{"finishReason":null}]})")));
    EXPECT_FALSE(is_terminal_event(StreamFormat::gemini_json_array,
                                   data_event(R"({"candidates":[{"finishReason":"STOP"}]})")));
    EXPECT_TRUE(is_error_event(f, data_event(R"({"error":{"code":503}})")));
    EXPECT_FALSE(
        carries_content(f, data_event(R"({"candidates":[{"content":{"parts":[{"text":""}]}}]})")));
    EXPECT_TRUE(carries_content(
        f,
        data_event(R"({"candidates":[{"content":{"parts":[{"functionCall":{"name":"f"}}]}}]})")));
    EXPECT_FALSE(
        is_terminal_event(StreamFormat::openai_chat, data_event(R"({"finishReason":"STOP"})")));
    EXPECT_FALSE(is_terminal_event(f, data_event("[DONE]")));
}

// --- the golden streams ------------------------------------------------------------------

struct Expectation {
    const char* file;
    StreamFormat format;
    bool terminated;
    bool error;
    int first_content;  // index of the first content event, -1 for none
};

class SentinelOnFixtures : public testing::TestWithParam<Expectation> {};

TEST_P(SentinelOnFixtures, TerminatorErrorAndFirstContent) {
    const Expectation& x = GetParam();
    const test::SseRun run = run_sse(read_stream_file(x.file));
    StreamSentinel sentinel(x.format);
    int first_content = -1;
    for (size_t i = 0; i < run.events.size(); ++i) {
        const auto& e = run.events[i];
        const EventClass c = sentinel.observe(SseEvent{e.event, e.data, e.id});
        if (c.content && first_content < 0) {
            first_content = static_cast<int>(i);
        }
        EXPECT_EQ(c.terminal, i + 1 == run.events.size() && x.terminated) << i;
    }
    EXPECT_EQ(sentinel.terminated(), x.terminated);
    EXPECT_EQ(sentinel.saw_error(), x.error);
    EXPECT_EQ(first_content, x.first_content);
    EXPECT_EQ(sentinel.saw_content(), x.first_content >= 0);
    EXPECT_EQ(sentinel.events(), run.events.size());
    EXPECT_EQ(sentinel.events_after_end(), 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Golden, SentinelOnFixtures,
    testing::Values(
        Expectation{"openai/chat_text.stream.sse", StreamFormat::openai_chat, true, false, 1},
        Expectation{"openai/chat_tool.stream.sse", StreamFormat::openai_chat, true, false, 0},
        Expectation{"openai/chat_tool_parallel.stream.sse", StreamFormat::openai_chat, true, false,
                    0},
        Expectation{"openai/completions_text.stream.sse", StreamFormat::openai_chat, true, false,
                    0},
        Expectation{"openai/chat_stream_error.sse", StreamFormat::openai_chat, false, true, -1},
        Expectation{"openai/responses_text.stream.sse", StreamFormat::openai_responses, true, false,
                    4},
        Expectation{"openai/responses_tool.stream.sse", StreamFormat::openai_responses, true, false,
                    2},
        Expectation{"openai/responses_stream_error.sse", StreamFormat::openai_responses, false,
                    true, 4},
        Expectation{"anthropic/messages_text.stream.sse", StreamFormat::anthropic, true, false, 3},
        Expectation{"anthropic/messages_tool.stream.sse", StreamFormat::anthropic, true, false, 3},
        Expectation{"anthropic/messages_thinking.stream.sse", StreamFormat::anthropic, true, false,
                    2},
        Expectation{"anthropic/messages_tool_parallel.stream.sse", StreamFormat::anthropic, true,
                    false, 3},
        Expectation{"anthropic/messages_stream_error.sse", StreamFormat::anthropic, false, true, 2},
        Expectation{"gemini/generate_text.stream.sse", StreamFormat::gemini_sse, true, false, 0},
        Expectation{"gemini/generate_tool.stream.sse", StreamFormat::gemini_sse, true, false, 0},
        Expectation{"gemini/generate_tool_parallel.stream.sse", StreamFormat::gemini_sse, true,
                    false, 0},
        Expectation{"gemini/generate_stream_error.sse", StreamFormat::gemini_sse, false, true, 0}),
    [](const testing::TestParamInfo<Expectation>& info) {
        std::string name = info.param.file;
        for (char& c : name) {
            c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
        }
        return name;
    });

TEST(StreamSentinel, GeminiArrayEndsWithItsClosingBracket) {
    const std::string body = read_stream_file("gemini/generate_text.stream.json_array.txt");
    for (bool whole : {true, false}) {
        JsonArrayStreamDecoder decoder;
        StreamSentinel sentinel(StreamFormat::gemini_json_array);
        int content = 0;
        const std::string_view input =
            std::string_view(body).substr(0, whole ? body.size() : body.size() - 1);
        ArrayStatus status = decoder.feed_all(input, [&](std::string_view element) {
            const EventClass c = sentinel.observe_element(element);
            EXPECT_FALSE(c.terminal);  // the finishReason element is not the end here
            content += c.content ? 1 : 0;
        });
        if (status == ArrayStatus::end) {
            sentinel.observe_array_end();
        }
        EXPECT_EQ(sentinel.terminated(), whole);
        EXPECT_EQ(content, 1);  // the scan stops after the first content element
        EXPECT_TRUE(sentinel.saw_content());
        EXPECT_FALSE(sentinel.saw_error());
    }
    StreamSentinel sentinel(StreamFormat::gemini_json_array);
    EXPECT_TRUE(sentinel.observe_element(R"({"error":{"code":429}})").error);
    EXPECT_TRUE(sentinel.saw_error());
}

TEST(StreamSentinel, CountsEventsAfterTheEnd) {
    StreamSentinel sentinel(StreamFormat::openai_chat);
    sentinel.observe(data_event("[DONE]"));
    sentinel.observe(data_event(R"({"choices":[]})"));
    EXPECT_TRUE(sentinel.terminated());
    EXPECT_EQ(sentinel.events_after_end(), 1u);
    sentinel.reset();
    EXPECT_FALSE(sentinel.terminated());
    EXPECT_EQ(sentinel.events(), 0u);
    EXPECT_EQ(sentinel.format(), StreamFormat::openai_chat);
    EXPECT_EQ(stream_format_name(StreamFormat::gemini_json_array), "gemini_json_array");
}

}  // namespace
}  // namespace rg::translate
