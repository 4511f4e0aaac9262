// The --check-config summary shows listeners, providers, key ids, models and client key
// names, and never a secret.
#include "config/summary.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "test_util.h"

namespace rg::config {
namespace {

using testing::errors_text;

// Every secret has a distinctive value so a leak anywhere is found by a plain search.
const testing::FakeEnv secret_env{{"OPENAI_KEY", "sk-LEAK-openai"},
                                  {"CLIENT_KEY", "sk-LEAK-client"},
                                  {"PG_PASSWORD", "LEAK-pg"},
                                  {"REDIS_PASSWORD", "LEAK-redis"},
                                  {"ORG", "LEAK-org"}};

const char* secret_yaml =
    "server: {listen: [\"0.0.0.0:8080\", \"[::]:8081\"], admin_listen: \"127.0.0.1:9090\"}\n"
    "providers:\n"
    "  - name: openai-main\n"
    "    type: openai\n"
    "    keys: [{id: oa-1, key: \"${OPENAI_KEY}\", weight: 3}, {id: oa-2, key: sk-LEAK-inline}]\n"
    "    headers: {OpenAI-Organization: \"${ORG}\"}\n"
    "models:\n"
    "  - {name: smart, targets: [{provider: openai-main, model: gpt-4o}], fallbacks: [gpt-4o]}\n"
    "client_keys:\n"
    "  - {name: production, key: \"${CLIENT_KEY}\"}\n"
    "  - {name: batch, key_sha256: "
    "\"ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB\"}\n"
    "storage:\n"
    "  traces: \"postgresql://app:${PG_PASSWORD}@db.internal/traces?sslmode=disable\"\n"
    "  redis: \"redis://:${REDIS_PASSWORD}@cache.internal:6380/2\"\n";

std::shared_ptr<const Snapshot> load_secrets() {
    LoadResult result = testing::load_all_sections(secret_yaml, secret_env);
    EXPECT_TRUE(result.ok()) << errors_text(result);
    return result.snapshot;
}

TEST(Summary, ShowsListenersProvidersKeyIdsModelsAndClientNames) {
    auto snapshot = load_secrets();
    ASSERT_NE(snapshot, nullptr);
    std::string text = summary(*snapshot);
    for (const char* expected :
         {"0.0.0.0:8080, [::]:8081", "127.0.0.1:9090", "auto",
          "openai-main (openai, chat, "
          "weighted)",
          "2 keys oa-1 (weight 3), oa-2",
          "smart -> openai-main/gpt-4o; fallbacks "
          "gpt-4o",
          "client keys:  2 (production, batch)", "postgresql://***@db.internal/traces?***",
          "redis cache.internal:6380/2"}) {
        EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
    }
}

TEST(Summary, NeverContainsASecret) {
    auto snapshot = load_secrets();
    ASSERT_NE(snapshot, nullptr);
    std::string text = summary(*snapshot);
    EXPECT_EQ(text.find("LEAK"), std::string::npos) << text;
    EXPECT_EQ(text.find("sk-"), std::string::npos) << text;
    for (const auto& c : snapshot->client_keys) {
        EXPECT_EQ(text.find(c.key_sha256), std::string::npos) << text;
        EXPECT_EQ(text.find(c.key_sha256.substr(0, 16)), std::string::npos) << text;
    }
    EXPECT_EQ(text.find("abababab"), std::string::npos) << text;
}

TEST(Summary, FitsOneScreenWithManyEntries) {
    std::string yaml = "providers:\n";
    for (int i = 0; i < 50; ++i) {
        yaml += "  - {name: p" + std::to_string(i) + ", type: openai, keys: [{id: k, key: s}]}\n";
    }
    LoadResult result = testing::load_all_sections(yaml);
    ASSERT_TRUE(result.ok()) << errors_text(result);
    std::string text = summary(*result.snapshot);
    EXPECT_NE(text.find("... and 38 more"), std::string::npos) << text;
    EXPECT_LT(std::count(text.begin(), text.end(), '\n'), 40);
}

}  // namespace
}  // namespace rg::config
