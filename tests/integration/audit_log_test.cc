// The audit log on the real binary: every record kind produced by real actions (client auth
// failures, an upstream key's state changes, admin calls with and without the admin key,
// config reloads applied and refused), each line a JSON object, no secret anywhere, and a
// flood of bad keys rate-limited per worker with the drops counted.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "harness/fixture.h"
#include "json_lines.h"

namespace rg::test {
namespace {

const char* const secrets[] = {"sk-good-secret",  "sk-rl-secret",   "ck-team-a-secret",
                               "ck-wrong-secret", "adm-secret-123", "adm-wrong-456"};

std::string request(const std::string& method, const std::string& path, const std::string& body,
                    const std::string& headers) {
    return method + " " + path + " HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n" +
           headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string config(int mock_port, const std::string& log_file, int workers) {
    return with_access_log(
        server_config(workers, "") +
            "upstream: {max_attempts: 1}\n"
            "providers:\n" +
            mock_provider("mock", "openai", mock_port, "k1", "sk-good-secret") +
            mock_provider("limited", "openai", mock_port, "rl-1",
                          "\"sk-rl-secret~429~retry_after=5\"") +
            "models:\n"
            "  - {name: gpt-4o, targets: [{provider: mock}]}\n"
            "  - {name: slow-lane, targets: [{provider: limited, model: gpt-4o}]}\n"
            "client_keys: [{name: team-a, key: ck-team-a-secret}]\n",
        log_file);
}

// The first audit line with `event` for which every needle holds.
std::string audit_line(const std::string& file, const std::string& event,
                       const std::vector<std::string>& needles = {}) {
    return wait_line(file, [&](const std::string& line) {
        if (!contains(line, "\"type\":\"audit\"") ||
            !contains(line, "\"event\":\"" + event + "\"")) {
            return false;
        }
        for (const std::string& n : needles) {
            if (!contains(line, n)) {
                return false;
            }
        }
        return true;
    });
}

TEST(AuditLog, EveryRecordKindFromRealActionsAsJsonWithoutSecrets) {
    MockUpstream mock({"--tokens", "3"});
    ASSERT_TRUE(mock.started());
    TempDir logs;
    std::string file = logs.file("access.log");
    std::string yaml = config(mock.port(), file, 2);
    Gateway gw(yaml, {"RINGGATE_ADMIN_KEY=adm-secret-123"});
    ASSERT_TRUE(gw.started()) << gw.log();

    // Client auth failures: a wrong key in Authorization, another in x-api-key, none.
    EXPECT_EQ(call(gw.port(), request("POST", "/v1/chat/completions", chat_hi("gpt-4o"),
                                      "Authorization: Bearer ck-wrong-secret\r\n"
                                      "x-request-id: bad-1\r\n"))
                  .status,
              401);
    EXPECT_EQ(call(gw.port(), request("POST", "/v1/messages",
                                      "{\"model\":\"gpt-4o\",\"max_tokens\":5,\"messages\":[]}",
                                      "x-api-key: ck-wrong-secret\r\nanthropic-version: "
                                      "2023-06-01\r\nx-request-id: bad-2\r\n"))
                  .status,
              401);
    EXPECT_EQ(call(gw.port(), request("POST", "/v1/chat/completions", chat_hi("gpt-4o"),
                                      "x-request-id: bad-3\r\n"))
                  .status,
              401);
    // A key state change: the only key of `limited` answers 429 with retry-after 5 s.
    EXPECT_EQ(call(gw.port(), request("POST", "/v1/chat/completions", chat_hi("slow-lane"),
                                      "Authorization: Bearer ck-team-a-secret\r\n"
                                      "x-request-id: rl-1\r\n"))
                  .status,
              429);
    // Admin: without the admin key, then with it (which brings the key back).
    EXPECT_EQ(call(gw.admin_port(), request("POST", "/admin/keys/reset?provider=limited", "",
                                            "Authorization: Bearer adm-wrong-456\r\n"))
                  .status,
              401);
    Response reset = call(gw.admin_port(), request("POST", "/admin/keys/reset?provider=limited", "",
                                                   "Authorization: Bearer adm-secret-123\r\n"));
    EXPECT_EQ(reset.status, 200);
    EXPECT_EQ(reset.body, "{\"reset\":1}");
    // Reloads: one applied, one refused (the running config stays).
    ASSERT_TRUE(gw.reload(yaml + "# a comment changes the file\n"));
    ASSERT_TRUE(gw.reload(yaml + "bogus_section: 1\n"));

    std::string line = audit_line(file, "auth_failure", {"\"request_id\":\"bad-1\""});
    ASSERT_FALSE(line.empty()) << read_file(file);
    JsonObject o;
    ASSERT_TRUE(o.parse(line)) << line;
    EXPECT_EQ(o.str("route"), "chat_completions");
    EXPECT_EQ(o.str("key_source"), "authorization");
    EXPECT_EQ(o.num("status"), 401);
    EXPECT_EQ(o.str("remote").rfind("127.0.0.1:", 0), 0u) << line;
    EXPECT_TRUE(contains(audit_line(file, "auth_failure", {"\"request_id\":\"bad-2\""}),
                         "\"key_source\":\"x-api-key\""));
    EXPECT_TRUE(contains(audit_line(file, "auth_failure", {"\"request_id\":\"bad-3\""}),
                         "\"key_source\":\"none\""));

    line = audit_line(file, "key_state_change", {"\"to\":\"cooling\""});
    ASSERT_TRUE(o.parse(line)) << line << "\n" << read_file(file);
    EXPECT_EQ(o.str("request_id"), "rl-1");
    EXPECT_EQ(o.str("provider"), "limited");
    EXPECT_EQ(o.str("key_id"), "rl-1");
    EXPECT_EQ(o.str("from"), "healthy");
    EXPECT_EQ(o.str("reason"), "rate_limited");
    EXPECT_GT(o.num("cooldown_ms"), 0);
    EXPECT_LE(o.num("cooldown_ms"), 5000);
    line = audit_line(file, "key_state_change", {"\"reason\":\"admin_reset\""});
    ASSERT_TRUE(o.parse(line)) << line;
    EXPECT_EQ(o.str("from"), "cooling");
    EXPECT_EQ(o.str("to"), "healthy");
    EXPECT_EQ(o.num("cooldown_ms"), 0);

    line = audit_line(file, "admin_auth_failure");
    ASSERT_TRUE(o.parse(line)) << line;
    EXPECT_EQ(o.str("actor"), "unauthorized");
    EXPECT_EQ(o.str("result"), "failed");
    EXPECT_EQ(o.num("status"), 401);
    line = audit_line(file, "admin_action");
    ASSERT_TRUE(o.parse(line)) << line;
    EXPECT_EQ(o.str("actor"), "admin");
    EXPECT_EQ(o.str("subject"), "/admin/keys/reset?provider=limited");
    EXPECT_EQ(o.str("detail"), "reset 1 keys");
    EXPECT_EQ(o.str("result"), "ok");

    line = audit_line(file, "config_reload");
    ASSERT_TRUE(o.parse(line)) << line;
    EXPECT_EQ(o.num("config_version"), 2);
    EXPECT_EQ(o.str("result"), "applied");
    EXPECT_EQ(o.str("subject"), gw.config_path());
    line = audit_line(file, "config_reload_refused");
    ASSERT_TRUE(o.parse(line)) << line;
    EXPECT_EQ(o.num("config_version"), 2);  // still the one in force
    EXPECT_GE(o.num("errors"), 1);
    EXPECT_EQ(o.str("result"), "refused");

    // Every line of the file is one JSON object; no secret is anywhere.
    std::string all = read_file(file);
    for (const std::string& l : split_lines(all)) {
        JsonObject each;
        EXPECT_TRUE(each.parse(l)) << l;
    }
    all += gw.log();
    for (const char* s : secrets) {
        EXPECT_FALSE(contains(all, s)) << s;
    }
    EXPECT_FALSE(contains(all, "ck-wrong")) << "no prefix of a presented key either";
}

TEST(AuditLog, AFloodOfBadKeysIsRateLimitedPerWorkerAndTheDropsCounted) {
    MockUpstream mock({"--tokens", "3"});
    ASSERT_TRUE(mock.started());
    TempDir logs;
    std::string file = logs.file("access.log");
    Gateway gw(config(mock.port(), file, 1));
    ASSERT_TRUE(gw.started()) << gw.log();
    constexpr int flood = 400;
    HttpClient c;
    ASSERT_TRUE(c.connect(gw.port()));
    std::string bad = request("POST", "/v1/chat/completions", chat_hi("gpt-4o"),
                              "Authorization: Bearer ck-wrong-secret\r\n");
    for (int i = 0; i < flood; ++i) {
        Response r;
        ASSERT_TRUE(c.send(bad));
        ASSERT_TRUE(c.read_response(&r, 5000));
        ASSERT_EQ(r.status, 401);
    }
    // Every request has its access line; count the audit lines once all are written.
    auto count = [&](const std::string& needle) {
        int n = 0;
        for (const std::string& l : split_lines(read_file(file))) {
            n += contains(l, needle) ? 1 : 0;
        }
        return n;
    };
    ASSERT_FALSE(wait_line(file, [&](const std::string&) {
                     return count("\"type\":\"access\"") >= flood;
                 }).empty());
    int written = count("\"event\":\"auth_failure\"");
    EXPECT_GE(written, 100);  // the burst
    EXPECT_LT(written, flood);
    // /health/detailed counts what was dropped.
    Response h = http_get(gw.admin_port(), "/health/detailed");
    JsonObject o;
    ASSERT_TRUE(o.parse(h.body)) << h.body;
    simdjson::dom::array workers;
    ASSERT_EQ(o.object()["workers"].get_array().get(workers), simdjson::SUCCESS);
    uint64_t suppressed = 0;
    ASSERT_EQ(workers.at(0)["audit_suppressed"].get_uint64().get(suppressed), simdjson::SUCCESS);
    EXPECT_EQ(suppressed, static_cast<uint64_t>(flood - written));
    // The bucket refills (20/s): the next record written says how many were dropped before
    // it, so the suppressed counts of all lines add up to the worker's total.
    bool more = false;
    for (int i = 0; i < 100 && !more; ++i) {
        Response r;
        ASSERT_TRUE(c.send(bad));
        ASSERT_TRUE(c.read_response(&r, 5000));
        more =
            !wait_line(
                 file,
                 [&](const std::string&) { return count("\"event\":\"auth_failure\"") > written; },
                 60)
                 .empty();
    }
    ASSERT_TRUE(more);
    uint64_t reported = 0;
    for (const std::string& l : split_lines(read_file(file))) {
        JsonObject line;
        if (contains(l, "\"event\":\"auth_failure\"")) {
            ASSERT_TRUE(line.parse(l)) << l;
            reported += static_cast<uint64_t>(line.num("suppressed"));
        }
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    do {
        h = http_get(gw.admin_port(), "/health/detailed");
        ASSERT_TRUE(o.parse(h.body)) << h.body;
        ASSERT_EQ(o.object()["workers"].get_array().get(workers), simdjson::SUCCESS);
        ASSERT_EQ(workers.at(0)["audit_suppressed"].get_uint64().get(suppressed),
                  simdjson::SUCCESS);
    } while (suppressed != reported && std::chrono::steady_clock::now() < deadline);
    EXPECT_EQ(reported, suppressed);
    EXPECT_GE(reported, static_cast<uint64_t>(flood - written));
}

}  // namespace
}  // namespace rg::test
