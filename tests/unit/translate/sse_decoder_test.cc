#include "translate/sse_decoder.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "stream_test_util.h"

namespace rg::translate {
namespace {

using test::cut_at;
using test::cut_every;
using test::cut_random;
using test::OwnedEvent;
using test::reference_sse;
using test::run_sse;
using test::SseRun;

struct Case {
    const char* name;
    std::string body;
    std::vector<OwnedEvent> events;
    bool mid_event = false;
};

// The WHATWG parsing rules the spec summarises (wire-formats.md §2.1), one case each.
std::vector<Case> rule_cases() {
    using namespace std::string_literals;
    return {
        {"data_only", "data: hello\n\n", {{"", "hello", ""}}},
        {"named_event", "event: ping\ndata: {}\n\n", {{"ping", "{}", ""}}},
        {"multi_line_data_joined_with_lf", "data: a\ndata: b\ndata:\n\n", {{"", "a\nb\n", ""}}},
        {"crlf_lines", "event: e\r\ndata: a\r\ndata: b\r\n\r\n", {{"e", "a\nb", ""}}},
        {"cr_lines", "data: a\r\rdata: b\r\r", {{"", "a", ""}, {"", "b", ""}}},
        {"mixed_line_endings", "data: a\r\ndata: b\ndata: c\r\r\n", {{"", "a\nb\nc", ""}}},
        {"cr_cr_lf_is_two_line_ends", "data: a\r\r\ndata: b\n\n", {{"", "a", ""}, {"", "b", ""}}},
        {"comments_ignored", ": ping\n\ndata: x\n: inside\n\n:\n\n", {{"", "x", ""}}},
        {"field_without_colon_is_empty_value",
         "data\n\nevent\ndata: x\n\n",
         {{"", "", ""}, {"", "x", ""}}},
        {"one_space_stripped", "data:  two\n\n", {{"", " two", ""}}},
        {"no_space_after_colon", "data:x\n\n", {{"", "x", ""}}},
        {"tab_not_stripped", "data:\tx\n\n", {{"", "\tx", ""}}},
        {"value_keeps_later_colons", "data: a:b: c\n\n", {{"", "a:b: c", ""}}},
        {"space_before_colon_is_another_field", "data : x\n\n", {}},
        {"field_names_case_sensitive", "Data: x\nEVENT: e\n\n", {}},
        {"bom_at_start_skipped",
         "\xEF\xBB\xBF"
         "data: x\n\n",
         {{"", "x", ""}}},
        {"only_one_bom_skipped",
         "\xEF\xBB\xBF\xEF\xBB\xBF"
         "data: x\n\n",
         {}},
        {"bom_later_is_data",
         "data: x\n\n\xEF\xBB\xBF"
         "data: y\n\n",
         {{"", "x", ""}}},
        {"partial_bom_is_line_content",
         "\xEF\xBB"
         "data: x\n\n",
         {}},
        {"dataless_block_ignored_and_resets_name", "event: foo\n\ndata: x\n\n", {{"", "x", ""}}},
        {"last_event_name_wins", "event: a\nevent: b\ndata: x\n\n", {{"b", "x", ""}}},
        {"empty_data_line_dispatches", "data:\n\n", {{"", "", ""}}},
        {"id_persists_across_events",
         "id: 7\ndata: x\n\ndata: y\n\nid\ndata: z\n\n",
         {{"", "x", "7"}, {"", "y", "7"}, {"", "z", ""}}},
        {"id_with_nul_ignored",
         "id: a\ndata: x\n\nid: b\0c\ndata: y\n\n"s,
         {{"", "x", "a"}, {"", "y", "a"}}},
        {"id_set_by_dataless_block", "id: 9\n\ndata: x\n\n", {{"", "x", "9"}}},
        {"retry_and_unknown_fields_ignored", "retry: 100\nfoo: bar\ndata: x\n\n", {{"", "x", ""}}},
        {"leading_blank_lines", "\n\r\n\rdata: x\n\n", {{"", "x", ""}}},
        {"binary_bytes_pass_through", "data: \x01\xff\0z\n\n"s, {{"", "\x01\xff\0z"s, ""}}},
        {"done_sentinel", "data: [DONE]\n\n", {{"", "[DONE]", ""}}},
        {"unterminated_event_not_dispatched", "data: x\n", {}, true},
        {"partial_line_at_end", "data: x\n\ndata: y", {{"", "x", ""}}, true},
        {"partial_bom_at_end", "\xEF\xBB", {}, true},
        {"trailing_comment_is_not_mid_event", "data: x\n\n: ping\n", {{"", "x", ""}}, false},
        {"trailing_cr_completes_the_line", "data: x\r\r", {{"", "x", ""}}, false},
        {"empty_body", "", {}, false},
    };
}

class SseRules : public testing::TestWithParam<Case> {};

TEST_P(SseRules, WholeBodyGivesTheExpectedEvents) {
    const Case& c = GetParam();
    const SseRun run = run_sse(c.body);
    EXPECT_EQ(run.events, c.events);
    EXPECT_EQ(run.mid_event, c.mid_event);
    EXPECT_FALSE(run.error);
}

TEST_P(SseRules, AgreesWithTheReferenceParser) {
    const Case& c = GetParam();
    EXPECT_EQ(run_sse(c.body), reference_sse(c.body));
}

TEST_P(SseRules, EveryCutGivesTheSameEvents) {
    const Case& c = GetParam();
    const SseRun whole = run_sse(c.body);
    for (size_t i = 0; i <= c.body.size(); ++i) {
        for (size_t j = i; j <= c.body.size(); ++j) {
            ASSERT_EQ(run_sse(cut_at(c.body, {i, j})), whole) << "cuts at " << i << ", " << j;
        }
    }
    EXPECT_EQ(run_sse(cut_every(c.body, 1)), whole);
}

INSTANTIATE_TEST_SUITE_P(Whatwg, SseRules, testing::ValuesIn(rule_cases()),
                         [](const testing::TestParamInfo<Case>& info) {
                             return std::string(info.param.name);
                         });

TEST(SseDecoder, EventInsideThePieceIsNotCopied) {
    const std::string piece = "event: delta\ndata: {\"a\":1}\n\n";
    SseDecoder decoder;
    decoder.feed(piece);
    SseEvent e;
    ASSERT_EQ(decoder.next(&e), SseStatus::event);
    EXPECT_EQ(e.event, "delta");
    EXPECT_EQ(e.data, "{\"a\":1}");
    EXPECT_EQ(e.data.data(), piece.data() + piece.find('{'));
    EXPECT_EQ(e.event.data(), piece.data() + 7);
    EXPECT_EQ(decoder.next(&e), SseStatus::need_more);
}

TEST(SseDecoder, EventSpanningPiecesIsCopied) {
    std::string first = "event: delta\ndata: {\"a\"";
    const std::string second = ":1}\n\n";
    SseDecoder decoder;
    decoder.feed(first);
    SseEvent e;
    ASSERT_EQ(decoder.next(&e), SseStatus::need_more);
    first.assign(first.size(), '#');  // the caller recycles its receive buffer
    decoder.feed(second);
    ASSERT_EQ(decoder.next(&e), SseStatus::event);
    EXPECT_EQ(e.event, "delta");
    EXPECT_EQ(e.data, "{\"a\":1}");
}

TEST(SseDecoder, SeveralEventsPerPieceAndEmptyPieces) {
    SseDecoder decoder;
    std::vector<std::string> data;
    auto collect = [&](const SseEvent& e) { data.emplace_back(e.data); };
    EXPECT_EQ(decoder.feed_all("", collect), SseStatus::need_more);
    EXPECT_EQ(decoder.feed_all("data: 1\n\ndata: 2\n\ndata: 3\n", collect), SseStatus::need_more);
    EXPECT_EQ(decoder.feed_all("", collect), SseStatus::need_more);
    EXPECT_EQ(decoder.feed_all("\n", collect), SseStatus::need_more);
    EXPECT_EQ(data, (std::vector<std::string>{"1", "2", "3"}));
}

TEST(SseDecoder, CrlfSplitBetweenCrAndLf) {
    SseDecoder decoder;
    std::vector<std::string> data;
    auto collect = [&](const SseEvent& e) { data.emplace_back(e.data); };
    EXPECT_EQ(decoder.feed_all("data: a\r", collect), SseStatus::need_more);
    EXPECT_EQ(decoder.feed_all("\n\r", collect), SseStatus::need_more);
    EXPECT_EQ(data, std::vector<std::string>{"a"});  // "\r\n" then "\r": one blank line
    EXPECT_EQ(decoder.feed_all("\ndata: b\r\n\r\n", collect), SseStatus::need_more);
    EXPECT_EQ(data, (std::vector<std::string>{"a", "b"}));
}

TEST(SseDecoder, MidEventTracksTheEndOfInput) {
    SseDecoder decoder;
    auto ignore = [](const SseEvent&) {};
    EXPECT_FALSE(decoder.mid_event());
    ASSERT_EQ(decoder.feed_all("dat", ignore), SseStatus::need_more);
    EXPECT_TRUE(decoder.mid_event());
    ASSERT_EQ(decoder.feed_all("a: x\n", ignore), SseStatus::need_more);
    EXPECT_TRUE(decoder.mid_event());
    ASSERT_EQ(decoder.feed_all("\n", ignore), SseStatus::need_more);
    EXPECT_FALSE(decoder.mid_event());
    ASSERT_EQ(decoder.feed_all(": keep-alive\n", ignore), SseStatus::need_more);
    EXPECT_FALSE(decoder.mid_event());
    ASSERT_EQ(decoder.feed_all(": keep", ignore), SseStatus::need_more);
    EXPECT_TRUE(decoder.mid_event());  // a partial line may be anything
}

// An event block of exactly the limit passes; one byte more fails, whole or split, and
// the decoder stays failed until reset().
TEST(SseDecoder, EventSizeLimit) {
    const uint32_t max = limits::stream_event_bytes_min;
    // "data: " + payload + "\n" + "\n" is the whole block.
    const std::string fits = "data: " + std::string(max - 8, 'x') + "\n\n";
    const std::string over = "data: " + std::string(max - 7, 'x') + "\n\n";
    ASSERT_EQ(fits.size(), max);
    for (size_t piece : {size_t{1}, size_t{100}, fits.size()}) {
        SseRun ok = run_sse(cut_every(fits, piece), max);
        EXPECT_FALSE(ok.error) << piece;
        ASSERT_EQ(ok.events.size(), 1u);
        EXPECT_EQ(ok.events[0].data.size(), max - 8);
        EXPECT_TRUE(run_sse(cut_every(over, piece), max).error) << piece;
    }
    // Comment lines count too: they could otherwise grow a line buffer without bound.
    EXPECT_TRUE(run_sse(":" + std::string(max, 'c'), max).error);
    EXPECT_TRUE(run_sse(cut_every(":" + std::string(max, 'c'), 7), max).error);
    // The count restarts at each blank line: many events of half the limit pass.
    std::string many;
    for (int i = 0; i < 8; ++i) {
        many += "data: " + std::string(max / 2, 'y') + "\n\n";
    }
    EXPECT_FALSE(run_sse(cut_every(many, 1000), max).error);

    SseDecoder decoder(max);
    auto ignore = [](const SseEvent&) {};
    EXPECT_EQ(decoder.feed_all(over, ignore), SseStatus::error);
    EXPECT_TRUE(decoder.failed());
    EXPECT_STREQ(decoder.error_reason(), "sse event too large");
    EXPECT_EQ(decoder.feed_all("data: x\n\n", ignore), SseStatus::error);
    decoder.reset();
    int events = 0;
    EXPECT_EQ(decoder.feed_all("data: x\n\n", [&](const SseEvent&) { ++events; }),
              SseStatus::need_more);
    EXPECT_EQ(events, 1);
}

TEST(SseDecoder, ResetForgetsThePartialEventAndTheId) {
    SseDecoder decoder;
    auto ignore = [](const SseEvent&) {};
    ASSERT_EQ(decoder.feed_all("id: 1\n\nevent: e\ndata: partial", ignore), SseStatus::need_more);
    decoder.reset();
    EXPECT_FALSE(decoder.mid_event());
    std::vector<OwnedEvent> events;
    ASSERT_EQ(
        decoder.feed_all(
            "\xEF\xBB\xBF"
            "data: fresh\n\n",
            [&](const SseEvent& e) {
                events.push_back({std::string(e.event), std::string(e.data), std::string(e.id)});
            }),
        SseStatus::need_more);
    EXPECT_EQ(events, (std::vector<OwnedEvent>{{"", "fresh", ""}}));
}

// Random bodies over the bytes that matter to the grammar, under random cuts: never a
// crash, always the reference's events.
TEST(SseDecoder, RandomBodiesMatchTheReferenceUnderRandomCuts) {
    const std::string alphabet = std::string("\r\n\r\n:: dataevntid\xEF\xBB\xBFx") + '\0';
    std::mt19937_64 rng(20261122);
    std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
    std::uniform_int_distribution<size_t> length(0, 120);
    for (int round = 0; round < 3000; ++round) {
        std::string body;
        const size_t n = length(rng);
        if (round % 3 == 0) {
            body = "\xEF\xBB\xBF";
        }
        for (size_t i = 0; i < n; ++i) {
            body.push_back(round % 5 == 0 ? static_cast<char>(rng()) : alphabet[pick(rng)]);
        }
        const SseRun expected = reference_sse(body);
        ASSERT_EQ(run_sse(body), expected) << "round " << round;
        ASSERT_EQ(run_sse(cut_random(body, rng(), 9)), expected) << "round " << round;
        ASSERT_EQ(run_sse(cut_every(body, 1)), expected) << "round " << round;
    }
}

}  // namespace
}  // namespace rg::translate
