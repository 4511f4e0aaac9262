// The proxy path on the real binary against the bundled mock upstream: same-format
// OpenAI traffic, streaming, errors in the client's format, upstream faults, timeouts,
// client aborts. Assertions on what reached the upstream read the mock's attempt log.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "harness/gateway.h"
#include "harness/mock_upstream.h"

namespace rg::test {
namespace {

std::string proxy_config(int mock_port) {
    return server_config(2, "    max_connections: 4000\n",
                         "  cors: {allow_origins: [\"https://app.example.com\"], max_age: 10m}\n") +
           "upstream:\n"
           "  first_byte_timeout: 500ms\n"
           "  stall_timeout: 500ms\n"
           "providers:\n"
           "  - name: mock\n"
           "    type: openai\n"
           "    base_url: http://127.0.0.1:" +
           std::to_string(mock_port) +
           "/v1\n"
           "    keys: [{id: k1, key: sk-provider-1}, {id: k2, key: sk-provider-2}]\n"
           "models:\n"
           "  - name: smart\n"
           "    targets: [{provider: mock, model: gpt-4o}]\n"
           "  - name: gpt-4o-mini\n"
           "    targets: [{provider: mock}]\n"
           "  - name: \"gpt-*\"\n"
           "    targets: [{provider: mock}]\n";
}

std::string post(const std::string& path, const std::string& body,
                 const std::string& extra_headers = "") {
    return "POST " + path +
           " HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
           "Authorization: Bearer client-secret-key\r\nx-test-trace: t-42\r\n" +
           extra_headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string chat(const std::string& model, bool stream) {
    return "{\"model\":\"" + model + "\",\"stream\":" + (stream ? "true" : "false") +
           ",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}";
}

int count(const std::string& hay, const std::string& needle) {
    int n = 0;
    for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) {
        ++n;
    }
    return n;
}

class ProxyTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        mock_ = new MockUpstream({"--tokens", "5"});
        ASSERT_TRUE(mock_->started());
        gateway_ = new Gateway(proxy_config(mock_->port()), {"RINGGATE_ADMIN_KEY=admin-key"});
        ASSERT_TRUE(gateway_->started()) << gateway_->log();
    }
    static void TearDownTestSuite() {
        delete gateway_;
        delete mock_;
    }
    // Faults here ride on the model, so the gateway blames its keys: each test starts with
    // every key healthy again (key health itself is tested in failover_test.cc).
    void SetUp() override {
        mock_->reset();
        reset_keys();
    }
    static void reset_keys() {
        Response r = call_port(gateway_->admin_port(),
                               "POST /admin/keys/reset HTTP/1.1\r\nHost: x\r\n"
                               "Authorization: Bearer admin-key\r\nContent-Length: 0\r\n\r\n");
        ASSERT_EQ(r.status, 200) << r.body;
    }
    static Response call_port(int port, const std::string& request) {
        HttpClient c;
        Response r;
        EXPECT_TRUE(c.connect(port));
        EXPECT_TRUE(c.send(request));
        EXPECT_TRUE(c.read_response(&r, 5000));
        return r;
    }
    static Response call(const std::string& request, int timeout_ms = 5000) {
        HttpClient c;
        Response r;
        EXPECT_TRUE(c.connect(gateway_->port()));
        EXPECT_TRUE(c.send(request));
        EXPECT_TRUE(c.read_response(&r, timeout_ms))
            << request << "\nstatus " << r.status << ", body so far:\n"
            << r.body << "\nunparsed: " << c.pending();
        return r;
    }
    static MockUpstream* mock_;
    static Gateway* gateway_;
};
MockUpstream* ProxyTest::mock_ = nullptr;
Gateway* ProxyTest::gateway_ = nullptr;

TEST_F(ProxyTest, ChatCompletionReachesUpstreamWithProviderKeyOnly) {
    Response r = call(post("/v1/chat/completions", chat("gpt-4o", false)));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.body.find("\"object\":\"chat.completion\""), std::string::npos);
    EXPECT_NE(r.body.find("tok1 tok2 tok3 tok4 tok5"), std::string::npos);
    std::string id = r.header("x-request-id");
    ASSERT_EQ(id.rfind("req_", 0), 0u) << id;
    std::string log = mock_->attempts();
    EXPECT_EQ(count(log, "\"seq\":"), 1) << log;
    EXPECT_NE(log.find("\"key\":\"sk-provider-"), std::string::npos) << log;
    EXPECT_EQ(log.find("client-secret-key"), std::string::npos) << log;
    // Ordinary headers pass (the mock logs x-test-*); cookies, forwarding headers and
    // credentials are dropped (tests/unit/proxy/header_filter_test.cc covers each).
    EXPECT_NE(log.find("\"x-test-trace\":\"t-42\""), std::string::npos) << log;
    EXPECT_NE(log.find("\"x-request-id\":\"" + id + "\""), std::string::npos) << log;
}

TEST_F(ProxyTest, ClientRequestIdIsKeptAndKeysRotate) {
    for (int i = 0; i < 4; ++i) {
        Response r = call(post("/v1/chat/completions", chat("gpt-4o", false),
                               "x-request-id: my-trace-" + std::to_string(i) + "\r\n"));
        ASSERT_EQ(r.status, 200);
        EXPECT_EQ(r.header("x-request-id"), "my-trace-" + std::to_string(i));
    }
    std::string log = mock_->attempts();
    EXPECT_GE(count(log, "\"key\":\"sk-provider-1\""), 1) << log;
    EXPECT_GE(count(log, "\"key\":\"sk-provider-2\""), 1) << log;
}

TEST_F(ProxyTest, ConnectionCloseFromTheClientIsHonoured) {
    for (bool stream : {false, true}) {
        HttpClient c;
        ASSERT_TRUE(c.connect(gateway_->port()));
        ASSERT_TRUE(
            c.send(post("/v1/chat/completions", chat("gpt-4o", stream), "Connection: close\r\n")));
        Response r;
        ASSERT_TRUE(c.read_response(&r, 5000));
        EXPECT_EQ(r.status, 200);
        EXPECT_EQ(r.header("connection"), "close") << stream;
        EXPECT_TRUE(c.wait_closed(2000)) << stream;
    }
}

TEST_F(ProxyTest, StreamPassesEveryEventThroughToDone) {
    Response r = call(post("/v1/chat/completions", chat("gpt-4o", true)));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Transfer-Encoding"), "chunked");
    EXPECT_NE(r.header("content-type").find("text/event-stream"), std::string::npos);
    EXPECT_EQ(count(r.body, "\"content\":\""), 6) << r.body;  // role chunk + 5 tokens
    EXPECT_NE(r.body.find("data: [DONE]\n\n"), std::string::npos);
}

// Replaces what follows each `marker` while it is in `allowed` with "X".
std::string mask_after(std::string text, const std::string& marker, const std::string& allowed) {
    for (size_t p = text.find(marker); p != std::string::npos; p = text.find(marker, p + 1)) {
        size_t start = p + marker.size();
        size_t end = text.find_first_not_of(allowed, start);
        text.replace(start, (end == std::string::npos ? text.size() : end) - start, "X");
    }
    return text;
}

// The mock numbers its answers and stamps the time; everything else must be identical.
std::string without_ids(const std::string& body) {
    return mask_after(mask_after(body, "chatcmpl-mock", "0123456789abcdef"),
                      "\"created\":", "0123456789");
}

TEST_F(ProxyTest, BodiesPassThroughByteForByte) {
    for (bool stream : {false, true}) {
        std::string req = post("/v1/chat/completions", chat("gpt-4o", stream));
        HttpClient direct;
        Response d;
        ASSERT_TRUE(direct.connect(mock_->port()) && direct.send(req) && direct.read_response(&d));
        Response g = call(req);
        ASSERT_EQ(d.status, 200);
        ASSERT_EQ(g.status, 200);
        EXPECT_EQ(without_ids(g.body), without_ids(d.body)) << "stream " << stream;
    }
}

TEST_F(ProxyTest, ModelAliasIsRewrittenForTheUpstream) {
    Response r = call(post("/v1/chat/completions", chat("smart", false)));
    ASSERT_EQ(r.status, 200) << r.body;
    std::string log = mock_->attempts();
    EXPECT_NE(log.find("\"model\":\"gpt-4o\""), std::string::npos) << log;
}

TEST_F(ProxyTest, CompletionsEmbeddingsAndResponsesRoutesWork) {
    Response c = call(post("/v1/completions", "{\"model\":\"gpt-4o\",\"prompt\":\"say hi\"}"));
    EXPECT_EQ(c.status, 200);
    EXPECT_NE(c.body.find("\"text_completion\""), std::string::npos) << c.body;
    Response e = call(post("/v1/embeddings", "{\"model\":\"gpt-4o\",\"input\":\"abc\"}"));
    EXPECT_EQ(e.status, 200);
    EXPECT_NE(e.body.find("\"embedding\""), std::string::npos) << e.body;
    Response s = call(post("/v1/responses", "{\"model\":\"gpt-4o\",\"input\":\"hi\"}"));
    EXPECT_EQ(s.status, 200);
    EXPECT_NE(s.body.find("\"object\":\"response\""), std::string::npos) << s.body;
}

TEST_F(ProxyTest, ModelsAreListedFromTheConfig) {
    Response r = call("GET /v1/models HTTP/1.1\r\nHost: gw\r\n\r\n");
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("\"id\":\"smart\""), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("\"id\":\"gpt-4o-mini\""), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("gpt-*"), std::string::npos) << r.body;
}

TEST_F(ProxyTest, OneModelIsRetrievedFromTheConfig) {
    Response r = call("GET /v1/models/smart HTTP/1.1\r\nHost: gw\r\n\r\n");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body,
              "{\"id\":\"smart\",\"object\":\"model\",\"created\":0,\"owned_by\":\"ringgate\"}");
    Response missing = call("GET /v1/models/nope HTTP/1.1\r\nHost: gw\r\n\r\n");
    EXPECT_EQ(missing.status, 404);
    EXPECT_NE(missing.body.find("The model 'nope' does not exist"), std::string::npos)
        << missing.body;
}

TEST_F(ProxyTest, BadRequestsGetOpenAIErrorsWithoutReachingUpstream) {
    Response unknown = call(post("/v1/chat/completions", chat("llama-3", false)));
    EXPECT_EQ(unknown.status, 404);
    EXPECT_NE(unknown.body.find("\"code\":\"model_not_found\""), std::string::npos);
    EXPECT_NE(unknown.body.find("'llama-3'"), std::string::npos) << unknown.body;
    Response bad = call(post("/v1/chat/completions", "{\"model\":"));
    EXPECT_EQ(bad.status, 400);
    EXPECT_NE(bad.body.find("\"type\":\"invalid_request_error\""), std::string::npos);
    Response no_model = call(post("/v1/chat/completions", "{\"messages\":[]}"));
    EXPECT_EQ(no_model.status, 400);
    Response wrong_method = call("GET /v1/chat/completions HTTP/1.1\r\nHost: gw\r\n\r\n");
    EXPECT_EQ(wrong_method.status, 405);
    EXPECT_EQ(count(mock_->attempts(), "\"seq\":"), 0);
}

TEST_F(ProxyTest, UpstreamErrorStatusIsForwardedWithRetryAfter) {
    Response r = call(post("/v1/chat/completions", chat("gpt-4o~429~retry_after=2", false)));
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(r.header("retry-after"), "2");
    EXPECT_NE(r.body.find("rate_limit"), std::string::npos) << r.body;
}

TEST_F(ProxyTest, UpstreamErrorAnswersPassThroughWithTheirStatusAndEnvelope) {
    // Same-format traffic: the provider's own error answer reaches the client unchanged
    // once every attempt got it (the fault rides on the model, so every key does).
    struct Case {
        const char* directive;
        int status;
        const char* body_part;
    };
    const Case cases[] = {
        {"context_length", 400, "context_length_exceeded"},
        {"content_policy", 400, "\"error\""},
        {"401", 401, "\"error\""},
        {"403", 403, "\"error\""},
        {"500", 500, "\"error\""},
        {"503", 503, "\"error\""},
        {"overloaded", 503, "\"error\""},
        {"quota", 429, "insufficient_quota"},
    };
    for (const Case& c : cases) {
        reset_keys();
        Response r =
            call(post("/v1/chat/completions", chat(std::string("gpt-4o~") + c.directive, false)));
        EXPECT_EQ(r.status, c.status) << c.directive;
        EXPECT_NE(r.body.find(c.body_part), std::string::npos) << c.directive << ": " << r.body;
        EXPECT_FALSE(r.header("x-request-id").empty());
    }
}

TEST_F(ProxyTest, SlowFirstTokenStillStreamsCompletely) {
    Response r = call(post("/v1/chat/completions", chat("gpt-4o~first_delay=200", true)));
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("data: [DONE]"), std::string::npos) << r.body;
}

TEST_F(ProxyTest, ResetBeforeHeadersGives502InOpenAIFormat) {
    Response r = call(post("/v1/chat/completions", chat("gpt-4o~reset", false)));
    EXPECT_EQ(r.status, 502);
    EXPECT_NE(r.body.find("\"error\":{"), std::string::npos) << r.body;
}

TEST_F(ProxyTest, SilentUpstreamGives504AfterFirstByteTimeout) {
    auto start = std::chrono::steady_clock::now();
    Response r = call(post("/v1/chat/completions", chat("gpt-4o~hang", false)));
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - start)
                  .count();
    EXPECT_EQ(r.status, 504);
    EXPECT_GE(ms, 450);
    EXPECT_LT(ms, 3000);
}

TEST_F(ProxyTest, StreamCutMidwayEndsWithAnErrorEventNotDone) {
    Response r = call(post("/v1/chat/completions", chat("gpt-4o~cut~after=2", true)));
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("tok1"), std::string::npos);
    EXPECT_EQ(r.body.find("[DONE]"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("data: {\"error\":"), std::string::npos) << r.body;
}

TEST_F(ProxyTest, StalledStreamEndsWithAnErrorEventAfterStallTimeout) {
    Response r = call(post("/v1/chat/completions", chat("gpt-4o~stall~after=2", true)));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body.find("[DONE]"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("data: {\"error\":"), std::string::npos) << r.body;
}

TEST_F(ProxyTest, ClientDisconnectMidStreamCancelsTheUpstreamRequest) {
    HttpClient c;
    ASSERT_TRUE(c.connect(gateway_->port()));
    ASSERT_TRUE(c.send(post("/v1/chat/completions", chat("gpt-4o~tokens=200~delay=20", true))));
    Response head;
    ASSERT_TRUE(c.read_response(&head, 5000, true));  // the head: the stream has started
    c.close();
    // The mock marks the attempt cancelled when it sees the gateway close its connection.
    bool cancelled = false;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!cancelled && std::chrono::steady_clock::now() < deadline) {
        HttpClient probe;
        Response r;
        probe.connect(mock_->port());
        probe.get("/_mock/attempts", &r);
        cancelled = r.body.find("\"cancelled\":true") != std::string::npos;
    }
    EXPECT_TRUE(cancelled) << mock_->attempts();
}

TEST_F(ProxyTest, KeepAliveClientRequestsReuseOnePooledUpstreamConnection) {
    long long opened = gateway_->metric("ringgate_upstream_connections_opened_total");
    long long reused = gateway_->metric("ringgate_upstream_connections_reused_total");
    HttpClient c;  // one client connection: every request is served by the same shard
    ASSERT_TRUE(c.connect(gateway_->port()));
    for (int i = 0; i < 5; ++i) {
        Response r;
        ASSERT_TRUE(c.send(post("/v1/chat/completions", chat("gpt-4o", i % 2 == 1))));
        ASSERT_TRUE(c.read_response(&r));
        ASSERT_EQ(r.status, 200);
    }
    // Counters are published once per loop turn; the scrape runs after the answers.
    long long opened_now = gateway_->metric("ringgate_upstream_connections_opened_total");
    long long reused_now = gateway_->metric("ringgate_upstream_connections_reused_total");
    EXPECT_LE(opened_now - opened, 1);
    EXPECT_GE(reused_now - reused, 4);
}

TEST_F(ProxyTest, CorsPreflightIsAnsweredByTheGatewayAndAnswersCarryCorsHeaders) {
    Response pre = call(
        "OPTIONS /v1/chat/completions HTTP/1.1\r\nHost: gw\r\n"
        "Origin: https://app.example.com\r\n"
        "Access-Control-Request-Method: POST\r\n"
        "Access-Control-Request-Headers: authorization, content-type\r\n\r\n");
    EXPECT_EQ(pre.status, 204);
    EXPECT_EQ(pre.header("Access-Control-Allow-Origin"), "https://app.example.com");
    EXPECT_NE(pre.header("Access-Control-Allow-Methods").find("POST"), std::string::npos);
    EXPECT_NE(pre.header("Access-Control-Allow-Headers").find("authorization"), std::string::npos);
    EXPECT_EQ(pre.header("Access-Control-Max-Age"), "600");
    Response r = call(
        post("/v1/chat/completions", chat("gpt-4o", false), "Origin: https://app.example.com\r\n"));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Access-Control-Allow-Origin"), "https://app.example.com");
    Response other = call(
        post("/v1/chat/completions", chat("gpt-4o", false), "Origin: https://evil.example\r\n"));
    EXPECT_EQ(other.status, 200);
    EXPECT_EQ(other.header("Access-Control-Allow-Origin"), "");
    EXPECT_EQ(count(mock_->attempts(), "\"seq\":"), 2);  // the preflight never went upstream
}

TEST_F(ProxyTest, ManyConcurrentStreamsAllComplete) {
    constexpr int n = 300;
    std::vector<HttpClient> clients(n);
    for (auto& c : clients) {
        ASSERT_TRUE(c.connect(gateway_->port()));
        ASSERT_TRUE(c.send(post("/v1/chat/completions", chat("gpt-4o~delay=5", true))));
    }
    for (int i = 0; i < n; ++i) {
        Response r;
        ASSERT_TRUE(clients[i].read_response(&r, 10000)) << i;
        ASSERT_EQ(r.status, 200);
        ASSERT_NE(r.body.find("data: [DONE]"), std::string::npos) << i;
    }
}

TEST(ProxyPool, UpstreamClosingPooledConnectionsIsHarmless) {
    MockUpstream mock({"--tokens", "3"});
    ASSERT_TRUE(mock.started());
    Gateway g(proxy_config(mock.port()));
    ASSERT_TRUE(g.started()) << g.log();
    HttpClient c;
    ASSERT_TRUE(c.connect(g.port()));
    Response r;
    ASSERT_TRUE(c.send(post("/v1/chat/completions", chat("gpt-4o", false))));
    ASSERT_TRUE(c.read_response(&r));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(g.metric("ringgate_upstream_connections_idle"), 1);
    // The provider goes away, closing the idle keep-alive connection the pool holds.
    ASSERT_EQ(mock.stop(), 0);
    long long idle = 1;
    for (int i = 0; i < 1000 && idle != 0; ++i) {
        idle = g.metric("ringgate_upstream_connections_idle");  // bounded poll of a condition
    }
    EXPECT_EQ(idle, 0);
    EXPECT_EQ(http_get(g.port(), "/health").status, 200);
    ASSERT_TRUE(c.send(post("/v1/chat/completions", chat("gpt-4o", false))));
    ASSERT_TRUE(c.read_response(&r));
    EXPECT_EQ(r.status, 502) << r.body;  // connection refused, answered in OpenAI format
    EXPECT_NE(r.body.find("\"error\""), std::string::npos);
}

}  // namespace
}  // namespace rg::test
