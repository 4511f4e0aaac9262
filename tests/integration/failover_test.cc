// Key pools, retries, failover and circuit breaking on the real binary against the bundled
// mock. Faults ride on the provider keys (the mock reads directives in the key: a key
// "sk-a~429" always answers 429), so each key of a pool can be made to fail its own way;
// assertions read the mock's attempt log (which key, which model, when). Each test starts
// its own gateway: key health is the state under test.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "harness/gateway.h"
#include "harness/mock_upstream.h"

namespace rg::test {
namespace {

constexpr const char* admin_key = "admin-test-key";

struct Attempt {
    long long t_ms = 0;
    std::string key;
    std::string model;
    int status = 0;
    bool cancelled = false;
};

// The value after `"name":` in one attempt object (a string without quotes, or a number).
std::string field(const std::string& object, const std::string& name) {
    std::string needle = "\"" + name + "\":";
    size_t p = object.find(needle);
    if (p == std::string::npos) {
        return "";
    }
    p += needle.size();
    if (object[p] == '"') {
        size_t end = object.find('"', p + 1);
        return object.substr(p + 1, end - p - 1);
    }
    size_t end = object.find_first_of(",}", p);
    return object.substr(p, end - p);
}

// The mock's attempt log in order. Attempt objects hold a nested "headers" object, so each
// is cut at the next "{\"seq\":".
std::vector<Attempt> attempts(MockUpstream& mock) {
    std::string log = mock.attempts();
    std::vector<Attempt> out;
    size_t p = log.find("{\"seq\":");
    while (p != std::string::npos) {
        size_t next = log.find("{\"seq\":", p + 1);
        std::string object =
            log.substr(p, next == std::string::npos ? std::string::npos : next - p);
        Attempt a;
        a.t_ms = std::stoll(field(object, "t_ms"));
        a.key = field(object, "key");
        a.model = field(object, "model");
        a.status = std::stoi(field(object, "status"));
        a.cancelled = field(object, "cancelled") == "true";
        out.push_back(a);
        p = next;
    }
    return out;
}

int count_key(const std::vector<Attempt>& list, const std::string& key) {
    int n = 0;
    for (const Attempt& a : list) {
        n += a.key == key ? 1 : 0;
    }
    return n;
}

std::string chat(const std::string& model, bool stream = false) {
    return "{\"model\":\"" + model + "\",\"stream\":" + (stream ? "true" : "false") +
           ",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}";
}

std::string post(const std::string& path, const std::string& body, const std::string& extra = "") {
    return "POST " + path +
           " HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
           "Authorization: Bearer client-key\r\n" +
           extra + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

Response call(int port, const std::string& request, int timeout_ms = 10000) {
    HttpClient c;
    Response r;
    EXPECT_TRUE(c.connect(port));
    EXPECT_TRUE(c.send(request));
    EXPECT_TRUE(c.read_response(&r, timeout_ms)) << "status " << r.status << ": " << r.body;
    return r;
}

// One openai provider "mock" with the given keys (YAML flow list items), plus `tail`.
std::string config(int mock_port, const std::string& keys, const std::string& upstream = "",
                   const std::string& tail = "") {
    return server_config(1, "") +
           "upstream:\n"
           "  first_byte_timeout: 400ms\n"
           "  first_token_timeout: 400ms\n"
           "  stall_timeout: 400ms\n"
           "  backoff: {base: 100ms, max: 2s}\n" +
           upstream +
           "providers:\n"
           "  - name: mock\n"
           "    type: openai\n"
           "    strategy: round_robin\n"
           "    base_url: http://127.0.0.1:" +
           std::to_string(mock_port) + "/v1\n    keys: [" + keys + "]\n" + tail;
}

class FailoverTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        mock_ = new MockUpstream({"--tokens", "3"});
        ASSERT_TRUE(mock_->started());
    }
    static void TearDownTestSuite() { delete mock_; }
    void SetUp() override { mock_->reset(); }

    void start(const std::string& yaml) {
        gw_ = std::make_unique<Gateway>(
            yaml, std::vector<std::string>{std::string("RINGGATE_ADMIN_KEY=") + admin_key});
        ASSERT_TRUE(gw_->started()) << gw_->log();
    }
    Response chat_call(const std::string& model, bool stream = false) {
        return call(gw_->port(), post("/v1/chat/completions", chat(model, stream)));
    }
    std::string health() { return http_get(gw_->admin_port(), "/health/detailed").body; }
    // The "state" of key `id` in /health/detailed.
    std::string key_state(const std::string& id) {
        std::string h = health();
        size_t p = h.find("{\"id\":\"" + id + "\"");
        return p == std::string::npos ? "" : field(h.substr(p), "state");
    }

    static MockUpstream* mock_;
    std::unique_ptr<Gateway> gw_;
};
MockUpstream* FailoverTest::mock_ = nullptr;

TEST_F(FailoverTest, RateLimitedKeyCoolsDownWhileTheOtherServes) {
    start(config(mock_->port(), "{id: a, key: \"sk-a~429~retry_after=30\"}, {id: b, key: sk-b}"));
    for (int i = 0; i < 6; ++i) {
        Response r = chat_call("gpt-4o");
        ASSERT_EQ(r.status, 200) << r.body;
    }
    std::vector<Attempt> log = attempts(*mock_);
    EXPECT_EQ(count_key(log, "sk-a~429~retry_after=30"), 1);  // cooling: not tried again
    EXPECT_EQ(count_key(log, "sk-b"), 6);
    EXPECT_EQ(key_state("a"), "cooling");
    EXPECT_EQ(key_state("b"), "healthy");
    std::string h = health();
    size_t a = h.find("{\"id\":\"a\"");
    long long left = std::stoll(field(h.substr(a), "cooldown_left_ms"));
    EXPECT_GT(left, 25000);  // the provider's retry-after, not a guess
    EXPECT_LE(left, 30000);
}

TEST_F(FailoverTest, TrafficReturnsToAKeyOnceItsCooldownEnds) {
    start(config(mock_->port(),
                 "{id: a, key: \"sk-a~429~retry_after_ms=300~count=1\"}, {id: b, key: sk-b}"));
    const std::string a = "sk-a~429~retry_after_ms=300~count=1";
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    std::vector<Attempt> log;
    while (std::chrono::steady_clock::now() < deadline) {
        ASSERT_EQ(chat_call("gpt-4o").status, 200);
        log = attempts(*mock_);
        if (count_key(log, a) >= 2) {
            break;
        }
    }
    std::vector<Attempt> on_a;
    for (const Attempt& x : log) {
        if (x.key == a) {
            on_a.push_back(x);
        }
    }
    ASSERT_GE(on_a.size(), 2u);
    EXPECT_EQ(on_a[0].status, 429);
    EXPECT_EQ(on_a[1].status, 200);
    EXPECT_GE(on_a[1].t_ms - on_a[0].t_ms, 290);  // not before the provider said
}

TEST_F(FailoverTest, RejectedKeyIsDisabledLoudlyAndAdminResetBringsItBack) {
    start(config(mock_->port(), "{id: a, key: \"sk-a~401\"}, {id: b, key: sk-b}"));
    for (int i = 0; i < 5; ++i) {
        ASSERT_EQ(chat_call("gpt-4o").status, 200);
    }
    EXPECT_EQ(count_key(attempts(*mock_), "sk-a~401"), 1);
    EXPECT_EQ(key_state("a"), "disabled");
    std::string log = gw_->log();
    EXPECT_NE(log.find("upstream key a of provider mock: auth"), std::string::npos) << log;
    EXPECT_EQ(log.find("sk-a"), std::string::npos);  // the id, never the secret
    EXPECT_EQ(health().find("sk-a"), std::string::npos);

    // The admin API wants the admin key.
    std::string reset = "POST /admin/keys/reset?provider=mock&key=a HTTP/1.1\r\nHost: x\r\n";
    EXPECT_EQ(call(gw_->admin_port(), reset + "Content-Length: 0\r\n\r\n").status, 401);
    EXPECT_EQ(
        call(gw_->admin_port(), reset + "Authorization: Bearer nope\r\nContent-Length: 0\r\n\r\n")
            .status,
        401);
    Response ok = call(gw_->admin_port(), reset + "Authorization: Bearer " + admin_key +
                                              "\r\nContent-Length: 0\r\n\r\n");
    EXPECT_EQ(ok.status, 200);
    EXPECT_EQ(ok.body, "{\"reset\":1}");
    EXPECT_EQ(key_state("a"), "healthy");
    for (int i = 0; i < 2; ++i) {
        ASSERT_EQ(chat_call("gpt-4o").status, 200);
    }
    EXPECT_EQ(count_key(attempts(*mock_), "sk-a~401"), 2);  // tried again, disabled again
}

TEST_F(FailoverTest, KeyOutOfQuotaIsParked) {
    start(config(mock_->port(), "{id: a, key: \"sk-a~quota\"}, {id: b, key: sk-b}"));
    for (int i = 0; i < 4; ++i) {
        ASSERT_EQ(chat_call("gpt-4o").status, 200);
    }
    EXPECT_EQ(count_key(attempts(*mock_), "sk-a~quota"), 1);
    EXPECT_EQ(key_state("a"), "parked");
}

TEST_F(FailoverTest, ServerErrorsOpenTheKeysCircuit) {
    start(config(mock_->port(), "{id: a, key: \"sk-a~500\"}, {id: b, key: sk-b}",
                 "  circuit_breaker: {failures: 3, open: 60s}\n"));
    for (int i = 0; i < 12; ++i) {
        ASSERT_EQ(chat_call("gpt-4o").status, 200);
    }
    EXPECT_EQ(count_key(attempts(*mock_), "sk-a~500"), 3);
    EXPECT_EQ(key_state("a"), "open");
}

TEST_F(FailoverTest, ASingleKeyIsRetriedAfterABackoffOnPassingFailures) {
    start(config(mock_->port(), "{id: a, key: sk-a}"));
    // The first two requests carrying this model text fail with 503, then it recovers.
    Response r = chat_call("gpt-4o~503~count=2");
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<Attempt> log = attempts(*mock_);
    ASSERT_EQ(log.size(), 3u);
    EXPECT_EQ(log[0].status, 503);
    EXPECT_EQ(log[1].status, 503);
    EXPECT_EQ(log[2].status, 200);
    // Backoff with equal jitter: at least half of base (100ms), then of 2 x base.
    EXPECT_GE(log[1].t_ms - log[0].t_ms, 50);
    EXPECT_GE(log[2].t_ms - log[1].t_ms, 100);
}

TEST_F(FailoverTest, AttemptsAreBoundedByMaxAttempts) {
    start(config(mock_->port(), "{id: a, key: sk-a}, {id: b, key: sk-b}", "  max_attempts: 4\n"));
    Response r = chat_call("gpt-4o~500");
    EXPECT_EQ(r.status, 500);  // the provider's last answer, as it gave it
    EXPECT_NE(r.body.find("\"error\""), std::string::npos);
    EXPECT_EQ(attempts(*mock_).size(), 4u);
}

TEST_F(FailoverTest, ContextLengthGoesToTheFallbackNeverToAnotherKey) {
    start(config(mock_->port(), "{id: a, key: sk-a}, {id: b, key: sk-b}", "",
                 "models:\n"
                 "  - name: small\n"
                 "    targets: [{provider: mock, model: \"gpt-4o~context_length\"}]\n"
                 "    fallbacks: [big]\n"
                 "  - name: big\n"
                 "    targets: [{provider: mock, model: gpt-4o-big}]\n"));
    Response r = chat_call("small");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.body.find("\"model\":\"gpt-4o-big\""), std::string::npos) << r.body;
    std::vector<Attempt> log = attempts(*mock_);
    ASSERT_EQ(log.size(), 2u);
    EXPECT_EQ(log[0].model, "gpt-4o~context_length");
    EXPECT_EQ(log[1].model, "gpt-4o-big");
    // Without a fallback the provider's 400 is the answer, after one attempt.
    mock_->reset();
    Response direct = chat_call("gpt-4o~context_length");
    EXPECT_EQ(direct.status, 400);
    EXPECT_NE(direct.body.find("context_length_exceeded"), std::string::npos);
    EXPECT_EQ(attempts(*mock_).size(), 1u);
}

TEST_F(FailoverTest, ContentPolicyRefusalIsNotRetried) {
    start(config(mock_->port(), "{id: a, key: sk-a}, {id: b, key: sk-b}"));
    EXPECT_EQ(chat_call("gpt-4o~content_policy").status, 400);
    EXPECT_EQ(attempts(*mock_).size(), 1u);
}

TEST_F(FailoverTest, FallbackChainCrossesProviders) {
    std::string base = "http://127.0.0.1:" + std::to_string(mock_->port()) + "/v1";
    start(config(mock_->port(), "{id: a, key: \"sk-a~503\"}, {id: b, key: \"sk-b~503\"}", "",
                 "  - name: backup\n"
                 "    type: openai\n"
                 "    base_url: " +
                     base +
                     "\n"
                     "    keys: [{id: c, key: sk-c}]\n"
                     "models:\n"
                     "  - name: main\n"
                     "    targets: [{provider: mock, model: gpt-4o}]\n"
                     "    fallbacks: [spare]\n"
                     "  - name: spare\n"
                     "    targets: [{provider: backup, model: gpt-4o-mini}]\n"));
    Response r = chat_call("main");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.body.find("\"model\":\"gpt-4o-mini\""), std::string::npos);  // who served it
    std::vector<Attempt> log = attempts(*mock_);
    ASSERT_EQ(log.size(), 3u);
    EXPECT_EQ(log[2].key, "sk-c");
    EXPECT_EQ(gw_->metric("ringgate_upstream_attempts_total"), 3);
    EXPECT_EQ(gw_->metric("ringgate_upstream_retries_total"), 2);
    EXPECT_EQ(gw_->metric("ringgate_upstream_fallback_attempts_total"), 1);
}

TEST_F(FailoverTest, ResetsAndSilenceAreRetriedOnAnotherKey) {
    start(config(mock_->port(), "{id: a, key: \"sk-a~reset\"}, {id: b, key: sk-b}"));
    for (int i = 0; i < 2; ++i) {
        ASSERT_EQ(chat_call("gpt-4o").status, 200);
    }
    // A reset is a passing failure: it counts toward a's circuit but does not cool a down,
    // so a keeps its turn; b answers every request.
    EXPECT_GE(count_key(attempts(*mock_), "sk-a~reset"), 1);
    EXPECT_EQ(count_key(attempts(*mock_), "sk-b"), 2);
    gw_.reset();
    mock_->reset();
    start(config(mock_->port(), "{id: a, key: \"sk-a~hang\"}, {id: b, key: sk-b}"));
    auto t0 = std::chrono::steady_clock::now();
    Response r = chat_call("gpt-4o");
    EXPECT_EQ(r.status, 200);
    // One worker, round robin from key 0: a is tried first, abandoned after
    // first_byte_timeout (400ms), and its connection closed, which the mock records as a
    // cancellation; b answers.
    std::vector<Attempt> log = attempts(*mock_);
    ASSERT_EQ(count_key(log, "sk-a~hang"), 1);
    EXPECT_EQ(count_key(log, "sk-b"), 1);
    EXPECT_GE(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
            .count(),
        380);
    bool cancelled = false;
    for (const Attempt& a : log) {
        cancelled = cancelled || (a.key == "sk-a~hang" && a.cancelled);
    }
    EXPECT_TRUE(cancelled);
}

TEST_F(FailoverTest, EveryKeyCoolingIsA429WithRetryAfterAndNoUpstreamCall) {
    start(config(
        mock_->port(),
        "{id: a, key: \"sk-a~429~retry_after=30\"}, {id: b, key: \"sk-b~429~retry_after=30\"}"));
    Response first = chat_call("gpt-4o");
    EXPECT_EQ(first.status, 429);  // the provider's answer after both keys said so
    EXPECT_EQ(first.header("retry-after"), "30");
    EXPECT_EQ(attempts(*mock_).size(), 2u);
    Response second = chat_call("gpt-4o");
    EXPECT_EQ(second.status, 429);
    int retry = std::stoi(second.header("retry-after"));
    EXPECT_GE(retry, 25);
    EXPECT_LE(retry, 30);
    EXPECT_NE(second.body.find("rate limited"), std::string::npos) << second.body;
    EXPECT_EQ(attempts(*mock_).size(), 2u);  // nothing more reached the provider
}

TEST_F(FailoverTest, ShortCooldownOfEveryKeyIsWaitedOutNotRefused) {
    start(config(mock_->port(),
                 "{id: a, key: \"sk-a~429~retry_after_ms=300~count=1\"}, "
                 "{id: b, key: \"sk-b~429~retry_after_ms=300~count=1\"}"));
    Response r = chat_call("gpt-4o");
    ASSERT_EQ(r.status, 200) << r.body;
    std::vector<Attempt> log = attempts(*mock_);
    ASSERT_EQ(log.size(), 3u);
    EXPECT_EQ(log[0].status, 429);
    EXPECT_EQ(log[1].status, 429);
    EXPECT_EQ(log[2].status, 200);
    EXPECT_GE(log[2].t_ms - log[0].t_ms, 290);  // not before the provider said
}

TEST_F(FailoverTest, StreamFailingBeforeItsHeadIsRetriedTransparently) {
    start(config(mock_->port(), "{id: a, key: \"sk-a~503\"}, {id: b, key: sk-b}"));
    for (int i = 0; i < 2; ++i) {
        Response r = chat_call("gpt-4o", true);
        ASSERT_EQ(r.status, 200);
        EXPECT_NE(r.body.find("data: [DONE]"), std::string::npos);
        EXPECT_EQ(r.body.find("error"), std::string::npos) << r.body;
    }
}

TEST_F(FailoverTest, StreamSilentOrFailingBeforeContentIsRetriedUnseen) {
    // a sends the head and the opening role chunk, then nothing (first-token timeout
    // 400ms) or an error event; the client sees only b's stream, once, complete.
    for (const char* fault : {"stall", "stream_error"}) {
        mock_->reset();
        std::string a = std::string("sk-a~") + fault + "~after=0";
        start(config(mock_->port(), "{id: a, key: \"" + a + "\"}, {id: b, key: sk-b}"));
        for (int i = 0; i < 2; ++i) {
            Response r = chat_call("gpt-4o", true);
            ASSERT_EQ(r.status, 200) << fault;
            EXPECT_EQ(r.body.find("error"), std::string::npos) << fault << ": " << r.body;
            EXPECT_NE(r.body.find("\"content\":\" tok3\""), std::string::npos);  // every delta
            size_t roles = 0;
            for (size_t p = r.body.find("\"role\""); p != std::string::npos;
                 p = r.body.find("\"role\"", p + 1)) {
                ++roles;
            }
            EXPECT_EQ(roles, 1u) << r.body;  // one stream, not a's start plus b's
            EXPECT_NE(r.body.find("data: [DONE]"), std::string::npos);
        }
        EXPECT_GE(count_key(attempts(*mock_), a), 1) << fault;
        gw_.reset();
    }
}

TEST_F(FailoverTest, StreamEndingWithoutItsTerminatorIsFinalised) {
    start(config(mock_->port(), "{id: a, key: sk-a}"));
    // The answer finished (finish_reason) but [DONE] never came: the gateway adds it.
    Response done = chat_call("gpt-4o~no_done", true);
    ASSERT_EQ(done.status, 200);
    EXPECT_NE(done.body.find("\"finish_reason\":\"stop\""), std::string::npos);
    EXPECT_EQ(done.body.rfind("data: [DONE]\n\n") + 14, done.body.size()) << done.body;
    // Cut after content: an error event, never a [DONE].
    Response cut = chat_call("gpt-4o~cut~after=2", true);
    EXPECT_EQ(cut.body.find("[DONE]"), std::string::npos);
    EXPECT_NE(cut.body.find("data: {\"error\":"), std::string::npos) << cut.body;
}

TEST_F(FailoverTest, FlappingKeyIsTakenOutAndComesBack) {
    // Key a fails for 800ms from its first request, then recovers; the circuit opens after
    // two failures for 200ms, then one probe decides.
    start(config(mock_->port(), "{id: a, key: \"sk-a~503~for_ms=800\"}, {id: b, key: sk-b}",
                 "  circuit_breaker: {failures: 2, open: 200ms, max_open: 400ms}\n"));
    const std::string a = "sk-a~503~for_ms=800";
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(8);
    bool recovered = false;
    while (!recovered && std::chrono::steady_clock::now() < deadline) {
        ASSERT_EQ(chat_call("gpt-4o").status, 200);
        for (const Attempt& x : attempts(*mock_)) {
            recovered = recovered || (x.key == a && x.status == 200);
        }
    }
    EXPECT_TRUE(recovered);
    std::vector<Attempt> log = attempts(*mock_);
    int failed = 0;
    for (const Attempt& x : log) {
        failed += x.key == a && x.status == 503 ? 1 : 0;
    }
    // While failing, a gets its 2 failures, then single probes at most every 200-400ms:
    // a handful of attempts, not one per request.
    EXPECT_GE(failed, 2);
    EXPECT_LE(failed, 8) << failed;
    EXPECT_GE(count_key(log, "sk-b"), 1);
    // Once back, a takes its share again.
    for (int i = 0; i < 4; ++i) {
        ASSERT_EQ(chat_call("gpt-4o").status, 200);
    }
    int after = 0;
    for (const Attempt& x : attempts(*mock_)) {
        after += x.key == a && x.status == 200 ? 1 : 0;
    }
    EXPECT_GE(after, 2);
    EXPECT_EQ(key_state("a"), "healthy");
}

TEST_F(FailoverTest, ReloadUnderLoadLosesNothingAndKeepsKeyHealth) {
    std::string keys = "{id: a, key: \"sk-a~401\"}, {id: b, key: sk-b}";
    start(config(mock_->port(), keys));
    ASSERT_EQ(chat_call("gpt-4o").status, 200);
    ASSERT_EQ(chat_call("gpt-4o").status, 200);
    ASSERT_EQ(key_state("a"), "disabled");
    std::atomic<bool> stop{false};
    std::atomic<int> ok{0}, bad{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t) {
        clients.emplace_back([&] {
            while (!stop.load()) {
                HttpClient c;
                Response r;
                if (c.connect(gw_->port()) &&
                    c.send(post("/v1/chat/completions", chat("gpt-4o~delay=5", true))) &&
                    c.read_response(&r, 10000) && r.status == 200 &&
                    r.body.find("[DONE]") != std::string::npos) {
                    ++ok;
                } else {
                    ++bad;
                }
            }
        });
    }
    for (int i = 0; i < 3; ++i) {
        // Each reload adds a key; a and b stay.
        keys += ", {id: n" + std::to_string(i) + ", key: sk-n" + std::to_string(i) + "}";
        ASSERT_TRUE(gw_->reload(config(mock_->port(), keys)));
        while (ok.load() < 10 * (i + 1)) {
            std::this_thread::yield();
        }
    }
    stop = true;
    for (auto& t : clients) {
        t.join();
    }
    EXPECT_EQ(bad.load(), 0);
    EXPECT_GE(ok.load(), 30);
    EXPECT_EQ(key_state("a"), "disabled");  // carried over three reloads
    EXPECT_EQ(count_key(attempts(*mock_), "sk-a~401"), 1);
    EXPECT_EQ(key_state("n2"), "healthy");
}

TEST_F(FailoverTest, HealthDetailedShowsInFlightAndLatencyPerKey) {
    start(config(mock_->port(), "{id: a, key: sk-a}"));
    ASSERT_EQ(chat_call("gpt-4o~header_delay=20").status, 200);
    std::string h = health();
    EXPECT_GE(std::stoll(field(h, "latency_ewma_us")), 15000) << h;
    EXPECT_EQ(field(h, "in_flight"), "0");
    // A stream in progress counts until it ends.
    HttpClient c;
    ASSERT_TRUE(c.connect(gw_->port()));
    ASSERT_TRUE(c.send(post("/v1/chat/completions", chat("gpt-4o~tokens=100~delay=20", true))));
    Response head;
    ASSERT_TRUE(c.read_response(&head, 5000, true));
    EXPECT_EQ(field(health(), "in_flight"), "1");
    c.close();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (field(health(), "in_flight") != "0" && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::yield();
    }
    EXPECT_EQ(field(health(), "in_flight"), "0");
}

TEST_F(FailoverTest, AdminApiIsOffWithoutTheAdminKey) {
    Gateway gw(config(mock_->port(), "{id: a, key: sk-a}"));
    ASSERT_TRUE(gw.started());
    Response r = call(gw.admin_port(),
                      "POST /admin/keys/reset HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    EXPECT_EQ(r.status, 403);
    // /health/detailed needs no key (the admin listener is an operator's port).
    EXPECT_EQ(http_get(gw.admin_port(), "/health/detailed").status, 200);
    // The admin routes are not on the public listener.
    EXPECT_EQ(http_get(gw.port(), "/health/detailed").status, 404);
}

}  // namespace
}  // namespace rg::test
