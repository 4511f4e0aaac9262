// The golden streams (tests/data/streams/, copied from the wire-format fixtures) fed whole,
// split at every byte, byte by byte and in random pieces give the same events, and the
// events the spec describes.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <vector>

#include "stream_test_util.h"
#include "translate/json_array_stream_decoder.h"
#include "translate/sse_decoder.h"

namespace rg::translate {
namespace {

using test::ArrayRun;
using test::cut_at;
using test::cut_every;
using test::cut_random;
using test::read_stream_file;
using test::reference_sse;
using test::run_array;
using test::run_sse;
using test::SseRun;

class SseFixture : public testing::TestWithParam<std::string> {};

TEST_P(SseFixture, WholeBodyMatchesTheReferenceAndEndsCleanly) {
    const std::string body = read_stream_file(GetParam());
    const SseRun whole = run_sse(body);
    EXPECT_EQ(whole, reference_sse(body));
    EXPECT_FALSE(whole.error);
    EXPECT_FALSE(whole.mid_event);
    // Each fixture event has exactly one data line, so events = lines starting "data:".
    size_t blocks = body.compare(0, 5, "data:") == 0 ? 1 : 0;
    for (size_t at = body.find("\ndata:"); at != std::string::npos;
         at = body.find("\ndata:", at + 1)) {
        ++blocks;
    }
    EXPECT_EQ(whole.events.size(), blocks);
}

TEST_P(SseFixture, EverySplitPointGivesTheSameEvents) {
    const std::string body = read_stream_file(GetParam());
    const SseRun whole = run_sse(body);
    for (size_t i = 0; i <= body.size(); ++i) {
        ASSERT_EQ(run_sse(cut_at(body, {i})), whole) << "split at " << i;
    }
}

TEST_P(SseFixture, ByteByByteAndRandomPiecesGiveTheSameEvents) {
    const std::string body = read_stream_file(GetParam());
    const SseRun whole = run_sse(body);
    EXPECT_EQ(run_sse(cut_every(body, 1)), whole);
    for (size_t piece : {2, 3, 7, 64, 1024, 4096}) {
        EXPECT_EQ(run_sse(cut_every(body, piece)), whole) << piece;
    }
    for (uint64_t seed = 0; seed < 50; ++seed) {
        ASSERT_EQ(run_sse(cut_random(body, seed, 40)), whole) << "seed " << seed;
    }
}

INSTANTIATE_TEST_SUITE_P(Golden, SseFixture, testing::ValuesIn(test::sse_stream_files()),
                         [](const testing::TestParamInfo<std::string>& info) {
                             std::string name = info.param;
                             for (char& c : name) {
                                 c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                             }
                             return name;
                         });

std::vector<std::string> names_of(const SseRun& run) {
    std::vector<std::string> names;
    for (const auto& e : run.events) {
        names.push_back(e.event);
    }
    return names;
}

TEST(SseFixtures, OpenAiChatIsDataOnlyAndEndsWithDone) {
    const SseRun run = run_sse(read_stream_file("openai/chat_text.stream.sse"));
    ASSERT_EQ(run.events.size(), 11u);
    for (const auto& e : run.events) {
        EXPECT_EQ(e.event, "");
    }
    EXPECT_EQ(run.events.back().data, "[DONE]");
    EXPECT_NE(run.events[1].data.find(R"("content":"The")"), std::string::npos);
}

TEST(SseFixtures, AnthropicEventNamesMatchPayloadTypes) {
    for (const char* file :
         {"anthropic/messages_text.stream.sse", "anthropic/messages_tool.stream.sse",
          "anthropic/messages_thinking.stream.sse", "anthropic/messages_stream_error.sse",
          "openai/responses_text.stream.sse", "openai/responses_tool.stream.sse"}) {
        const SseRun run = run_sse(read_stream_file(file));
        ASSERT_FALSE(run.events.empty()) << file;
        for (const auto& e : run.events) {
            simdjson::dom::parser parser;
            simdjson::dom::element doc;
            ASSERT_EQ(parser.parse(e.data).get(doc), simdjson::SUCCESS) << file;
            std::string_view type;
            ASSERT_EQ(doc["type"].get(type), simdjson::SUCCESS) << file;
            EXPECT_EQ(e.event, type) << file;
        }
    }
    const SseRun text = run_sse(read_stream_file("anthropic/messages_text.stream.sse"));
    EXPECT_EQ(names_of(text),
              (std::vector<std::string>{"message_start", "content_block_start", "ping",
                                        "content_block_delta", "content_block_delta",
                                        "content_block_delta", "content_block_stop",
                                        "message_delta", "message_stop"}));
}

TEST(SseFixtures, GeminiCrlfFramingGivesTheSameEventsAsLf) {
    const SseRun lf = run_sse(read_stream_file("gemini/generate_text.stream.sse"));
    const std::string crlf_body = read_stream_file("gemini/generate_text.stream.crlf.sse");
    ASSERT_NE(crlf_body.find("\r\n"), std::string::npos);
    EXPECT_EQ(run_sse(crlf_body), lf);
    EXPECT_EQ(lf.events.size(), 3u);
}

class JsonArrayFixture : public testing::Test {
  protected:
    const std::string body = read_stream_file("gemini/generate_text.stream.json_array.txt");
};

TEST_F(JsonArrayFixture, WholeBodyGivesEachChunkAndTheEnd) {
    const ArrayRun run = run_array(body);
    EXPECT_FALSE(run.error);
    EXPECT_TRUE(run.finished);
    EXPECT_FALSE(run.mid_element);
    // The array form carries the same chunks as the alt=sse stream of the same answer.
    const SseRun sse = run_sse(read_stream_file("gemini/generate_text.stream.sse"));
    ASSERT_EQ(run.elements.size(), sse.events.size());
    for (size_t i = 0; i < run.elements.size(); ++i) {
        std::string minified(run.elements[i].size(), '\0');
        size_t n = 0;
        ASSERT_EQ(
            simdjson::minify(run.elements[i].data(), run.elements[i].size(), minified.data(), n),
            simdjson::SUCCESS);
        minified.resize(n);
        EXPECT_EQ(minified, sse.events[i].data) << i;
    }
}

TEST_F(JsonArrayFixture, EverySplitPointByteByByteAndRandomPieces) {
    const ArrayRun whole = run_array(body);
    for (size_t i = 0; i <= body.size(); ++i) {
        ASSERT_EQ(run_array(cut_at(body, {i})), whole) << "split at " << i;
    }
    EXPECT_EQ(run_array(cut_every(body, 1)), whole);
    for (uint64_t seed = 0; seed < 50; ++seed) {
        ASSERT_EQ(run_array(cut_random(body, seed, 40)), whole) << "seed " << seed;
    }
}

TEST_F(JsonArrayFixture, CutBodyIsNotFinished) {
    const ArrayRun whole = run_array(body);
    for (size_t keep = 0; keep < body.size(); ++keep) {
        const ArrayRun cut = run_array(cut_every(body.substr(0, keep), 97));
        ASSERT_FALSE(cut.finished) << keep;
        ASSERT_FALSE(cut.error) << keep;
        ASSERT_LE(cut.elements.size(), whole.elements.size());
    }
}

}  // namespace
}  // namespace rg::translate
