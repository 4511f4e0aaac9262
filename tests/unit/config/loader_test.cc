// The loader's errors: every error path of the schema walk and the cross checks, each with
// its exact position; error collection, caps, hostile input, secrets kept out of messages.
// The not-implemented check is off here (see not_implemented_test.cc).
#include <gtest/gtest.h>

#include <string>

#include "test_util.h"

namespace rg::config {
namespace {

using testing::errors_text;
using testing::load_all_sections;

struct ErrorCase {
    const char* name;
    std::string yaml;
    uint32_t line;
    uint32_t column;
    const char* message_part;  // the message must contain this
};

// A valid provider on lines 1-4; cases append lines to its map (4-space indent).
const std::string provider =
    "providers:\n"
    "  - name: p1\n"
    "    type: openai\n"
    "    keys: [{id: k1, key: sk-1}]\n";

const std::string digest(64, 'a');

void expect_single_error(const ErrorCase& c) {
    SCOPED_TRACE(c.name);
    LoadResult result = load_all_sections(c.yaml);
    ASSERT_EQ(result.errors.size(), 1u) << c.yaml << "---\n" << errors_text(result);
    const Diagnostic& d = result.errors[0];
    EXPECT_EQ(d.line, c.line) << d.message;
    EXPECT_EQ(d.column, c.column) << d.message;
    EXPECT_NE(d.message.find(c.message_part), std::string::npos) << d.message;
    EXPECT_EQ(result.snapshot, nullptr);
}

TEST(ConfigErrors, ReportsStructureErrors) {
    const ErrorCase cases[] = {
        {"yaml syntax", "server:\n  workers: a: b\n", 2, 13, "YAML syntax error: "},
        {"top level list", "- a\n", 1, 1, "the document: expected a map, got a list"},
        {"top level scalar", "hello\n", 1, 1, "the document: expected a map, got a scalar"},
        {"unknown top key", "sever:\n  workers: 2\n", 1, 1,
         "sever: unknown key; did you mean 'server'?"},
        {"unknown key no hint", "server:\n  colour: red\n", 2, 3,
         "server.colour: unknown key (known keys: listen, admin_listen, workers, "
         "shutdown_grace, tls, cors, limits)"},
        {"unknown key hint", "server:\n  wokers: 2\n", 2, 3,
         "server.wokers: unknown key; did you mean 'workers'?"},
        {"unknown key in list item", provider + "    nmae: x\n", 5, 5,
         "providers[0].nmae: unknown key; did you mean 'name'?"},
        {"duplicate key", "server:\n  workers: 2\n  workers: 3\n", 3, 3,
         "server.workers: duplicate key"},
        {"non-scalar key", "server:\n  ? [a]\n  : 1\n", 2, 5, "server: keys must be plain strings"},
        {"list for map", "server: [a]\n", 1, 9, "server: expected a map, got a list"},
        {"map for list", "providers: {a: 1}\n", 1, 12, "providers: expected a list, got a map"},
        {"scalar for map", "server:\n  limits: 5\n", 2, 11,
         "server.limits: expected a map, got a scalar"},
        {"empty leaf", "logging:\n  level:\n", 2, 3,
         "logging.level: expected a string, got nothing"},
        {"two documents", "server: {workers: 2}\n---\nserver: {workers: 3}\n", 3, 1,
         "one YAML document per file"},
    };
    for (const auto& c : cases) {
        expect_single_error(c);
    }
}

TEST(ConfigErrors, ReportsBadNumbersAndBooleans) {
    const std::string limits = "server:\n  limits:\n";
    const ErrorCase cases[] = {
        {"string for number", limits + "    max_connections: lots\n", 3, 22,
         "server.limits.max_connections: expected an integer, got 'lots'"},
        {"quoted number", limits + "    max_connections: \"100\"\n", 3, 22,
         "expected an integer without quotes or tags, got '100'"},
        {"negative", limits + "    max_connections: -5\n", 3, 22, "must not be negative (got -5)"},
        {"fraction", limits + "    max_connections: 1.5\n", 3, 22,
         "must be a whole number (got 1.5)"},
        {"zero connections", limits + "    max_connections: 0\n", 3, 22,
         "must be at least 1 (got 0)"},
        {"overflow", limits + "    max_connections: 99999999999999999999999\n", 3, 22,
         "must be at least 1 (got 99999999999999999999999)"},
        {"connections over 32 bits", limits + "    max_connections: 4294967296\n", 3, 22,
         "must be at least 1 (got 4294967296)"},
        {"small header limit", limits + "    max_header_bytes: 512\n", 3, 23,
         "server.limits.max_header_bytes: must be between 1024 and 1048576 (got 512)"},
        {"large header limit", limits + "    max_header_bytes: 2097152\n", 3, 23,
         "must be between 1024 and 1048576 (got 2097152)"},
        {"zero body limit", limits + "    max_body_bytes: 0\n", 3, 21,
         "server.limits.max_body_bytes: must be between 1 and 1073741824 (got 0)"},
        {"large body limit", limits + "    max_body_bytes: 2147483648\n", 3, 21,
         "must be between 1 and 1073741824"},
        {"zero workers", "server:\n  workers: 0\n", 2, 12,
         "server.workers: must be between 1 and 256 (got 0)"},
        {"too many workers", "server:\n  workers: 257\n", 2, 12, "must be between 1 and 256"},
        {"word workers", "server:\n  workers: many\n", 2, 12,
         "server.workers: expected auto or a number of workers 1..256 (got 'many')"},
        {"list workers", "server:\n  workers: [1]\n", 2, 12,
         "expected auto or a number of workers"},
        {"yes is not a bool", "metrics: {enabled: yes}\n", 1, 20,
         "metrics.enabled: expected true or false, got 'yes'"},
        {"quoted bool", "metrics: {enabled: \"true\"}\n", 1, 20,
         "expected true or false without quotes"},
        {"auth bool", "auth: {required: maybe}\n", 1, 18,
         "auth.required: expected true or false, got 'maybe'"},
    };
    for (const auto& c : cases) {
        expect_single_error(c);
    }
}

TEST(ConfigErrors, ReportsBadDurations) {
    const ErrorCase cases[] = {
        {"missing unit", "server:\n  shutdown_grace: 30\n", 2, 19,
         "server.shutdown_grace: a duration needs a unit: ms, s, m or h (e.g. 30s) (got '30')"},
        {"zero timeout", "server:\n  limits:\n    idle_timeout: 0s\n", 3, 19,
         "server.limits.idle_timeout: must be greater than 0"},
        {"bad unit", "server:\n  limits:\n    header_timeout: 5x\n", 3, 21,
         "unknown duration unit"},
        {"negative", "server:\n  shutdown_grace: -1s\n", 2, 19, "must not be negative"},
        {"map", "server:\n  shutdown_grace: {a: 1}\n", 2, 19,
         "expected a duration such as 30s, got a map"},
        {"sub-millisecond", "upstream:\n  connect_timeout: 0.5ms\n", 2, 20,
         "whole number of milliseconds"},
    };
    for (const auto& c : cases) {
        expect_single_error(c);
    }
}

TEST(ConfigErrors, ReportsBadListeners) {
    const ErrorCase cases[] = {
        {"empty list", "server:\n  listen: []\n", 2, 11,
         "server.listen: expected an address or a list of addresses"},
        {"bad port", "server:\n  listen: [\"0.0.0.0:99999\"]\n", 2, 12,
         "server.listen[0]: the port must be a number 0..65535 (got '0.0.0.0:99999')"},
        {"missing port", "server:\n  listen: 0.0.0.0\n", 2, 11, "server.listen: missing port"},
        {"bad host", "server:\n  listen: [\"127.0.0.1:80\", \"example.com:80\"]\n", 2, 28,
         "server.listen[1]: the host must be an IP address or localhost"},
        {"duplicate", "server:\n  listen: [\"0.0.0.0:80\", \"0.0.0.0:80\"]\n", 2, 26,
         "server.listen[1]: duplicate listen address (0.0.0.0:80 is already listed)"},
        {"same as admin", "server:\n  listen: \"0.0.0.0:80\"\n  admin_listen: \"0.0.0.0:80\"\n", 3,
         17, "server.admin_listen: must differ from the listen addresses (0.0.0.0:80)"},
        {"bad admin", "server:\n  admin_listen: \"[::1]\"\n", 2, 17,
         "server.admin_listen: missing port"},
        {"tls missing key", "server:\n  tls: {cert: /a/cert.pem}\n", 2, 8,
         "server.tls: missing required key 'key'"},
        {"tls relative path", "server:\n  tls: {cert: cert.pem, key: /k.pem}\n", 2, 15,
         "server.tls.cert: expected an absolute path to a PEM file (got 'cert.pem')"},
        {"cors origin with path", "server:\n  cors: {allow_origins: [\"https://a.com/x\"]}\n", 2,
         26, "server.cors.allow_origins[0]: an origin is * or scheme://host[:port]"},
        {"cors without origins", "server:\n  cors: {allow_origins: []}\n", 2, 25,
         "server.cors.allow_origins: at least one origin is required"},
        {"cors missing origins", "server:\n  cors: {max_age: 1m}\n", 2, 9,
         "server.cors: missing required key 'allow_origins'"},
    };
    for (const auto& c : cases) {
        expect_single_error(c);
    }
}

TEST(ConfigErrors, RejectsMoreListenersThanTheLimit) {
    std::string yaml = "server:\n  listen: [";
    for (int i = 0; i < 17; ++i) {
        yaml += (i == 0 ? "\"127.0.0.1:" : ", \"127.0.0.1:") + std::to_string(9000 + i) + "\"";
    }
    yaml += "]\n";
    expect_single_error({"17 listeners", yaml, 2, 11, "server.listen: at most 16 addresses"});
}

TEST(ConfigErrors, ReportsBadUpstreamOptions) {
    const ErrorCase cases[] = {
        {"zero attempts", "upstream:\n  max_attempts: 0\n", 2, 17,
         "upstream.max_attempts: must be between 1 and 10 (got 0)"},
        {"too many attempts", "upstream:\n  max_attempts: 11\n", 2, 17,
         "must be between 1 and 10 (got 11)"},
        {"backoff inverted", "upstream:\n  backoff: {base: 2s, max: 1s}\n", 2, 12,
         "upstream.backoff: max (1s) is below base (2s)"},
        {"backoff unknown key", "upstream:\n  backoff: {bsae: 1s}\n", 2, 13,
         "upstream.backoff.bsae: unknown key; did you mean 'base'?"},
        {"relative ca file", "upstream:\n  ca_file: certs.pem\n", 2, 12,
         "upstream.ca_file: expected an absolute path"},
        {"verify_tls word", "upstream:\n  verify_tls: no\n", 2, 15,
         "upstream.verify_tls: expected true or false, got 'no'"},
    };
    for (const auto& c : cases) {
        expect_single_error(c);
    }
}

TEST(ConfigErrors, ReportsBadProviders) {
    const std::string head = "providers:\n  - name: p1\n";
    const std::string keys = "    keys: [{id: k1, key: sk-1}]\n";
    const ErrorCase cases[] = {
        {"missing name", "providers:\n  - type: openai\n" + keys, 2, 5,
         "providers[0]: missing required key 'name'"},
        {"missing type", head + keys, 2, 5, "providers[0]: missing required key 'type'"},
        {"missing keys", head + "    type: openai\n", 2, 5,
         "providers[0]: missing required key 'keys'"},
        {"empty keys", head + "    type: openai\n    keys: []\n", 4, 11,
         "providers[0].keys: at least one key is required"},
        {"unknown type", head + "    type: opena1\n" + keys, 3, 11,
         "providers[0].type: must be one of openai, anthropic, gemini (got 'opena1'); did you "
         "mean 'openai'?"},
        {"base_url scheme", provider + "    base_url: ftp://x.test\n", 5, 15,
         "providers[0].base_url: the URL must start with http:// or https://"},
        {"base_url query", provider + "    base_url: https://x.test/v1?k=1\n", 5, 15,
         "the URL must not have a query or fragment"},
        {"base_url credentials", provider + "    base_url: https://u:p@x.test\n", 5, 15,
         "the URL must not contain credentials"},
        {"api on anthropic", head + "    type: anthropic\n    api: chat\n" + keys, 4, 10,
         "providers[0].api: applies to providers of type openai only"},
        {"unknown api", provider + "    api: completions\n", 5, 10,
         "providers[0].api: must be one of chat, responses, chat_only"},
        {"unknown strategy", provider + "    strategy: random\n", 5, 15,
         "providers[0].strategy: must be one of weighted, round_robin, least_inflight, latency, "
         "priority (got 'random')"},
        {"zero weight", head + "    type: openai\n    keys: [{id: k1, key: sk-1, weight: 0}]\n", 4,
         40, "providers[0].keys[0].weight: must be between 1 and 1000000 (got 0)"},
        {"fractional weight",
         head + "    type: openai\n    keys: [{id: k1, key: sk-1, weight: 1.5}]\n", 4, 40,
         "must be a whole number (got 1.5)"},
        {"key without id", head + "    type: openai\n    keys: [{key: sk-1}]\n", 4, 12,
         "providers[0].keys[0]: missing required key 'id'"},
        {"key without secret", head + "    type: openai\n    keys: [{id: k1}]\n", 4, 12,
         "providers[0].keys[0]: missing required key 'key'"},
        {"empty secret", head + "    type: openai\n    keys: [{id: k1, key: \"\"}]\n", 4, 26,
         "providers[0].keys[0].key: must not be empty"},
        {"secret with space", head + "    type: openai\n    keys: [{id: k1, key: \" sk\"}]\n", 4,
         26, "contains control characters or surrounding spaces (value not shown)"},
        {"duplicate key id",
         head + "    type: openai\n    keys: [{id: k1, key: sk-1}, {id: k1, key: sk-2}]\n", 4, 38,
         "providers[0].keys[1].id: duplicate 'k1' (first in providers[0].keys[0])"},
        {"duplicate provider",
         provider + "  - name: p1\n    type: gemini\n    keys: [{id: k1, key: sk-1}]\n", 5, 11,
         "providers[1].name: duplicate 'p1' (first in providers[0])"},
        {"bad name", "providers:\n  - name: \"open ai\"\n    type: openai\n" + keys, 2, 11,
         "providers[0].name: names are 1..64 characters of A-Z a-z 0-9 . _ - (got 'open ai')"},
        {"reserved header", provider + "    headers: {Authorization: x}\n", 5, 15,
         "providers[0].headers.Authorization: is set by the gateway"},
        {"bad header name", provider + "    headers: {\"Bad Header\": x}\n", 5, 15,
         "not a valid header name"},
        {"header value list", provider + "    headers: {X-A: [1]}\n", 5, 20,
         "providers[0].headers.X-A: expected a string, got a list"},
        {"bad mapping target", provider + "    model_mapping: {gpt-4: \"a b\"}\n", 5, 28,
         "providers[0].model_mapping.gpt-4: model names are 1..256 characters"},
        {"override timeout", provider + "    stall_timeout: 0s\n", 5, 20,
         "providers[0].stall_timeout: must be greater than 0"},
        {"override backoff",
         "upstream:\n  backoff: {max: 1s}\n" + provider + "    backoff: {base: 2s}\n", 7, 14,
         "providers[0].backoff: max (1s) is below base (2s)"},
    };
    for (const auto& c : cases) {
        expect_single_error(c);
    }
}

TEST(ConfigErrors, ReportsBadModelsAndRouting) {
    const std::string model = provider + "models:\n  - name: m1\n";
    const ErrorCase cases[] = {
        {"missing targets", model, 6, 5, "models[0]: missing required key 'targets'"},
        {"empty targets", model + "    targets: []\n", 7, 14,
         "models[0].targets: at least one target is required"},
        {"unknown provider", model + "    targets: [{provider: p2}]\n", 7, 26,
         "models[0].targets[0].provider: no provider named 'p2'; did you mean 'p1'?"},
        {"target without provider", model + "    targets: [{model: x}]\n", 7, 15,
         "models[0].targets[0]: missing required key 'provider'"},
        {"unresolved fallback", model + "    targets: [{provider: p1}]\n    fallbacks: [nope]\n", 8,
         17,
         "models[0].fallbacks[0]: 'nope' matches no models entry and no built-in rule with a "
         "provider"},
        {"duplicate model",
         model + "    targets: [{provider: p1}]\n  - name: m1\n    targets: [{provider: p1}]\n", 8,
         11, "models[1].name: duplicate 'm1' (first in models[0])"},
        {"model name with space",
         provider + "models:\n  - name: \"m 1\"\n    targets: [{provider: "
                    "p1}]\n",
         6, 11, "models[0].name: model names are 1..256 characters"},
        {"strip prefix with space", "routing: {strip_prefix: \"a b\"}\n", 1, 25,
         "routing.strip_prefix: a prefix is empty or up to 256 characters"},
        {"builtin rules word", "routing: {builtin_rules: on}\n", 1, 26,
         "routing.builtin_rules: expected true or false, got 'on'"},
    };
    for (const auto& c : cases) {
        expect_single_error(c);
    }
}

TEST(ConfigErrors, ReportsBadClientKeysAndPricing) {
    const std::string head = "client_keys:\n  - name: c1\n";
    const std::string key = head + "    key: k\n";
    const ErrorCase cases[] = {
        {"both key forms", head + "    key: sk-1\n    key_sha256: " + digest + "\n", 4, 17,
         "client_keys[0].key_sha256: give key or key_sha256, not both"},
        {"no key", head, 2, 5, "client_keys[0]: missing key or key_sha256"},
        {"short digest", head + "    key_sha256: abc\n", 3, 17,
         "client_keys[0].key_sha256: must be 64 hex characters"},
        {"non-hex digest", head + "    key_sha256: " + std::string(64, 'g') + "\n", 3, 17,
         "must be 64 hex characters"},
        {"key as list", head + "    key: [a]\n", 3, 10,
         "client_keys[0].key: expected a string, got a list"},
        {"missing name", "client_keys:\n  - key: k\n", 2, 5,
         "client_keys[0]: missing required key 'name'"},
        {"duplicate name", "client_keys:\n  - {name: c1, key: k-1}\n  - {name: c1, key: k-2}\n", 3,
         12, "client_keys[1].name: duplicate 'c1' (first in client_keys[0])"},
        {"duplicate key", "client_keys:\n  - {name: c1, key: same}\n  - {name: c2, key: same}\n", 3,
         5, "client_keys[1]: the same key as client_keys[0] ('c1')"},
        {"negative rate", key + "    rate_limit: {requests_per_second: -1}\n", 4, 39,
         "client_keys[0].rate_limit.requests_per_second: must not be negative (got -1)"},
        {"burst alone", key + "    rate_limit: {burst: 5}\n", 4, 25,
         "client_keys[0].rate_limit.burst: needs requests_per_second"},
        {"zero burst", key + "    rate_limit: {requests_per_second: 5, burst: 0}\n", 4, 49,
         "must be at least 1 when requests_per_second is above 0"},
        {"negative tokens", key + "    rate_limit: {tokens_per_minute: -1}\n", 4, 37,
         "must not be negative"},
        {"negative budget", key + "    budget: {usd_per_day: -5}\n", 4, 27,
         "client_keys[0].budget.usd_per_day: must not be negative (got -5)"},
        {"infinite budget", key + "    budget: {usd_per_month: .inf}\n", 4, 29,
         "client_keys[0].budget.usd_per_month: expected a number, got '.inf'"},
        {"negative quota", key + "    quota: {tokens_per_day: -1}\n", 4, 29,
         "client_keys[0].quota.tokens_per_day: must not be negative"},
        {"no allowed models", key + "    allowed_models: []\n", 4, 21,
         "client_keys[0].allowed_models: at least one model or glob is required"},
        {"negative price", "pricing:\n  gpt-4o: {input: -1, output: 1}\n", 2, 19,
         "pricing.gpt-4o.input: must not be negative (got -1)"},
        {"price missing output", "pricing:\n  gpt-4o: {input: 1}\n", 2, 11,
         "pricing.gpt-4o: missing required key 'output'"},
        {"price word", "pricing:\n  gpt-4o: {input: cheap, output: 1}\n", 2, 19,
         "pricing.gpt-4o.input: expected a number, got 'cheap'"},
        {"price model name", "pricing:\n  \"a b\": {input: 1, output: 1}\n", 2, 3,
         "pricing.a b: model names are 1..256 characters"},
    };
    for (const auto& c : cases) {
        expect_single_error(c);
    }
}

TEST(ConfigErrors, ReportsBadStorageAndLogging) {
    const ErrorCase cases[] = {
        {"traces scheme", "storage:\n  traces: mysql://h/db\n", 2, 11,
         "storage.traces: traces must be sqlite:///absolute/path or postgresql://user@host/db"},
        {"relative sqlite", "storage:\n  traces: sqlite://traces.db\n", 2, 11,
         "a sqlite URL needs an absolute path"},
        {"relative spool", "storage:\n  spool: spool\n", 2, 10,
         "storage.spool: expected an absolute directory path (got 'spool')"},
        {"tiny spool", "storage:\n  spool_max_bytes: 1000\n", 2, 20, "storage.spool_max_bytes"},
        {"retention unit", "storage:\n  retention: 30\n", 2, 14,
         "storage.retention: expected a whole number and a unit: d, h, m or s (e.g. 30d) (got "
         "'30')"},
        {"redis port", "storage:\n  redis: redis://h:99999/0\n", 2, 10,
         "storage.redis: the port must be a number 1..65535"},
        {"redis db", "storage:\n  redis: redis://h:6379/x\n", 2, 10,
         "the database after '/' must be a number"},
        {"level typo", "logging:\n  level: inof\n", 2, 10,
         "logging.level: must be one of debug, info, warn, error (got 'inof'); did you mean "
         "'info'?"},
        {"format", "logging:\n  format: xml\n", 2, 11,
         "logging.format: must be one of json, text (got 'xml')"},
        {"relative access log", "logging:\n  access_log: ringgate.log\n", 2, 15,
         "logging.access_log: expected stderr, off or an absolute file path (got 'ringgate.log')"},
    };
    for (const auto& c : cases) {
        expect_single_error(c);
    }
}

TEST(ConfigErrors, CollectsEveryErrorInFileOrder) {
    LoadResult result = load_all_sections(
        "server:\n"                         // 1
        "  listen: \"0.0.0.0\"\n"           // 2: missing port
        "  workers: lots\n"                 // 3: not a number
        "  limits: {max_body_bytes: -1}\n"  // 4: negative
        "logging:\n"                        // 5
        "  level: loud\n"                   // 6: not a level
        "  fromat: json\n"                  // 7: unknown key, did you mean
        "metrics: {enabled: 1}\n");         // 8: not a bool
    ASSERT_EQ(result.errors.size(), 6u) << errors_text(result);
    const uint32_t lines[] = {2, 3, 4, 6, 7, 8};
    for (size_t i = 0; i < 6; ++i) {
        EXPECT_EQ(result.errors[i].line, lines[i]) << errors_text(result);
    }
    EXPECT_NE(result.errors[4].message.find("did you mean 'format'?"), std::string::npos);
}

TEST(ConfigErrors, ReportsAFileThatCannotBeRead) {
    LoadResult result = load_file("/nonexistent/ringgate.yaml", testing::FakeEnv{}.lookup());
    ASSERT_EQ(result.errors.size(), 1u);
    EXPECT_EQ(result.errors[0].line, 0u);
    EXPECT_EQ(format_diagnostic("/nonexistent/ringgate.yaml", result.errors[0]),
              "/nonexistent/ringgate.yaml: error: cannot open the file: No such file or directory");
}

TEST(ConfigErrors, FormatsDiagnosticsLikeCompilers) {
    EXPECT_EQ(format_diagnostic("a.yaml", Diagnostic{12, 5, "server.workers: bad"}),
              "a.yaml:12:5: error: server.workers: bad");
    EXPECT_EQ(format_diagnostic("a.yaml", Diagnostic{3, 0, "x"}), "a.yaml:3: error: x");
}

TEST(ConfigErrors, CapsTheNumberOfErrors) {
    std::string yaml = "server:\n";
    for (int i = 0; i < 300; ++i) {
        yaml += "  unknown" + std::to_string(i) + ": 1\n";
    }
    LoadResult result = load_all_sections(yaml);
    ASSERT_EQ(result.errors.size(), 101u);
    EXPECT_EQ(result.errors.back().message, "200 more errors not shown");
}

TEST(ConfigErrors, SurvivesHostileInput) {
    // Deep nesting, alias fan-out, NUL bytes and binary noise: errors, never a crash.
    std::string deep(5000, '[');
    EXPECT_FALSE(load_all_sections(deep).ok());
    std::string aliases = "a: &a [1, 2, 3, 4, 5, 6, 7, 8]\nproviders: [";
    for (int i = 0; i < 2000; ++i) {
        aliases += i == 0 ? "*a" : ", *a";
    }
    aliases += "]\n";
    EXPECT_FALSE(load_all_sections(aliases).ok());
    EXPECT_FALSE(load_all_sections(std::string("server:\0 x", 10)).ok());
    EXPECT_FALSE(load_all_sections("server: &a {limits: *a}\n").ok());  // self-reference
    EXPECT_FALSE(load_all_sections("a: &a [*a]\n").ok());
    EXPECT_FALSE(load_all_sections("? |\n  block key\n: 1\n").ok());
    std::string noise;
    for (int i = 0; i < 4096; ++i) {
        noise.push_back(static_cast<char>((i * 7919) & 0xff));
    }
    EXPECT_FALSE(load_all_sections(noise).ok());
}

TEST(ConfigErrors, BoundsTheWorkOfAliasFanOut) {
    // 1000 pricing entries that all alias one map of 2000 unknown keys: 2 million visits
    // from a 30 KiB file. The walk stops at its node budget and says so.
    std::string yaml = "x: &a {";
    for (int i = 0; i < 2000; ++i) {
        yaml += (i == 0 ? "k" : ", k") + std::to_string(i) + ": 1";
    }
    yaml += "}\npricing: {";
    for (int i = 0; i < 1000; ++i) {
        yaml += (i == 0 ? "m" : ", m") + std::to_string(i) + ": *a";
    }
    yaml += "}\n";
    LoadResult result = load_all_sections(yaml);
    ASSERT_EQ(result.errors.size(), 101u);
    bool budget_reported = false;
    for (const Diagnostic& d : result.errors) {
        budget_reported = budget_reported || d.message.find("too many nodes") != std::string::npos;
    }
    EXPECT_TRUE(budget_reported) << errors_text(result);
}

TEST(Diagnostics, NeverPrintAStrayKeyInAMapHoldingACredential) {
    LoadResult result = testing::load_all_sections(
        "providers:\n"
        "  - {name: p, type: openai, keys: [{id: a, \"sk-literal-secret\"}]}\n"
        "client_keys:\n"
        "  - {name: c, key: k, sk-client-secret}\n");
    // The stray key is also why `key` is missing.
    ASSERT_EQ(result.errors.size(), 3u) << testing::errors_text(result);
    EXPECT_EQ(result.errors[1].message,
              "providers[0].keys[0]: unknown key (not shown, as it may be a secret); known keys: "
              "id, key, weight");
    EXPECT_EQ(result.errors[1].line, 2u);
    EXPECT_EQ(result.errors[1].column, 44u);
    EXPECT_EQ(testing::errors_text(result).find("secret\""), std::string::npos);
    EXPECT_EQ(testing::errors_text(result).find("sk-"), std::string::npos);
}

TEST(Diagnostics, NeverPrintASubstitutedValue) {
    testing::FakeEnv env{{"KEY", "sk-from-environment"}};
    LoadResult result = testing::load_all_sections(
        "server: {\"${KEY}\": 1, listen: \"${KEY}\"}\n"
        "logging: {level: \"${KEY}\"}\n",
        env);
    ASSERT_EQ(result.errors.size(), 3u) << testing::errors_text(result);
    EXPECT_EQ(testing::errors_text(result).find("sk-from-environment"), std::string::npos)
        << testing::errors_text(result);
    EXPECT_EQ(result.errors[0].message,
              "server.***: unknown key (known keys: listen, "
              "admin_listen, workers, shutdown_grace, tls, cors, limits)");
}

}  // namespace
}  // namespace rg::config
