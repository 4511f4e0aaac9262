// GoogleTest fixture that runs one ringgate-mock process per test, plus request builders
// and a JSON helper shared by the mock's integration tests.
#pragma once

#include <gtest/gtest.h>
#include <simdjson.h>

#include <memory>
#include <string>
#include <vector>

#include "mock_harness.h"

namespace rg::mock::test {

struct Json {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
};

// Parses `text`; nullptr when it is not JSON.
inline std::unique_ptr<Json> parse_json(const std::string& text) {
    auto j = std::make_unique<Json>();
    if (j->parser.parse(text).get(j->root) != simdjson::SUCCESS) {
        return nullptr;
    }
    return j;
}

inline std::string str(simdjson::simdjson_result<simdjson::dom::element> e) {
    std::string_view s;
    return e.get_string().get(s) == simdjson::SUCCESS ? std::string(s) : std::string("<none>");
}

inline int64_t num(simdjson::simdjson_result<simdjson::dom::element> e) {
    int64_t v = -1;
    return e.get_int64().get(v) == simdjson::SUCCESS ? v : -1;
}

inline Headers openai_auth(const std::string& key = "sk-test") {
    return {{"authorization", "Bearer " + key}};
}

inline Headers anthropic_auth(const std::string& key = "sk-ant-test") {
    return {{"x-api-key", key}, {"anthropic-version", "2023-06-01"}};
}

inline Headers gemini_auth(const std::string& key = "gm-test") {
    return {{"x-goog-api-key", key}};
}

inline std::string chat_body(const std::string& model, bool stream, const std::string& extra = "") {
    return "{\"model\":\"" + model +
           "\",\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
           "{\"role\":\"user\",\"content\":\"hello mock world\"}],\"stream\":" +
           (stream ? "true" : "false") + extra + "}";
}

inline std::string messages_body(const std::string& model, bool stream,
                                 const std::string& extra = "") {
    return "{\"model\":\"" + model +
           "\",\"max_tokens\":256,\"system\":\"be brief\",\"messages\":[{\"role\":\"user\","
           "\"content\":\"hello mock world\"}],\"stream\":" +
           (stream ? "true" : "false") + extra + "}";
}

inline std::string gemini_body(const std::string& extra = "") {
    return "{\"systemInstruction\":{\"parts\":[{\"text\":\"be brief\"}]},\"contents\":[{\"role\":"
           "\"user\",\"parts\":[{\"text\":\"hello mock world\"}]}]" +
           extra + "}";
}

class MockTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(mock_.start(args())) << "ringgate-mock did not start";
        port_ = mock_.http_port();
    }
    virtual std::vector<std::string> args() { return {"--tokens", "4"}; }

    Response post(const std::string& path, const Headers& headers, const std::string& body,
                  int timeout_ms = 5000) {
        return http(port_, "POST", path, headers, body, timeout_ms);
    }
    Response get(const std::string& path, const Headers& headers = {}) {
        return http(port_, "GET", path, headers);
    }
    // The attempt log as JSON (optionally filtered).
    std::unique_ptr<Json> attempts(const std::string& query = "") {
        Response r = get("/_mock/attempts" + query);
        return parse_json(r.body);
    }

    MockProcess mock_;
    uint16_t port_ = 0;
};

}  // namespace rg::mock::test
