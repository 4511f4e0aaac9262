#include "harness/fixture.h"

#include <chrono>
#include <thread>

namespace rg::test {

std::string mock_provider(const std::string& name, const std::string& type, int mock_port,
                          const std::string& key_id, const std::string& key,
                          const std::string& extra) {
    return "  - {name: " + name + ", type: " + type + ", " + extra +
           "base_url: \"http://127.0.0.1:" + std::to_string(mock_port) +
           (type == "openai" ? "/v1" : "") + "\", keys: [{id: " + key_id + ", key: " + key +
           "}]}\n";
}

std::string mock_providers(int mock_port) {
    return mock_provider("oa", "openai", mock_port, "o1", "sk-oa") +
           mock_provider("an", "anthropic", mock_port, "a1", "sk-an") +
           mock_provider("ge", "gemini", mock_port, "g1", "sk-ge");
}

std::string mock_gateway_config(int mock_port, const std::string& more_providers) {
    return server_config(2, "") +
           "upstream: {first_byte_timeout: 2s, stall_timeout: 2s}\n"
           "providers:\n" +
           mock_providers(mock_port) + more_providers +
           "models:\n"
           "  - {name: claude-sonnet-4-5, targets: [{provider: an}]}\n"
           "  - {name: gemini-2.5-flash, targets: [{provider: ge}]}\n";
}

std::string with_access_log(std::string yaml, const std::string& file) {
    const std::string from = "access_log: stderr";
    size_t at = yaml.find(from);
    EXPECT_NE(at, std::string::npos);
    if (at != std::string::npos) {
        yaml.replace(at, from.size(), "access_log: \"" + file + "\"");
    }
    return yaml;
}

std::string post(const std::string& path, const std::string& body, const std::string& headers) {
    return "POST " + path + " HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n" +
           headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string chat_hi(const std::string& model) {
    return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
}

bool has(const std::string& hay, const std::string& needle) {
    return hay.find(needle) != std::string::npos;
}

Response call(int port, const std::string& request, int timeout_ms) {
    HttpClient c;
    Response r;
    EXPECT_TRUE(c.connect(port));
    EXPECT_TRUE(c.send(request));
    EXPECT_TRUE(c.read_response(&r, timeout_ms)) << request;
    return r;
}

bool poll_until(const std::function<bool()>& done, int timeout_ms, int interval_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
        if (done()) {
            return true;
        }
        if (interval_ms > 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms));  // poll interval
        } else {
            std::this_thread::yield();
        }
    }
    return done();
}

MockUpstream* MockGatewaySuite::mock_ = nullptr;
Gateway* MockGatewaySuite::gateway_ = nullptr;

void MockGatewaySuite::start_suite(std::string (*config)(int mock_port)) {
    mock_ = new MockUpstream({"--tokens", "3"});
    ASSERT_TRUE(mock_->started());
    gateway_ = new Gateway(config(mock_->port()));
    ASSERT_TRUE(gateway_->started()) << gateway_->log();
}

void MockGatewaySuite::TearDownTestSuite() {
    delete gateway_;
    delete mock_;
    gateway_ = nullptr;
    mock_ = nullptr;
}

Response MockGatewaySuite::call(const std::string& request, int port) {
    return rg::test::call(port != 0 ? port : gateway_->port(), request);
}

}  // namespace rg::test
