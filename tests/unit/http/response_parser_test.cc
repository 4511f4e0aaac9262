#include "http/response_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rg::http {
namespace {

struct Outcome {
    bool head = false;
    int status = 0;
    std::string raw_body;  // bytes after the head up to message end
    bool end = false;
    bool error = false;
};

// Feeds `wire` in pieces of `step` bytes, clobbering each piece after the call.
Outcome run(ResponseParser& p, const std::string& wire, size_t step, bool eof = false) {
    Outcome o;
    size_t off = 0;
    std::string pending;
    while (off < wire.size() || !pending.empty()) {
        if (off < wire.size()) {
            pending += wire.substr(off, step);
            off += step;
        }
        std::string buf = pending;
        pending.clear();
        std::string_view in(buf);
        while (true) {
            size_t used = 0;
            ParseEvent ev = p.parse(in, &used);
            if (o.head && !o.end) {
                o.raw_body.append(in.substr(0, used));
            }
            in.remove_prefix(used);
            if (ev == ParseEvent::head) {
                o.head = true;
                o.status = p.status();
            } else if (ev == ParseEvent::message_end) {
                o.end = true;
            } else if (ev == ParseEvent::error) {
                o.error = true;
                return o;
            } else {
                break;
            }
        }
        std::fill(buf.begin(), buf.end(), 'X');
        if (o.end) {
            break;
        }
    }
    if (eof && !o.end) {
        o.end = p.finish_on_eof();
    }
    return o;
}

TEST(ResponseParser, ContentLengthBodyIsRawBytesAtAnySplit) {
    std::string wire =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n"
        "x-request-id: abc\r\n\r\nhello world";
    for (size_t step = 1; step <= wire.size(); ++step) {
        ResponseParser p;
        Outcome o = run(p, wire, step);
        ASSERT_TRUE(o.head && o.end) << step;
        EXPECT_EQ(o.status, 200);
        EXPECT_EQ(o.raw_body, "hello world") << step;
        EXPECT_EQ(p.content_length(), 11);
        EXPECT_EQ(p.find("X-Request-Id"), "abc") << step;
        EXPECT_EQ(p.find("content-type"), "application/json");
        EXPECT_TRUE(p.keep_alive());
    }
}

TEST(ResponseParser, ChunkedBodyKeepsItsFramingForPassthrough) {
    std::string body = "6\r\ndata: \r\n4\r\nabc\n\r\n0\r\n\r\n";
    std::string wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body;
    for (size_t step = 1; step <= wire.size(); ++step) {
        ResponseParser p;
        Outcome o = run(p, wire, step);
        ASSERT_TRUE(o.end) << step;
        EXPECT_TRUE(p.chunked());
        EXPECT_EQ(o.raw_body, body) << step;
    }
}

TEST(ResponseParser, BodySinkGetsTheDecodedBodyUpToItsCap) {
    std::string body = "6\r\ndata: \r\n4\r\nabc\n\r\n0\r\n\r\n";
    std::string wire = "HTTP/1.1 429 Too Many\r\nTransfer-Encoding: chunked\r\n\r\n" + body;
    for (size_t step = 1; step <= wire.size(); ++step) {
        ResponseParser p;
        ByteBuffer sink;
        p.set_body_sink(&sink, 1024);
        Outcome o = run(p, wire, step);
        ASSERT_TRUE(o.end) << step;
        EXPECT_EQ(o.raw_body, body) << step;  // forwarding still sees the framing
        EXPECT_EQ(sink.view(), "data: abc\n") << step;
        EXPECT_FALSE(p.body_truncated());
    }
    ResponseParser p;
    ByteBuffer sink;
    p.set_body_sink(&sink, 4);
    ASSERT_TRUE(run(p, wire, wire.size()).end);
    EXPECT_EQ(sink.view(), "data");
    EXPECT_TRUE(p.body_truncated());
    // Reset starts counting again; a null sink stops collecting.
    p.reset();
    sink.clear();
    p.set_body_sink(nullptr, 0);
    ASSERT_TRUE(run(p, wire, wire.size()).end);
    EXPECT_TRUE(sink.empty());
}

TEST(ResponseParser, CloseDelimitedBodyEndsAtEof) {
    std::string wire = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: 1\n\n";
    ResponseParser p;
    Outcome o = run(p, wire, 7, true);
    EXPECT_TRUE(p.close_delimited());
    EXPECT_FALSE(p.keep_alive());
    EXPECT_TRUE(o.end);
    EXPECT_EQ(o.raw_body, "data: 1\n\n");
}

TEST(ResponseParser, TruncatedLengthBodyIsNotCompleteAtEof) {
    ResponseParser p;
    Outcome o = run(p, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 100, true);
    EXPECT_TRUE(o.head);
    EXPECT_FALSE(o.end);
}

TEST(ResponseParser, TruncatedChunkedBodyIsNotCompleteAtEof) {
    ResponseParser p;
    Outcome o =
        run(p, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n", 100, true);
    EXPECT_TRUE(o.head);
    EXPECT_FALSE(o.end);
}

TEST(ResponseParser, EmptyBodiesEndRightAfterTheHead) {
    for (const char* wire :
         {"HTTP/1.1 204 No Content\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"}) {
        ResponseParser p;
        Outcome o = run(p, wire, 1000);
        EXPECT_TRUE(o.head && o.end) << wire;
        EXPECT_EQ(o.raw_body, "");
    }
    ResponseParser head;
    head.reset(true);
    Outcome o = run(head, "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n", 1000);
    EXPECT_TRUE(o.end);
}

TEST(ResponseParser, ResetAllowsTheNextResponseOnAKeepAliveConnection) {
    ResponseParser p;
    ASSERT_TRUE(
        run(p, "HTTP/1.1 429 Too Many Requests\r\nretry-after: 2\r\nContent-Length: 2\r\n\r\n{}", 5)
            .end);
    EXPECT_EQ(p.status(), 429);
    EXPECT_EQ(p.find("retry-after"), "2");
    p.reset();
    Outcome o = run(p, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz", 3);
    EXPECT_TRUE(o.end);
    EXPECT_EQ(p.find("retry-after"), "");
}

TEST(ResponseParser, GarbageIsAnError) {
    ResponseParser p;
    EXPECT_TRUE(run(p, "SSH-2.0-OpenSSH\r\n\r\n", 100).error);
    ResponseParser q;
    EXPECT_TRUE(
        run(q, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 100).error);
}

}  // namespace
}  // namespace rg::http
