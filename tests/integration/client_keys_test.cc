// Client keys and their limits on the real binary: who may call (a key from any of the four
// places SDKs put it, checked against SHA-256 digests), which models it may use, and rate
// limits and quotas enforced exactly across both workers, refused in the client's format.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "harness/fixture.h"

namespace rg::test {
namespace {

// SHA-256 of "ck-limited" (`printf ck-limited | sha256sum`): that key is configured by
// digest only, as `ringgate hash-key` would print it.
constexpr const char* limited_sha256 =
    "82abaeac05f7631bebaa4794ef6bc2b9e1f5503231f2a0d4c16cef787b990452";

std::string config(int port) {
    return server_config(2, "") + "providers:\n" + mock_providers(port) +
           "client_keys:\n"
           "  - {name: prod, key: ck-prod-secret, allowed_models: [\"gpt-*\", \"claude-*\"]}\n"
           "  - {name: limited, key_sha256: \"" +
           limited_sha256 +
           "\", rate_limit: {requests_per_second: 0, burst: 5}}\n"
           "  - {name: daily, key: ck-daily, quota: {requests_per_day: 3}}\n"
           "  - {name: tok1, key: ck-tok1, quota: {tokens_per_day: 20}}\n"
           "  - {name: tok2, key: ck-tok2, quota: {tokens_per_day: 20}}\n"
           "  - {name: tok3, key: ck-tok3, quota: {tokens_per_day: 20}}\n"
           "  - {name: tok4, key: ck-tok4, quota: {tokens_per_day: 20}}\n"
           "pricing:\n"
           "  gpt-4o: {input: 2.5, output: 10}\n";
}

class ClientKeysTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        mock_ = new MockUpstream({"--tokens", "3"});
        ASSERT_TRUE(mock_->started());
    }
    static void TearDownTestSuite() { delete mock_; }
    void SetUp() override {
        mock_->reset();
        gw_ = std::make_unique<Gateway>(config(mock_->port()));
        ASSERT_TRUE(gw_->started()) << gw_->log();
    }
    Response call(const std::string& request) { return rg::test::call(gw_->port(), request); }
    static MockUpstream* mock_;
    std::unique_ptr<Gateway> gw_;
};
MockUpstream* ClientKeysTest::mock_ = nullptr;

TEST_F(ClientKeysTest, MissingOrWrongKeysAre401InTheClientsFormatWithoutDetail) {
    Response none = call(post("/v1/chat/completions", chat_hi("gpt-4o"), ""));
    EXPECT_EQ(none.status, 401);
    Response wrong =
        call(post("/v1/chat/completions", chat_hi("gpt-4o"), "Authorization: Bearer ck-nope\r\n"));
    EXPECT_EQ(wrong.status, 401);
    EXPECT_EQ(none.body.substr(0, 60), wrong.body.substr(0, 60));  // same words either way
    EXPECT_TRUE(has(wrong.body, "\"type\":\"invalid_request_error\"")) << wrong.body;
    Response anthropic =
        call(post("/v1/messages", "{\"model\":\"claude-x\",\"max_tokens\":5,\"messages\":[]}",
                  "x-api-key: ck-nope\r\nanthropic-version: 2023-06-01\r\n"));
    EXPECT_EQ(anthropic.status, 401);
    EXPECT_TRUE(has(anthropic.body, "\"type\":\"authentication_error\"")) << anthropic.body;
    Response gemini =
        call(post("/v1beta/models/gemini-2.5-flash:generateContent?key=ck-nope", "{}", ""));
    EXPECT_EQ(gemini.status, 401);
    EXPECT_TRUE(has(gemini.body, "UNAUTHENTICATED")) << gemini.body;
    // Listing models needs a key too.
    HttpClient c;
    Response models;
    ASSERT_TRUE(c.connect(gw_->port()));
    ASSERT_TRUE(c.get("/v1/models", &models));
    EXPECT_EQ(models.status, 401);
    EXPECT_EQ(mock_->attempts().find("\"seq\":"), std::string::npos);
    EXPECT_EQ(gw_->metric("ringgate_client_auth_failures_total"), 5);
}

TEST_F(ClientKeysTest, AKeyIsTakenFromAnyOfTheFourPlacesAndNeverReachesTheProvider) {
    EXPECT_EQ(call(post("/v1/chat/completions", chat_hi("gpt-4o"),
                        "Authorization: Bearer ck-prod-secret\r\n"))
                  .status,
              200);
    EXPECT_EQ(call(post("/v1/messages",
                        "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":5,\"messages\":[{\"role\":"
                        "\"user\",\"content\":\"hi\"}]}",
                        "x-api-key: ck-prod-secret\r\nanthropic-version: 2023-06-01\r\n"))
                  .status,
              200);
    std::string gemini_body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}";
    EXPECT_EQ(call(post("/v1beta/models/claude-sonnet-4-5:generateContent", gemini_body,
                        "x-goog-api-key: ck-prod-secret\r\n"))
                  .status,
              200);
    EXPECT_EQ(
        call(post("/v1beta/models/gpt-4o:generateContent?key=ck%2Dprod-secret", gemini_body, ""))
            .status,
        200);  // percent-decoded
    std::string log = mock_->attempts();
    EXPECT_FALSE(has(log, "ck-prod")) << log;
}

TEST_F(ClientKeysTest, AllowedModelsAreEnforcedWith403) {
    Response r = call(post("/v1/chat/completions", chat_hi("gemini-2.5-flash"),
                           "Authorization: Bearer ck-prod-secret\r\n"));
    EXPECT_EQ(r.status, 403);
    EXPECT_TRUE(has(r.body, "gemini-2.5-flash")) << r.body;
    EXPECT_EQ(mock_->attempts().find("\"seq\":"), std::string::npos);
}

TEST_F(ClientKeysTest, ABurstIsAdmittedExactlyAcrossWorkersUnderConcurrency) {
    // rate 0, burst 5: exactly five requests, ever, whichever worker takes them.
    std::atomic<int> ok{0}, limited{0}, other{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 6; ++i) {
                HttpClient c;
                Response r;
                if (!c.connect(gw_->port()) ||
                    !c.send(post("/v1/chat/completions", chat_hi("gpt-4o"),
                                 "Authorization: Bearer ck-limited\r\n")) ||
                    !c.read_response(&r, 5000)) {
                    ++other;
                } else if (r.status == 200) {
                    ++ok;
                } else if (r.status == 429 && r.header("x-ratelimit-limit") == "5" &&
                           r.header("x-ratelimit-remaining") == "0" &&
                           r.header("retry-after").empty()) {  // waiting will not help
                    ++limited;
                } else {
                    ++other;
                }
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_EQ(ok.load(), 5);
    EXPECT_EQ(limited.load(), 19);
    EXPECT_EQ(other.load(), 0);
    EXPECT_EQ(gw_->metric("ringgate_client_limited_total"), 19);
}

TEST_F(ClientKeysTest, ADailyQuotaRefusesTheNextRequestUntilMidnight) {
    for (int i = 0; i < 3; ++i) {
        ASSERT_EQ(call(post("/v1/chat/completions", chat_hi("gpt-4o"),
                            "Authorization: Bearer ck-daily\r\n"))
                      .status,
                  200);
    }
    Response r =
        call(post("/v1/chat/completions", chat_hi("gpt-4o"), "Authorization: Bearer ck-daily\r\n"));
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(r.header("x-ratelimit-limit"), "3");
    EXPECT_EQ(r.header("x-ratelimit-remaining"), "0");
    long long reset = std::stoll(r.header("x-ratelimit-reset"));
    EXPECT_GT(reset, 0);
    EXPECT_LE(reset, 86400);
    EXPECT_EQ(r.header("retry-after"), r.header("x-ratelimit-reset"));
    EXPECT_TRUE(has(r.body, "requests_per_day")) << r.body;
}

TEST_F(ClientKeysTest, TokenQuotasCountWhatTheUpstreamReported) {
    // Every answer here is 4 tokens (1 prompt word, 3 completion tokens): a 20-token day
    // admits about five (the pre-call estimate decides the last one), then refuses. Were
    // the usage not read from the answers, the estimate (1 token) would be refunded and
    // nothing would ever be refused.
    struct Mode {
        const char* name;
        std::string request;
    };
    const Mode modes[] = {
        {"anthropic stream passthrough",
         post("/v1/messages",
              "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":9,\"stream\":true,"
              "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
              "x-api-key: ck-tok1\r\nanthropic-version: 2023-06-01\r\n")},
        {"openai passthrough",
         post("/v1/chat/completions", chat_hi("gpt-4o"), "Authorization: Bearer ck-tok2\r\n")},
        {"openai stream passthrough, client without include_usage",
         post("/v1/chat/completions",
              "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\","
              "\"content\":\"hi\"}]}",
              "Authorization: Bearer ck-tok4\r\n")},
        {"openai stream translated from anthropic",
         post("/v1/chat/completions",
              "{\"model\":\"claude-sonnet-4-5\",\"stream\":true,\"messages\":[{\"role\":"
              "\"user\",\"content\":\"hi\"}]}",
              "Authorization: Bearer ck-tok3\r\n")},
    };
    for (const Mode& m : modes) {
        int ok = 0;
        Response refused;
        for (int i = 0; i < 12 && refused.status == 0; ++i) {
            Response r = call(m.request);
            if (r.status == 200) {
                ++ok;
                if (std::string(m.name).find("without include_usage") != std::string::npos) {
                    // The gateway asked for usage on the client's behalf and kept the usage
                    // chunk to itself; the stream still ends properly.
                    EXPECT_FALSE(has(r.body, "\"usage\":{")) << r.body;
                    EXPECT_TRUE(has(r.body, "data: [DONE]")) << r.body;
                    EXPECT_TRUE(has(r.body, "\"content\":\" tok3\"")) << r.body;
                }
            } else {
                refused = r;
            }
        }
        EXPECT_EQ(refused.status, 429) << m.name;
        EXPECT_TRUE(has(refused.body, "tokens_per_day")) << m.name << ": " << refused.body;
        EXPECT_GE(ok, 4) << m.name;
        EXPECT_LE(ok, 6) << m.name;
    }
}

TEST_F(ClientKeysTest, LimitsSurviveAReload) {
    for (int i = 0; i < 3; ++i) {
        ASSERT_EQ(call(post("/v1/chat/completions", chat_hi("gpt-4o"),
                            "Authorization: Bearer ck-daily\r\n"))
                      .status,
                  200);
    }
    ASSERT_TRUE(gw_->reload(config(mock_->port())));
    EXPECT_EQ(
        call(post("/v1/chat/completions", chat_hi("gpt-4o"), "Authorization: Bearer ck-daily\r\n"))
            .status,
        429);
}

}  // namespace
}  // namespace rg::test
