// Client keys are held only as SHA-256 digests, computed with BoringSSL.
#include "config/key_hash.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_util.h"

namespace rg::config {
namespace {

using testing::errors_text;

std::vector<std::string> all_strings(const Snapshot& s) {
    std::vector<std::string> out = {s.source,
                                    s.server.tls.cert_file,
                                    s.server.tls.key_file,
                                    s.upstream.ca_file,
                                    s.routing.strip_prefix,
                                    s.storage.traces.url,
                                    s.storage.traces.sqlite_path,
                                    s.storage.redis.url,
                                    s.storage.redis.host,
                                    s.storage.redis.username,
                                    s.storage.redis.password,
                                    s.logging.access_log};
    for (const auto& a : s.server.listen) {
        out.insert(out.end(), {a.host, a.text});
    }
    out.insert(out.end(), s.server.cors.allow_origins.begin(), s.server.cors.allow_origins.end());
    for (const auto& p : s.providers) {
        out.insert(out.end(),
                   {p.name, p.base_url, p.url.host, p.url.path_prefix, p.upstream.ca_file});
        for (const auto& k : p.keys) {
            out.insert(out.end(), {k.id, k.secret});
        }
        for (const auto& h : p.headers) {
            out.insert(out.end(), {h.name, h.value});
        }
        out.insert(out.end(), p.models.begin(), p.models.end());
        for (const auto& m : p.model_mapping) {
            out.insert(out.end(), {m.from, m.to});
        }
    }
    for (const auto& m : s.models) {
        out.push_back(m.name);
        for (const auto& t : m.targets) {
            out.insert(out.end(), {t.provider, t.model});
        }
        out.insert(out.end(), m.fallbacks.begin(), m.fallbacks.end());
    }
    for (const auto& c : s.client_keys) {
        out.insert(out.end(), {c.name, c.key_sha256});
        out.insert(out.end(), c.allowed_models.begin(), c.allowed_models.end());
    }
    for (const auto& p : s.pricing) {
        out.push_back(p.model);
    }
    return out;
}

TEST(ClientKeys, HashesPlainKeysWithSha256) {
    EXPECT_EQ(hash_client_key("sk-test"),
              "f3abf2a6cc4f00987743db5f544ba345b4899ae31f326d8ee9c4816de153c9e0");
    EXPECT_EQ(hash_client_key(""),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(hash_client_key("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ClientKeys, PlainKeyAppearsNowhereInTheSnapshot) {
    // From the environment (the example file's staging key) and written inline.
    testing::FakeEnv env{{"OPENAI_KEY_1", "o1"},
                         {"OPENAI_KEY_2", "o2"},
                         {"ANTHROPIC_KEY", "a1"},
                         {"MASTER_KEY_1", "sk-test"}};
    LoadOptions options;
    options.allow_unimplemented_for_test = true;
    LoadResult example = load_file(testing::data_path("example.yaml"), env.lookup(), options);
    ASSERT_TRUE(example.ok()) << errors_text(example);
    EXPECT_EQ(example.snapshot->client_keys[1].key_sha256,
              "f3abf2a6cc4f00987743db5f544ba345b4899ae31f326d8ee9c4816de153c9e0");
    LoadResult inline_key =
        testing::load_all_sections("client_keys:\n  - {name: test, key: sk-test}\n");
    ASSERT_TRUE(inline_key.ok()) << errors_text(inline_key);
    EXPECT_EQ(inline_key.snapshot->client_keys[0].key_sha256,
              "f3abf2a6cc4f00987743db5f544ba345b4899ae31f326d8ee9c4816de153c9e0");
    for (const auto& snapshot : {example.snapshot, inline_key.snapshot}) {
        for (const std::string& s : all_strings(*snapshot)) {
            EXPECT_EQ(s.find("sk-test"), std::string::npos) << s;
        }
    }
}

TEST(ClientKeys, StoresGivenDigestsInLowerCase) {
    LoadResult digest = testing::load_all_sections(
        "client_keys:\n  - {name: batch, key_sha256: " + std::string(32, 'A') +
        std::string(32, 'b') + "}\n");
    ASSERT_TRUE(digest.ok()) << errors_text(digest);
    EXPECT_EQ(digest.snapshot->client_keys[0].key_sha256,
              std::string(32, 'a') + std::string(32, 'b'));
}

TEST(ClientKeys, WipeSecretEmptiesTheString) {
    std::string secret = "sk-wipe-me";
    wipe_secret(&secret);
    EXPECT_TRUE(secret.empty());
}

}  // namespace
}  // namespace rg::config
