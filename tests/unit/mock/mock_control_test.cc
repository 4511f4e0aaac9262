// The control API: attempt log contents, filters and counts, reset, health, and the
// cancellation flag recorded when a client disconnects mid-stream.
#include "mock_fixture.h"

namespace rg::mock::test {
namespace {

using Control = MockTest;

TEST_F(Control, HealthAndUnknownEndpoints) {
    EXPECT_EQ(get("/_mock/health").status, 200);
    EXPECT_EQ(get("/_mock/nope").status, 404);
}

TEST_F(Control, AttemptsRecordWhatReachedTheMock) {
    Headers h = openai_auth("key-a");
    h.push_back({"x-request-id", "rid-1"});
    h.push_back({"x-test-case", "attempts"});
    h.push_back({"user-agent", "mock-test/1"});
    h.push_back({"x-other", "not logged"});
    ASSERT_EQ(post("/v1/chat/completions", h, chat_body("gpt-4o~tokens=2", true)).status, 200);
    ASSERT_EQ(post("/v1/chat/completions", openai_auth("key-a~500"), chat_body("m2", false)).status,
              500);
    ASSERT_EQ(post("/v1/messages", anthropic_auth("key-b"), messages_body("claude", false)).status,
              200);
    ASSERT_EQ(
        post("/v1beta/models/gem:generateContent", gemini_auth("key-c"), gemini_body()).status,
        200);
    auto j = attempts();
    ASSERT_TRUE(j);
    auto list = j->root["attempts"];
    ASSERT_EQ(list.get_array().size(), 4u);
    auto first = list.at(0);
    EXPECT_EQ(num(first["seq"]), 1);
    EXPECT_EQ(str(first["key"]), "key-a");
    EXPECT_EQ(str(first["model"]), "gpt-4o~tokens=2");
    EXPECT_EQ(str(first["path"]), "/v1/chat/completions");
    EXPECT_EQ(str(first["format"]), "openai");
    EXPECT_TRUE(first["stream"].get_bool().value());
    EXPECT_EQ(str(first["fault"]), "none");
    EXPECT_EQ(num(first["status"]), 200);
    EXPECT_FALSE(first["cancelled"].get_bool().value());
    EXPECT_EQ(str(first["headers"]["x-request-id"]), "rid-1");
    EXPECT_EQ(str(first["headers"]["x-test-case"]), "attempts");
    EXPECT_EQ(str(first["headers"]["user-agent"]), "mock-test/1");
    EXPECT_TRUE(first["headers"]["x-other"].error() != simdjson::SUCCESS);
    EXPECT_GE(num(first["wall_ms"]), num(first["t_ms"]));
    EXPECT_EQ(str(list.at(1)["fault"]), "500");
    EXPECT_EQ(num(list.at(1)["status"]), 500);
    EXPECT_EQ(str(list.at(2)["format"]), "anthropic");
    EXPECT_EQ(str(list.at(3)["model"]), "gem");
    EXPECT_EQ(str(list.at(3)["format"]), "gemini");
    EXPECT_EQ(num(j->root["by_key"]["key-a"]), 1);
    EXPECT_EQ(num(j->root["by_key"]["key-a~500"]), 1);
    EXPECT_EQ(num(j->root["by_model"]["claude"]), 1);
    auto filtered = attempts("?key=key-b");
    EXPECT_EQ(filtered->root["attempts"].get_array().size(), 1u);
    auto by_model = attempts("?model=gem");
    EXPECT_EQ(str(by_model->root["attempts"].at(0)["key"]), "key-c");
}

TEST_F(Control, UnroutedAndUnauthenticatedRequestsAreRecordedToo) {
    EXPECT_EQ(post("/v1/unknown", openai_auth("k"), "{}").status, 404);
    EXPECT_EQ(post("/v1/chat/completions", {}, chat_body("gpt-4o", false)).status, 401);
    auto j = attempts();
    ASSERT_EQ(j->root["attempts"].get_array().size(), 2u);
    EXPECT_EQ(num(j->root["attempts"].at(0)["status"]), 404);
    EXPECT_EQ(num(j->root["attempts"].at(1)["status"]), 401);
}

TEST_F(Control, ResetClearsAttemptsAndRules) {
    post("/v1/chat/completions", openai_auth(), chat_body("gpt-4o", false));
    post("/_mock/faults", {}, "{\"match\":{\"key\":\"sk-test\"},\"fault\":\"500\"}");
    EXPECT_EQ(post("/v1/chat/completions", openai_auth(), chat_body("gpt-4o", false)).status, 500);
    EXPECT_EQ(post("/_mock/reset", {}, "").status, 200);
    auto j = attempts();
    EXPECT_EQ(j->root["attempts"].get_array().size(), 0u);
    EXPECT_EQ(post("/v1/chat/completions", openai_auth(), chat_body("gpt-4o", false)).status, 200);
    j = attempts();
    EXPECT_EQ(num(j->root["attempts"].at(0)["seq"]), 1);
}

TEST_F(Control, ClientDisconnectMidStreamIsRecordedAsCancelled) {
    {
        Client c;
        ASSERT_TRUE(c.connect(port_));
        ASSERT_TRUE(c.send(build_request("POST", "/v1/messages", anthropic_auth("cancel-me"),
                                         messages_body("c~tokens=100~delay=20", true))));
        ASSERT_TRUE(c.read_until("tok2", 2000));
    }  // closes mid-stream
    bool cancelled = false;
    for (uint64_t deadline = now_ms() + 3000; now_ms() < deadline && !cancelled;) {
        auto j = attempts("?key=cancel-me");
        cancelled = j && j->root["attempts"].get_array().size() == 1 &&
                    j->root["attempts"].at(0)["cancelled"].get_bool().value();
        if (!cancelled) {
            usleep(10000);  // bounded polling of the log
        }
    }
    EXPECT_TRUE(cancelled);
    post("/v1/messages", anthropic_auth("finished"), messages_body("c", true));
    auto j = attempts("?key=finished");
    EXPECT_FALSE(j->root["attempts"].at(0)["cancelled"].get_bool().value());
}

}  // namespace
}  // namespace rg::mock::test
