#include "translate/sse_encoder.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "stream_test_util.h"

namespace rg::translate {
namespace {

using test::OwnedEvent;
using test::run_sse;

std::string encode(std::string_view event, std::string_view data) {
    ByteBuffer out;
    append_sse_event(out, event, data);
    return std::string(out.view());
}

TEST(SseEncoder, WritesNamedAndDataOnlyEvents) {
    EXPECT_EQ(encode("message_stop", R"({"type":"message_stop"})"),
              "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    EXPECT_EQ(encode("", "{}"), "data: {}\n\n");
    ByteBuffer out;
    append_sse_data(out, "[DONE]");
    EXPECT_EQ(out.view(), sse_done_event);
}

TEST(SseEncoder, SplitsMultiLineDataIntoDataLines) {
    EXPECT_EQ(encode("", "a\nb"), "data: a\ndata: b\n\n");
    EXPECT_EQ(encode("e", "a\r\nb\rc\n"), "event: e\ndata: a\ndata: b\ndata: c\ndata: \n\n");
    EXPECT_EQ(encode("", ""), "data: \n\n");
    EXPECT_EQ(encode("", "\n"), "data: \ndata: \n\n");
    EXPECT_EQ(encode("", " lead"), "data:  lead\n\n");  // the decoder strips one space only
}

TEST(SseEncoder, CommentsAndIds) {
    ByteBuffer out;
    append_sse_comment(out, "keep-alive");
    EXPECT_EQ(out.view(), ": keep-alive\n\n");
    out.clear();
    append_sse_comment(out, "a\nb");
    EXPECT_EQ(out.view(), ": a\n: b\n\n");
    out.clear();
    append_sse_event(out, SseEvent{"ev", "d", "42"});
    EXPECT_EQ(out.view(), "id: 42\nevent: ev\ndata: d\n\n");
    EXPECT_TRUE(run_sse(": a\n: b\n\n").events.empty());
}

TEST(SseEncoder, AppendsToWhatIsThere) {
    ByteBuffer out;
    out.append("HTTP chunk header\r\n");
    append_sse_data(out, "x");
    EXPECT_EQ(out.view(), "HTTP chunk header\r\ndata: x\n\n");
}

// Whatever the data, the decoder gives it back, with CR and CRLF read as LF (SSE cannot
// carry a CR in data).
TEST(SseEncoder, RoundTripsThroughTheDecoder) {
    std::mt19937_64 rng(11);
    const std::string alphabet = std::string("ab :\r\n\n\t{}\"") + '\0' + "\xEF\xBB\xBF";
    std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
    std::uniform_int_distribution<size_t> length(0, 40);
    for (int round = 0; round < 2000; ++round) {
        std::string data;
        const size_t n = length(rng);
        for (size_t i = 0; i < n; ++i) {
            data.push_back(alphabet[pick(rng)]);
        }
        const std::string name = round % 2 == 0 ? "" : "content_block_delta";
        ByteBuffer out;
        append_sse_event(out, name, data);
        append_sse_event(out, "second", "z");
        std::string normalised;
        for (size_t i = 0; i < data.size(); ++i) {
            if (data[i] == '\r') {
                normalised.push_back('\n');
                if (i + 1 < data.size() && data[i + 1] == '\n') {
                    ++i;
                }
            } else {
                normalised.push_back(data[i]);
            }
        }
        const test::SseRun run = run_sse(test::cut_random(out.view(), rng(), 5));
        ASSERT_FALSE(run.mid_event);
        ASSERT_EQ(run.events,
                  (std::vector<OwnedEvent>{{name, normalised, ""}, {"second", "z", ""}}))
            << "round " << round;
    }
}

}  // namespace
}  // namespace rg::translate
