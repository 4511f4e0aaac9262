// The access log on the real binary: one JSON line per request, written off the workers,
// with the fields an operator needs and no secret (client keys and provider keys appear by
// name and id only).
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "harness/gateway.h"
#include "harness/mock_upstream.h"

namespace rg::test {
namespace {

std::string post(const std::string& body, const std::string& headers) {
    return "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n" +
           headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// The line of `file` carrying request id `id`, waiting for the writer thread (it drains
// every 10 ms) up to a deadline.
std::string line_for(const std::string& file, const std::string& id) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
        std::string text = read_file(file);
        size_t p = text.find("\"request_id\":\"" + id + "\"");
        if (p != std::string::npos) {
            size_t start = text.rfind('\n', p);
            start = start == std::string::npos ? 0 : start + 1;
            return text.substr(start, text.find('\n', p) - start);
        }
        std::this_thread::yield();
    }
    return "";
}

bool has(const std::string& hay, const std::string& needle) {
    return hay.find(needle) != std::string::npos;
}

TEST(AccessLog, OneJsonLinePerRequestWithNamesNotSecrets) {
    MockUpstream mock({"--tokens", "3"});
    ASSERT_TRUE(mock.started());
    TempDir logs;
    std::string file = logs.file("access.log");
    std::string yaml = server_config(2, "") +
                       "providers:\n"
                       "  - {name: mock, type: openai, base_url: \"http://127.0.0.1:" +
                       std::to_string(mock.port()) +
                       "/v1\", keys: [{id: k1, key: sk-provider-secret}]}\n"
                       "client_keys: [{name: team-a, key: ck-team-a-secret}]\n"
                       "pricing: {gpt-4o: {input: 2.5, output: 10}}\n";
    // server_config's logging goes to stderr; the access log goes to the file.
    size_t at = yaml.find("access_log: stderr");
    ASSERT_NE(at, std::string::npos);
    yaml.replace(at, 18, "access_log: \"" + file + "\"");
    Gateway gw(yaml);
    ASSERT_TRUE(gw.started()) << gw.log();

    auto call = [&](const std::string& request) {
        HttpClient c;
        Response r;
        EXPECT_TRUE(c.connect(gw.port()));
        EXPECT_TRUE(c.send(request));
        EXPECT_TRUE(c.read_response(&r, 5000));
        return r;
    };
    std::string chat =
        "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    Response ok =
        call(post(chat, "Authorization: Bearer ck-team-a-secret\r\nx-request-id: ok-1\r\n"));
    ASSERT_EQ(ok.status, 200);
    Response denied = call(post(chat, "Authorization: Bearer wrong\r\nx-request-id: denied-1\r\n"));
    ASSERT_EQ(denied.status, 401);
    Response failed =
        call(post("{\"model\":\"gpt-4o~500\",\"messages\":[]}",
                  "Authorization: Bearer ck-team-a-secret\r\nx-request-id: failed-1\r\n"));
    ASSERT_EQ(failed.status, 500);

    std::string line = line_for(file, "ok-1");
    ASSERT_FALSE(line.empty()) << read_file(file);
    EXPECT_EQ(line.front(), '{');
    EXPECT_EQ(line.back(), '}');
    for (const char* field :
         {"\"type\":\"access\"", "\"client_key\":\"team-a\"", "\"route\":\"chat_completions\"",
          "\"format\":\"openai\"", "\"model\":\"gpt-4o\"", "\"model_served\":\"gpt-4o\"",
          "\"provider\":\"mock\"", "\"key_id\":\"k1\"", "\"status\":200", "\"attempts\":1",
          "\"tokens_input\":1", "\"tokens_output\":3"}) {
        EXPECT_TRUE(has(line, field)) << field << " in " << line;
    }
    // 1 x 2.50 + 3 x 10.00 USD per million tokens = 32.5 micro-USD, billed in whole
    // micro-USD rounding half up (src/limits/usage.h).
    EXPECT_TRUE(has(line, "\"cost_usd\":0.000033,")) << line;

    std::string refused = line_for(file, "denied-1");
    EXPECT_TRUE(has(refused, "\"status\":401")) << refused;
    EXPECT_TRUE(has(refused, "\"provider\":\"\"")) << refused;  // it never reached one
    EXPECT_TRUE(has(refused, "\"attempts\":0")) << refused;

    std::string errored = line_for(file, "failed-1");
    EXPECT_TRUE(has(errored, "\"status\":500")) << errored;
    EXPECT_TRUE(has(errored, "\"attempts\":3")) << errored;
    EXPECT_TRUE(has(errored, "\"error\":\"server\"")) << errored;

    std::string all = read_file(file) + gw.log();
    EXPECT_FALSE(has(all, "sk-provider-secret"));
    EXPECT_FALSE(has(all, "ck-team-a-secret"));
}

}  // namespace
}  // namespace rg::test
