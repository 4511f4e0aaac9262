// The access log on the real binary: one JSON line per request, written off the workers,
// with the fields an operator needs and no secret (client keys and provider keys appear by
// name and id only).
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "harness/fixture.h"

namespace rg::test {
namespace {

std::string post(const std::string& body, const std::string& headers) {
    return rg::test::post("/v1/chat/completions", body, headers);
}

// The access line of `file` carrying request id `id`, waiting for the writer thread (it drains
// every 10 ms) up to a deadline.
std::string line_for(const std::string& file, const std::string& id) {
    std::string line;
    poll_until(
        [&] {
            std::string text = read_file(file);
            // The access line (an audit line may carry the same request id).
            size_t p = text.find("\"type\":\"access\",\"request_id\":\"" + id + "\"");
            if (p == std::string::npos) {
                return false;
            }
            size_t start = text.rfind('\n', p);
            start = start == std::string::npos ? 0 : start + 1;
            line = text.substr(start, text.find('\n', p) - start);
            return true;
        },
        5000);
    return line;
}

// `workers` workers and one provider, mock (key k1), on the mock.
std::string one_provider_yaml(int workers, int mock_port) {
    return server_config(workers, "") + "providers:\n" +
           mock_provider("mock", "openai", mock_port, "k1", "sk-provider-secret");
}

TEST(AccessLog, OneJsonLinePerRequestWithNamesNotSecrets) {
    MockUpstream mock({"--tokens", "3"});
    ASSERT_TRUE(mock.started());
    TempDir logs;
    std::string file = logs.file("access.log");
    // server_config's logging goes to stderr; the access log goes to the file.
    Gateway gw(with_access_log(one_provider_yaml(2, mock.port()) +
                                   "client_keys: [{name: team-a, key: ck-team-a-secret}]\n"
                                   "pricing: {gpt-4o: {input: 2.5, output: 10}}\n",
                               file));
    ASSERT_TRUE(gw.started()) << gw.log();

    auto call = [&](const std::string& request) { return rg::test::call(gw.port(), request); };
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

// The number after `"field":` in a JSON line, -1 when absent.
long long number(const std::string& line, const std::string& field) {
    size_t p = line.find("\"" + field + "\":");
    return p == std::string::npos ? -1 : std::atoll(line.c_str() + p + field.size() + 3);
}

std::string gateway_yaml(int mock_port, const std::string& file, const std::string& clients) {
    return with_access_log(one_provider_yaml(1, mock_port) + clients, file);
}

TEST(AccessLog, BytesOutIsWhatTheClientGotAndTtftTheFirstAnswerByte) {
    MockUpstream mock({"--tokens", "3"});
    ASSERT_TRUE(mock.started());
    TempDir logs;
    std::string file = logs.file("access.log");
    Gateway gw(gateway_yaml(mock.port(), file, ""));
    ASSERT_TRUE(gw.started()) << gw.log();
    // Connection: close, so every byte the gateway sends for the request is read to EOF.
    auto raw = [&](const std::string& body, const std::string& id) {
        HttpClient c;
        EXPECT_TRUE(c.connect(gw.port()));
        EXPECT_TRUE(c.send(post(body, "Connection: close\r\nx-request-id: " + id + "\r\n")));
        EXPECT_TRUE(c.wait_closed(5000));
        return c.pending();
    };
    std::string plain = raw(
        "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "plain-1");
    std::string streamed =
        raw("{\"model\":\"gpt-4o~tokens=5~delay=10~first_delay=200\",\"stream\":true,"
            "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "stream-1");
    ASSERT_EQ(plain.rfind("HTTP/1.1 200", 0), 0u) << plain;
    ASSERT_TRUE(has(streamed, "data: [DONE]")) << streamed;

    std::string line = line_for(file, "plain-1");
    ASSERT_FALSE(line.empty()) << read_file(file);
    EXPECT_EQ(number(line, "bytes_out"), static_cast<long long>(plain.size())) << line;
    EXPECT_GT(number(line, "ttft_us"), 0) << line;
    EXPECT_LE(number(line, "ttft_us"), number(line, "duration_us")) << line;

    line = line_for(file, "stream-1");
    ASSERT_FALSE(line.empty()) << read_file(file);
    EXPECT_EQ(number(line, "bytes_out"), static_cast<long long>(streamed.size())) << line;
    // The head waits for the first content, which the mock sends after 200 ms.
    EXPECT_GE(number(line, "ttft_us"), 200000) << line;
    EXPECT_LT(number(line, "ttft_us"), number(line, "duration_us")) << line;
    // The served model (a glob target keeps the asked name, mock directives included).
    EXPECT_TRUE(has(line, "\"model_served\":\"gpt-4o~tokens=5~delay=10~first_delay=200\"")) << line;
    EXPECT_TRUE(has(line, "\"stream\":true")) << line;
}

// Issue 6: a client that reads half a paced stream and leaves is billed for what the
// upstream produced until then (output counted from the deltas, input from the estimate):
// its tokens show in the access log and count against its daily token quota.
TEST(AccessLog, AClientLeavingMidStreamIsBilledForWhatWasProduced) {
    MockUpstream mock({"--tokens", "3"});
    ASSERT_TRUE(mock.started());
    TempDir logs;
    std::string file = logs.file("access.log");
    Gateway gw(gateway_yaml(mock.port(), file,
                            "client_keys: [{name: team-a, key: ck-a, quota: {tokens_per_day: "
                            "25}}]\n"));
    ASSERT_TRUE(gw.started()) << gw.log();
    // 40 tokens, one per 25 ms: a second to produce; the client leaves after tok10.
    std::string body =
        "{\"model\":\"gpt-4o~tokens=40~delay=25\",\"stream\":true,\"messages\":[{\"role\":"
        "\"user\",\"content\":\"hi\"}]}";
    {
        HttpClient c;
        ASSERT_TRUE(c.connect(gw.port()));
        ASSERT_TRUE(c.send(post(body, "Authorization: Bearer ck-a\r\nx-request-id: half-1\r\n")));
        c.read_until("\" tok10\"", 5000);
        const std::string& got = c.pending();
        ASSERT_TRUE(has(got, "\" tok10\"")) << got;
        ASSERT_FALSE(has(got, "[DONE]"));
    }  // closed here, mid-stream
    std::string line = line_for(file, "half-1");
    ASSERT_FALSE(line.empty()) << read_file(file);
    EXPECT_TRUE(has(line, "\"error\":\"client_gone\"")) << line;
    long long output = number(line, "tokens_output");
    EXPECT_GE(output, 10) << line;  // what the client saw at least,
    EXPECT_LE(output, 20) << line;  // and far from the 40 never produced
    long long input = number(line, "tokens_input");
    EXPECT_GT(input, 0) << line;
    std::printf("dropped stream billed: %s\n", line.c_str());
    ASSERT_GT(input + output + input, 25) << "the test needs the billed tokens to matter";
    // Billed: what is left of 25 tokens no longer admits another estimate of `input`.
    Response next;
    {
        HttpClient c;
        ASSERT_TRUE(c.connect(gw.port()));
        ASSERT_TRUE(c.send(post(body, "Authorization: Bearer ck-a\r\n")));
        ASSERT_TRUE(c.read_response(&next, 5000));
    }
    EXPECT_EQ(next.status, 429) << next.body;
    EXPECT_TRUE(has(next.body, "tokens_per_day")) << next.body;
}

// The same for a translated stream (an Anthropic client, an OpenAI upstream): the deltas
// counted are the upstream's, read beside the translator.
TEST(AccessLog, AClientLeavingATranslatedStreamIsBilledForWhatWasProduced) {
    MockUpstream mock({"--tokens", "3"});
    ASSERT_TRUE(mock.started());
    TempDir logs;
    std::string file = logs.file("access.log");
    Gateway gw(gateway_yaml(mock.port(), file, "client_keys: [{name: team-b, key: ck-b}]\n"));
    ASSERT_TRUE(gw.started()) << gw.log();
    std::string body =
        "{\"model\":\"gpt-4o~tokens=40~delay=25\",\"max_tokens\":100,\"stream\":true,"
        "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    {
        HttpClient c;
        ASSERT_TRUE(c.connect(gw.port()));
        ASSERT_TRUE(
            c.send("POST /v1/messages HTTP/1.1\r\nHost: gw\r\nContent-Type: "
                   "application/json\r\nx-api-key: ck-b\r\nanthropic-version: "
                   "2023-06-01\r\nx-request-id: half-2\r\nContent-Length: " +
                   std::to_string(body.size()) + "\r\n\r\n" + body));
        c.read_until("\" tok10\"", 5000);
        const std::string& got = c.pending();
        ASSERT_TRUE(has(got, "\" tok10\"")) << got;
        ASSERT_TRUE(has(got, "content_block_delta")) << got;  // translated to Anthropic events
        ASSERT_FALSE(has(got, "message_stop"));
    }
    std::string line = line_for(file, "half-2");
    ASSERT_FALSE(line.empty()) << read_file(file);
    EXPECT_TRUE(has(line, "\"error\":\"client_gone\"")) << line;
    EXPECT_TRUE(has(line, "\"format\":\"anthropic\"")) << line;
    EXPECT_GE(number(line, "tokens_output"), 10) << line;
    EXPECT_LE(number(line, "tokens_output"), 20) << line;
    EXPECT_GT(number(line, "tokens_input"), 0) << line;
}

}  // namespace
}  // namespace rg::test
