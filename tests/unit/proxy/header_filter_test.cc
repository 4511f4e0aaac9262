#include "proxy/header_filter.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "head_for_test.h"

namespace rg::proxy {
namespace {

using keys::ProviderType;
using Headers = std::vector<std::pair<std::string, std::string>>;

std::vector<std::string> forwarded_names(const Headers& headers, ProviderType upstream,
                                         std::vector<keys::HeaderOptions> provider_headers = {}) {
    HeadForTest h(http::Method::post, "/v1/chat/completions", headers);
    std::vector<http::Header> out(h.head().header_count);
    const size_t n = filter_request_headers(h.head(), upstream, provider_headers, out);
    std::vector<std::string> names;
    for (size_t i = 0; i < n; ++i) {
        names.emplace_back(out[i].name);
    }
    return names;
}

TEST(FilterRequestHeaders, DropsHopByHopCredentialsAndClientAddresses) {
    const Headers dropped = {
        {"Host", "gw"},
        {"Connection", "keep-alive, X-Custom-Hop"},
        {"X-Custom-Hop", "1"},
        {"Keep-Alive", "timeout=5"},
        {"Proxy-Authorization", "Basic x"},
        {"Proxy-Connection", "keep-alive"},
        {"TE", "trailers"},
        {"Trailer", "x"},
        {"Transfer-Encoding", "chunked"},
        {"Upgrade", "h2c"},
        {"Expect", "100-continue"},
        {"Content-Length", "10"},
        {"Authorization", "Bearer client"},
        {"X-Api-Key", "client"},
        {"x-goog-api-key", "client"},
        {"api-key", "client"},
        {"Cookie", "a=b"},
        {"OpenAI-Organization", "org-client"},
        {"OpenAI-Project", "proj-client"},
        {"Forwarded", "for=1.2.3.4"},
        {"X-Forwarded-For", "1.2.3.4"},
        {"X-Forwarded-Proto", "https"},
        {"X-Real-IP", "1.2.3.4"},
        {"Via", "1.1 lb"},
        {"Origin", "https://app.example.com"},
        {"Access-Control-Request-Method", "POST"},
        {"anthropic-dangerous-direct-browser-access", "true"},
        {"Accept-Encoding", "gzip"},
        {"X-Request-Id", "client-id"},
    };
    for (ProviderType type :
         {ProviderType::openai, ProviderType::anthropic, ProviderType::gemini}) {
        EXPECT_TRUE(forwarded_names(dropped, type).empty());
    }
}

TEST(FilterRequestHeaders, KeepsSdkHeadersInOrder) {
    const Headers headers = {
        {"accept", "application/json"},        {"content-type", "application/json"},
        {"user-agent", "OpenAI/JS 4.77.0"},    {"x-stainless-lang", "js"},
        {"x-stainless-retry-count", "0"},      {"traceparent", "00-abc-def-01"},
        {"authorization", "Bearer sk-client"}, {"x-custom", "v"},
    };
    const std::vector<std::string> expected = {
        "accept",      "content-type", "user-agent", "x-stainless-lang", "x-stainless-retry-count",
        "traceparent", "x-custom"};
    EXPECT_EQ(forwarded_names(headers, ProviderType::openai), expected);
}

TEST(FilterRequestHeaders, SendsProviderSpecificHeadersOnlyToThatProvider) {
    const Headers headers = {
        {"anthropic-version", "2023-06-01"},
        {"anthropic-beta", "prompt-caching-2024-07-31"},
        {"OpenAI-Beta", "assistants=v2"},
        {"x-goog-api-client", "genai-js/1.0"},
    };
    EXPECT_EQ(forwarded_names(headers, ProviderType::anthropic),
              (std::vector<std::string>{"anthropic-version", "anthropic-beta"}));
    EXPECT_EQ(forwarded_names(headers, ProviderType::openai),
              (std::vector<std::string>{"OpenAI-Beta"}));
    EXPECT_EQ(forwarded_names(headers, ProviderType::gemini),
              (std::vector<std::string>{"x-goog-api-client"}));
}

TEST(FilterRequestHeaders, ProviderConfiguredHeadersReplaceTheClients) {
    const Headers headers = {{"X-Tenant", "client"}, {"user-agent", "sdk"}};
    EXPECT_EQ(forwarded_names(headers, ProviderType::openai, {{"x-tenant", "gateway"}}),
              (std::vector<std::string>{"user-agent"}));
}

TEST(FilterRequestHeaders, ConnectionTokensAreTrimmedAndCaseInsensitive) {
    const Headers headers = {{"connection", " close ,\tX-A"},
                             {"Connection", "x-b"},
                             {"x-a", "1"},
                             {"X-B", "2"},
                             {"x-c", "3"},
                             {"close", "odd but named"}};
    EXPECT_EQ(forwarded_names(headers, ProviderType::openai), (std::vector<std::string>{"x-c"}));
}

TEST(FilterRequestHeaders, HonoursOnlyTheFirst32ConnectionTokens) {
    std::string list;
    for (int i = 0; i < 40; ++i) {
        list += "x-" + std::to_string(i) + ",";
    }
    const Headers headers = {{"Connection", list}, {"x-0", "a"}, {"x-31", "b"}, {"x-32", "c"}};
    EXPECT_EQ(forwarded_names(headers, ProviderType::openai), (std::vector<std::string>{"x-32"}));
}

std::vector<http::Header> filter_response(const std::vector<http::Header>& in) {
    std::vector<http::Header> out(in.size());
    out.resize(filter_response_headers(in, out));
    return out;
}

TEST(FilterResponseHeaders, KeepsContentHeadersAndRetryHints) {
    const std::vector<http::Header> in = {
        {"Content-Type", "text/event-stream; charset=utf-8"},
        {"Cache-Control", "no-cache"},
        {"retry-after", "3"},
        {"x-should-retry", "true"},
        {"openai-processing-ms", "120"},
        {"openai-version", "2020-10-01"},
    };
    const std::vector<http::Header> out = filter_response(in);
    ASSERT_EQ(out.size(), in.size());
    for (size_t i = 0; i < in.size(); ++i) {
        EXPECT_EQ(out[i].name, in[i].name);
        EXPECT_EQ(out[i].value, in[i].value);
    }
}

TEST(FilterResponseHeaders, DropsFramingCookiesAndAccountDetails) {
    const std::vector<http::Header> in = {
        {"Connection", "keep-alive, x-hop"},
        {"x-hop", "1"},
        {"Keep-Alive", "timeout=5"},
        {"Transfer-Encoding", "chunked"},
        {"Content-Length", "10"},
        {"Date", "Mon, 01 Jan 2024 00:00:00 GMT"},
        {"Server", "cloudflare"},
        {"Set-Cookie", "__cf_bm=x"},
        {"alt-svc", "h3=\":443\""},
        {"Strict-Transport-Security", "max-age=1"},
        {"x-ratelimit-remaining-requests", "99"},
        {"anthropic-ratelimit-tokens-remaining", "1"},
        {"anthropic-priority-input-tokens-limit", "1"},
        {"openai-organization", "org-gateway"},
        {"openai-project", "proj_gateway"},
        {"anthropic-organization-id", "uuid"},
        {"Proxy-Authenticate", "Basic"},
    };
    EXPECT_TRUE(filter_response(in).empty());
}

TEST(FilterResponseHeaders, RenamesUpstreamRequestIds) {
    const std::vector<http::Header> in = {{"x-request-id", "req_openai"},
                                          {"request-id", "req_anthropic"}};
    const std::vector<http::Header> out = filter_response(in);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].name, upstream_request_id_header);
    EXPECT_EQ(out[0].value, "req_openai");
    EXPECT_EQ(out[1].name, upstream_request_id_header);
    EXPECT_EQ(out[1].value, "req_anthropic");
}

std::string auth(ProviderType type, const std::vector<http::Header>& forwarded) {
    ByteBuffer out;
    append_upstream_auth(type, "sk-secret", forwarded, out);
    return std::string(out.view());
}

TEST(AppendUpstreamAuth, WritesEachProvidersAuthHeaders) {
    EXPECT_EQ(auth(ProviderType::openai, {}), "Authorization: Bearer sk-secret\r\n");
    EXPECT_EQ(auth(ProviderType::anthropic, {}),
              "x-api-key: sk-secret\r\nanthropic-version: 2023-06-01\r\n");
    EXPECT_EQ(auth(ProviderType::anthropic, {{"Anthropic-Version", "2023-01-01"}}),
              "x-api-key: sk-secret\r\n");
    EXPECT_EQ(auth(ProviderType::gemini, {}), "x-goog-api-key: sk-secret\r\n");
}

TEST(AppendHeaderLines, WritesNameColonValueLines) {
    ByteBuffer out;
    const http::Header headers[] = {{"a", "1"}, {"B-c", "two words"}};
    append_header_lines(out, headers);
    EXPECT_EQ(out.view(), "a: 1\r\nB-c: two words\r\n");
}

}  // namespace
}  // namespace rg::proxy
