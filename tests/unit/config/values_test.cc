// Single-value parsers: durations, listen addresses, URLs, names, globs, hints.
#include <gtest/gtest.h>

#include <string>

#include "config/suggest.h"
#include "config/urls.h"
#include "config/values.h"

namespace rg::config {
namespace {

struct DurationCase {
    const char* text;
    uint32_t ms;
};

TEST(ParseDuration, AcceptsEveryUnitAndWholeMillisecondFractions) {
    const DurationCase cases[] = {
        {"250ms", 250},
        {"0ms", 0},
        {"0s", 0},
        {"5s", 5000},
        {"2m", 120000},
        {"1h", 3600000},
        {"1500ms", 1500},
        {"1.5s", 1500},
        {"0.25s", 250},
        {"1.5m", 90000},
        {"0.001s", 1},
        {"10.000s", 10000},
        {"4294967295ms", 4294967295u},
        {"1193h", 4294800000u},
    };
    for (const auto& c : cases) {
        auto parsed = parse_duration_ms(c.text);
        ASSERT_TRUE(parsed.ok()) << c.text << ": " << parsed.error().context;
        EXPECT_EQ(*parsed, c.ms) << c.text;
    }
}

struct BadDurationCase {
    const char* text;
    const char* message_part;
};

TEST(ParseDuration, RejectsMissingUnitsSignsSpacesAndOverflow) {
    const BadDurationCase cases[] = {
        {"", "empty"},
        {"30", "needs a unit"},
        {"0", "needs a unit"},
        {"-5s", "negative"},
        {"+5s", "starts with a number"},
        {"s", "starts with a number"},
        {".5s", "starts with a number"},
        {"5", "needs a unit"},
        {"5 s", "unknown duration unit"},
        {" 5s", "starts with a number"},
        {"5S", "unknown duration unit"},
        {"5sec", "unknown duration unit"},
        {"5d", "unknown duration unit"},
        {"1m30s", "unknown duration unit"},
        {"1.s", "bad fraction"},
        {"0.5ms", "whole number of milliseconds"},
        {"0.0001s", "whole number of milliseconds"},
        {"1.0000000001s", "bad fraction"},
        {"4294967296ms", "too large"},
        {"1194h", "too large"},
        {"99999999999s", "too large"},
        {"abc", "starts with a number"},
    };
    for (const auto& c : cases) {
        auto parsed = parse_duration_ms(c.text);
        ASSERT_FALSE(parsed.ok()) << "'" << c.text << "' parsed as " << *parsed;
        EXPECT_NE(std::string(parsed.error().context).find(c.message_part), std::string::npos)
            << c.text << ": " << parsed.error().context;
    }
}

TEST(FormatDuration, PicksTheLargestExactUnit) {
    EXPECT_EQ(format_duration_ms(0), "0ms");
    EXPECT_EQ(format_duration_ms(250), "250ms");
    EXPECT_EQ(format_duration_ms(1500), "1500ms");
    EXPECT_EQ(format_duration_ms(30000), "30s");
    EXPECT_EQ(format_duration_ms(120000), "2m");
    EXPECT_EQ(format_duration_ms(7200000), "2h");
    EXPECT_EQ(format_duration_ms(90000), "90s");
}

struct ListenCase {
    const char* text;
    const char* host;
    uint16_t port;
    bool ipv6;
};

TEST(ParseListenAddress, AcceptsIpv4Ipv6PortZeroAndLocalhost) {
    const ListenCase cases[] = {
        {"0.0.0.0:8080", "0.0.0.0", 8080, false},
        {"127.0.0.1:0", "127.0.0.1", 0, false},
        {"[::]:8080", "::", 8080, true},
        {"[::1]:65535", "::1", 65535, true},
        {"[0:0::1]:80", "::1", 80, true},
        {"[2001:DB8::1]:443", "2001:db8::1", 443, true},
        {"localhost:8080", "127.0.0.1", 8080, false},
        {"LocalHost:1", "127.0.0.1", 1, false},
        {"10.1.2.3:08080", "10.1.2.3", 8080, false},
    };
    for (const auto& c : cases) {
        auto parsed = parse_listen_address(c.text);
        ASSERT_TRUE(parsed.ok()) << c.text << ": " << parsed.error().context;
        EXPECT_EQ(parsed->host, c.host) << c.text;
        EXPECT_EQ(parsed->port, c.port) << c.text;
        EXPECT_EQ(parsed->ipv6, c.ipv6) << c.text;
        EXPECT_EQ(parsed->text, c.text);
    }
}

struct BadListenCase {
    const char* text;
    const char* message_part;
};

TEST(ParseListenAddress, RejectsBadPortsMissingPartsAndNames) {
    const BadListenCase cases[] = {
        {"", "missing port"},
        {"0.0.0.0", "missing port"},
        {"0.0.0.0:", "port must be a number"},
        {"0.0.0.0:65536", "port must be a number"},
        {"0.0.0.0:123456", "port must be a number"},
        {"0.0.0.0:-1", "port must be a number"},
        {"0.0.0.0:80a", "port must be a number"},
        {":8080", "missing host"},
        {"[]:8080", "missing host"},
        {"example.com:80", "IP address or localhost"},
        {"256.0.0.1:80", "IP address or localhost"},
        {"1.2.3:80", "IP address or localhost"},
        {"::1:8080", "needs brackets"},
        {"[::1]8080", "missing port"},
        {"[::1]", "missing port"},
        {"[::1:80", "missing ']'"},
        {"[1.2.3.4]:80", "bad IPv6"},
        {"[fe80::1%eth0]:80", "bad IPv6"},
        {"[::]:99999", "port must be a number"},
    };
    for (const auto& c : cases) {
        auto parsed = parse_listen_address(c.text);
        ASSERT_FALSE(parsed.ok()) << "'" << c.text << "' parsed";
        EXPECT_NE(std::string(parsed.error().context).find(c.message_part), std::string::npos)
            << c.text << ": " << parsed.error().context;
    }
}

TEST(ParseBaseUrl, SplitsSchemeHostPortAndPathPrefix) {
    auto openai = parse_base_url("https://api.openai.com/v1");
    ASSERT_TRUE(openai.ok());
    EXPECT_EQ(openai->scheme, keys::Scheme::https);
    EXPECT_EQ(openai->host, "api.openai.com");
    EXPECT_EQ(openai->port, 443);
    EXPECT_EQ(openai->path_prefix, "/v1");

    auto local = parse_base_url("HTTP://LocalHost:8000/proxy/v1/");
    ASSERT_TRUE(local.ok());
    EXPECT_EQ(local->scheme, keys::Scheme::http);
    EXPECT_EQ(local->host, "localhost");
    EXPECT_EQ(local->port, 8000);
    EXPECT_EQ(local->path_prefix, "/proxy/v1");

    auto v6 = parse_base_url("http://[::1]:9000");
    ASSERT_TRUE(v6.ok());
    EXPECT_EQ(v6->host, "::1");
    EXPECT_EQ(v6->port, 9000);
    EXPECT_EQ(v6->path_prefix, "");

    auto bare = parse_base_url("https://api.anthropic.com/");
    ASSERT_TRUE(bare.ok());
    EXPECT_EQ(bare->path_prefix, "");
}

TEST(ParseBaseUrl, RejectsOtherSchemesCredentialsQueriesAndBadPorts) {
    const BadListenCase cases[] = {
        {"ftp://example.com", "http:// or https://"},
        {"api.openai.com/v1", "http:// or https://"},
        {"https://user:pw@example.com", "credentials"},
        {"https://example.com/v1?key=x", "query or fragment"},
        {"https://example.com/#x", "query or fragment"},
        {"https://exa mple.com", "spaces"},
        {"https://", "host"},
        {"https://:443", "host"},
        {"https://example.com:0", "port"},
        {"https://example.com:70000", "port"},
        {"https://example.com:", "port"},
        {"https://exa_mple.com", "host"},
        {"https://[::1", "missing ']'"},
        {"https://[zz]:80", "bad IPv6"},
    };
    for (const auto& c : cases) {
        auto parsed = parse_base_url(c.text);
        ASSERT_FALSE(parsed.ok()) << "'" << c.text << "' parsed";
        EXPECT_NE(std::string(parsed.error().context).find(c.message_part), std::string::npos)
            << c.text << ": " << parsed.error().context;
    }
}

TEST(CheckOrigin, AcceptsStarAndBareOriginsOnly) {
    EXPECT_TRUE(check_origin("*").ok());
    EXPECT_TRUE(check_origin("https://app.example.com").ok());
    EXPECT_TRUE(check_origin("http://localhost:3000").ok());
    EXPECT_FALSE(check_origin("https://app.example.com/").ok());
    EXPECT_FALSE(check_origin("https://app.example.com/x").ok());
    EXPECT_FALSE(check_origin("app.example.com").ok());
    EXPECT_FALSE(check_origin("").ok());
}

TEST(ParseTracesUrl, AcceptsAbsoluteSqliteAndPostgres) {
    auto sqlite = parse_traces_url("sqlite:///var/lib/ringgate/traces.db");
    ASSERT_TRUE(sqlite.ok());
    EXPECT_EQ(sqlite->backend, storage::TracesBackend::sqlite);
    EXPECT_EQ(sqlite->sqlite_path, "/var/lib/ringgate/traces.db");
    auto pg = parse_traces_url("postgresql://user@db.internal/traces");
    ASSERT_TRUE(pg.ok());
    EXPECT_EQ(pg->backend, storage::TracesBackend::postgresql);
    EXPECT_EQ(pg->url, "postgresql://user@db.internal/traces");
    EXPECT_TRUE(parse_traces_url("postgres://h/db").ok());

    EXPECT_FALSE(parse_traces_url("sqlite://relative.db").ok());
    EXPECT_FALSE(parse_traces_url("sqlite:///").ok());
    EXPECT_FALSE(parse_traces_url("postgresql://").ok());
    EXPECT_FALSE(parse_traces_url("mysql://h/db").ok());
    EXPECT_FALSE(parse_traces_url("/var/lib/traces.db").ok());
    EXPECT_FALSE(parse_traces_url("sqlite:///a b.db").ok());
}

TEST(ParseRedisUrl, ReadsHostPortDbAndCredentials) {
    auto plain = parse_redis_url("redis://127.0.0.1:6379/0");
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(plain->host, "127.0.0.1");
    EXPECT_EQ(plain->port, 6379);
    EXPECT_EQ(plain->db, 0u);
    EXPECT_EQ(plain->password, "");

    auto defaults = parse_redis_url("redis://cache.internal");
    ASSERT_TRUE(defaults.ok());
    EXPECT_EQ(defaults->host, "cache.internal");
    EXPECT_EQ(defaults->port, 6379);
    EXPECT_EQ(defaults->db, 0u);

    auto auth = parse_redis_url("redis://app:s3cret@[::1]:7000/3");
    ASSERT_TRUE(auth.ok());
    EXPECT_EQ(auth->username, "app");
    EXPECT_EQ(auth->password, "s3cret");
    EXPECT_EQ(auth->host, "::1");
    EXPECT_EQ(auth->port, 7000);
    EXPECT_EQ(auth->db, 3u);

    auto password_only = parse_redis_url("redis://:pw@h:1/");
    ASSERT_TRUE(password_only.ok());
    EXPECT_EQ(password_only->username, "");
    EXPECT_EQ(password_only->password, "pw");

    EXPECT_FALSE(parse_redis_url("rediss://h:6379/0").ok());
    EXPECT_FALSE(parse_redis_url("redis://h:99999/0").ok());
    EXPECT_FALSE(parse_redis_url("redis://h:6379/x").ok());
    EXPECT_FALSE(parse_redis_url("redis://:6379/0").ok());
    EXPECT_FALSE(parse_redis_url("redis://h/0?timeout=1").ok());
}

TEST(RedactUrl, HidesCredentialsAndQueries) {
    EXPECT_EQ(redact_url("postgresql://user:pw@host/db"), "postgresql://***@host/db");
    EXPECT_EQ(redact_url("postgresql://host/db?password=pw"), "postgresql://host/db?***");
    EXPECT_EQ(redact_url("postgresql://u:p/w@host/db"), "postgresql://***@host/db");
    EXPECT_EQ(redact_url("sqlite:///var/lib/x.db"), "sqlite:///var/lib/x.db");
}

TEST(Names, AllowIdentifierCharactersUpTo64) {
    EXPECT_TRUE(is_valid_name("openai-main"));
    EXPECT_TRUE(is_valid_name("oa_1.prod"));
    EXPECT_TRUE(is_valid_name(std::string(64, 'a')));
    EXPECT_FALSE(is_valid_name(std::string(65, 'a')));
    EXPECT_FALSE(is_valid_name(""));
    EXPECT_FALSE(is_valid_name("open ai"));
    EXPECT_FALSE(is_valid_name("a/b"));
    EXPECT_TRUE(is_valid_model_name("models/gemini-1.5-pro@001"));
    EXPECT_FALSE(is_valid_model_name("gpt 4"));
    EXPECT_FALSE(is_valid_model_name(""));
}

TEST(GlobMatch, MatchesStarsAndQuestionMarks) {
    EXPECT_TRUE(glob_match("gpt-*", "gpt-4o"));
    EXPECT_TRUE(glob_match("gpt-*", "gpt-"));
    EXPECT_FALSE(glob_match("gpt-*", "gpt"));
    EXPECT_TRUE(glob_match("*", ""));
    EXPECT_TRUE(glob_match("*mini", "gpt-4o-mini"));
    EXPECT_TRUE(glob_match("o?-*", "o1-preview"));
    EXPECT_FALSE(glob_match("o?-*", "o10-x"));
    EXPECT_TRUE(glob_match("a*b*c", "aXXbYYbc"));
    EXPECT_FALSE(glob_match("a*b*c", "aXXbYYb"));
    EXPECT_TRUE(glob_match("claude-sonnet", "claude-sonnet"));
    EXPECT_FALSE(glob_match("claude-sonnet", "claude-sonnet-4"));
    EXPECT_TRUE(is_glob("gpt-*"));
    EXPECT_FALSE(is_glob("gpt-4o"));
}

TEST(HeaderFields, FollowRfc9110) {
    EXPECT_TRUE(is_header_name("OpenAI-Organization"));
    EXPECT_FALSE(is_header_name("Bad Header"));
    EXPECT_FALSE(is_header_name("a:b"));
    EXPECT_FALSE(is_header_name(""));
    EXPECT_TRUE(is_header_value("org-123\tx"));
    EXPECT_FALSE(is_header_value("a\r\nInjected: 1"));
    EXPECT_FALSE(is_header_value(std::string("a\0b", 3)));
}

TEST(Sha256Hex, NeedsExactly64HexDigits) {
    EXPECT_TRUE(is_sha256_hex(std::string(64, 'a')));
    EXPECT_TRUE(is_sha256_hex(std::string(64, 'F')));
    EXPECT_FALSE(is_sha256_hex(std::string(63, 'a')));
    EXPECT_FALSE(is_sha256_hex(std::string(65, 'a')));
    EXPECT_FALSE(is_sha256_hex(std::string(64, 'g')));
}

TEST(Suggest, FindsCloseKeysOnly) {
    std::vector<std::string_view> keys = {"listen", "admin_listen", "workers", "limits"};
    EXPECT_EQ(detail::closest_match("wokers", keys), "workers");
    EXPECT_EQ(detail::closest_match("wokrers", keys), "workers");
    EXPECT_EQ(detail::closest_match("Listen", keys), "listen");
    EXPECT_EQ(detail::closest_match("admin-listen", keys), "admin_listen");
    EXPECT_EQ(detail::closest_match("colour", keys), "");
    EXPECT_EQ(detail::closest_match("x", keys), "");
    EXPECT_EQ(detail::edit_distance("abc", "acb"), 1u);
    EXPECT_EQ(detail::edit_distance("", "abc"), 3u);
}

}  // namespace
}  // namespace rg::config
