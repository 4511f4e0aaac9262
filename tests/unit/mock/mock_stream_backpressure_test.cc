// Zero-delay streams of many megabytes: every token arrives and the body ends, whether the
// reader keeps up (the socket takes whole rounds of output without ever returning EAGAIN,
// so no EPOLLOUT edge follows) or reads slowly (the mock blocks on a full socket and
// resumes on EPOLLOUT). Regression: a stream used to stop at ~255 KB with the connection
// left open when the first round of output went out in one send.
#include <poll.h>
#include <sys/socket.h>

#include <cstdlib>
#include <string_view>

#include "mock_fixture.h"

namespace rg::mock::test {
namespace {

using StreamBackpressure = MockTest;

// "tok1 tok2 ... tokN": what the content deltas of an N-token answer concatenate to.
std::string expected_text(uint32_t tokens) {
    std::string s;
    for (uint32_t i = 1; i <= tokens; ++i) {
        if (i > 1) {
            s += ' ';
        }
        s += "tok" + std::to_string(i);
    }
    return s;
}

struct StreamText {
    std::string text;   // the content deltas, concatenated
    size_t deltas = 0;  // events with a content delta
    bool framing_ok = false;
    bool done_last = false;  // "data: [DONE]" is the last event
};

StreamText openai_stream_text(const std::string& body) {
    StreamText out;
    std::vector<SseEvent> events = parse_sse(body, &out.framing_ok);
    simdjson::dom::parser parser;
    for (const SseEvent& e : events) {
        if (e.data == "[DONE]") {
            continue;
        }
        simdjson::dom::element root;
        std::string_view content;
        if (parser.parse(e.data).get(root) != simdjson::SUCCESS) {
            out.framing_ok = false;
            continue;
        }
        // The role chunk carries an empty content; count only the token deltas.
        if (root["choices"].at(0)["delta"]["content"].get_string().get(content) ==
                simdjson::SUCCESS &&
            !content.empty()) {
            out.text.append(content);
            ++out.deltas;
        }
    }
    out.done_last = !events.empty() && events.back().data == "[DONE]";
    return out;
}

// Decodes a chunked body; false if the framing is broken or the last chunk is missing.
bool dechunk(std::string_view raw, std::string* body) {
    size_t pos = 0;
    for (;;) {
        size_t eol = raw.find("\r\n", pos);
        if (eol == std::string_view::npos) {
            return false;
        }
        std::string size_text(raw.substr(pos, eol - pos));
        char* end = nullptr;
        unsigned long size = std::strtoul(size_text.c_str(), &end, 16);
        if (size_text.empty() || end != size_text.c_str() + size_text.size()) {
            return false;
        }
        pos = eol + 2;
        if (size == 0) {
            return raw.substr(pos) == "\r\n";
        }
        if (raw.size() < pos + size + 2 || raw.substr(pos + size, 2) != "\r\n") {
            return false;
        }
        body->append(raw.substr(pos, size));
        pos += size + 2;
    }
}

std::string stream_request(uint32_t tokens, bool close) {
    Headers headers = openai_auth();
    if (close) {
        headers.emplace_back("connection", "close");
    }
    return build_request("POST", "/v1/chat/completions", headers,
                         chat_body("gpt-4o~delay=0~tokens=" + std::to_string(tokens), true));
}

// ~24 MB, several times what the mock's socket send buffer holds (tcp_wmem max 4 MiB).
TEST_F(StreamBackpressure, FastReaderGetsEveryTokenOfAZeroDelayStream) {
    constexpr uint32_t tokens = 100000;
    Client c;
    ASSERT_TRUE(c.connect(port_));
    ASSERT_TRUE(c.send(stream_request(tokens, false)));
    Response r = c.read_response(5000);  // gives up after 5 s without progress
    ASSERT_FALSE(r.timed_out) << "stream stalled after " << r.body.size() << " bytes";
    ASSERT_TRUE(r.complete);
    EXPECT_EQ(r.status, 200);
    EXPECT_GT(r.body.size(), 20u * 1000 * 1000);
    StreamText s = openai_stream_text(r.body);
    EXPECT_TRUE(s.framing_ok);
    EXPECT_TRUE(s.done_last);
    EXPECT_EQ(s.deltas, tokens);
    EXPECT_TRUE(s.text == expected_text(tokens)) << "content differs";
    // Keep-alive: the connection still serves the next request.
    ASSERT_TRUE(c.send(stream_request(3, false)));
    Response next = c.read_response(5000);
    EXPECT_TRUE(next.complete);
    EXPECT_EQ(openai_stream_text(next.body).text, "tok1 tok2 tok3");
}

// A reader with a 64 KiB receive buffer taking 512 bytes per recv: the mock hits EAGAIN over
// and over and must resume on every EPOLLOUT edge. Connection: close, so the stream must
// also end with the last chunk and a FIN.
TEST_F(StreamBackpressure, SlowReaderGetsEveryTokenAndTheStreamEnds) {
    constexpr uint32_t tokens = 60000;  // ~14 MB, well past the mock's send buffer
    Client c;
    ASSERT_TRUE(c.connect(port_));
    int rcvbuf = 32 * 1024;
    ASSERT_EQ(setsockopt(c.fd(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)), 0);
    ASSERT_TRUE(c.send(stream_request(tokens, true)));
    std::string raw;
    char buf[512];
    bool eof = false;
    while (!eof) {
        pollfd p{c.fd(), POLLIN, 0};
        ASSERT_EQ(poll(&p, 1, 5000), 1) << "stream stalled after " << raw.size() << " bytes";
        ssize_t n = recv(c.fd(), buf, sizeof(buf), 0);
        ASSERT_GE(n, 0) << "recv failed: errno " << errno;
        raw.append(buf, static_cast<size_t>(n));
        eof = n == 0;
    }
    size_t head_end = raw.find("\r\n\r\n");
    ASSERT_NE(head_end, std::string::npos);
    std::string_view head(raw.data(), head_end);
    EXPECT_EQ(head.substr(0, 12), "HTTP/1.1 200");
    ASSERT_NE(head.find("transfer-encoding: chunked"), std::string_view::npos);
    std::string body;
    ASSERT_TRUE(dechunk(std::string_view(raw).substr(head_end + 4), &body))
        << "chunked body is not properly ended";
    StreamText s = openai_stream_text(body);
    EXPECT_TRUE(s.framing_ok);
    EXPECT_TRUE(s.done_last);
    EXPECT_EQ(s.deltas, tokens);
    EXPECT_TRUE(s.text == expected_text(tokens)) << "content differs";
}

}  // namespace
}  // namespace rg::mock::test
