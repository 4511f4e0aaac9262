// Faults inside a streamed (or non-streamed) body: slow first token, pacing, stall, cut,
// a malformed event, a missing terminator and an in-stream error.
#include "mock_fixture.h"

namespace rg::mock::test {
namespace {

using StreamFaults = MockTest;

std::string openai_stream(const std::string& model) {
    return chat_body(model, true, ",\"stream_options\":{\"include_usage\":true}");
}

TEST_F(StreamFaults, SlowFirstTokenDelaysOnlyTheFirstDelta) {
    Client c;
    ASSERT_TRUE(c.connect(port_));
    ASSERT_TRUE(c.send(build_request("POST", "/v1/chat/completions", openai_auth(),
                                     openai_stream("gpt-4o~first_delay=600~tokens=3"))));
    uint64_t start = now_ms();
    ASSERT_TRUE(c.read_until("\"role\":\"assistant\"", 2000));  // head and role chunk at once
    uint64_t head = now_ms();
    ASSERT_TRUE(c.read_until("tok1", 2000));
    uint64_t first = now_ms();
    ASSERT_TRUE(c.read_until("[DONE]", 2000));
    // Generous upper bounds: they only need to tell "at once" from the 600 ms delay.
    EXPECT_LT(head - start, 400u);
    EXPECT_GE(first - start, 590u);
    EXPECT_LT(now_ms() - first, 400u);  // the rest follow without delay
}

TEST_F(StreamFaults, TokenDelayPacesEveryDelta) {
    uint64_t start = now_ms();
    Response r = post("/v1/messages", anthropic_auth(), messages_body("c~tokens=4~delay=50", true));
    EXPECT_TRUE(r.complete);
    EXPECT_GE(now_ms() - start, 190u);
    EXPECT_EQ(parse_sse(r.body).size(), 10u);
}

TEST_F(StreamFaults, StallStopsAfterKTokensAndKeepsTheConnectionOpen) {
    Client c;
    ASSERT_TRUE(c.connect(port_));
    ASSERT_TRUE(c.send(build_request("POST", "/v1/chat/completions", openai_auth(),
                                     openai_stream("gpt-4o~tokens=6~fault=stall~after=2"))));
    ASSERT_TRUE(c.read_until("tok2", 2000));
    std::string more;
    EXPECT_EQ(c.read_some(&more, 300), -1);  // open, silent
    EXPECT_EQ(c.raw().find("tok3"), std::string::npos);
    EXPECT_EQ(more.find("tok3"), std::string::npos);
}

TEST_F(StreamFaults, CutClosesWithoutTerminatorOrLastChunk) {
    Client c;
    ASSERT_TRUE(c.connect(port_));
    ASSERT_TRUE(c.send(build_request("POST", "/v1/chat/completions", openai_auth(),
                                     openai_stream("gpt-4o~tokens=6~fault=cut~after=3"))));
    Response r = c.read_response(2000);
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.eof);
    EXPECT_FALSE(r.complete);  // no zero-length chunk
    EXPECT_NE(r.body.find("tok3"), std::string::npos);
    EXPECT_EQ(r.body.find("tok4"), std::string::npos);
    EXPECT_EQ(r.body.find("[DONE]"), std::string::npos);
    Response a = post("/v1/messages", anthropic_auth("k~cut~after=1"), messages_body("c", true));
    EXPECT_TRUE(a.eof);
    EXPECT_EQ(a.body.find("message_stop"), std::string::npos);
}

TEST_F(StreamFaults, OneMalformedEventInAnOtherwiseGoodStream) {
    Response r = post("/v1/chat/completions", openai_auth("k~fault=malformed~after=2"),
                      openai_stream("gpt-4o"));
    ASSERT_TRUE(r.complete);
    bool framing = false;
    auto events = parse_sse(r.body, &framing);
    EXPECT_TRUE(framing);
    int bad = 0;
    std::string text;
    for (size_t i = 0; i + 1 < events.size(); ++i) {
        auto j = parse_json(events[i].data);
        if (!j) {
            ++bad;
            continue;
        }
        if (j->root["choices"].get_array().size() > 0) {
            std::string_view s;
            if (j->root["choices"].at(0)["delta"]["content"].get_string().get(s) ==
                simdjson::SUCCESS) {
                text += s;
            }
        }
    }
    EXPECT_EQ(bad, 1);
    EXPECT_EQ(text, "tok1 tok2 tok3 tok4");
    EXPECT_EQ(events.back().data, "[DONE]");
    Response a = post("/v1/messages", anthropic_auth("k~malformed"), messages_body("c", true));
    auto aevents = parse_sse(a.body);
    int abad = 0;
    for (const auto& e : aevents) {
        abad += parse_json(e.data) ? 0 : 1;
    }
    EXPECT_EQ(abad, 1);
    EXPECT_EQ(aevents.back().event, "message_stop");
}

TEST_F(StreamFaults, MissingTerminatorButOtherwiseCompleteAndClosed) {
    Response r =
        post("/v1/chat/completions", openai_auth("k~fault=no_done"), openai_stream("gpt-4o"));
    EXPECT_TRUE(r.complete);  // the chunked body ends properly
    EXPECT_FALSE(r.eof);
    EXPECT_EQ(r.body.find("[DONE]"), std::string::npos);
    EXPECT_NE(r.body.find("\"finish_reason\":\"stop\""), std::string::npos);
    EXPECT_NE(r.body.find("\"completion_tokens\":4"), std::string::npos);
    Response a = post("/v1/messages", anthropic_auth("k~no_done"), messages_body("c", true));
    EXPECT_TRUE(a.complete);
    auto events = parse_sse(a.body);
    EXPECT_EQ(events.back().event, "message_delta");
}

TEST_F(StreamFaults, InStreamErrorEventEndsTheStream) {
    Response r = post("/v1/chat/completions", openai_auth("k~stream_error~after=1"),
                      openai_stream("gpt-4o"));
    EXPECT_TRUE(r.complete);
    auto events = parse_sse(r.body);
    auto last = parse_json(events.back().data);
    ASSERT_TRUE(last);
    EXPECT_EQ(str(last->root["error"]["type"]), "server_error");
    EXPECT_EQ(r.body.find("[DONE]"), std::string::npos);
    Response a = post("/v1/messages", anthropic_auth("k~stream_error"), messages_body("c", true));
    EXPECT_EQ(parse_sse(a.body).back().event, "error");
    Response g = post("/v1beta/models/g~stream_error:streamGenerateContent?alt=sse", gemini_auth(),
                      gemini_body());
    EXPECT_EQ(num(parse_json(parse_sse(g.body).back().data)->root["error"]["code"]), 503);
}

TEST_F(StreamFaults, NonStreamedBodiesCanBeTruncated) {
    Response m =
        post("/v1/chat/completions", openai_auth("k~malformed"), chat_body("gpt-4o", false));
    EXPECT_EQ(m.status, 200);
    EXPECT_TRUE(m.complete);
    EXPECT_FALSE(parse_json(m.body));
    Client c;
    ASSERT_TRUE(c.connect(port_));
    ASSERT_TRUE(c.send(build_request("POST", "/v1/chat/completions", openai_auth("k~stall"),
                                     chat_body("gpt-4o", false))));
    Response s = c.read_response(400);
    EXPECT_EQ(s.status, 200);
    EXPECT_TRUE(s.timed_out);
    EXPECT_FALSE(s.complete);
    Response cut = post("/v1/chat/completions", openai_auth("k~cut"), chat_body("gpt-4o", false));
    EXPECT_TRUE(cut.eof);
    EXPECT_FALSE(cut.complete);
}

}  // namespace
}  // namespace rg::mock::test
