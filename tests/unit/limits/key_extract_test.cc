#include "limits/key_extract.h"

#include <gtest/gtest.h>

#include <vector>

namespace rg::limits {
namespace {

PresentedKey extract(const std::vector<http::Header>& headers, std::string_view query,
                     KeyScratch* scratch) {
    return extract_key(headers, query, scratch);
}

TEST(ExtractKey, FromEachPlace) {
    KeyScratch s;
    PresentedKey k = extract({{"Authorization", "Bearer sk-1"}}, "", &s);
    EXPECT_EQ(k.source, KeySource::authorization);
    EXPECT_EQ(k.key, "sk-1");
    k = extract({{"x-api-key", "sk-2"}}, "", &s);
    EXPECT_EQ(k.source, KeySource::x_api_key);
    EXPECT_EQ(k.key, "sk-2");
    k = extract({{"X-Goog-Api-Key", "sk-3"}}, "", &s);
    EXPECT_EQ(k.source, KeySource::x_goog_api_key);
    EXPECT_EQ(k.key, "sk-3");
    k = extract({}, "alt=sse&key=sk-4", &s);
    EXPECT_EQ(k.source, KeySource::query);
    EXPECT_EQ(k.key, "sk-4");
    k = extract({{"content-type", "application/json"}}, "alt=sse", &s);
    EXPECT_EQ(k.source, KeySource::none);
    EXPECT_TRUE(k.key.empty());
}

TEST(ExtractKey, PrecedenceIsAuthorizationThenXApiKeyThenGoogThenQuery) {
    KeyScratch s;
    std::vector<http::Header> h = {
        {"x-goog-api-key", "g"}, {"x-api-key", "x"}, {"authorization", "Bearer a"}};
    EXPECT_EQ(extract(h, "key=q", &s).key, "a");
    h.pop_back();
    EXPECT_EQ(extract(h, "key=q", &s).key, "x");
    h.pop_back();
    EXPECT_EQ(extract(h, "key=q", &s).key, "g");
    h.pop_back();
    EXPECT_EQ(extract(h, "key=q", &s).key, "q");
}

TEST(ExtractKey, BearerSchemeIsCaseInsensitiveAndTrimmed) {
    KeyScratch s;
    EXPECT_EQ(extract({{"authorization", "  bearer \t sk-1  "}}, "", &s).key, "sk-1");
    EXPECT_EQ(extract({{"authorization", "BEARER sk-1"}}, "", &s).key, "sk-1");
    EXPECT_EQ(extract({{"x-api-key", " sk-2\t"}}, "", &s).key, "sk-2");
}

TEST(ExtractKey, OtherAuthorizationSchemesAndEmptyValuesAreSkipped) {
    KeyScratch s;
    PresentedKey k =
        extract({{"authorization", "Basic dXNlcjpwYXNz"}, {"x-api-key", "sk-x"}}, "", &s);
    EXPECT_EQ(k.source, KeySource::x_api_key);
    EXPECT_EQ(k.key, "sk-x");
    EXPECT_EQ(extract({{"authorization", "Bearer"}}, "", &s).source, KeySource::none);
    EXPECT_EQ(extract({{"authorization", "Bearer   "}}, "", &s).source, KeySource::none);
    EXPECT_EQ(extract({{"authorization", "Bearersk-1"}}, "", &s).source, KeySource::none);
    EXPECT_EQ(extract({{"x-api-key", ""}}, "key=", &s).source, KeySource::none);
}

TEST(ExtractKey, FirstOfRepeatedHeadersWins) {
    KeyScratch s;
    EXPECT_EQ(extract({{"x-api-key", "one"}, {"x-api-key", "two"}}, "", &s).key, "one");
}

TEST(ExtractKey, QueryValueIsPercentDecoded) {
    KeyScratch s;
    PresentedKey k = extract({}, "key=sk%2Dab%2fc%3D%3d&alt=sse", &s);
    EXPECT_EQ(k.key, "sk-ab/c==");
    EXPECT_GE(k.key.data(), s.bytes);
    EXPECT_LT(k.key.data(), s.bytes + sizeof s.bytes);
    EXPECT_EQ(extract({}, "key=a+b", &s).key, "a+b");
}

TEST(ExtractKey, QueryMatchesTheKeyParameterOnlyAndTakesTheFirst) {
    KeyScratch s;
    EXPECT_EQ(extract({}, "apikey=x&monkey=y&key=z&key=w", &s).key, "z");
    EXPECT_EQ(extract({}, "keys=x", &s).source, KeySource::none);
}

TEST(ExtractKey, BrokenEscapesAndOverlongValuesStayRawSoTheyFailAuthentication) {
    KeyScratch s;
    EXPECT_EQ(extract({}, "key=sk%2", &s).key, "sk%2");
    EXPECT_EQ(extract({}, "key=sk%zz", &s).key, "sk%zz");
    EXPECT_EQ(extract({}, "key=%", &s).key, "%");
    const std::string long_value(query_key_bytes_max + 1, 'a');
    const std::string query = "key=" + long_value;
    PresentedKey k = extract({}, query, &s);
    EXPECT_EQ(k.source, KeySource::query);
    EXPECT_EQ(k.key, long_value);
}

}  // namespace
}  // namespace rg::limits
