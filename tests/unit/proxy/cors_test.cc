#include "proxy/cors.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "head_for_test.h"

namespace rg::proxy {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;
using Out = std::vector<std::pair<std::string, std::string>>;

server::CorsOptions options(std::vector<std::string> origins, uint32_t max_age_ms = 600000) {
    return server::CorsOptions{std::move(origins), max_age_ms};
}

Out preflight(const Cors& cors, const Headers& headers) {
    HeadForTest h(http::Method::options, "/v1/chat/completions", headers);
    std::array<http::Header, Cors::preflight_headers_max> out;
    const size_t n = cors.preflight_headers(h.head(), out);
    Out result;
    for (size_t i = 0; i < n; ++i) {
        result.emplace_back(out[i].name, out[i].value);
    }
    return result;
}

Out simple(const Cors& cors, const Headers& headers) {
    HeadForTest h(http::Method::post, "/v1/chat/completions", headers);
    std::array<http::Header, Cors::response_headers_max> out;
    const size_t n = cors.response_headers(h.head(), out);
    Out result;
    for (size_t i = 0; i < n; ++i) {
        result.emplace_back(out[i].name, out[i].value);
    }
    return result;
}

TEST(Cors, MatchesListedOriginsCaseInsensitivelyIgnoringATrailingSlash) {
    const Cors cors(options({"https://app.example.com/", "http://localhost:3000"}));
    EXPECT_TRUE(cors.allows("https://app.example.com"));
    EXPECT_TRUE(cors.allows("HTTPS://APP.EXAMPLE.COM"));
    EXPECT_TRUE(cors.allows("http://localhost:3000"));
    EXPECT_FALSE(cors.allows("http://localhost:3001"));
    EXPECT_FALSE(cors.allows("https://app.example.com.evil.com"));
    EXPECT_FALSE(cors.allows("null"));
    EXPECT_FALSE(cors.allows(""));
}

TEST(Cors, StarAllowsEveryOrigin) {
    const Cors cors(options({"*"}));
    EXPECT_TRUE(cors.allows("https://anything.example"));
    EXPECT_TRUE(cors.allows("null"));
    EXPECT_FALSE(cors.allows(""));
    EXPECT_FALSE(Cors(options({})).allows("https://a.example"));
}

TEST(Cors, RecognisesPreflights) {
    HeadForTest yes(http::Method::options, "/v1/messages",
                    {{"Origin", "https://a"}, {"Access-Control-Request-Method", "POST"}});
    HeadForTest no_method(http::Method::options, "/v1/messages", {{"Origin", "https://a"}});
    HeadForTest no_origin(http::Method::options, "/v1/messages",
                          {{"Access-Control-Request-Method", "POST"}});
    HeadForTest post(http::Method::post, "/v1/messages",
                     {{"Origin", "https://a"}, {"Access-Control-Request-Method", "POST"}});
    EXPECT_TRUE(Cors::is_preflight(yes.head()));
    EXPECT_FALSE(Cors::is_preflight(no_method.head()));
    EXPECT_FALSE(Cors::is_preflight(no_origin.head()));
    EXPECT_FALSE(Cors::is_preflight(post.head()));
}

TEST(Cors, PreflightForAnAllowedOriginEchoesOriginAndRequestedHeaders) {
    const Cors cors(options({"https://app.example.com"}, 90500));
    const Out out = preflight(cors, {{"Origin", "https://app.example.com"},
                                     {"Access-Control-Request-Method", "POST"},
                                     {"Access-Control-Request-Headers",
                                      "anthropic-dangerous-direct-browser-access, "
                                      "anthropic-version, content-type, x-api-key, "
                                      "x-stainless-os"}});
    const Out expected = {
        {"Access-Control-Allow-Origin", "https://app.example.com"},
        {"Vary", "Origin, Access-Control-Request-Headers"},
        {"Access-Control-Allow-Methods", "GET, POST, OPTIONS"},
        {"Access-Control-Allow-Headers",
         "anthropic-dangerous-direct-browser-access, anthropic-version, content-type, "
         "x-api-key, x-stainless-os"},
        {"Access-Control-Max-Age", "90"},
    };
    EXPECT_EQ(out, expected);
}

TEST(Cors, PreflightFallsBackToTheFixedHeaderListForOddRequests) {
    const Cors cors(options({"*"}));
    const std::string huge(cors_request_headers_bytes_max + 1, 'a');
    for (std::string requested : {std::string("x-a; drop table"), huge, std::string()}) {
        const Out out = preflight(cors, {{"Origin", "https://x"},
                                         {"Access-Control-Request-Method", "POST"},
                                         {"Access-Control-Request-Headers", requested}});
        ASSERT_EQ(out.size(), Cors::preflight_headers_max);
        EXPECT_EQ(out[3].second, cors_allow_headers_default);
    }
}

TEST(Cors, PreflightForAnotherOriginHasNoAllowOrigin) {
    const Cors cors(options({"https://app.example.com"}));
    const Out out = preflight(
        cors, {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
    EXPECT_EQ(out, (Out{{"Vary", "Origin"}}));
}

TEST(Cors, NormalResponsesGetCorsHeadersOnlyForAllowedOrigins) {
    const Cors cors(options({"https://app.example.com"}));
    EXPECT_EQ(simple(cors, {{"Origin", "https://app.example.com"}}),
              (Out{{"Access-Control-Allow-Origin", "https://app.example.com"},
                   {"Vary", "Origin"},
                   {"Access-Control-Expose-Headers", std::string(cors_expose_headers)}}));
    EXPECT_EQ(simple(cors, {{"Origin", "https://evil.example"}}), (Out{{"Vary", "Origin"}}));
    EXPECT_TRUE(simple(cors, {}).empty());
}

TEST(Cors, AllowHeaderDefaultsCoverTheSdkHeaders) {
    for (std::string_view name :
         {"authorization", "content-type", "x-api-key", "x-goog-api-key", "anthropic-version",
          "anthropic-beta", "x-stainless-lang", "x-stainless-retry-count", "openai-organization",
          "anthropic-dangerous-direct-browser-access"}) {
        EXPECT_NE(cors_allow_headers_default.find(name), std::string_view::npos) << name;
    }
}

}  // namespace
}  // namespace rg::proxy
