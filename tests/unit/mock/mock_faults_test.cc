// Faults that replace the reply: HTTP errors in each provider's envelope and headers,
// rate-limit headers, connection reset, never answering, delays, sequence mode and
// runtime fault rules.
#include <errno.h>
#include <time.h>

#include "mock_fixture.h"

namespace rg::mock::test {
namespace {

class Faults : public MockTest {
  protected:
    Response chat(const std::string& key, const std::string& model = "gpt-4o") {
        return post("/v1/chat/completions", openai_auth(key), chat_body(model, false));
    }
};

}  // namespace

TEST_F(Faults, RateLimitWithoutRetryAfter) {
    Response r = chat("k~fault=429");
    ASSERT_EQ(r.status, 429);
    EXPECT_TRUE(r.header("retry-after").empty());
    EXPECT_TRUE(r.header("retry-after-ms").empty());
    EXPECT_EQ(r.header("x-ratelimit-remaining-requests"), "0");
    auto j = parse_json(r.body);
    ASSERT_TRUE(j);
    EXPECT_EQ(str(j->root["error"]["code"]), "rate_limit_exceeded");
    EXPECT_EQ(str(j->root["error"]["type"]), "requests");
}

TEST_F(Faults, RateLimitWithRetryAfterSecondsAndMilliseconds) {
    Response r = chat("k~fault=429~retry_after=2~retry_after_ms=1500");
    ASSERT_EQ(r.status, 429);
    EXPECT_EQ(r.header("retry-after"), "2");
    EXPECT_EQ(r.header("retry-after-ms"), "1500");
    EXPECT_EQ(r.header("x-ratelimit-reset-requests"), "1500ms");
    r = chat("k~429~retry_after=3");
    EXPECT_EQ(r.header("retry-after"), "3");
    EXPECT_EQ(r.header("x-ratelimit-reset-requests"), "3s");
    EXPECT_NE(r.body.find("Please try again in 3s"), std::string::npos);
}

TEST_F(Faults, AnthropicRateLimitResetIsAnRfc3339TimeRetryAfterAhead) {
    Response r = post("/v1/messages", anthropic_auth("k~fault=429~retry_after=30"),
                      messages_body("claude", false));
    ASSERT_EQ(r.status, 429);
    EXPECT_EQ(r.header("retry-after"), "30");
    EXPECT_EQ(r.header("anthropic-ratelimit-requests-remaining"), "0");
    std::string reset = r.header("anthropic-ratelimit-requests-reset");
    tm t{};
    ASSERT_NE(strptime(reset.c_str(), "%Y-%m-%dT%H:%M:%SZ", &t), nullptr) << reset;
    int64_t delta = static_cast<int64_t>(timegm(&t)) - static_cast<int64_t>(time(nullptr));
    EXPECT_GE(delta, 28);
    EXPECT_LE(delta, 31);
    EXPECT_EQ(str(parse_json(r.body)->root["error"]["type"]), "rate_limit_error");
}

TEST_F(Faults, LowRemainingAnswers200WithNothingLeft) {
    Response r = chat("k~fault=low");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("x-ratelimit-remaining-requests"), "0");
    EXPECT_EQ(r.header("x-ratelimit-remaining-tokens"), "0");
    EXPECT_NE(r.body.find("tok1"), std::string::npos);
    r = post("/v1/messages", anthropic_auth("k~low_remaining"), messages_body("claude", true));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("anthropic-ratelimit-requests-remaining"), "0");
    EXPECT_EQ(r.header("anthropic-ratelimit-tokens-remaining"), "0");
}

TEST_F(Faults, ContextLengthInEachProvidersShape) {
    Response o = chat("k~fault=context_length");
    EXPECT_EQ(o.status, 400);
    EXPECT_EQ(str(parse_json(o.body)->root["error"]["code"]), "context_length_exceeded");
    Response a =
        post("/v1/messages", anthropic_auth("k~fault=context_length"), messages_body("c", false));
    EXPECT_EQ(a.status, 400);
    EXPECT_EQ(a.header("x-should-retry"), "false");
    EXPECT_NE(str(parse_json(a.body)->root["error"]["message"]).find("prompt is too long"),
              std::string::npos);
    Response g =
        post("/v1beta/models/g~context_length:generateContent", gemini_auth(), gemini_body());
    EXPECT_EQ(g.status, 400);
    EXPECT_EQ(str(parse_json(g.body)->root["error"]["status"]), "INVALID_ARGUMENT");
}

TEST_F(Faults, ContentPolicyAndQuota) {
    Response o = chat("k~fault=content_policy");
    EXPECT_EQ(o.status, 400);
    EXPECT_EQ(str(parse_json(o.body)->root["error"]["code"]), "content_policy_violation");
    Response a =
        post("/v1/messages", anthropic_auth("k~content_policy"), messages_body("c", false));
    EXPECT_EQ(a.status, 400);
    EXPECT_EQ(str(parse_json(a.body)->root["error"]["type"]), "invalid_request_error");
    Response q = chat("k~fault=insufficient_quota");
    EXPECT_EQ(q.status, 429);
    EXPECT_EQ(str(parse_json(q.body)->root["error"]["code"]), "insufficient_quota");
    Response g = post("/v1beta/models/g:generateContent", gemini_auth("k~quota"), gemini_body());
    EXPECT_EQ(g.status, 429);
    EXPECT_NE(g.body.find("PerDay"), std::string::npos);
}

TEST_F(Faults, PlainStatusFaultsInTheRightEnvelope) {
    for (int status : {401, 403, 500, 503}) {
        Response o = chat("k~fault=" + std::to_string(status));
        EXPECT_EQ(o.status, status);
        EXPECT_TRUE(parse_json(o.body)->root["error"]["message"].is_string());
    }
    EXPECT_EQ(str(parse_json(chat("k~401").body)->root["error"]["code"]), "invalid_api_key");
    Response a = post("/v1/messages", anthropic_auth("k~500"), messages_body("c", false));
    EXPECT_EQ(a.status, 500);
    EXPECT_EQ(str(parse_json(a.body)->root["error"]["type"]), "api_error");
    Response a403 = post("/v1/messages", anthropic_auth("k~403"), messages_body("c", false));
    EXPECT_EQ(str(parse_json(a403.body)->root["error"]["type"]), "permission_error");
    Response g = post("/v1beta/models/g:generateContent", gemini_auth("k~503"), gemini_body());
    EXPECT_EQ(g.status, 503);
    EXPECT_EQ(str(parse_json(g.body)->root["error"]["status"]), "UNAVAILABLE");
    Response over = chat("k~overloaded");
    EXPECT_EQ(over.status, 503);
}

TEST_F(Faults, HeaderDirectivesWorkWithoutTouchingKeyOrModel) {
    Headers h = openai_auth("plain");
    h.push_back({"x-mock-fault", "500"});
    Response r = post("/v1/chat/completions", h, chat_body("gpt-4o", false));
    EXPECT_EQ(r.status, 500);
    Headers d = openai_auth("plain");
    d.push_back({"x-mock-directives", "fault=429~retry_after=4"});
    r = post("/v1/chat/completions", d, chat_body("gpt-4o", false));
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(r.header("retry-after"), "4");
}

TEST_F(Faults, ResetClosesTheConnectionBeforeAnyByte) {
    Response r = chat("k~fault=reset");
    EXPECT_EQ(r.status, 0);
    EXPECT_TRUE(r.sys_errno == ECONNRESET || r.eof) << r.sys_errno;
    auto j = attempts();
    ASSERT_TRUE(j);
    auto a = j->root["attempts"].at(0);
    EXPECT_EQ(str(a["fault"]), "reset");
    EXPECT_EQ(num(a["status"]), 0);
}

TEST_F(Faults, HangNeverAnswersButKeepsTheConnection) {
    Client c;
    ASSERT_TRUE(c.connect(port_));
    ASSERT_TRUE(c.send(build_request("POST", "/v1/chat/completions", openai_auth("k~hang"),
                                     chat_body("gpt-4o", false))));
    std::string got;
    EXPECT_EQ(c.read_some(&got, 300), -1);  // nothing within a short bounded wait
    EXPECT_TRUE(got.empty());
    ASSERT_TRUE(c.send("more bytes are read and discarded\r\n"));
    EXPECT_EQ(c.read_some(&got, 100), -1);
    auto j = attempts();
    EXPECT_EQ(str(j->root["attempts"].at(0)["fault"]), "hang");
}

TEST_F(Faults, HeaderAndGenerationDelays) {
    Response r = chat("k~header_delay=200");
    EXPECT_EQ(r.status, 200);
    EXPECT_GE(r.head_ms, 190u);
    r = chat("k", "gpt-4o~tokens=3~delay=60");  // arrives as the stream would end
    EXPECT_EQ(r.status, 200);
    EXPECT_GE(r.head_ms, 170u);
}

TEST_F(Faults, SequenceModeFailsForTheFirstNRequestsThenRecovers) {
    EXPECT_EQ(chat("k~fault=503~count=2").status, 503);
    EXPECT_EQ(chat("k~fault=503~count=2").status, 503);
    EXPECT_EQ(chat("k~fault=503~count=2").status, 200);
    EXPECT_EQ(chat("k~fault=503~count=2").status, 200);
    EXPECT_EQ(chat("other~fault=503~count=1").status, 503);
}

TEST_F(Faults, SequenceModeFailsForAWindowSinceTheFirstRequest) {
    uint64_t start = now_ms();
    ASSERT_EQ(chat("k", "gpt-4o~fault=429~for_ms=300").status, 429);
    int status = 429;
    uint64_t recovered = 0;
    for (uint64_t deadline = start + 5000; now_ms() < deadline && status != 200;) {
        status = chat("k", "gpt-4o~fault=429~for_ms=300").status;
        recovered = now_ms();
        if (status != 200) {
            usleep(20000);  // bounded polling of the condition "answers 200 again"
        }
    }
    EXPECT_EQ(status, 200);
    EXPECT_GE(recovered - start, 290u);
}

TEST_F(Faults, RuntimeRuleFailsOneKeyWithoutChangingTheRequest) {
    Response add = post("/_mock/faults", {},
                        "{\"match\":{\"key\":\"k1\"},\"fault\":\"429\",\"retry_after\":2,"
                        "\"count\":2}");
    ASSERT_EQ(add.status, 200);
    EXPECT_EQ(num(parse_json(add.body)->root["id"]), 1);
    EXPECT_EQ(chat("k2").status, 200);
    Response first = chat("k1");
    EXPECT_EQ(first.status, 429);
    EXPECT_EQ(first.header("retry-after"), "2");
    EXPECT_EQ(chat("k1").status, 429);
    EXPECT_EQ(chat("k1").status, 200);
    auto rules = parse_json(get("/_mock/faults").body);
    ASSERT_TRUE(rules);
    auto rule = rules->root["faults"].at(0);
    EXPECT_EQ(str(rule["match"]["key"]), "k1");
    EXPECT_EQ(num(rule["fired"]), 2);
    EXPECT_FALSE(rule["active"].get_bool().value());
    EXPECT_EQ(http(port_, "DELETE", "/_mock/faults").status, 200);
    EXPECT_EQ(parse_json(get("/_mock/faults").body)->root["faults"].get_array().size(), 0u);
}

TEST_F(Faults, RuntimeRuleByModelAndItsRemoval) {
    Response add = post("/_mock/faults", {},
                        "{\"match\":{\"model\":\"gpt-4o\"},\"fault\":\"stall\",\"after\":1}");
    ASSERT_EQ(add.status, 200);
    Response rule2 = post("/_mock/faults", {}, "{\"match\":{\"model\":\"m2\"},\"fault\":\"500\"}");
    EXPECT_EQ(chat("k", "m2").status, 500);
    EXPECT_EQ(http(port_, "DELETE", "/_mock/faults/2").status, 200);
    EXPECT_EQ(http(port_, "DELETE", "/_mock/faults/2").status, 404);
    EXPECT_EQ(chat("k", "m2").status, 200);
    Response bad = post("/_mock/faults", {}, "{\"match\":{\"key\":\"k\"},\"fault\":\"teapot\"}");
    EXPECT_EQ(bad.status, 400);
    (void)rule2;
}

}  // namespace rg::mock::test
