// /health/detailed on the real binary: what binary runs (build), which config is in force
// (version counting applied reloads, load time, file, SHA-256 of the file) and what every
// worker is doing (connections, requests in progress, streams, upstream pool, buffer ring),
// read while a paced stream is in flight and after it ended.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "harness/gateway.h"
#include "harness/mock_upstream.h"
#include "json_lines.h"

namespace rg::test {
namespace {

std::string sha256_of(const std::string& path) {
    std::string out;
    FILE* p = popen(("sha256sum '" + path + "'").c_str(), "r");
    if (p == nullptr) {
        return out;
    }
    char buf[128];
    if (fgets(buf, sizeof(buf), p) != nullptr) {
        out.assign(buf, 64);
    }
    pclose(p);
    return out;
}

// Sum of `field` (or of `group`.`field`) over the workers array of a /health/detailed body.
uint64_t workers_sum(JsonObject& o, const char* field, const char* group = nullptr) {
    simdjson::dom::array workers;
    if (o.object()["workers"].get_array().get(workers) != simdjson::SUCCESS) {
        return UINT64_MAX;
    }
    uint64_t sum = 0;
    for (simdjson::dom::element w : workers) {
        uint64_t v = 0;
        auto e = group != nullptr ? w[group][field] : w[field];
        if (e.get_uint64().get(v) != simdjson::SUCCESS) {
            return UINT64_MAX;
        }
        sum += v;
    }
    return sum;
}

class HealthDetailedTest : public ::testing::Test {
  protected:
    void SetUp() override {
        mock_ = std::make_unique<MockUpstream>(std::vector<std::string>{"--tokens", "3"});
        ASSERT_TRUE(mock_->started());
        yaml_ = server_config(2, "") +
                "providers:\n"
                "  - {name: mock, type: openai, base_url: \"http://127.0.0.1:" +
                std::to_string(mock_->port()) + "/v1\", keys: [{id: k1, key: sk-x}]}\n";
        gw_ = std::make_unique<Gateway>(yaml_);
        ASSERT_TRUE(gw_->started()) << gw_->log();
    }
    bool health(JsonObject* o) {
        Response r = http_get(gw_->admin_port(), "/health/detailed");
        return r.status == 200 && o->parse(r.body);
    }

    std::unique_ptr<MockUpstream> mock_;
    std::string yaml_;
    std::unique_ptr<Gateway> gw_;
};

TEST_F(HealthDetailedTest, BuildAndConfigInForce) {
    JsonObject o;
    ASSERT_TRUE(health(&o));
    simdjson::dom::object build;
    ASSERT_EQ(o.object()["build"].get_object().get(build), simdjson::SUCCESS) << o.text();
    std::string_view v;
    ASSERT_EQ(build["version"].get_string().get(v), simdjson::SUCCESS);
    EXPECT_EQ(v, "0.1.0");
    ASSERT_EQ(build["revision"].get_string().get(v), simdjson::SUCCESS);
    EXPECT_FALSE(v.empty());
    ASSERT_EQ(build["compiler"].get_string().get(v), simdjson::SUCCESS);
    EXPECT_TRUE(v.rfind("gcc ", 0) == 0 || v.rfind("clang ", 0) == 0) << v;
    ASSERT_EQ(build["build_type"].get_string().get(v), simdjson::SUCCESS);
    EXPECT_FALSE(v.empty());

    simdjson::dom::object config;
    ASSERT_EQ(o.object()["config"].get_object().get(config), simdjson::SUCCESS) << o.text();
    uint64_t version = 0;
    ASSERT_EQ(config["version"].get_uint64().get(version), simdjson::SUCCESS);
    EXPECT_EQ(version, 1u);
    ASSERT_EQ(config["file"].get_string().get(v), simdjson::SUCCESS);
    EXPECT_EQ(v, gw_->config_path());
    ASSERT_EQ(config["sha256"].get_string().get(v), simdjson::SUCCESS);
    EXPECT_EQ(v, sha256_of(gw_->config_path()));
    std::string first_sha(v);
    ASSERT_EQ(config["loaded_at"].get_string().get(v), simdjson::SUCCESS);
    EXPECT_EQ(v.size(), 24u) << v;  // 2026-11-05T12:34:56.789Z
    EXPECT_EQ(v.back(), 'Z');

    // An applied reload moves the version and the digest; a refused one moves neither.
    ASSERT_TRUE(gw_->reload(yaml_ + "# changed\n"));
    ASSERT_TRUE(gw_->reload(yaml_ + "bogus_section: 1\n"));
    ASSERT_TRUE(gw_->reload(yaml_ + "# changed again\n"));
    // Shards adopt a reload by message: poll until the admin shard shows it.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
        ASSERT_TRUE(health(&o));
        ASSERT_EQ(o.object()["config"].get_object().get(config), simdjson::SUCCESS);
        ASSERT_EQ(config["version"].get_uint64().get(version), simdjson::SUCCESS);
        if (version == 3) {
            break;
        }
        std::this_thread::yield();
    }
    EXPECT_EQ(version, 3u);
    ASSERT_EQ(config["sha256"].get_string().get(v), simdjson::SUCCESS);
    EXPECT_EQ(v, sha256_of(gw_->config_path()));
    EXPECT_NE(v, first_sha);
}

TEST_F(HealthDetailedTest, WorkersShowAStreamInFlightAndWhatItLeft) {
    JsonObject o;
    ASSERT_TRUE(health(&o));
    EXPECT_EQ(workers_sum(o, "worker"), 0u + 1u);  // workers 0 and 1
    EXPECT_GT(workers_sum(o, "buffers", "ring"), 0u);
    EXPECT_GT(workers_sum(o, "loop_turns", "ring"), 0u);

    // A stream paced at 100 ms per token for 30 tokens is in flight for 3 s.
    HttpClient c;
    ASSERT_TRUE(c.connect(gw_->port()));
    std::string body =
        "{\"model\":\"gpt-4o~tokens=30~delay=100\",\"stream\":true,\"messages\":[{\"role\":"
        "\"user\",\"content\":\"hi\"}]}";
    ASSERT_TRUE(
        c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: "
               "application/json\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body));
    bool seen = false;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (!seen && std::chrono::steady_clock::now() < deadline) {
        ASSERT_TRUE(health(&o));
        // A row is mirrored at the end of its worker's loop turn: the admin request being
        // answered is not in it yet, the stream is.
        seen = workers_sum(o, "streams") == 1 && workers_sum(o, "active_requests") >= 1 &&
               workers_sum(o, "busy", "upstream_pool") == 1 && workers_sum(o, "connections") >= 1;
    }
    EXPECT_TRUE(seen) << o.text();
    Response r;
    ASSERT_TRUE(c.read_response(&r, 10000));
    EXPECT_EQ(r.status, 200);
    c.close();

    // Once it ended: no stream, the upstream connection idle in its pool, requests counted.
    bool settled = false;
    deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (!settled && std::chrono::steady_clock::now() < deadline) {
        ASSERT_TRUE(health(&o));
        settled = workers_sum(o, "streams") == 0 && workers_sum(o, "busy", "upstream_pool") == 0 &&
                  workers_sum(o, "idle", "upstream_pool") == 1 &&
                  workers_sum(o, "proxied_requests") >= 1 && workers_sum(o, "requests_served") >= 1;
    }
    EXPECT_TRUE(settled) << o.text();
}

}  // namespace
}  // namespace rg::test
