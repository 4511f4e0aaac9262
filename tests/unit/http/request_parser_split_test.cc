// Every case of parser_cases.cc fed split at every byte, one byte at a time and at random
// cut sets must give the transcript of the whole input: the parser's result may not depend on
// how the network cut the bytes, and each call's buffer is clobbered and freed after the call.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "parse_driver.h"
#include "parser_cases.h"

namespace rg::http {
namespace {

void expect_split_invariant(const std::string& name, const std::string& input, ParseLimits limits) {
    SCOPED_TRACE(name);
    const std::string whole = test::drive_whole(input, limits);
    for (size_t cut = 1; cut < input.size(); ++cut) {
        const std::string split = test::drive_split_at(input, cut, limits);
        ASSERT_EQ(split, whole) << "cut at " << cut;
    }
    EXPECT_EQ(test::drive_bytewise(input, limits), whole);
}

void expect_random_cuts_invariant(const std::string& name, const std::string& input,
                                  ParseLimits limits, std::mt19937* rng) {
    SCOPED_TRACE(name);
    if (input.size() < 2) {
        return;
    }
    const std::string whole = test::drive_whole(input, limits);
    std::uniform_int_distribution<size_t> pos(1, input.size() - 1);
    for (int round = 0; round < 50; ++round) {
        std::vector<size_t> cuts;
        for (int i = 0; i < 4; ++i) {
            cuts.push_back(pos(*rng));
        }
        std::sort(cuts.begin(), cuts.end());
        cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
        RequestParser parser(limits);
        ASSERT_EQ(test::drive(parser, input, cuts), whole);
    }
}

TEST(RequestParserSplit, ValidCasesGiveTheSameEventsSplitAtEveryByte) {
    for (const test::ValidCase& c : test::valid_cases()) {
        expect_split_invariant(c.name, c.input, c.limits);
    }
}

TEST(RequestParserSplit, RejectCasesGiveTheSameErrorSplitAtEveryByte) {
    for (const test::RejectCase& c : test::reject_cases()) {
        expect_split_invariant(c.name, c.input, c.limits);
    }
}

TEST(RequestParserSplit, AllCasesGiveTheSameEventsAtRandomCutSets) {
    std::mt19937 rng(20261122);
    for (const test::ValidCase& c : test::valid_cases()) {
        expect_random_cuts_invariant(c.name, c.input, c.limits, &rng);
    }
    for (const test::RejectCase& c : test::reject_cases()) {
        expect_random_cuts_invariant(c.name, c.input, c.limits, &rng);
    }
}

TEST(RequestParserSplit, AllCasesBackToBackOnOneConnectionGiveTheSameEvents) {
    // Valid cases pipelined on one connection, each split in the middle of the next one.
    std::string stream;
    std::string expected;
    for (const test::ValidCase& c : test::valid_cases()) {
        const bool default_limits = c.limits.header_bytes_max == limits::header_bytes_default &&
                                    c.limits.body_bytes_max == limits::body_bytes_default;
        if (!default_limits || c.name == "bytes_after_close_are_dropped" ||
            c.transcript.find(" ka=0 ") != std::string::npos) {
            continue;
        }
        stream += c.input;
        expected += c.transcript;
    }
    EXPECT_EQ(test::drive_whole(stream), expected);
    for (size_t step : {1u, 7u, 64u, 1000u}) {
        std::vector<size_t> cuts;
        for (size_t at = step; at < stream.size(); at += step) {
            cuts.push_back(at);
        }
        RequestParser parser(ParseLimits{});
        EXPECT_EQ(test::drive(parser, stream, cuts), expected) << "step " << step;
    }
}

}  // namespace
}  // namespace rg::http
