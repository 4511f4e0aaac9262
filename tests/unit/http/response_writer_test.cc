#include "http/response_writer.h"

#include <gtest/gtest.h>
#include <time.h>

#include <array>
#include <string>

#include "http/date_cache.h"

namespace rg::http {
namespace {

// The Date value sits at a fixed offset after the status line; returns the output with it
// replaced by "<date>" after checking its shape.
std::string with_date_masked(std::string_view out) {
    const size_t at = out.find("\r\nDate: ");
    EXPECT_NE(at, std::string_view::npos);
    const size_t start = at + 8;
    const std::string_view date = out.substr(start, http_date_bytes);
    EXPECT_EQ(date.substr(date.size() - 4), " GMT");
    EXPECT_EQ(out.substr(start + http_date_bytes, 2), "\r\n");
    std::string s(out);
    s.replace(start, http_date_bytes, "<date>");
    return s;
}

std::string format(int64_t t) {
    char buf[http_date_bytes];
    format_http_date(t, buf);
    return std::string(buf, sizeof(buf));
}

TEST(HttpDate, FormatsImfFixdate) {
    EXPECT_EQ(format(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");  // RFC 9110 §5.6.7
    EXPECT_EQ(format(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    EXPECT_EQ(format(951782400), "Tue, 29 Feb 2000 00:00:00 GMT");
    EXPECT_EQ(format(4102444799), "Thu, 31 Dec 2099 23:59:59 GMT");
}

TEST(HttpDate, AgreesWithStrftimeOverTwoCenturies) {
    for (int64_t t = 0; t < 4102444800; t += 86400 * 3 + 3607) {
        const time_t tt = static_cast<time_t>(t);
        tm parts;
        gmtime_r(&tt, &parts);
        char expected[64];
        strftime(expected, sizeof(expected), "%a, %d %b %Y %H:%M:%S GMT", &parts);
        ASSERT_EQ(format(t), expected) << t;
    }
}

TEST(HttpDate, IsCachedAndCurrent) {
    const time_t before = time(nullptr);
    const std::string_view a = http_date();
    const std::string_view b = http_date();
    const time_t after = time(nullptr);
    EXPECT_EQ(a.data(), b.data());
    ASSERT_EQ(a.size(), http_date_bytes);
    const std::string now(a);
    bool matches = false;
    for (time_t t = before - 1; t <= after; ++t) {
        matches = matches || now == format(t);
    }
    EXPECT_TRUE(matches) << now;
}

TEST(ResponseWriter, WritesHeadWithContentLengthAndClose) {
    ByteBuffer out;
    const Header headers[] = {{"Content-Type", "application/json"}, {"X-Request-Id", "r1"}};
    write_response_head(out, 200, headers, 42, true);
    EXPECT_EQ(with_date_masked(out.view()),
              "HTTP/1.1 200 OK\r\nDate: <date>\r\nServer: ringgate\r\n"
              "Content-Type: application/json\r\nX-Request-Id: r1\r\nContent-Length: 42\r\n"
              "Connection: close\r\n\r\n");
}

TEST(ResponseWriter, WritesChunkedHeadWhenLengthUnknown) {
    ByteBuffer out;
    const Header headers[] = {{"Content-Type", "text/event-stream"}};
    write_response_head(out, 200, headers, -1, false);
    EXPECT_EQ(with_date_masked(out.view()),
              "HTTP/1.1 200 OK\r\nDate: <date>\r\nServer: ringgate\r\n"
              "Content-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
}

TEST(ResponseWriter, OmitsFramingOnNoContent) {
    ByteBuffer out;
    write_response_head(out, 204, {}, 0, false);
    EXPECT_EQ(with_date_masked(out.view()),
              "HTTP/1.1 204 No Content\r\nDate: <date>\r\nServer: ringgate\r\n\r\n");
}

TEST(ResponseWriter, WritesContinue) {
    ByteBuffer out;
    write_continue(out);
    EXPECT_EQ(out.view(), "HTTP/1.1 100 Continue\r\n\r\n");
}

TEST(ResponseWriter, WritesChunksInHexAndSkipsEmptyOnes) {
    ByteBuffer out;
    write_chunk(out, "hello");
    write_chunk(out, "");
    write_chunk(out, std::string(255, 'x'));
    write_chunk(out, std::string(4096, 'y'));
    write_last_chunk(out);
    EXPECT_EQ(out.view(), "5\r\nhello\r\n" + ("ff\r\n" + std::string(255, 'x') + "\r\n") +
                              ("1000\r\n" + std::string(4096, 'y') + "\r\n") + "0\r\n\r\n");
}

TEST(ResponseWriter, WritesCompleteResponse) {
    ByteBuffer out;
    const Header extra[] = {{"Retry-After", "3"}};
    write_response(out, 429, "application/json", "{\"error\":1}", false, extra);
    EXPECT_EQ(with_date_masked(out.view()),
              "HTTP/1.1 429 Too Many Requests\r\nDate: <date>\r\nServer: ringgate\r\n"
              "Content-Type: application/json\r\nRetry-After: 3\r\nContent-Length: 11\r\n\r\n"
              "{\"error\":1}");
}

TEST(ResponseWriter, WritesErrorResponseWithoutContentType) {
    ByteBuffer out;
    write_response(out, 431, "", "", true);
    EXPECT_EQ(with_date_masked(out.view()),
              "HTTP/1.1 431 Request Header Fields Too Large\r\nDate: <date>\r\nServer: "
              "ringgate\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
}

TEST(ResponseWriter, DoesNotReallocateOnceBufferHasCapacity) {
    ByteBuffer out;
    const Header headers[] = {{"Content-Type", "application/json"}};
    write_response(out, 200, "application/json", std::string(300, 'b'), false, headers);
    const char* data = out.data();
    const size_t capacity = out.capacity();
    for (int i = 0; i < 100; ++i) {
        out.clear();
        write_response(out, 200, "application/json", std::string(300, 'b'), false, headers);
        write_chunk(out, "data: {}\n\n");
    }
    EXPECT_EQ(out.data(), data);
    EXPECT_EQ(out.capacity(), capacity);
}

TEST(ResponseWriter, KnowsReasonPhrasesOfEveryStatusTheGatewaySends) {
    const std::array<std::pair<int, const char*>, 22> expected = {{
        {100, "Continue"},
        {200, "OK"},
        {201, "Created"},
        {204, "No Content"},
        {400, "Bad Request"},
        {401, "Unauthorized"},
        {403, "Forbidden"},
        {404, "Not Found"},
        {405, "Method Not Allowed"},
        {408, "Request Timeout"},
        {413, "Content Too Large"},
        {414, "URI Too Long"},
        {415, "Unsupported Media Type"},
        {429, "Too Many Requests"},
        {431, "Request Header Fields Too Large"},
        {500, "Internal Server Error"},
        {501, "Not Implemented"},
        {502, "Bad Gateway"},
        {503, "Service Unavailable"},
        {504, "Gateway Timeout"},
        {505, "HTTP Version Not Supported"},
        {529, "Overloaded"},
    }};
    for (const auto& [status, reason] : expected) {
        EXPECT_EQ(status_reason(status), reason) << status;
    }
    EXPECT_EQ(status_reason(599), "");
}

TEST(ResponseWriterDeathTest, RefusesHeaderValuesWithLineBreaks) {
    ByteBuffer out;
    const Header injected[] = {{"X-Evil", "a\r\nSet-Cookie: x"}};
    EXPECT_DEATH(write_response_head(out, 200, injected, 0, false), "has_line_break");
}

}  // namespace
}  // namespace rg::http
