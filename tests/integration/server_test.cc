// The real ringgate binary over loopback: routes, keep-alive, pipelining, many
// connections, slow readers, limits, timeouts and strict framing on the wire.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "harness/gateway.h"

namespace rg::test {
namespace {

const std::string default_limits =
    "    max_header_bytes: 4096\n"
    "    max_body_bytes: 65536\n"
    "    max_connections: 4000\n"
    "    idle_timeout: 10s\n"
    "    header_timeout: 5s\n";

class ServerTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        gateway_ = new Gateway(server_config(2, default_limits));
        ASSERT_TRUE(gateway_->started()) << gateway_->log();
    }
    static void TearDownTestSuite() {
        delete gateway_;
        gateway_ = nullptr;
    }
    static int port() { return gateway_->port(); }
    static Gateway* gateway_;
};
Gateway* ServerTest::gateway_ = nullptr;

TEST_F(ServerTest, HealthAnswersOkOnMainAndAdminListeners) {
    Response r = http_get(port(), "/health");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "{\"status\":\"ok\"}");
    EXPECT_EQ(r.header("Content-Type"), "application/json");
    EXPECT_FALSE(r.header("Date").empty());
    Response a = http_get(gateway_->admin_port(), "/health");
    EXPECT_EQ(a.status, 200);
}

TEST_F(ServerTest, UnknownRouteAnswers404InOpenAIErrorEnvelope) {
    Response r = http_get(port(), "/v1/nothing-here?x=1");
    EXPECT_EQ(r.status, 404);
    EXPECT_NE(r.body.find("\"error\":{\"message\":\"Unknown request URL: GET /v1/nothing-here"),
              std::string::npos)
        << r.body;
    EXPECT_NE(r.body.find("\"type\":\"invalid_request_error\""), std::string::npos);
}

TEST_F(ServerTest, MetricsOnlyOnAdminListener) {
    EXPECT_EQ(http_get(port(), "/metrics").status, 404);
    Response m = http_get(gateway_->admin_port(), "/metrics");
    EXPECT_EQ(m.status, 200);
    EXPECT_NE(m.body.find("# TYPE ringgate_http_requests_total counter"), std::string::npos);
    EXPECT_NE(m.body.find("ringgate_workers 2"), std::string::npos);
}

TEST_F(ServerTest, KeepAliveServesManyRequestsOnOneConnection) {
    HttpClient c;
    ASSERT_TRUE(c.connect(port()));
    for (int i = 0; i < 200; ++i) {
        Response r;
        ASSERT_TRUE(c.get("/health", &r)) << i;
        ASSERT_EQ(r.status, 200);
    }
}

TEST_F(ServerTest, HeadGetsHeadersWithoutBody) {
    HttpClient c;
    ASSERT_TRUE(c.connect(port()));
    ASSERT_TRUE(c.send("HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n"));
    Response r;
    ASSERT_TRUE(c.read_response(&r, 5000, true));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Content-Length"), "15");
    // The next response on the same connection must start right after the head.
    Response r2;
    ASSERT_TRUE(c.get("/health", &r2));
    EXPECT_EQ(r2.body, "{\"status\":\"ok\"}");
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
    HttpClient c;
    ASSERT_TRUE(c.connect(port()));
    std::string batch;
    for (int i = 0; i < 300; ++i) {
        batch += (i % 3 == 0) ? "GET /nope-" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n"
                              : std::string("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    }
    ASSERT_TRUE(c.send(batch));
    for (int i = 0; i < 300; ++i) {
        Response r;
        ASSERT_TRUE(c.read_response(&r)) << i;
        if (i % 3 == 0) {
            ASSERT_EQ(r.status, 404) << i;
            ASSERT_NE(r.body.find("/nope-" + std::to_string(i) + "\""), std::string::npos);
        } else {
            ASSERT_EQ(r.status, 200) << i;
        }
    }
}

TEST_F(ServerTest, ThousandConcurrentConnectionsAllServedTwice) {
    constexpr int n = 1000;
    std::vector<HttpClient> clients(n);
    for (auto& c : clients) {
        ASSERT_TRUE(c.connect(port()));
        ASSERT_TRUE(c.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
    }
    for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < n; ++i) {
            Response r;
            ASSERT_TRUE(clients[i].read_response(&r)) << "round " << round << " client " << i;
            ASSERT_EQ(r.status, 200);
            if (round == 0) {
                ASSERT_TRUE(clients[i].send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
            }
        }
    }
}

TEST_F(ServerTest, SlowReaderIsPausedWhileOthersAreServedAndGetsEveryAnswer) {
    long long pauses_before = gateway_->metric("ringgate_backpressure_pauses_total");
    HttpClient slow;
    ASSERT_TRUE(slow.connect(port()));
    slow.set_recv_buffer(65536);
    // ~1.2 MB of answers queued by a client that reads nothing: the server must stop
    // reading this connection instead of buffering without bound.
    constexpr int n = 12000;
    std::string one = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
    std::string batch;
    for (int i = 0; i < 500; ++i) {
        batch += one;
    }
    // Send from a helper thread: once the server stops reading, our send blocks too.
    std::thread writer([&] {
        for (int i = 0; i < n / 500; ++i) {
            if (!slow.send(batch)) {
                return;
            }
        }
    });
    // Other clients are unaffected meanwhile, and the pause shows in the metrics.
    // Bounded by time, not iterations: on a loaded machine the writer may take a while to
    // fill the buffers.
    long long pauses = pauses_before;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (pauses <= pauses_before && std::chrono::steady_clock::now() < deadline) {
        Response r = http_get(port(), "/health");
        ASSERT_EQ(r.status, 200);
        pauses = gateway_->metric("ringgate_backpressure_pauses_total");
    }
    EXPECT_GT(pauses, pauses_before);
    long rss = gateway_->process().rss_kib();
    EXPECT_LT(rss, 64 * 1024) << "server RSS grew with an unread backlog: " << rss << " KiB";
    for (int i = 0; i < n; ++i) {
        Response r;
        ASSERT_TRUE(slow.read_response(&r, 10000)) << i;
        ASSERT_EQ(r.status, 200) << i;
    }
    writer.join();
}

TEST_F(ServerTest, OversizedHeadGets431AndClose) {
    HttpClient c;
    ASSERT_TRUE(c.connect(port()));
    std::string req =
        "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(5000, 'a') + "\r\n\r\n";
    c.send(req);
    Response r;
    ASSERT_TRUE(c.read_response(&r));
    EXPECT_EQ(r.status, 431);
    EXPECT_EQ(r.header("Connection"), "close");
    EXPECT_TRUE(c.wait_closed(3000));
}

TEST_F(ServerTest, BodyOverLimitGets413BeforeTheBodyIsSent) {
    HttpClient c;
    ASSERT_TRUE(c.connect(port()));
    ASSERT_TRUE(
        c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: "
               "100000\r\nExpect: 100-continue\r\n\r\n"));
    Response r;
    ASSERT_TRUE(c.read_response(&r));
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(r.header("Connection"), "close");
    EXPECT_NE(r.body.find("body_too_large"), std::string::npos) << r.body;
}

TEST_F(ServerTest, SmugglingAttemptsGet400AndClose) {
    const char* attacks[] = {
        "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: "
        "chunked\r\n\r\n0\r\n\r\n",
        "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
        "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
        "POST /x HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "GET /x HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n folded\r\n\r\n",
        "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n",
    };
    for (const char* attack : attacks) {
        HttpClient c;
        ASSERT_TRUE(c.connect(port()));
        ASSERT_TRUE(c.send(attack)) << attack;
        Response r;
        ASSERT_TRUE(c.read_response(&r))
            << attack << "\nerrno " << errno << ", bytes so far: [" << c.pending() << "]\n"
            << gateway_->log();
        EXPECT_EQ(r.status, 400) << attack;
        EXPECT_EQ(r.header("Connection"), "close") << attack;
        EXPECT_TRUE(c.wait_closed(3000)) << attack;
    }
}

TEST_F(ServerTest, ExpectContinueGets100ThenTheAnswer) {
    HttpClient c;
    ASSERT_TRUE(c.connect(port()));
    ASSERT_TRUE(
        c.send("POST /v1/x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
               "Expect: 100-continue\r\n\r\n"));
    Response cont;
    ASSERT_TRUE(c.read_response(&cont));
    EXPECT_EQ(cont.status, 100);
    ASSERT_TRUE(c.send("hello"));
    Response r;
    ASSERT_TRUE(c.read_response(&r));
    EXPECT_EQ(r.status, 404);
}

TEST_F(ServerTest, ChunkedRequestBodyIsConsumedAndConnectionReused) {
    HttpClient c;
    ASSERT_TRUE(c.connect(port()));
    ASSERT_TRUE(
        c.send("POST /v1/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
               "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n"));
    Response r;
    ASSERT_TRUE(c.read_response(&r));
    EXPECT_EQ(r.status, 404);
    Response r2;
    ASSERT_TRUE(c.get("/health", &r2));
    EXPECT_EQ(r2.status, 200);
}

TEST_F(ServerTest, RequestWhoseBodyArrivesLaterIsRoutedOnItsOwnHead) {
    HttpClient c;
    ASSERT_TRUE(c.connect(port()));
    ASSERT_TRUE(c.send("POST /v1/late-body-path HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n"));
    // Another connection's traffic recycles receive buffers in between.
    for (int i = 0; i < 50; ++i) {
        ASSERT_EQ(http_get(port(), "/health-" + std::string(200, 'z')).status, 404);
    }
    ASSERT_TRUE(c.send("body"));
    Response r;
    ASSERT_TRUE(c.read_response(&r));
    EXPECT_EQ(r.status, 404);
    EXPECT_NE(r.body.find("POST /v1/late-body-path\""), std::string::npos) << r.body;
}

TEST_F(ServerTest, RequestWithoutExactlyOneHostGets400) {
    for (const char* req :
         {"GET /health HTTP/1.1\r\n\r\n", "GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"}) {
        HttpClient c;
        ASSERT_TRUE(c.connect(port()));
        ASSERT_TRUE(c.send(req));
        Response r;
        ASSERT_TRUE(c.read_response(&r));
        EXPECT_EQ(r.status, 400) << req;
        EXPECT_NE(r.body.find("missing_or_duplicate_host"), std::string::npos);
        EXPECT_TRUE(c.wait_closed(3000));
    }
    HttpClient old;
    ASSERT_TRUE(old.connect(port()));
    ASSERT_TRUE(old.send("GET /health HTTP/1.0\r\n\r\n"));
    Response r;
    ASSERT_TRUE(old.read_response(&r));
    EXPECT_EQ(r.status, 200);
}

TEST_F(ServerTest, ParseErrorsAreCountedByKind) {
    HttpClient c;
    ASSERT_TRUE(c.connect(port()));
    c.send("GET /x HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");
    Response r;
    ASSERT_TRUE(c.read_response(&r));
    EXPECT_EQ(r.status, 400);
    Response m = http_get(gateway_->admin_port(), "/metrics");
    EXPECT_NE(m.body.find("ringgate_http_parse_errors_total{kind=\"invalid_content_length\"} "),
              std::string::npos);
    EXPECT_EQ(m.body.find("ringgate_http_parse_errors_total{kind=\"invalid_content_length\"} 0"),
              std::string::npos);
}

TEST(ServerTimeouts, HeaderTimeoutAnswers408AndIdleTimeoutCloses) {
    Gateway g(server_config(1,
                            "    idle_timeout: 300ms\n"
                            "    header_timeout: 300ms\n"));
    ASSERT_TRUE(g.started()) << g.log();
    HttpClient slow;
    ASSERT_TRUE(slow.connect(g.port()));
    ASSERT_TRUE(slow.send("GET /health HTTP/1.1\r\nHost: x\r\n"));  // head never finishes
    Response r;
    ASSERT_TRUE(slow.read_response(&r, 5000));
    EXPECT_EQ(r.status, 408);
    EXPECT_TRUE(slow.wait_closed(5000));

    HttpClient idle;
    ASSERT_TRUE(idle.connect(g.port()));
    Response ok;
    ASSERT_TRUE(idle.get("/health", &ok));
    EXPECT_TRUE(idle.wait_closed(5000));  // closed by the server after idle_timeout
    EXPECT_TRUE(idle.pending().empty());  // silently: no answer bytes
    EXPECT_GE(g.metric("ringgate_idle_timeouts_total"), 1);
    EXPECT_GE(g.metric("ringgate_header_timeouts_total"), 1);
}

TEST(ServerLimits, ConnectionCapClosesConnectionsBeyondIt) {
    Gateway g(server_config(1, "    max_connections: 2\n"));
    ASSERT_TRUE(g.started()) << g.log();
    HttpClient a, b, c;
    Response r;
    ASSERT_TRUE(a.connect(g.port()) && a.get("/health", &r));
    ASSERT_TRUE(b.connect(g.port()) && b.get("/health", &r));
    ASSERT_TRUE(c.connect(g.port()));
    EXPECT_TRUE(c.wait_closed(3000));
    a.close();
    // Once a slot frees up, new connections are served again (the close is processed
    // asynchronously, so retry a bounded number of times).
    bool served = false;
    for (int i = 0; i < 100 && !served; ++i) {
        HttpClient d;
        served = d.connect(g.port()) && d.get("/health", &r, 200) && r.status == 200;
    }
    EXPECT_TRUE(served);
    EXPECT_GE(g.metric("ringgate_connections_refused_total"), 1);
}

}  // namespace
}  // namespace rg::test
