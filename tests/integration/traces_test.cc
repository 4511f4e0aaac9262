// Request traces on the real binary: known traffic (a request retried after a 429 on its
// first key included) lands in SQLite with its attempts; the admin API filters, pages and
// sums usage; traces spooled while SQLite was not the consumer arrive after a restart;
// no secret reaches the spool or the database.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <simdjson.h>

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "harness/fixture.h"

namespace rg::test {
namespace {

constexpr const char* admin_key = "admin-secret-0123";
constexpr const char* provider_secrets[] = {"sk-a-secret~429~retry_after=30", "sk-b-secret"};
constexpr const char* client_secrets[] = {"ck-team-a-secret", "ck-team-b-secret"};

std::string config(int mock_port, const std::string& dir, const std::string& traces_url) {
    return server_config(1, "") +
           "providers:\n"
           "  - name: mock\n"
           "    type: openai\n"
           "    strategy: round_robin\n"
           "    base_url: http://127.0.0.1:" +
           std::to_string(mock_port) +
           "/v1\n"
           "    keys: [{id: k1, key: \"" +
           provider_secrets[0] + "\"}, {id: k2, key: " + provider_secrets[1] +
           "}]\n"
           "client_keys:\n"
           "  - {name: team-a, key: " +
           client_secrets[0] +
           "}\n"
           "  - {name: team-b, key: " +
           client_secrets[1] +
           "}\n"
           "pricing: {gpt-4o: {input: 2.5, output: 10}}\n"
           "storage:\n"
           "  traces: \"" +
           traces_url + "\"\n  spool: \"" + dir + "/spool\"\n  retention: 30d\n";
}

Response chat(int port, const std::string& model, const std::string& client_key,
              const std::string& id) {
    return call(port,
                post("/v1/chat/completions", chat_hi(model),
                     "Authorization: Bearer " + client_key + "\r\nx-request-id: " + id + "\r\n"),
                10000);
}

Response admin_get(int port, const std::string& path, bool auth = true) {
    std::string req = "GET " + path + " HTTP/1.1\r\nHost: gw\r\n" +
                      (auth ? std::string("Authorization: Bearer ") + admin_key + "\r\n" : "") +
                      "\r\n";
    return call(port, req, 10000);
}

// Polls `path` until it answers 200 and `done(body)` holds, up to a deadline.
Response poll_admin(int port, const std::string& path,
                    const std::function<bool(const std::string&)>& done) {
    Response r;
    poll_until(
        [&] {
            r = admin_get(port, path);
            return r.status == 200 && done(r.body);
        },
        10000, 20);
    return r;
}

size_t count_of(const std::string& hay, const std::string& needle) {
    size_t n = 0;
    for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) {
        ++n;
    }
    return n;
}

// Every byte of every file under `dir` (spool segments, cursors, the database and its WAL).
std::string all_bytes(const std::string& dir) {
    std::string out;
    DIR* d = opendir(dir.c_str());
    if (d == nullptr) {
        return out;
    }
    while (dirent* e = readdir(d)) {
        std::string name = e->d_name;
        if (name == "." || name == "..") {
            continue;
        }
        std::string path = dir + "/" + name;
        out += e->d_type == DT_DIR ? all_bytes(path) : read_file(path);
    }
    closedir(d);
    return out;
}

std::vector<std::string> ids_of(const std::string& body) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    std::vector<std::string> ids;
    if (parser.parse(body).get(doc) != simdjson::SUCCESS) {
        return ids;
    }
    for (simdjson::dom::element t : doc["traces"].get_array()) {
        ids.emplace_back(std::string_view(t["id"].get_string()));
    }
    return ids;
}

TEST(Traces, KnownTrafficLandsInSqliteWithAttemptsAndTheAdminApiQueriesIt) {
    MockUpstream mock({"--tokens", "3"});
    ASSERT_TRUE(mock.started());
    TempDir data;
    Gateway gw(config(mock.port(), data.path(), "sqlite://" + data.path() + "/traces.db"),
               {std::string("RINGGATE_ADMIN_KEY=") + admin_key});
    ASSERT_TRUE(gw.started()) << gw.log();

    // The first request meets k1's 429 and is retried on k2; k1 then cools down.
    ASSERT_EQ(chat(gw.port(), "gpt-4o", client_secrets[0], "tr-01").status, 200);
    for (int i = 2; i <= 6; ++i) {
        ASSERT_EQ(chat(gw.port(), "gpt-4o", client_secrets[0], "tr-0" + std::to_string(i)).status,
                  200);
    }
    for (int i = 7; i <= 9; ++i) {
        ASSERT_EQ(
            chat(gw.port(), "gpt-4o-mini", client_secrets[1], "tr-0" + std::to_string(i)).status,
            200);
    }
    ASSERT_EQ(chat(gw.port(), "gpt-4o~500", client_secrets[1], "tr-10").status, 500);

    Response all = poll_admin(gw.admin_port(), "/admin/traces?limit=1000",
                              [](const std::string& b) { return ids_of(b).size() == 10; });
    ASSERT_EQ(ids_of(all.body).size(), 10u) << all.body << gw.log();

    simdjson::dom::parser parser;
    Response one = admin_get(gw.admin_port(), "/admin/traces/tr-01");
    ASSERT_EQ(one.status, 200) << one.body;
    simdjson::dom::object t;
    ASSERT_EQ(parser.parse(one.body).get_object().get(t), simdjson::SUCCESS) << one.body;
    EXPECT_EQ(std::string_view(t["client"].get_string()), "team-a");
    EXPECT_EQ(std::string_view(t["route"].get_string()), "chat_completions");
    EXPECT_EQ(std::string_view(t["format"].get_string()), "openai_chat");
    EXPECT_EQ(std::string_view(t["provider"].get_string()), "mock");
    EXPECT_EQ(std::string_view(t["key"].get_string()), "k2");
    EXPECT_EQ(int64_t(t["status"].get_int64()), 200);
    EXPECT_EQ(int64_t(t["output_tokens"].get_int64()), 3);
    EXPECT_TRUE(t["error"].is_null());
    simdjson::dom::array attempts = t["attempts"].get_array();
    ASSERT_EQ(attempts.size(), 2u) << one.body;
    EXPECT_EQ(std::string_view(attempts.at(0)["key"].get_string()), "k1");
    EXPECT_EQ(int64_t(attempts.at(0)["status"].get_int64()), 429);
    EXPECT_EQ(std::string_view(attempts.at(0)["class"].get_string()), "rate_limited");
    EXPECT_EQ(std::string_view(attempts.at(1)["key"].get_string()), "k2");
    EXPECT_EQ(int64_t(attempts.at(1)["status"].get_int64()), 200);
    EXPECT_EQ(std::string_view(attempts.at(1)["class"].get_string()), "ok");
    EXPECT_GE(int64_t(attempts.at(1)["start_us"].get_int64()),
              int64_t(attempts.at(0)["duration_us"].get_int64()));

    Response failed = admin_get(gw.admin_port(), "/admin/traces/tr-10");
    ASSERT_EQ(failed.status, 200);
    EXPECT_NE(failed.body.find("\"status\":500"), std::string::npos) << failed.body;
    EXPECT_NE(failed.body.find("\"error\":\"server\""), std::string::npos) << failed.body;
    EXPECT_EQ(admin_get(gw.admin_port(), "/admin/traces/nope").status, 404);

    // Filters.
    EXPECT_EQ(ids_of(admin_get(gw.admin_port(), "/admin/traces?client=team-b").body).size(), 4u);
    EXPECT_EQ(ids_of(admin_get(gw.admin_port(), "/admin/traces?model=gpt-4o-mini").body).size(),
              3u);
    std::vector<std::string> errors =
        ids_of(admin_get(gw.admin_port(), "/admin/traces?status=5xx").body);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0], "tr-10");
    EXPECT_EQ(
        ids_of(admin_get(gw.admin_port(), "/admin/traces?client=team-a&status=200").body).size(),
        6u);
    EXPECT_EQ(admin_get(gw.admin_port(), "/admin/traces?limit=0").status, 400);

    // Pages of 3, newest first, every trace once.
    std::vector<std::string> paged;
    std::string next;
    for (int page = 0; page < 10; ++page) {
        Response r = admin_get(gw.admin_port(),
                               "/admin/traces?limit=3" + (next.empty() ? "" : "&after=" + next));
        ASSERT_EQ(r.status, 200) << r.body;
        for (const std::string& id : ids_of(r.body)) {
            paged.push_back(id);
        }
        simdjson::dom::object o;
        ASSERT_EQ(parser.parse(r.body).get_object().get(o), simdjson::SUCCESS);
        if (o["next"].is_null()) {
            break;
        }
        next = std::string(std::string_view(o["next"].get_string()));
    }
    EXPECT_EQ(paged, ids_of(all.body));
    EXPECT_EQ(std::set<std::string>(paged.begin(), paged.end()).size(), 10u);
    EXPECT_EQ(paged.front(), "tr-10");
    EXPECT_EQ(paged.back(), "tr-01");

    // Usage per client key and UTC day.
    Response usage = admin_get(gw.admin_port(), "/admin/usage?client=team-a");
    ASSERT_EQ(usage.status, 200) << usage.body;
    simdjson::dom::object u;
    ASSERT_EQ(parser.parse(usage.body).get_object().get(u), simdjson::SUCCESS);
    simdjson::dom::array rows = u["usage"].get_array();
    ASSERT_GE(rows.size(), 1u);
    uint64_t requests = 0;
    uint64_t output = 0;
    for (simdjson::dom::element row : rows) {
        requests += uint64_t(row["requests"].get_uint64());
        output += uint64_t(row["output_tokens"].get_uint64());
    }
    EXPECT_EQ(requests, 6u);
    EXPECT_EQ(output, 18u);

    EXPECT_EQ(admin_get(gw.admin_port(), "/admin/traces", false).status, 401);
    // Copied into /metrics on the control thread's tick.
    poll_until([&] { return gw.metric("ringgate_trace_records_stored_total") >= 10; }, 5000, 20);
    EXPECT_GE(gw.metric("ringgate_trace_records_stored_total"), 10);

    // No secret in the spool or the database.
    gw.process().signal(SIGTERM);
    EXPECT_EQ(gw.process().wait_exit(10000), 0);
    std::string bytes = all_bytes(data.path());
    EXPECT_GT(count_of(bytes, "tr-01"), 0u);  // the files were read
    for (const char* secret : {provider_secrets[0], provider_secrets[1], client_secrets[0],
                               client_secrets[1], admin_key, "sk-a-secret", "sk-b-secret"}) {
        EXPECT_EQ(count_of(bytes, secret), 0u) << secret;
    }
}

TEST(Traces, SpooledTracesReachSqliteAfterARestart) {
    MockUpstream mock({"--tokens", "2"});
    ASSERT_TRUE(mock.started());
    TempDir data;
    std::vector<std::string> env = {std::string("RINGGATE_ADMIN_KEY=") + admin_key};
    {
        // First run: traces go to PostgreSQL, so ringgate only spools them (the exporter,
        // not running here, would ship them) and its endpoints point there.
        Gateway gw(config(mock.port(), data.path(), "postgresql://traces@127.0.0.1/traces"), env);
        ASSERT_TRUE(gw.started()) << gw.log();
        for (int i = 1; i <= 3; ++i) {
            ASSERT_EQ(
                chat(gw.port(), "gpt-4o", client_secrets[0], "sp-" + std::to_string(i)).status,
                200);
        }
        Response r = admin_get(gw.admin_port(), "/admin/traces");
        EXPECT_EQ(r.status, 501);
        EXPECT_NE(r.body.find("PostgreSQL"), std::string::npos) << r.body;
        gw.process().signal(SIGTERM);
        ASSERT_EQ(gw.process().wait_exit(10000), 0) << gw.log();
    }
    EXPECT_EQ(count_of(all_bytes(data.path() + "/spool"), "\"id\":\"sp-"), 3u);
    // Second run on the same spool with SQLite: its consumer starts at the oldest record.
    Gateway gw(config(mock.port(), data.path(), "sqlite://" + data.path() + "/traces.db"), env);
    ASSERT_TRUE(gw.started()) << gw.log();
    Response all = poll_admin(gw.admin_port(), "/admin/traces",
                              [](const std::string& b) { return ids_of(b).size() == 3; });
    std::vector<std::string> ids = ids_of(all.body);
    EXPECT_EQ(ids, (std::vector<std::string>{"sp-3", "sp-2", "sp-1"})) << all.body;
}

}  // namespace
}  // namespace rg::test
