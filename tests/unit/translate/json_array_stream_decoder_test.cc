#include "translate/json_array_stream_decoder.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "stream_test_util.h"

namespace rg::translate {
namespace {

using test::ArrayRun;
using test::cut_at;
using test::cut_every;
using test::cut_random;
using test::run_array;

struct Case {
    const char* name;
    std::string body;
    std::vector<std::string> elements;
    bool finished;
    bool error = false;
    bool mid_element = false;
};

std::vector<Case> array_cases() {
    return {
        {"empty_array", "[]", {}, true},
        {"one_empty_object", "[{}]", {"{}"}, true},
        {"gemini_framing",
         "[{\"a\":1}\r\n,{\"b\":2},\r\n{\"c\":3}]",
         {"{\"a\":1}", "{\"b\":2}", "{\"c\":3}"},
         true},
        {"nested_containers",
         "[{\"a\":[[{}],{\"b\":[]}],\"c\":{\"d\":{}}}]",
         {"{\"a\":[[{}],{\"b\":[]}],\"c\":{\"d\":{}}}"},
         true},
        {"brackets_and_quotes_inside_strings",
         R"([{"s":"a\"}]{[","t":"]"},{"u":"\\"},{"v":"\\\""}])",
         {R"({"s":"a\"}]{[","t":"]"})", R"({"u":"\\"})", R"({"v":"\\\""})"},
         true},
        {"whitespace_everywhere",
         " \r\n\t[ \t{ } ,\r\n { \"x\" : 1 } ] \n",
         {"{ }", "{ \"x\" : 1 }"},
         true},
        {"truncated_between_elements", "[{\"a\":1},", {"{\"a\":1}"}, false},
        {"truncated_inside_element", "[{\"a\":1},{\"b\":", {"{\"a\":1}"}, false, false, true},
        {"truncated_inside_string", "[{\"a\":\"x\\", {}, false, false, true},
        {"empty_body", "", {}, false},
        {"only_whitespace", " \r\n", {}, false},
        {"not_an_array", "{\"a\":1}", {}, false, true},
        {"garbage_before_array", "x[{}]", {}, false, true},
        {"scalar_element", "[1]", {}, false, true},
        {"string_element", "[\"a\"]", {}, false, true},
        {"trailing_comma", "[{},]", {"{}"}, false, true},
        {"leading_comma", "[,{}]", {}, false, true},
        {"missing_comma", "[{}{}]", {"{}"}, false, true},
        {"garbage_between_elements", "[{} x {}]", {"{}"}, false, true},
        {"data_after_array", "[{}] x", {"{}"}, true, true},
        {"second_close", "[{}]]", {"{}"}, true, true},
    };
}

class ArrayCases : public testing::TestWithParam<Case> {};

TEST_P(ArrayCases, WholeBody) {
    const Case& c = GetParam();
    const ArrayRun run = run_array(c.body);
    EXPECT_EQ(run.elements, c.elements);
    EXPECT_EQ(run.error, c.error);
    if (!c.error) {
        EXPECT_EQ(run.finished, c.finished);
        EXPECT_EQ(run.mid_element, c.mid_element);
    }
}

TEST_P(ArrayCases, EveryCutGivesTheSameElements) {
    const Case& c = GetParam();
    const ArrayRun whole = run_array(c.body);
    for (size_t i = 0; i <= c.body.size(); ++i) {
        for (size_t j = i; j <= c.body.size(); ++j) {
            ASSERT_EQ(run_array(cut_at(c.body, {i, j})), whole) << "cuts at " << i << ", " << j;
        }
    }
    EXPECT_EQ(run_array(cut_every(c.body, 1)), whole);
}

INSTANTIATE_TEST_SUITE_P(Framing, ArrayCases, testing::ValuesIn(array_cases()),
                         [](const testing::TestParamInfo<Case>& info) {
                             return std::string(info.param.name);
                         });

TEST(JsonArrayStreamDecoder, StatusFollowsTheArray) {
    JsonArrayStreamDecoder decoder;
    std::vector<std::string> elements;
    auto collect = [&](std::string_view e) { elements.emplace_back(e); };
    EXPECT_EQ(decoder.feed_all(" [", collect), ArrayStatus::need_more);
    EXPECT_EQ(decoder.feed_all("{\"a\":1}", collect), ArrayStatus::need_more);
    EXPECT_EQ(elements, std::vector<std::string>{"{\"a\":1}"});  // out before the ','
    EXPECT_FALSE(decoder.finished());
    EXPECT_EQ(decoder.feed_all("]", collect), ArrayStatus::end);
    EXPECT_TRUE(decoder.finished());
    EXPECT_EQ(decoder.feed_all("\r\n", collect), ArrayStatus::end);
    EXPECT_EQ(decoder.feed_all("", collect), ArrayStatus::end);
    EXPECT_EQ(decoder.feed_all("x", collect), ArrayStatus::error);
    EXPECT_TRUE(decoder.failed());
    EXPECT_EQ(decoder.feed_all("", collect), ArrayStatus::error);
    decoder.reset();
    EXPECT_EQ(decoder.feed_all("[{}]", collect), ArrayStatus::end);
    EXPECT_EQ(elements.size(), 2u);
}

TEST(JsonArrayStreamDecoder, ElementInsideThePieceIsNotCopied) {
    const std::string piece = "[{\"a\":1},{\"b\":2}]";
    JsonArrayStreamDecoder decoder;
    decoder.feed(piece);
    std::string_view e;
    ASSERT_EQ(decoder.next(&e), ArrayStatus::element);
    EXPECT_EQ(e.data(), piece.data() + 1);
    ASSERT_EQ(decoder.next(&e), ArrayStatus::element);
    EXPECT_EQ(e.data(), piece.data() + 9);
    EXPECT_EQ(decoder.next(&e), ArrayStatus::end);
}

TEST(JsonArrayStreamDecoder, ElementSpanningPiecesIsCopied) {
    std::string first = "[{\"a\":\"x\\";
    const std::string second = "\"\"}]";
    JsonArrayStreamDecoder decoder;
    std::string_view e;
    decoder.feed(first);
    ASSERT_EQ(decoder.next(&e), ArrayStatus::need_more);
    EXPECT_TRUE(decoder.mid_element());
    first.assign(first.size(), '#');
    decoder.feed(second);
    ASSERT_EQ(decoder.next(&e), ArrayStatus::element);
    EXPECT_EQ(e, "{\"a\":\"x\\\"\"}");
    EXPECT_EQ(decoder.next(&e), ArrayStatus::end);
}

TEST(JsonArrayStreamDecoder, ElementSizeLimit) {
    const uint32_t max = limits::stream_event_bytes_min;
    const std::string fits = "{\"a\":\"" + std::string(max - 8, 'x') + "\"}";
    const std::string over = "{\"a\":\"" + std::string(max - 7, 'x') + "\"}";
    ASSERT_EQ(fits.size(), max);
    for (size_t piece : {size_t{1}, size_t{333}, size_t{max + 10}}) {
        const ArrayRun ok = run_array(cut_every("[" + fits + "," + fits + "]", piece), max);
        EXPECT_FALSE(ok.error) << piece;
        EXPECT_EQ(ok.elements, (std::vector<std::string>{fits, fits})) << piece;
        const ArrayRun bad = run_array(cut_every("[" + over + "]", piece), max);
        EXPECT_TRUE(bad.error) << piece;
        EXPECT_TRUE(bad.elements.empty()) << piece;
    }
    JsonArrayStreamDecoder decoder(max);
    EXPECT_EQ(decoder.feed_all("[" + over, [](std::string_view) {}), ArrayStatus::error);
    EXPECT_STREQ(decoder.error_reason(), "json array element too large");
}

// Random bodies over the bytes that matter (brackets, quotes, escapes, commas), cut at
// random: never a crash, always the whole body's answer.
TEST(JsonArrayStreamDecoder, RandomBodiesGiveTheSameAnswerUnderRandomCuts) {
    const std::string alphabet = "[]{}\",\\ a:\r\n[{\"";
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
    std::uniform_int_distribution<size_t> length(0, 80);
    int finished = 0;
    for (int round = 0; round < 3000; ++round) {
        std::string body = round % 2 == 0 ? "[{" : "";
        const size_t n = length(rng);
        for (size_t i = 0; i < n; ++i) {
            body.push_back(round % 7 == 0 ? static_cast<char>(rng()) : alphabet[pick(rng)]);
        }
        const ArrayRun whole = run_array(body);
        finished += whole.finished ? 1 : 0;
        ASSERT_EQ(run_array(cut_random(body, rng(), 7)), whole) << "round " << round;
        ASSERT_EQ(run_array(cut_every(body, 1)), whole) << "round " << round;
        for (const std::string& e : whole.elements) {
            ASSERT_EQ(e.front(), '{');
            ASSERT_TRUE(e.back() == '}' || e.back() == ']');
        }
    }
    EXPECT_GT(finished, 0);  // the generator reaches the interesting paths
}

}  // namespace
}  // namespace rg::translate
