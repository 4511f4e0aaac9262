#include "http/request_parser.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "parse_driver.h"
#include "parser_cases.h"

namespace rg::http {
namespace {

using test::drive_bytewise;
using test::drive_whole;

std::string last_line(const std::string& transcript) {
    const size_t start = transcript.rfind('\n', transcript.size() - 2);
    return transcript.substr(start == std::string::npos ? 0 : start + 1);
}

bool points_into(std::string_view view, std::string_view buffer) {
    return view.data() >= buffer.data() &&
           view.data() + view.size() <= buffer.data() + buffer.size();
}

TEST(RequestParser, ParsesEveryValidCaseIntoExpectedEvents) {
    for (const test::ValidCase& c : test::valid_cases()) {
        SCOPED_TRACE(c.name);
        EXPECT_EQ(drive_whole(c.input, c.limits), c.transcript);
    }
}

TEST(RequestParser, RejectsEverySmugglingAndLimitCaseWithExactErrorAndStatus) {
    for (const test::RejectCase& c : test::reject_cases()) {
        SCOPED_TRACE(c.name);
        EXPECT_EQ(last_line(drive_whole(c.input, c.limits)),
                  std::string("error ") + parse_error_name(c.error) + "\n");
        EXPECT_EQ(parse_error_status(c.error), c.status);
    }
}

TEST(RequestParser, PipelinedRequestsReportEventsInOrderWithExactConsumedCounts) {
    const std::string a = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n";
    const std::string b_head = "POST /b HTTP/1.1\r\nContent-Length: 5\r\n\r\n";
    const std::string c = "GET /c HTTP/1.1\r\n\r\n";
    const std::string all = a + b_head + "hello" + c;
    RequestParser parser(ParseLimits{});
    std::string_view in = all;
    size_t consumed = 0;
    auto step = [&](ParseEvent expected_event, size_t expected_consumed) {
        EXPECT_EQ(parser.parse(in, &consumed), expected_event);
        EXPECT_EQ(consumed, expected_consumed);
        in.remove_prefix(consumed);
    };
    step(ParseEvent::head, a.size());
    EXPECT_EQ(parser.head().path, "/a");
    step(ParseEvent::message_end, 0);
    step(ParseEvent::head, b_head.size());
    EXPECT_EQ(parser.head().content_length, 5);
    step(ParseEvent::body, 5);
    EXPECT_EQ(parser.body(), "hello");
    step(ParseEvent::message_end, 0);
    step(ParseEvent::head, c.size());
    EXPECT_EQ(parser.head().path, "/c");
    step(ParseEvent::message_end, 0);
    EXPECT_TRUE(in.empty());
    step(ParseEvent::need_more, 0);
}

TEST(RequestParser, HeadInOneBufferIsZeroCopy) {
    const std::string req = "POST /v1/x?y=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi";
    RequestParser parser(ParseLimits{});
    size_t consumed = 0;
    ASSERT_EQ(parser.parse(req, &consumed), ParseEvent::head);
    const RequestHead& h = parser.head();
    EXPECT_TRUE(points_into(h.target, req));
    EXPECT_TRUE(points_into(h.path, req));
    EXPECT_TRUE(points_into(h.query, req));
    for (uint32_t i = 0; i < h.header_count; ++i) {
        EXPECT_TRUE(points_into(h.headers[i].name, req));
        EXPECT_TRUE(points_into(h.headers[i].value, req));
    }
    EXPECT_EQ(parser.storage_capacity_for_test(), 0u);
    std::string_view rest = std::string_view(req).substr(consumed);
    ASSERT_EQ(parser.parse(rest, &consumed), ParseEvent::body);
    EXPECT_TRUE(points_into(parser.body(), rest));
}

TEST(RequestParser, HeadViewsSurviveRecycledBuffersWhenHeadSpansCalls) {
    const std::string req =
        "POST /v1/chat/completions?stream=1 HTTP/1.1\r\nHost: api.example.com\r\n"
        "Authorization: Bearer sk-123\r\nX-Empty:\r\nContent-Length: 0\r\n\r\n";
    RequestParser parser(ParseLimits{});
    std::string at_head;
    for (size_t i = 0; i < req.size(); ++i) {
        char byte[1] = {req[i]};
        size_t consumed = 0;
        const ParseEvent ev = parser.parse({byte, 1}, &consumed);
        byte[0] = '#';  // the receive buffer is recycled
        if (ev == ParseEvent::head) {
            ASSERT_EQ(i, req.size() - 1);
            at_head = test::describe_head(parser.head());
        } else {
            ASSERT_EQ(ev, ParseEvent::need_more);
        }
    }
    EXPECT_EQ(at_head,
              "head POST(3) /v1/chat/completions?stream=1 path=/v1/chat/completions query=stream=1 "
              "v=1.1 ka=1 expect=0 chunked=0 cl=0 [Host:api.example.com|Authorization:Bearer "
              "sk-123|X-Empty:|Content-Length:0]");
    size_t consumed = 0;
    ASSERT_EQ(parser.parse({}, &consumed), ParseEvent::message_end);
    // Every view lives in parser storage: still intact after all buffers were clobbered.
    EXPECT_EQ(test::describe_head(parser.head()), at_head);
    EXPECT_EQ(parser.head().find("authorization"), "Bearer sk-123");
}

TEST(RequestParser, EmptyInputInTheMiddleOfAFieldKeepsItIntact) {
    RequestParser parser(ParseLimits{});
    size_t consumed = 0;
    ASSERT_EQ(parser.parse("GET /a HTTP/1.1\r\nX-Key: ab", &consumed), ParseEvent::need_more);
    ASSERT_EQ(parser.parse(std::string_view(), &consumed), ParseEvent::need_more);
    ASSERT_EQ(parser.parse("cd\r\n\r\n", &consumed), ParseEvent::head);
    EXPECT_EQ(parser.head().find("x-key"), "abcd");
}

TEST(RequestParser, MovedParserContinuesAPartialHead) {
    RequestParser first(ParseLimits{});
    size_t consumed = 0;
    ASSERT_EQ(first.parse("GET /moved HTTP/1.1\r\nHost: exa", &consumed), ParseEvent::need_more);
    RequestParser second(std::move(first));
    ASSERT_EQ(second.parse("mple\r\n\r\n", &consumed), ParseEvent::head);
    EXPECT_EQ(second.head().target, "/moved");
    EXPECT_EQ(second.head().find("host"), "example");
}

TEST(RequestParser, RetainedHeadSurvivesItsBufferUntilMessageEnd) {
    RequestParser parser(ParseLimits{});
    std::string first = "POST /v1/chat?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nab";
    size_t consumed = 0;
    ASSERT_EQ(parser.parse(first, &consumed), ParseEvent::head);
    parser.retain_head();
    const std::string expected = test::describe_head(parser.head());
    ASSERT_EQ(parser.parse(std::string_view(first).substr(consumed), &consumed), ParseEvent::body);
    first.assign(first.size(), '#');  // the head's buffer is recycled
    ASSERT_EQ(parser.parse("cd", &consumed), ParseEvent::body);
    ASSERT_EQ(parser.parse({}, &consumed), ParseEvent::message_end);
    EXPECT_EQ(test::describe_head(parser.head()), expected);
    EXPECT_EQ(parser.head().query, "x=1");
    const size_t capacity = parser.storage_capacity_for_test();
    std::string again = "POST /v1/chat?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n";
    ASSERT_EQ(parser.parse(again, &consumed), ParseEvent::head);
    parser.retain_head();
    EXPECT_EQ(parser.storage_capacity_for_test(), capacity);
}

TEST(RequestParser, StorageIsAllocatedOnceAndReused) {
    const std::string req = "GET /abc HTTP/1.1\r\nHost: example\r\n\r\n";
    RequestParser parser(ParseLimits{});
    EXPECT_EQ(drive_bytewise(req).find("error"), std::string::npos);
    size_t capacity = 0;
    for (int round = 0; round < 3; ++round) {
        for (size_t cut = 1; cut < req.size(); ++cut) {
            test::drive(parser, req, {cut});
        }
        if (round == 0) {
            capacity = parser.storage_capacity_for_test();
            EXPECT_GT(capacity, 0u);
        }
        EXPECT_EQ(parser.storage_capacity_for_test(), capacity);
    }
}

TEST(RequestParser, StorageGrowsForLargeSplitHeadsUpToTheHeadLimit) {
    const std::string big(20000, 'v');
    const std::string req = "GET / HTTP/1.1\r\nX-Big: " + big + "\r\n\r\n";
    RequestParser parser(ParseLimits{});
    const std::string t = test::drive(parser, req, {100, 5000, 19000});
    EXPECT_NE(t.find("X-Big:" + big + "]"), std::string::npos);
    EXPECT_LE(parser.storage_capacity_for_test(), limits::header_bytes_default);
}

TEST(RequestParser, DefaultHeaderBytesLimitCountsEveryByteFedOneAtATime) {
    const std::string prefix = "GET / HTTP/1.1\r\nX: ";
    const std::string suffix = "\r\n\r\n";
    const size_t fill = limits::header_bytes_default - prefix.size() - suffix.size();
    const std::string exact = prefix + std::string(fill, 'a') + suffix;
    ASSERT_EQ(exact.size(), limits::header_bytes_default);
    EXPECT_EQ(last_line(drive_bytewise(exact)), "end\n");
    const std::string over = prefix + std::string(fill + 1, 'a') + suffix;
    EXPECT_EQ(last_line(drive_bytewise(over)), "error header_too_large\n");
}

TEST(RequestParser, ContentLengthOverBodyLimitFailsOnTheHeadAlone) {
    RequestParser parser(ParseLimits{.body_bytes_max = 100});
    size_t consumed = 0;
    EXPECT_EQ(parser.parse("POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n", &consumed),
              ParseEvent::error);
    EXPECT_EQ(parser.error(), ParseError::body_too_large);
    EXPECT_EQ(parse_error_status(parser.error()), 413);
}

TEST(RequestParser, ErrorIsStickyUntilReset) {
    RequestParser parser(ParseLimits{});
    size_t consumed = 0;
    ASSERT_EQ(parser.parse("BREW / HTTP/1.1\r\n\r\n", &consumed), ParseEvent::error);
    EXPECT_EQ(parser.parse("GET / HTTP/1.1\r\n\r\n", &consumed), ParseEvent::error);
    EXPECT_EQ(parser.error(), ParseError::invalid_method);
    EXPECT_FALSE(parser.idle());
    EXPECT_FALSE(parser.in_head());
    parser.reset();
    EXPECT_EQ(parser.error(), ParseError::none);
    EXPECT_EQ(parser.parse("GET / HTTP/1.1\r\n\r\n", &consumed), ParseEvent::head);
}

TEST(RequestParser, SetLimitsAppliesFromTheNextMessage) {
    RequestParser parser(ParseLimits{});
    size_t consumed = 0;
    ASSERT_EQ(parser.parse("GET / HTTP/1.1\r\nHost:", &consumed), ParseEvent::need_more);
    parser.set_limits(ParseLimits{.header_bytes_max = 20});
    ASSERT_EQ(parser.parse(" a-long-enough-host-name\r\n\r\n", &consumed), ParseEvent::head);
    ASSERT_EQ(parser.parse({}, &consumed), ParseEvent::message_end);
    EXPECT_EQ(parser.parse("GET / HTTP/1.1\r\nHost: x\r\n\r\n", &consumed), ParseEvent::error);
    EXPECT_EQ(parser.error(), ParseError::header_too_large);
}

TEST(RequestParser, InHeadAndIdleFollowRequestProgress) {
    RequestParser parser(ParseLimits{});
    size_t consumed = 0;
    EXPECT_TRUE(parser.idle());
    EXPECT_FALSE(parser.in_head());
    ASSERT_EQ(parser.parse("POST / HTTP/1.1\r\nContent-", &consumed), ParseEvent::need_more);
    EXPECT_FALSE(parser.idle());
    EXPECT_TRUE(parser.in_head());
    ASSERT_EQ(parser.parse("Length: 2\r\n\r\n", &consumed), ParseEvent::head);
    EXPECT_FALSE(parser.in_head());
    EXPECT_FALSE(parser.idle());
    ASSERT_EQ(parser.parse("h", &consumed), ParseEvent::body);
    ASSERT_EQ(parser.parse("i", &consumed), ParseEvent::body);
    ASSERT_EQ(parser.parse({}, &consumed), ParseEvent::message_end);
    EXPECT_TRUE(parser.idle());
    EXPECT_FALSE(parser.in_head());
}

TEST(RequestParser, ConnectionCloseDropsLaterBytesAndStaysIdle) {
    RequestParser parser(ParseLimits{});
    size_t consumed = 0;
    const std::string req = "GET / HTTP/1.1\r\nConnection: close\r\n\r\n";
    ASSERT_EQ(parser.parse(req, &consumed), ParseEvent::head);
    EXPECT_FALSE(parser.head().keep_alive);
    ASSERT_EQ(parser.parse({}, &consumed), ParseEvent::message_end);
    EXPECT_EQ(parser.parse("GET / HTTP/1.1\r\n\r\n", &consumed), ParseEvent::need_more);
    EXPECT_EQ(consumed, 18u);
    EXPECT_TRUE(parser.idle());
}

TEST(RequestParser, FindIsCaseInsensitiveAndReturnsTheFirstMatch) {
    RequestParser parser(ParseLimits{});
    size_t consumed = 0;
    ASSERT_EQ(parser.parse("GET / HTTP/1.1\r\nX-Tag: one\r\nx-tag: two\r\n\r\n", &consumed),
              ParseEvent::head);
    EXPECT_EQ(parser.head().find("X-TAG"), "one");
    EXPECT_TRUE(parser.head().find("missing").empty());
    EXPECT_EQ(parser.head().header_count, 2u);
}

TEST(RequestParser, MapsMethodsToTheirEnumerators) {
    const std::pair<const char*, Method> methods[] = {
        {"GET", Method::get},     {"HEAD", Method::head},      {"POST", Method::post},
        {"PUT", Method::put},     {"DELETE", Method::delete_}, {"OPTIONS", Method::options},
        {"PATCH", Method::patch}, {"PURGE", Method::other},
    };
    for (const auto& [text, method] : methods) {
        RequestParser parser(ParseLimits{});
        size_t consumed = 0;
        const std::string req = std::string(text) + " / HTTP/1.1\r\n\r\n";
        ASSERT_EQ(parser.parse(req, &consumed), ParseEvent::head) << text;
        EXPECT_EQ(parser.head().method, method) << text;
        EXPECT_EQ(parser.head().method_text, text);
    }
}

TEST(ParseError, EveryErrorHasASnakeCaseNameAndAStatus) {
    for (int i = 1; i <= static_cast<int>(ParseError::invalid_method); ++i) {
        const auto e = static_cast<ParseError>(i);
        const std::string name = parse_error_name(e);
        EXPECT_NE(name, "unknown");
        EXPECT_EQ(name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_0123456789"),
                  std::string::npos);
        const int status = parse_error_status(e);
        EXPECT_TRUE(status == 400 || status == 413 || status == 414 || status == 431 ||
                    status == 505)
            << name;
    }
    EXPECT_EQ(parse_error_status(ParseError::none), 0);
}

}  // namespace
}  // namespace rg::http
