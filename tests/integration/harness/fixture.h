// What the integration tests' set-up has in common: provider lines pointing at the mock,
// request bytes, one-shot calls, a bounded poll loop, and a suite fixture holding one mock
// and one gateway. Test-only; used from the test thread.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "harness/gateway.h"
#include "harness/mock_upstream.h"

namespace rg::test {

// The client key header in each format's usual place.
inline const std::string openai_auth = "Authorization: Bearer client-key\r\n";
inline const std::string anthropic_auth =
    "x-api-key: client-key\r\nanthropic-version: 2023-06-01\r\n";
inline const std::string gemini_auth = "x-goog-api-key: client-key\r\n";

// One flow-style provider line with one key, its base_url on the mock (an openai provider's
// base_url ends in /v1). `extra` ("api: responses, ") goes before base_url.
std::string mock_provider(const std::string& name, const std::string& type, int mock_port,
                          const std::string& key_id, const std::string& key,
                          const std::string& extra = "");
// The three providers most tests route to: oa (openai, sk-oa), an (anthropic, sk-an) and
// ge (gemini, sk-ge), all on the mock.
std::string mock_providers(int mock_port);
// Two workers, 2 s upstream first-byte and stall timeouts, mock_providers() and then
// `more_providers`, and a models section routing claude-sonnet-4-5 to an and
// gemini-2.5-flash to ge; it comes last, so more model lines may follow.
std::string mock_gateway_config(int mock_port, const std::string& more_providers = "");
// Replaces server_config's `access_log: stderr` with `file`.
std::string with_access_log(std::string yaml, const std::string& file);

// A JSON POST of `body` to `path`; `headers` are whole "Name: value\r\n" lines.
std::string post(const std::string& path, const std::string& body, const std::string& headers);
// An OpenAI chat request body saying "hi" to `model`.
std::string chat_hi(const std::string& model);
bool has(const std::string& hay, const std::string& needle);
// One request on a fresh connection to `port`; failures are test failures.
Response call(int port, const std::string& request, int timeout_ms = 5000);

// Tries `done` until it holds or `timeout_ms` pass, `interval_ms` apart (0: yield between
// tries); true when it held.
bool poll_until(const std::function<bool()>& done, int timeout_ms, int interval_ms = 0);

// One mock (`--tokens 3`) and one gateway for a whole suite; the mock's attempt log is
// cleared before each test. A derived suite's SetUpTestSuite calls start_suite().
class MockGatewaySuite : public ::testing::Test {
  protected:
    static void start_suite(std::string (*config)(int mock_port));
    static void TearDownTestSuite();
    void SetUp() override { mock_->reset(); }
    // One request to the gateway, or to `port` when given.
    static Response call(const std::string& request, int port = 0);

    static MockUpstream* mock_;
    static Gateway* gateway_;
};

}  // namespace rg::test
