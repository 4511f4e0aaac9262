// The schema walk (read_*.cc): the contract's example round-trips into the expected
// structs, and every section gets its documented defaults.
#include <gtest/gtest.h>

#include <string>

#include "test_util.h"

namespace rg::config {
namespace {

using testing::errors_text;
using testing::FakeEnv;

const FakeEnv example_env{{"OPENAI_KEY_1", "sk-openai-one"},
                          {"OPENAI_KEY_2", "sk-openai-two"},
                          {"ANTHROPIC_KEY", "sk-ant-one"},
                          {"MASTER_KEY_1", "sk-test"}};

LoadResult load_example(bool allow_unimplemented) {
    LoadOptions options;
    options.allow_unimplemented_for_test = allow_unimplemented;
    options.generation = 7;
    return load_file(testing::data_path("example.yaml"), example_env.lookup(), options);
}

void expect_server(const server::Options& s) {
    ASSERT_EQ(s.listen.size(), 1u);
    EXPECT_EQ(s.listen[0].host, "0.0.0.0");
    EXPECT_EQ(s.listen[0].port, 8080);
    EXPECT_FALSE(s.listen[0].ipv6);
    EXPECT_TRUE(s.has_admin_listen);
    EXPECT_EQ(s.admin_listen.host, "127.0.0.1");
    EXPECT_EQ(s.admin_listen.port, 9090);
    EXPECT_EQ(s.workers, 0u);
    EXPECT_EQ(s.shutdown_grace_ms, 30000u);
    EXPECT_TRUE(s.has_tls);
    EXPECT_EQ(s.tls.cert_file, "/etc/ringgate/tls/cert.pem");
    EXPECT_EQ(s.tls.key_file, "/etc/ringgate/tls/key.pem");
    EXPECT_TRUE(s.has_cors);
    EXPECT_EQ(s.cors.allow_origins, std::vector<std::string>{"https://app.example.com"});
    EXPECT_EQ(s.cors.max_age_ms, 600000u);
    EXPECT_EQ(s.limits.header_bytes_max, 32768u);
    EXPECT_EQ(s.limits.body_bytes_max, 33554432u);
    EXPECT_EQ(s.limits.connections_max, 100000u);
    EXPECT_EQ(s.limits.idle_timeout_ms, 60000u);
    EXPECT_EQ(s.limits.header_timeout_ms, 10000u);
}

void expect_upstream(const upstream::Options& u, uint32_t stall_ms) {
    EXPECT_EQ(u.connect_timeout_ms, 5000u);
    EXPECT_EQ(u.first_byte_timeout_ms, 60000u);
    EXPECT_EQ(u.first_token_timeout_ms, 30000u);
    EXPECT_EQ(u.stall_timeout_ms, stall_ms);
    EXPECT_EQ(u.attempts_max, 3u);
    EXPECT_EQ(u.backoff_base_ms, 200u);
    EXPECT_EQ(u.backoff_max_ms, 5000u);
    EXPECT_TRUE(u.verify_tls);
    EXPECT_EQ(u.ca_file, "/etc/ssl/certs/ca-certificates.crt");
}

void expect_providers(const std::vector<keys::ProviderOptions>& providers) {
    ASSERT_EQ(providers.size(), 2u);
    const keys::ProviderOptions& oa = providers[0];
    EXPECT_EQ(oa.name, "openai-main");
    EXPECT_EQ(oa.type, keys::ProviderType::openai);
    EXPECT_EQ(oa.base_url, "https://api.openai.com/v1");
    EXPECT_EQ(oa.url.scheme, keys::Scheme::https);
    EXPECT_EQ(oa.url.host, "api.openai.com");
    EXPECT_EQ(oa.url.port, 443);
    EXPECT_EQ(oa.url.path_prefix, "/v1");
    EXPECT_EQ(oa.api, keys::Api::chat);
    EXPECT_EQ(oa.strategy, keys::Strategy::weighted);
    ASSERT_EQ(oa.keys.size(), 2u);
    EXPECT_EQ(oa.keys[0].id, "oa-1");
    EXPECT_EQ(oa.keys[0].secret, "sk-openai-one");
    EXPECT_EQ(oa.keys[0].weight, 2u);
    EXPECT_EQ(oa.keys[1].id, "oa-2");
    EXPECT_EQ(oa.keys[1].secret, "sk-openai-two");
    EXPECT_EQ(oa.keys[1].weight, 1u);
    ASSERT_EQ(oa.headers.size(), 1u);
    EXPECT_EQ(oa.headers[0].name, "OpenAI-Organization");
    EXPECT_EQ(oa.headers[0].value, "org-123");
    EXPECT_EQ(oa.models, (std::vector<std::string>{"gpt-4o", "gpt-4o-mini"}));
    ASSERT_EQ(oa.model_mapping.size(), 1u);
    EXPECT_EQ(oa.model_mapping[0].from, "gpt-4");
    EXPECT_EQ(oa.model_mapping[0].to, "gpt-4-turbo");
    expect_upstream(oa.upstream, 30000);

    const keys::ProviderOptions& an = providers[1];
    EXPECT_EQ(an.name, "anthropic-main");
    EXPECT_EQ(an.type, keys::ProviderType::anthropic);
    EXPECT_EQ(an.base_url, "https://api.anthropic.com");  // the type's default
    EXPECT_EQ(an.url.host, "api.anthropic.com");
    EXPECT_EQ(an.url.path_prefix, "");
    EXPECT_EQ(an.strategy, keys::Strategy::round_robin);
    ASSERT_EQ(an.keys.size(), 1u);
    EXPECT_EQ(an.keys[0].secret, "sk-ant-one");
    expect_upstream(an.upstream, 45000);  // its own override, the rest inherited
}

void expect_models(const Snapshot& s) {
    ASSERT_EQ(s.models.size(), 2u);
    EXPECT_EQ(s.models[0].name, "claude-sonnet");
    ASSERT_EQ(s.models[0].targets.size(), 1u);
    EXPECT_EQ(s.models[0].targets[0].provider, "anthropic-main");
    EXPECT_EQ(s.models[0].targets[0].model, "claude-sonnet-4-5");
    EXPECT_EQ(s.models[0].targets[0].weight, 1u);
    EXPECT_EQ(s.models[0].fallbacks, std::vector<std::string>{"gpt-4o"});
    EXPECT_EQ(s.models[1].name, "gpt-*");
    ASSERT_EQ(s.models[1].targets.size(), 1u);
    EXPECT_EQ(s.models[1].targets[0].provider, "openai-main");
    EXPECT_EQ(s.models[1].targets[0].model, "");
    EXPECT_TRUE(s.models[1].fallbacks.empty());
    EXPECT_EQ(s.routing.strip_prefix, "Proxy/");
    EXPECT_TRUE(s.routing.builtin_rules);
}

void expect_clients(const Snapshot& s) {
    ASSERT_EQ(s.client_keys.size(), 2u);
    const limits::ClientKeyOptions& prod = s.client_keys[0];
    EXPECT_EQ(prod.name, "production");
    EXPECT_EQ(prod.key_sha256, "037abd8d694c16d602ff30594e60fc492ba3f44704bf96211deeda26d5df851c");
    EXPECT_EQ(prod.allowed_models, std::vector<std::string>{"*"});
    EXPECT_EQ(prod.rate_limit.requests_per_second, 100.0);
    EXPECT_EQ(prod.rate_limit.burst, 150u);
    EXPECT_EQ(prod.rate_limit.tokens_per_minute, 200000u);
    EXPECT_EQ(prod.quota.requests_per_day, 100000u);
    EXPECT_EQ(prod.quota.tokens_per_day, 50000000u);
    EXPECT_EQ(prod.budget.usd_per_day, 50.0);
    EXPECT_EQ(prod.budget.usd_per_month, 1000.0);
    const limits::ClientKeyOptions& staging = s.client_keys[1];
    EXPECT_EQ(staging.name, "staging");
    EXPECT_EQ(staging.key_sha256,
              "f3abf2a6cc4f00987743db5f544ba345b4899ae31f326d8ee9c4816de153c9e0");
    EXPECT_EQ(staging.allowed_models, (std::vector<std::string>{"gpt-*", "claude-sonnet"}));
    EXPECT_EQ(staging.rate_limit.requests_per_second, 0.0);
    EXPECT_EQ(staging.rate_limit.burst, 0u);
    EXPECT_FALSE(staging.rate_limit.tokens_per_minute.has_value());
    EXPECT_FALSE(staging.quota.requests_per_day.has_value());
    EXPECT_FALSE(staging.budget.usd_per_day.has_value());
    EXPECT_TRUE(s.auth.required);
    ASSERT_EQ(s.pricing.size(), 1u);
    EXPECT_EQ(s.pricing[0].model, "gpt-4o");
    EXPECT_EQ(s.pricing[0].input, 2.5);
    EXPECT_EQ(s.pricing[0].cached_input, 1.25);
    EXPECT_EQ(s.pricing[0].output, 10.0);
}

TEST(StorageSection, ReadsSpoolBoundAndRetention) {
    LoadResult result = testing::load_all_sections(
        "storage:\n  traces: \"sqlite:///data/t.db\"\n  spool: /data/spool\n"
        "  spool_max_bytes: 67108864\n  retention: 12h\n");
    ASSERT_TRUE(result.ok()) << errors_text(result);
    const storage::Options& o = result.snapshot->storage;
    EXPECT_EQ(o.traces.sqlite_path, "/data/t.db");
    EXPECT_EQ(o.spool_dir, "/data/spool");
    EXPECT_EQ(o.spool_max_bytes, 67108864u);
    EXPECT_EQ(o.retention_s, 12u * 3600);
}

TEST(ExampleConfig, LoadsIntoTheExpectedStructs) {
    LoadResult result = load_example(true);
    ASSERT_TRUE(result.ok()) << errors_text(result);
    const Snapshot& s = *result.snapshot;
    EXPECT_EQ(s.generation, 7u);
    EXPECT_EQ(s.source, testing::data_path("example.yaml"));
    expect_server(s.server);
    expect_upstream(s.upstream, 30000);
    expect_providers(s.providers);
    expect_models(s);
    expect_clients(s);
    EXPECT_EQ(s.storage.traces.backend, storage::TracesBackend::sqlite);
    EXPECT_EQ(s.storage.traces.sqlite_path, "/var/lib/ringgate/traces.db");
    EXPECT_TRUE(s.storage.has_redis);
    EXPECT_EQ(s.storage.redis.host, "127.0.0.1");
    EXPECT_EQ(s.storage.redis.port, 6379);
    EXPECT_EQ(s.storage.redis.db, 0u);
    EXPECT_EQ(s.storage.redis_failure, storage::RedisFailure::open);
    EXPECT_EQ(s.logging.level, log::Level::info);
    EXPECT_EQ(s.logging.access_log, "stderr");
    EXPECT_EQ(s.logging.format, log::Format::json);
    EXPECT_TRUE(s.metrics.enabled);
}

TEST(ExampleConfig, TheContractTextFailsOnlyOnItsTwoPlaceholders) {
    // Verbatim from the spec: its model targets a provider it does not define, and its
    // key_sha256 is "<hex>". The ${MASTER_KEY_1} in a comment is not needed.
    FakeEnv env{{"OPENAI_KEY_1", "sk-1"}, {"OPENAI_KEY_2", "sk-2"}};
    LoadOptions options;
    options.allow_unimplemented_for_test = true;
    LoadResult result =
        load_file(testing::data_path("contract_example.yaml"), env.lookup(), options);
    ASSERT_EQ(result.errors.size(), 2u) << errors_text(result);
    EXPECT_EQ(result.errors[0].line, 44u);
    EXPECT_EQ(result.errors[0].column, 20u);
    EXPECT_NE(result.errors[0].message.find("no provider named 'anthropic-main'"),
              std::string::npos);
    EXPECT_EQ(result.errors[1].line, 56u);
    EXPECT_EQ(result.errors[1].column, 17u);
    EXPECT_NE(result.errors[1].message.find("key_sha256: must be 64 hex characters"),
              std::string::npos);
}

TEST(Defaults, AnEmptyFileGivesTheContractDefaults) {
    for (const char* text : {"", "# nothing\n", "---\n", "server:\n  # commented out\n"}) {
        LoadResult result = testing::load_as_built(text);
        ASSERT_TRUE(result.ok()) << "'" << text << "'\n" << errors_text(result);
        const Snapshot& s = *result.snapshot;
        ASSERT_EQ(s.server.listen.size(), 1u);
        EXPECT_EQ(s.server.listen[0].text, "0.0.0.0:8080");
        EXPECT_EQ(s.server.listen[0].port, 8080);
        EXPECT_FALSE(s.server.has_admin_listen);
        EXPECT_EQ(s.server.workers, 0u);
        EXPECT_EQ(s.server.shutdown_grace_ms, 30000u);
        EXPECT_FALSE(s.server.has_tls);
        EXPECT_FALSE(s.server.has_cors);
        EXPECT_EQ(s.server.limits.header_bytes_max, 32768u);
        EXPECT_EQ(s.server.limits.body_bytes_max, 33554432u);
        EXPECT_EQ(s.server.limits.connections_max, 100000u);
        EXPECT_EQ(s.server.limits.idle_timeout_ms, 60000u);
        EXPECT_EQ(s.server.limits.header_timeout_ms, 10000u);
        expect_upstream(s.upstream, 30000);
        EXPECT_TRUE(s.providers.empty());
        EXPECT_TRUE(s.models.empty());
        EXPECT_TRUE(s.routing.builtin_rules);
        EXPECT_EQ(s.routing.strip_prefix, "");
        EXPECT_TRUE(s.client_keys.empty());
        EXPECT_FALSE(s.auth.required);
        EXPECT_EQ(s.storage.traces.backend, storage::TracesBackend::none);
        EXPECT_EQ(s.storage.spool_dir, "/var/lib/ringgate/spool");
        EXPECT_EQ(s.storage.spool_max_bytes, 1ull << 30);
        EXPECT_EQ(s.storage.retention_s, 30u * 86400);
        EXPECT_FALSE(s.storage.has_redis);
        EXPECT_EQ(s.logging.level, log::Level::info);
        EXPECT_EQ(s.logging.access_log, "stderr");
        EXPECT_EQ(s.logging.format, log::Format::json);
        EXPECT_TRUE(s.metrics.enabled);
    }
}

TEST(Defaults, MinimalFileLoadsAsBuilt) {
    LoadResult result =
        load_file(testing::data_path("minimal.yaml"), FakeEnv{{"RINGGATE_WORKERS", "3"}}.lookup());
    ASSERT_TRUE(result.ok()) << errors_text(result);
    const Snapshot& s = *result.snapshot;
    ASSERT_EQ(s.server.listen.size(), 2u);
    EXPECT_TRUE(s.server.listen[1].ipv6);
    EXPECT_EQ(s.server.listen[1].host, "::");
    EXPECT_EQ(s.server.workers, 3u);
    EXPECT_EQ(s.server.shutdown_grace_ms, 10000u);
    EXPECT_EQ(s.server.limits.header_bytes_max, 16384u);
    EXPECT_EQ(s.server.limits.idle_timeout_ms, 120000u);
    EXPECT_EQ(s.server.limits.header_timeout_ms, 10000u);
    EXPECT_EQ(s.logging.level, log::Level::warn);
    EXPECT_EQ(s.logging.format, log::Format::text);
    EXPECT_FALSE(s.metrics.enabled);
}

TEST(Defaults, ProvidersDeriveWhatTheyLeaveOut) {
    LoadResult result = testing::load_all_sections(
        "upstream: {stall_timeout: 10s, max_attempts: 2}\n"
        "providers:\n"
        "  - {name: g, type: gemini, keys: [{id: a, key: b}], max_attempts: 5}\n"
        "  - {name: o, type: openai, api: responses, keys: [{id: a, key: b}],\n"
        "     base_url: \"http://10.0.0.1:8000/\", verify_tls: false}\n"
        "  - {name: c, type: openai, api: chat_only, keys: [{id: a, key: b}]}\n");
    ASSERT_TRUE(result.ok()) << errors_text(result);
    const auto& g = result.snapshot->providers[0];
    EXPECT_EQ(g.base_url, "https://generativelanguage.googleapis.com");
    EXPECT_EQ(g.api, keys::Api::chat);
    EXPECT_EQ(g.strategy, keys::Strategy::weighted);
    EXPECT_EQ(g.upstream.stall_timeout_ms, 10000u);
    EXPECT_EQ(g.upstream.attempts_max, 5u);
    const auto& o = result.snapshot->providers[1];
    EXPECT_EQ(o.api, keys::Api::responses);
    EXPECT_EQ(o.url.scheme, keys::Scheme::http);
    EXPECT_EQ(o.url.port, 8000);
    EXPECT_EQ(o.url.path_prefix, "");
    EXPECT_FALSE(o.upstream.verify_tls);
    EXPECT_EQ(o.upstream.attempts_max, 2u);
    EXPECT_EQ(result.snapshot->providers[2].api, keys::Api::chat_only);
    EXPECT_TRUE(result.snapshot->upstream.verify_tls);
    EXPECT_FALSE(result.snapshot->auth.required);  // no client keys: open gateway
}

TEST(Defaults, KeyHealthPolicyIsReadFromTheUpstreamSectionOnly) {
    LoadResult defaults = testing::load_all_sections("upstream: {}\n");
    ASSERT_TRUE(defaults.ok()) << errors_text(defaults);
    EXPECT_EQ(defaults.snapshot->health.circuit_failures, 5u);
    EXPECT_EQ(defaults.snapshot->health.circuit_open_ms, 10000u);
    EXPECT_EQ(defaults.snapshot->health.reprobe_ms, 300000u);
    LoadResult set = testing::load_all_sections(
        "upstream:\n"
        "  circuit_breaker: {failures: 2, open: 250ms, max_open: 1s}\n"
        "  key_reprobe: 2s\n");
    ASSERT_TRUE(set.ok()) << errors_text(set);
    EXPECT_EQ(set.snapshot->health.circuit_failures, 2u);
    EXPECT_EQ(set.snapshot->health.circuit_open_ms, 250u);
    EXPECT_EQ(set.snapshot->health.circuit_open_max_ms, 1000u);
    EXPECT_EQ(set.snapshot->health.reprobe_ms, 2000u);
    LoadResult inverted =
        testing::load_all_sections("upstream: {circuit_breaker: {open: 10s, max_open: 1s}}\n");
    ASSERT_EQ(inverted.errors.size(), 1u) << errors_text(inverted);
    EXPECT_NE(inverted.errors[0].message.find("below open"), std::string::npos);
    // One policy for all providers: a provider entry does not take it.
    LoadResult in_provider = testing::load_all_sections(
        "providers:\n"
        "  - {name: o, type: openai, keys: [{id: a, key: b}], key_reprobe: 1s}\n");
    EXPECT_FALSE(in_provider.ok());
}

TEST(Defaults, AuthIsRequiredOnceClientKeysExistUnlessSaidOtherwise) {
    auto keys = "client_keys: [{name: c, key: k}]\n";
    LoadResult derived = testing::load_all_sections(keys);
    ASSERT_TRUE(derived.ok()) << errors_text(derived);
    EXPECT_TRUE(derived.snapshot->auth.required);
    LoadResult explicit_off =
        testing::load_all_sections(std::string(keys) + "auth: {required: false}\n");
    ASSERT_TRUE(explicit_off.ok()) << errors_text(explicit_off);
    EXPECT_FALSE(explicit_off.snapshot->auth.required);
    EXPECT_EQ(explicit_off.snapshot->client_keys[0].allowed_models, std::vector<std::string>{"*"});
}

TEST(Defaults, SharedLimitsLoadAsBuiltAndFailOpenUnlessSaidOtherwise) {
    LoadResult open = testing::load_as_built("storage: {redis: \"redis://h:7000/2\"}\n");
    ASSERT_TRUE(open.ok()) << errors_text(open);
    EXPECT_TRUE(open.snapshot->storage.has_redis);
    EXPECT_EQ(open.snapshot->storage.redis.db, 2u);
    EXPECT_EQ(open.snapshot->storage.redis_failure, storage::RedisFailure::open);
    LoadResult closed =
        testing::load_as_built("storage: {redis: \"redis://h:7000/2\", redis_failure: closed}\n");
    ASSERT_TRUE(closed.ok()) << errors_text(closed);
    EXPECT_EQ(closed.snapshot->storage.redis_failure, storage::RedisFailure::closed);
    LoadResult bad = testing::load_as_built("storage: {redis_failure: maybe}\n");
    ASSERT_EQ(bad.errors.size(), 1u) << errors_text(bad);
    EXPECT_NE(bad.errors[0].message.find("storage.redis_failure"), std::string::npos)
        << errors_text(bad);
}

TEST(Defaults, PricingCachedInputDefaultsToInput) {
    LoadResult result = testing::load_all_sections("pricing: {m: {input: 3, output: 15}}\n");
    ASSERT_TRUE(result.ok()) << errors_text(result);
    EXPECT_EQ(result.snapshot->pricing[0].cached_input, 3.0);
}

TEST(Defaults, AByteOrderMarkIsSkippedWithoutShiftingColumns) {
    LoadResult result = testing::load_as_built("\xEF\xBB\xBFsever: {}\nserver:\n  wokers: 1\n");
    ASSERT_EQ(result.errors.size(), 2u) << errors_text(result);
    EXPECT_EQ(result.errors[0].line, 1u);
    EXPECT_EQ(result.errors[0].column, 1u);
    EXPECT_EQ(result.errors[1].line, 3u);
    EXPECT_EQ(result.errors[1].column, 3u);
}

TEST(Defaults, CrlfLineEndingsKeepPositions) {
    LoadResult result = testing::load_as_built("server:\r\n  workers: 2\r\n  wokers: 1\r\n");
    ASSERT_EQ(result.errors.size(), 1u) << errors_text(result);
    EXPECT_EQ(result.errors[0].line, 3u);
    EXPECT_EQ(result.errors[0].column, 3u);
}

}  // namespace
}  // namespace rg::config