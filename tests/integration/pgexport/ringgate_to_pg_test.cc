// Traces from the gateway to PostgreSQL, every part real: ringgate (storage.traces
// postgresql://...) spools what it answers, ringgate-pgexport ships the spool into a private
// PostgreSQL cluster. The two processes share nothing but the spool directory.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "harness/gateway.h"
#include "harness/mock_upstream.h"
#include "harness/process.h"
#include "pgexport/pg_cluster.h"

namespace rg::test {
namespace {

constexpr const char* provider_secrets[] = {"sk-pg-a-secret~429~retry_after=30", "sk-pg-b-secret"};
constexpr const char* client_secret = "ck-pg-team-secret";

std::string config(int mock_port, const std::string& spool, const std::string& url) {
    return server_config(1, "") +
           "providers:\n"
           "  - name: mock\n"
           "    type: openai\n"
           "    strategy: round_robin\n"
           "    base_url: http://127.0.0.1:" +
           std::to_string(mock_port) + "/v1\n    keys: [{id: k1, key: \"" + provider_secrets[0] +
           "\"}, {id: k2, key: " + provider_secrets[1] +
           "}]\n"
           "client_keys:\n  - {name: team, key: " +
           client_secret +
           "}\n"
           "storage:\n  traces: \"" +
           url + "\"\n  spool: \"" + spool + "\"\n";
}

int chat(int port, const std::string& id) {
    std::string body = R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]})";
    std::string req =
        "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
        "Authorization: Bearer " +
        std::string(client_secret) + "\r\nx-request-id: " + id +
        "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    HttpClient c;
    Response r;
    EXPECT_TRUE(c.connect(port));
    EXPECT_TRUE(c.send(req));
    EXPECT_TRUE(c.read_response(&r, 10000));
    return r.status;
}

// Polls `condition` every 20 ms until it holds or `timeout_ms` passes.
bool eventually(const std::function<bool()>& condition, int timeout_ms = 30000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));  // poll interval
    }
    return condition();
}

TEST(TracesToPostgres, RinggateSpoolsAndPgexportShipsEveryTraceOnceWithoutSecrets) {
    PgCluster pg;
    ASSERT_TRUE(pg.init_and_start()) << pg.why();
    MockUpstream mock({"--tokens", "3"});
    ASSERT_TRUE(mock.started());
    TempDir data;
    const std::string spool = data.file("spool");
    Gateway gw(config(mock.port(), spool, pg.url()));
    ASSERT_TRUE(gw.started()) << gw.log();

    // pg-1 meets k1's 429 and is served by k2; the others go to k2 while k1 cools down.
    for (int i = 1; i <= 4; ++i) {
        ASSERT_EQ(chat(gw.port(), "pg-" + std::to_string(i)), 200);
    }
    Process exporter;
    ASSERT_TRUE(exporter.start({RG_PGEXPORT_BINARY, "--spool", spool, "--dsn", pg.url()},
                               data.file("pgexport.log")));
    ASSERT_TRUE(exporter.wait_notify("READY=1", 10000));
    auto rows = [&] { return pg.query_long("SELECT count(*) FROM traces"); };
    ASSERT_TRUE(eventually([&] { return rows() == 4; })) << rows() << "\n" << gw.log();

    // Traces written while the exporter runs follow.
    ASSERT_EQ(chat(gw.port(), "pg-5"), 200);
    ASSERT_TRUE(eventually([&] { return rows() == 5; })) << rows();
    EXPECT_EQ(pg.query_long("SELECT count(DISTINCT id) FROM traces"), 5);

    EXPECT_EQ(pg.query_value("SELECT concat_ws('|', client, route, format, model, provider, key, "
                             "status, output_tokens) FROM traces WHERE id = 'pg-1'"),
              "team|chat_completions|openai_chat|gpt-4o|mock|k2|200|3");
    EXPECT_EQ(pg.query_value("SELECT concat_ws('|', jsonb_array_length(attempts), "
                             "attempts->0->>'key', attempts->0->>'status', "
                             "attempts->0->>'class', attempts->1->>'key', attempts->1->>'class') "
                             "FROM traces WHERE id = 'pg-1'"),
              "2|k1|429|rate_limited|k2|ok");
    for (const char* secret : {provider_secrets[0], provider_secrets[1], client_secret}) {
        std::string s(secret);
        std::string needle = s.substr(0, s.find('~'));
        EXPECT_EQ(
            pg.query_long("SELECT count(*) FROM traces t WHERE t::text LIKE '%" + needle + "%'"), 0)
            << needle;
    }
}

}  // namespace
}  // namespace rg::test
