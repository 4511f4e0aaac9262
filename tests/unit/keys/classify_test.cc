// keys/classify: every classification rule per provider type on the real error bodies
// (golden copies in tests/data/keys/: the spec fixtures and what ringgate-mock sends), the
// retry and rate-limit hint headers in all their formats, and garbage or truncated input.
#include "keys/classify.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "keys/wire_time.h"

namespace rg::keys {
namespace {

using P = ProviderType;
using FC = FailureClass;

// --- Golden data ------------------------------------------------------------------------

std::string read_file(const std::string& name) {
    std::ifstream in(std::string(RG_KEYS_TEST_DATA) + "/" + name, std::ios::binary);
    EXPECT_TRUE(in.good()) << name;
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// One entry of a catalog file, minified: "openai.errors.catalog.json" + "429_quota".
std::string catalog_body(const std::string& file, const std::string& key) {
    static std::map<std::string, std::string> files;
    std::string& text = files[file];
    if (text.empty()) {
        text = read_file(file);
    }
    simdjson::dom::parser parser;
    simdjson::dom::element e;
    EXPECT_EQ(parser.parse(text).at_key(key).get(e), simdjson::SUCCESS) << file << " " << key;
    return simdjson::minify(e);
}

// ringgate-mock's answer for a fault: {"status":N,"body":{...}}.
std::pair<int, std::string> mock_answer(const std::string& provider, const std::string& fault) {
    std::string text = read_file("mock.errors.catalog.json");
    simdjson::dom::parser parser;
    simdjson::dom::element e;
    EXPECT_EQ(parser.parse(text).at_key(provider).at_key(fault).get(e), simdjson::SUCCESS)
        << provider << " " << fault;
    int64_t status = 0;
    EXPECT_EQ(e["status"].get_int64().get(status), simdjson::SUCCESS);
    return {static_cast<int>(status), simdjson::minify(e["body"])};
}

// Owns header strings and hands out http::Header views over them.
class Headers {
  public:
    Headers() = default;
    Headers(std::initializer_list<std::pair<std::string, std::string>> list) : owned_(list) {}
    static Headers from_file(const std::string& name) {
        Headers h;
        std::string text = read_file(name);
        simdjson::dom::parser parser;
        simdjson::dom::object object;
        EXPECT_EQ(parser.parse(text).get(object), simdjson::SUCCESS);
        for (auto [key, value] : object) {
            h.owned_.emplace_back(std::string(key), std::string(value.get_string().value()));
        }
        return h;
    }
    Headers without(const std::string& name) const {
        Headers h;
        for (const auto& kv : owned_) {
            if (kv.first != name) {
                h.owned_.push_back(kv);
            }
        }
        return h;
    }
    Headers with(const std::string& name, const std::string& value) const {
        Headers h = *this;
        h.owned_.emplace_back(name, value);
        return h;
    }
    std::span<const http::Header> span() {
        views_.clear();
        for (const auto& kv : owned_) {
            views_.push_back(http::Header{kv.first, kv.second});
        }
        return views_;
    }

  private:
    std::vector<std::pair<std::string, std::string>> owned_;
    std::vector<http::Header> views_;
};

// 2025-01-01T00:00:00Z, the fixtures' Date.
constexpr int64_t fixture_now_ms = 1735689600000;

const char* name(P p) {
    return p == P::openai ? "openai" : p == P::anthropic ? "anthropic" : "gemini";
}

struct Expect {
    FC cls;
    bool other_key;
    bool fallback;
    uint64_t retry_ms = 0;
};

void expect_class(const Classification& c, const Expect& e, const std::string& what) {
    EXPECT_EQ(failure_class_name(c.cls), failure_class_name(e.cls)) << what;
    EXPECT_EQ(c.retry_other_key, e.other_key) << what;
    EXPECT_EQ(c.retry_fallback, e.fallback) << what;
    EXPECT_EQ(c.retry_after_ms, e.retry_ms) << what;
}

// Class shorthands with their retry flags (the rules of the issue).
Expect rate_limited(uint64_t ms = 0) {
    return {FC::rate_limited, true, true, ms};
}
Expect quota(uint64_t ms = 0) {
    return {FC::quota, true, true, ms};
}
Expect auth() {
    return {FC::auth, true, true};
}
Expect server(uint64_t ms = 0) {
    return {FC::server, true, true, ms};
}
Expect overloaded() {
    return {FC::overloaded, true, true};
}
Expect context_length() {
    return {FC::context_length, false, true};
}
Expect content_policy() {
    return {FC::content_policy, false, false};
}
Expect client_error() {
    return {FC::client_error, false, false};
}
Expect not_found() {
    return {FC::client_error, false, true};
}

// --- The spec fixtures --------------------------------------------------------------------

struct CatalogCase {
    P type;
    const char* key;
    int status;
    Expect expect;
};

TEST(ClassifyResponse, SpecFixtureBodiesGetTheirClass) {
    const CatalogCase cases[] = {
        {P::openai, "400", 400, context_length()},
        {P::openai, "401", 401, auth()},
        {P::openai, "403", 403, auth()},
        {P::openai, "404", 404, not_found()},
        {P::openai, "413", 413, client_error()},
        {P::openai, "429_quota", 429, quota()},
        // No headers: the message's "Please try again in 1.24s" is the hint.
        {P::openai, "429_rate", 429, rate_limited(1240)},
        {P::openai, "500", 500, server()},
        {P::openai, "503", 503, overloaded()},
        {P::anthropic, "400", 400, client_error()},
        {P::anthropic, "400_empty_text", 400, client_error()},
        {P::anthropic, "400_tool_result", 400, client_error()},
        {P::anthropic, "401", 401, auth()},
        {P::anthropic, "402", 402, quota()},
        {P::anthropic, "403", 403, auth()},
        {P::anthropic, "404", 404, not_found()},
        {P::anthropic, "413", 413, client_error()},
        {P::anthropic, "429", 429, rate_limited()},
        {P::anthropic, "500", 500, server()},
        {P::anthropic, "504", 504, server()},
        {P::anthropic, "529", 529, overloaded()},
        {P::gemini, "400_invalid_argument", 400, client_error()},
        {P::gemini, "400_bad_api_key", 400, auth()},  // a bad Gemini key is a 400
        {P::gemini, "400_failed_precondition", 400, client_error()},
        {P::gemini, "400_missing_thought_signature", 400, client_error()},
        {P::gemini, "401", 401, auth()},
        {P::gemini, "403", 403, auth()},
        {P::gemini, "404", 404, not_found()},
        {P::gemini, "429", 429, rate_limited(34000)},  // per-minute quota, RetryInfo 34s
        {P::gemini, "500", 500, server()},
        {P::gemini, "503", 503, overloaded()},
        {P::gemini, "504", 504, server()},
    };
    for (const CatalogCase& c : cases) {
        const std::string body =
            catalog_body(std::string(name(c.type)) + ".errors.catalog.json", c.key);
        expect_class(classify_response(c.type, c.status, {}, body, fixture_now_ms), c.expect,
                     std::string(name(c.type)) + " " + c.key);
    }
}

TEST(ClassifyResponse, SpecFixture429sWithTheirHeaders) {
    Headers openai = Headers::from_file("openai.error_429.headers.json");
    expect_class(
        classify_response(P::openai, 429, openai.span(),
                          catalog_body("openai.errors.catalog.json", "429_rate"), fixture_now_ms),
        rate_limited(2000), "openai retry-after: 2");
    Headers anthropic = Headers::from_file("anthropic.error_429.headers.json");
    expect_class(
        classify_response(P::anthropic, 429, anthropic.span(),
                          catalog_body("anthropic.errors.catalog.json", "429"), fixture_now_ms),
        rate_limited(17000), "anthropic retry-after: 17");
    // Without retry-after the exhausted requests bucket's reset (00:00:17Z) is the hint.
    Headers no_retry_after = anthropic.without("retry-after");
    expect_class(
        classify_response(P::anthropic, 429, no_retry_after.span(),
                          catalog_body("anthropic.errors.catalog.json", "429"), fixture_now_ms),
        rate_limited(17000), "anthropic requests reset");
    expect_class(
        classify_response(P::gemini, 429, {}, read_file("gemini.error_429.json"), fixture_now_ms),
        rate_limited(34000), "gemini RetryInfo");
}

// --- What ringgate-mock sends for each fault ------------------------------------------------

TEST(ClassifyResponse, MockFaultsGetTheirClassForEveryProvider) {
    struct MockCase {
        const char* fault;
        Expect openai, anthropic, gemini;
    };
    const MockCase cases[] = {
        // OpenAI's message says "try again in 1s"; the others carry no hint in the body.
        {"429", rate_limited(1000), rate_limited(), rate_limited()},
        {"quota", quota(), quota(), quota()},
        {"context_length", context_length(), context_length(), context_length()},
        {"overloaded", overloaded(), overloaded(), overloaded()},
        {"500", server(), server(), server()},
        {"404", not_found(), not_found(), not_found()},
        {"401", auth(), auth(), auth()},
        {"403", auth(), auth(), auth()},
    };
    for (const MockCase& c : cases) {
        for (P type : {P::openai, P::anthropic, P::gemini}) {
            auto [status, body] = mock_answer(name(type), c.fault);
            const Expect& e = type == P::openai      ? c.openai
                              : type == P::anthropic ? c.anthropic
                                                     : c.gemini;
            expect_class(classify_response(type, status, {}, body, fixture_now_ms), e,
                         std::string(name(type)) + " mock " + c.fault);
        }
    }
}

TEST(ClassifyResponse, MockContentPolicyIsNeverRetried) {
    for (P type : {P::openai, P::anthropic}) {
        auto [status, body] = mock_answer(name(type), "content_policy");
        EXPECT_EQ(status, 400);
        expect_class(classify_response(type, status, {}, body, fixture_now_ms), content_policy(),
                     name(type));
    }
    // Gemini blocks a prompt with a 200: classify_success tells.
    auto [status, body] = mock_answer("gemini", "content_policy");
    EXPECT_EQ(status, 200);
    std::optional<Classification> c = classify_success(P::gemini, body);
    ASSERT_TRUE(c.has_value());
    expect_class(*c, content_policy(), "gemini blocked prompt");
}

TEST(ClassifyResponse, MockRetryHintsInEachProvidersForm) {
    Headers ms{{"retry-after-ms", "1500"}};
    for (P type : {P::openai, P::anthropic}) {
        auto [status, body] = mock_answer(name(type), "429_retry_1500ms");
        expect_class(classify_response(type, status, ms.span(), body, fixture_now_ms),
                     rate_limited(1500), name(type));
    }
    // Gemini: RetryInfo "1.5s" in the body, no header.
    auto [status, body] = mock_answer("gemini", "429_retry_1500ms");
    expect_class(classify_response(P::gemini, status, {}, body, fixture_now_ms), rate_limited(1500),
                 "gemini");
}

// --- Rules by status, for every provider type ---------------------------------------------

TEST(ClassifyResponse, StatusRulesHoldForEveryProviderWithAnyBody) {
    struct StatusCase {
        int status;
        Expect expect;
    };
    const StatusCase cases[] = {
        {401, auth()},         {403, auth()},         {402, quota()},        {429, rate_limited()},
        {404, not_found()},    {408, server()},       {409, server()},       {500, server()},
        {502, server()},       {504, server()},       {529, overloaded()},   {400, client_error()},
        {405, client_error()}, {413, client_error()}, {422, client_error()}, {451, client_error()},
        {599, server()},       {200, server()},       {302, server()},       {0, server()},
        {-7, server()},        {100000, server()},
    };
    const char* bodies[] = {"",
                            "<html><body>Bad Gateway</body></html>",
                            "null",
                            "[]",
                            "{}",
                            "{\"error\":null}",
                            "{\"error\":\"plain text\"}"};
    for (P type : {P::openai, P::anthropic, P::gemini}) {
        for (const StatusCase& c : cases) {
            for (const char* body : bodies) {
                expect_class(classify_response(type, c.status, {}, body, fixture_now_ms), c.expect,
                             std::string(name(type)) + " " + std::to_string(c.status) + " " + body);
            }
        }
    }
}

TEST(ClassifyResponse, A503IsOverloadedOnlyWhenTheBodySaysSo) {
    for (P type : {P::openai, P::anthropic, P::gemini}) {
        expect_class(classify_response(type, 503, {}, "Service Unavailable", fixture_now_ms),
                     server(), name(type));
    }
    expect_class(classify_response(P::openai, 503, {},
                                   R"({"error":{"message":"Slow down","code":"slow_down"}})",
                                   fixture_now_ms),
                 overloaded(), "openai slow_down");
    expect_class(
        classify_response(P::anthropic, 500, {},
                          R"({"type":"error","error":{"type":"overloaded_error","message":"x"}})",
                          fixture_now_ms),
        overloaded(), "anthropic overloaded_error on a 500");
}

TEST(ClassifyResponse, QuotaExhaustionVariants) {
    // Anthropic's credit-balance refusal also comes as a 400 invalid_request_error.
    expect_class(classify_response(P::anthropic, 400, {},
                                   R"({"type":"error","error":{"type":"invalid_request_error",)"
                                   R"("message":"Your credit balance is too low to access the )"
                                   R"(Anthropic API."}})",
                                   fixture_now_ms),
                 quota(), "anthropic 400 credit balance");
    expect_class(classify_response(P::openai, 400, {},
                                   R"({"error":{"message":"Billing hard limit has been reached",)"
                                   R"("type":"invalid_request_error","param":null,)"
                                   R"("code":"billing_hard_limit_reached"}})",
                                   fixture_now_ms),
                 quota(), "openai billing_hard_limit_reached");
    // A per-day Gemini quota wins over a RetryInfo that comes with it: it will not clear in
    // seconds. The hint is still passed on.
    const std::string per_day_with_retry =
        R"({"error":{"code":429,"status":"RESOURCE_EXHAUSTED","message":"quota","details":[)"
        R"({"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"20s"},)"
        R"({"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaId":)"
        R"("GenerateRequestsPerDayPerProjectPerModel-FreeTier"}]}]}})";
    expect_class(classify_response(P::gemini, 429, {}, per_day_with_retry, fixture_now_ms),
                 quota(20000), "gemini per-day with RetryInfo");
    // Google front-ends may wrap the error in a one-element array.
    auto [status, per_day] = mock_answer("gemini", "quota");
    expect_class(classify_response(P::gemini, status, {}, "[" + per_day + "]", fixture_now_ms),
                 quota(), "gemini wrapped in an array");
    // A bare RESOURCE_EXHAUSTED (no QuotaFailure) is a rate limit.
    expect_class(classify_response(P::gemini, 429, {},
                                   R"({"error":{"code":429,"message":"Resource has been )"
                                   R"(exhausted (e.g. check quota).","status":)"
                                   R"("RESOURCE_EXHAUSTED"}})",
                                   fixture_now_ms),
                 rate_limited(), "gemini bare RESOURCE_EXHAUSTED");
    // "insufficient_quota" means nothing to the other providers' classifiers.
    expect_class(classify_response(P::gemini, 400, {}, R"({"error":{"code":"insufficient_quota"}})",
                                   fixture_now_ms),
                 client_error(), "gemini ignores OpenAI codes");
}

TEST(ClassifyResponse, ContextLengthAndContentPolicyVariants) {
    // vLLM and other OpenAI-compatible servers: flat envelope, no code.
    expect_class(classify_response(P::openai, 400, {},
                                   R"({"object":"error","message":"This model's maximum )"
                                   R"(context length is 4096 tokens. However, you requested )"
                                   R"(5000 tokens.","type":"BadRequestError","code":400})",
                                   fixture_now_ms),
                 context_length(), "vllm flat envelope");
    expect_class(classify_response(P::anthropic, 400, {},
                                   R"({"type":"error","error":{"type":"invalid_request_error",)"
                                   R"("message":"input length and `max_tokens` exceed context )"
                                   R"(limit: 198000 + 8192 > 200000"}})",
                                   fixture_now_ms),
                 context_length(), "anthropic max_tokens over the context");
    expect_class(classify_response(P::openai, 400, {},
                                   R"({"error":{"message":"The response was filtered",)"
                                   R"("type":null,"param":"prompt","code":"content_filter"}})",
                                   fixture_now_ms),
                 content_policy(), "azure content_filter");
    // Escaped characters are compared after unescaping.
    expect_class(
        classify_response(P::openai, 400, {},
                          R"({"error":{"code":"context_length_exc\u0065eded"}})", fixture_now_ms),
        context_length(), "escaped code");
    // A 404 that mentions tokens is still a missing model.
    expect_class(classify_response(P::gemini, 404, {},
                                   R"({"error":{"message":"The input token count is unknown",)"
                                   R"("status":"NOT_FOUND"}})",
                                   fixture_now_ms),
                 not_found(), "gemini 404");
}

TEST(ClassifyResponse, ShouldRetryFalseStopsRetriesOnlyWhereTheRequestIsTheProblem) {
    const std::string body =
        R"({"type":"error","error":{"type":"api_error","message":"Internal server error"}})";
    Headers no{{"x-should-retry", "false"}};
    Headers no_upper{{"X-Should-Retry", "FALSE"}};
    Headers yes{{"x-should-retry", "true"}};
    const Expect server_no_retry{FC::server, false, true};
    expect_class(classify_response(P::anthropic, 500, no.span(), body, fixture_now_ms),
                 server_no_retry, "500 + false");
    expect_class(classify_response(P::anthropic, 500, no_upper.span(), body, fixture_now_ms),
                 server_no_retry, "500 + FALSE");
    expect_class(classify_response(P::anthropic, 500, yes.span(), body, fixture_now_ms), server(),
                 "500 + true");
    expect_class(classify_response(P::anthropic, 529, no.span(), body, fixture_now_ms),
                 Expect{FC::overloaded, false, true}, "529 + false");
    expect_class(classify_response(P::anthropic, 409, no.span(), body, fixture_now_ms),
                 server_no_retry, "409 + false");
    // The key is the problem: another key is still worth it (the mock sends false on these).
    expect_class(
        classify_response(P::anthropic, 401, no.span(),
                          catalog_body("anthropic.errors.catalog.json", "401"), fixture_now_ms),
        auth(), "401 + false");
    expect_class(
        classify_response(P::anthropic, 402, no.span(),
                          catalog_body("anthropic.errors.catalog.json", "402"), fixture_now_ms),
        quota(), "402 + false");
    expect_class(
        classify_response(P::anthropic, 429, no.span(),
                          catalog_body("anthropic.errors.catalog.json", "429"), fixture_now_ms),
        rate_limited(), "429 + false");
    // And "true" never makes a client error retryable.
    expect_class(
        classify_response(P::anthropic, 400, yes.span(),
                          catalog_body("anthropic.errors.catalog.json", "400"), fixture_now_ms),
        client_error(), "400 + true");
}

// --- Transport ------------------------------------------------------------------------------

TEST(ClassifyTransport, EveryFailureIsRetryableOnAnotherKey) {
    using T = TransportFailure;
    const std::pair<T, FC> cases[] = {
        {T::connect_failed, FC::transport},
        {T::tls_failed, FC::transport},
        {T::reset, FC::transport},
        {T::cut_before_head, FC::transport},
        {T::cut_mid_body, FC::transport},
        {T::timeout_connect, FC::timeout},
        {T::timeout_first_byte, FC::timeout},
        {T::timeout_first_token, FC::timeout},
        {T::timeout_stall, FC::timeout},
    };
    for (auto [failure, cls] : cases) {
        expect_class(classify_transport(failure), Expect{cls, true, true},
                     std::to_string(static_cast<int>(failure)));
    }
}

// --- Retry hints ------------------------------------------------------------------------------

uint64_t hint(P type, Headers headers, const std::string& body = {}, int64_t now = fixture_now_ms) {
    return retry_after_ms(type, headers.span(), body, now);
}

TEST(RetryAfter, GenericHeadersInEveryForm) {
    for (P type : {P::openai, P::anthropic, P::gemini}) {
        EXPECT_EQ(hint(type, {{"retry-after", "17"}}), 17000u);
        EXPECT_EQ(hint(type, {{"Retry-After", " 17 "}}), 17000u);  // any case, OWS trimmed
        EXPECT_EQ(hint(type, {{"retry-after", "1.5"}}), 1500u);    // lenient fraction
        EXPECT_EQ(hint(type, {{"retry-after", "0"}}), 0u);
        EXPECT_EQ(hint(type, {{"retry-after-ms", "1500"}}), 1500u);
        EXPECT_EQ(hint(type, {{"RETRY-AFTER-MS", "250.2"}}), 251u);  // rounded up
        // retry-after-ms first, as the SDKs read them.
        EXPECT_EQ(hint(type, {{"retry-after", "9"}, {"retry-after-ms", "120"}}), 120u);
        // HTTP-date, all three forms, 30 s after the fixtures' now.
        EXPECT_EQ(hint(type, {{"retry-after", "Wed, 01 Jan 2025 00:00:30 GMT"}}), 30000u);
        EXPECT_EQ(hint(type, {{"retry-after", "Wednesday, 01-Jan-25 00:00:30 GMT"}}), 30000u);
        EXPECT_EQ(hint(type, {{"retry-after", "Wed Jan  1 00:00:30 2025"}}), 30000u);
        EXPECT_EQ(hint(type, {{"retry-after", "Tue, 31 Dec 2024 23:59:00 GMT"}}), 0u);  // past
        // Clamped to a day; garbage is ignored.
        EXPECT_EQ(hint(type, {{"retry-after", "99999999999999999999"}}), retry_after_ms_max);
        EXPECT_EQ(hint(type, {{"retry-after", "Fri, 01 Jan 2100 00:00:00 GMT"}}),
                  retry_after_ms_max);
        EXPECT_EQ(hint(type, {{"retry-after", "soon"}}), 0u);
        EXPECT_EQ(hint(type, {{"retry-after", "-5"}}), 0u);
        EXPECT_EQ(hint(type, {{"retry-after-ms", "x"}, {"retry-after", "3"}}), 3000u);
        EXPECT_EQ(hint(type, {}), 0u);
    }
}

TEST(RetryAfter, OpenAIResetDurationsOfExhaustedBuckets) {
    struct DurationCase {
        const char* reset;
        uint64_t ms;
    };
    const DurationCase cases[] = {
        {"1s", 1000},    {"6m0s", 360000},
        {"20ms", 20},    {"1h2m3.5s", 3723500},
        {"1.24s", 1240}, {"360ms", 360},
        {".5s", 500},    {"1\xC2\xB5s", 1},
        {"1500us", 2},   {"0", 0},
        {"0s", 0},       {"2", 2000},
        {"-1s", 0},      {"48h", retry_after_ms_max},
        {"17ns", 1},
    };
    for (const DurationCase& c : cases) {
        EXPECT_EQ(hint(P::openai, {{"x-ratelimit-remaining-requests", "0"},
                                   {"x-ratelimit-reset-requests", c.reset}}),
                  c.ms)
            << c.reset;
    }
    // Both exhausted: the later reset; only one: its reset; none: no header hint.
    EXPECT_EQ(hint(P::openai, {{"x-ratelimit-remaining-requests", "0"},
                               {"x-ratelimit-remaining-tokens", "0"},
                               {"x-ratelimit-reset-requests", "1s"},
                               {"x-ratelimit-reset-tokens", "6m0s"}}),
              360000u);
    EXPECT_EQ(hint(P::openai, {{"x-ratelimit-remaining-requests", "5"},
                               {"x-ratelimit-remaining-tokens", "0"},
                               {"x-ratelimit-reset-requests", "6m0s"},
                               {"x-ratelimit-reset-tokens", "20ms"}}),
              20u);
    EXPECT_EQ(
        hint(P::openai, Headers::from_file("openai.error_429.headers.json").without("retry-after")),
        0u);
    // Garbage durations are ignored.
    EXPECT_EQ(hint(P::openai,
                   {{"x-ratelimit-remaining-requests", "0"}, {"x-ratelimit-reset-requests", "1x"}}),
              0u);
    // Anthropic's names mean nothing on an OpenAI answer and vice versa.
    EXPECT_EQ(hint(P::anthropic,
                   {{"x-ratelimit-remaining-requests", "0"}, {"x-ratelimit-reset-requests", "1s"}}),
              0u);
}

TEST(RetryAfter, OpenAIMessageHint) {
    auto body = [](const std::string& message) {
        return R"({"error":{"message":")" + message + R"(","code":"rate_limit_exceeded"}})";
    };
    EXPECT_EQ(hint(P::openai, {}, body("Please try again in 1.24s. Visit x.")), 1240u);
    EXPECT_EQ(hint(P::openai, {}, body("Please try again in 6m0s.")), 360000u);
    EXPECT_EQ(hint(P::openai, {}, body("Please try again in 20ms")), 20u);
    EXPECT_EQ(hint(P::openai, {}, body("Please Try Again In 2s")), 2000u);
    EXPECT_EQ(hint(P::openai, {}, body("Please try again in a moment.")), 0u);
    EXPECT_EQ(hint(P::openai, {}, body("Please try again in 5")), 0u);  // no unit
    EXPECT_EQ(hint(P::anthropic, {}, body("Please try again in 2s")), 0u);
}

TEST(RetryAfter, AnthropicRfc3339ResetsOfExhaustedBuckets) {
    struct ResetCase {
        const char* reset;
        uint64_t ms;
    };
    const ResetCase cases[] = {
        {"2025-01-01T00:00:17Z", 17000},
        {"2025-01-01T00:00:17.250Z", 17250},
        {"2025-01-01T00:00:16.999999Z", 16999},
        {"2025-01-01t00:00:17z", 17000},
        {"2025-01-01 00:00:17Z", 17000},
        {"2025-01-01T05:30:17+05:30", 17000},
        {"2024-12-31T19:00:17-05:00", 17000},
        {"2024-12-31T23:59:00Z", 0},  // in the past
        {"2025-01-03T00:00:00Z", retry_after_ms_max},
        {"2025-01-01T00:00:17", 0},  // no offset: not RFC 3339
        {"17", 0},
    };
    for (const ResetCase& c : cases) {
        EXPECT_EQ(hint(P::anthropic, {{"anthropic-ratelimit-tokens-remaining", "0"},
                                      {"anthropic-ratelimit-tokens-reset", c.reset}}),
                  c.ms)
            << c.reset;
    }
    // Several buckets at 0: the latest reset. Not at 0: ignored.
    EXPECT_EQ(
        hint(P::anthropic, {{"anthropic-ratelimit-requests-remaining", "0"},
                            {"anthropic-ratelimit-requests-reset", "2025-01-01T00:00:05Z"},
                            {"anthropic-ratelimit-output-tokens-remaining", "0"},
                            {"anthropic-ratelimit-output-tokens-reset", "2025-01-01T00:00:09Z"},
                            {"anthropic-ratelimit-input-tokens-remaining", "10"},
                            {"anthropic-ratelimit-input-tokens-reset", "2025-01-01T00:01:00Z"}}),
        9000u);
}

TEST(RetryAfter, GeminiRetryInfoDelay) {
    auto body = [](const std::string& delay) {
        return R"({"error":{"code":429,"status":"RESOURCE_EXHAUSTED","details":[)"
               R"({"@type":"type.googleapis.com/google.rpc.Help","links":[]},)"
               R"({"retryDelay":")" +
               delay + R"(","@type":"type.googleapis.com/google.rpc.RetryInfo"}]}})";
    };
    EXPECT_EQ(hint(P::gemini, {}, body("30s")), 30000u);
    EXPECT_EQ(hint(P::gemini, {}, body("1.5s")), 1500u);
    EXPECT_EQ(hint(P::gemini, {}, body("0.250s")), 250u);
    EXPECT_EQ(hint(P::gemini, {}, body("86401s")), retry_after_ms_max);
    EXPECT_EQ(hint(P::gemini, {}, body("soon")), 0u);
    // A retryDelay outside a RetryInfo does not count.
    EXPECT_EQ(
        hint(P::gemini, {}, R"({"error":{"details":[{"@type":"x.ErrorInfo","retryDelay":"5s"}]}})"),
        0u);
    // Only Gemini reads it.
    EXPECT_EQ(hint(P::openai, {}, body("30s")), 0u);
    // A header still wins.
    EXPECT_EQ(hint(P::gemini, {{"retry-after", "2"}}, body("30s")), 2000u);
}

// --- Rate-limit steering ---------------------------------------------------------------------

TEST(ParseRateLimit, OpenAIFixtureHeaders) {
    Headers h = Headers::from_file("openai.error_429.headers.json");
    RateLimitHint r = parse_rate_limit(P::openai, h.span(), fixture_now_ms);
    EXPECT_TRUE(r.present);
    EXPECT_EQ(r.remaining_requests, 497);
    EXPECT_EQ(r.remaining_tokens, 200);
    EXPECT_EQ(r.reset_in_ms, 360u);  // none at 0: the earliest reset
    Headers drained =
        h.without("x-ratelimit-remaining-tokens").with("x-ratelimit-remaining-tokens", "0");
    r = parse_rate_limit(P::openai, drained.span(), fixture_now_ms);
    EXPECT_EQ(r.remaining_tokens, 0);
    EXPECT_EQ(r.reset_in_ms, 1240u);  // the drained bucket's reset
}

TEST(ParseRateLimit, AnthropicFixtureHeadersTakeTheSmallestTokenBucket) {
    Headers h = Headers::from_file("anthropic.error_429.headers.json");
    RateLimitHint r = parse_rate_limit(P::anthropic, h.span(), fixture_now_ms);
    EXPECT_TRUE(r.present);
    EXPECT_EQ(r.remaining_requests, 0);
    EXPECT_EQ(r.remaining_tokens, 7500);  // min(47000, 39500, 7500)
    EXPECT_EQ(r.reset_in_ms, 17000u);
    Headers only_input{{"anthropic-ratelimit-input-tokens-remaining", "39500"},
                       {"anthropic-ratelimit-input-tokens-reset", "2025-01-01T00:00:01.5Z"}};
    r = parse_rate_limit(P::anthropic, only_input.span(), fixture_now_ms);
    EXPECT_TRUE(r.present);
    EXPECT_EQ(r.remaining_requests, -1);
    EXPECT_EQ(r.remaining_tokens, 39500);
    EXPECT_EQ(r.reset_in_ms, 1500u);
}

TEST(ParseRateLimit, AbsentOrUnusableHeaders) {
    Headers openai = Headers::from_file("openai.error_429.headers.json");
    RateLimitHint r = parse_rate_limit(P::gemini, openai.span(), fixture_now_ms);
    EXPECT_FALSE(r.present);  // Gemini sends none, whatever arrives
    EXPECT_EQ(r.remaining_requests, -1);
    r = parse_rate_limit(P::openai, {}, fixture_now_ms);
    EXPECT_FALSE(r.present);
    EXPECT_EQ(r.remaining_tokens, -1);
    EXPECT_EQ(r.reset_in_ms, 0u);
    // Azure's -1 placeholders are unknown, not counts.
    Headers azure{{"x-ratelimit-remaining-requests", "-1"},
                  {"x-ratelimit-remaining-tokens", "1e3"}};
    r = parse_rate_limit(P::openai, azure.span(), fixture_now_ms);
    EXPECT_FALSE(r.present);
    EXPECT_EQ(r.remaining_requests, -1);
    EXPECT_EQ(r.remaining_tokens, -1);
}

// --- Success bodies -----------------------------------------------------------------------------

TEST(ClassifySuccess, OnlyAGeminiBlockedPromptIsAFailure) {
    const std::string answer =
        R"({"candidates":[{"content":{"parts":[{"text":"hi"}],"role":"model"},)"
        R"("finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":1}})";
    EXPECT_FALSE(classify_success(P::gemini, answer).has_value());
    const std::string blocked_with_candidates =
        R"({"promptFeedback":{"blockReason":"SAFETY"},"candidates":[{"index":0}]})";
    EXPECT_FALSE(classify_success(P::gemini, blocked_with_candidates).has_value());
    EXPECT_FALSE(classify_success(
                     P::gemini, R"({"promptFeedback":{"blockReason":"BLOCK_REASON_UNSPECIFIED"}})")
                     .has_value());
    const std::string blocked =
        R"({"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},"candidates":[]})";
    ASSERT_TRUE(classify_success(P::gemini, blocked).has_value());
    EXPECT_EQ(classify_success(P::gemini, blocked)->cls, FC::content_policy);
    // The streamed JSON-array form's first element.
    EXPECT_TRUE(classify_success(P::gemini, "[" + blocked).has_value());
    // Other providers' refusals are ordinary answers.
    EXPECT_FALSE(classify_success(P::openai, blocked).has_value());
    EXPECT_FALSE(classify_success(P::anthropic, blocked).has_value());
    EXPECT_FALSE(classify_success(P::gemini, "").has_value());
    EXPECT_FALSE(classify_success(P::gemini, "not json").has_value());
}

// --- Hostile input -----------------------------------------------------------------------------

bool valid(const Classification& c) {
    return c.cls < FC::count_ && c.retry_after_ms <= retry_after_ms_max &&
           (c.cls != FC::content_policy || (!c.retry_other_key && !c.retry_fallback)) &&
           (c.cls != FC::client_error || !c.retry_other_key) &&
           (c.cls != FC::context_length || (!c.retry_other_key && c.retry_fallback));
}

// Every prefix of every golden body: the class is the full body's or the one the status
// alone gives (no body), never anything else, and nothing crashes.
TEST(ClassifyResponse, TruncatedBodiesYieldTheFullOrTheStatusOnlyClass) {
    struct Golden {
        P type;
        std::string body;
        int status;
    };
    std::vector<Golden> goldens;
    for (P type : {P::openai, P::anthropic, P::gemini}) {
        for (const char* fault : {"429", "429_retry_1500ms", "quota", "context_length",
                                  "content_policy", "overloaded", "500", "404", "401"}) {
            auto [status, body] = mock_answer(name(type), fault);
            goldens.push_back({type, body, status == 200 ? 400 : status});
        }
    }
    goldens.push_back(
        {P::gemini, catalog_body("gemini.errors.catalog.json", "400_bad_api_key"), 400});
    goldens.push_back({P::openai, catalog_body("openai.errors.catalog.json", "429_quota"), 429});
    for (const Golden& g : goldens) {
        const Classification full = classify_response(g.type, g.status, {}, g.body, 0);
        const Classification bare = classify_response(g.type, g.status, {}, "", 0);
        for (size_t n = 0; n <= g.body.size(); ++n) {
            const Classification c =
                classify_response(g.type, g.status, {}, g.body.substr(0, n), 0);
            ASSERT_TRUE(valid(c)) << name(g.type) << " " << g.body.substr(0, n);
            ASSERT_TRUE(c.cls == full.cls || c.cls == bare.cls)
                << name(g.type) << " " << failure_class_name(c.cls) << " " << g.body.substr(0, n);
        }
    }
}

// A cut body is closed for reading: the fields before the cut still decide.
TEST(ClassifyResponse, CutBodiesStillYieldTheFieldsBeforeTheCut) {
    auto cut_after = [](const std::string& body, const std::string& marker) {
        size_t at = body.find(marker);
        EXPECT_NE(at, std::string::npos) << marker;
        return body.substr(0, at + marker.size());
    };
    auto [s1, anthropic_quota] = mock_answer("anthropic", "quota");
    expect_class(
        classify_response(P::anthropic, 400, {}, cut_after(anthropic_quota, "billing_er"), 0),
        client_error(), "type cut mid-word");
    expect_class(
        classify_response(P::anthropic, 400, {}, cut_after(anthropic_quota, "credit bal"), 0),
        quota(), "cut in the message");
    auto [s2, gemini_quota] = mock_answer("gemini", "quota");
    expect_class(
        classify_response(P::gemini, 429, {}, cut_after(gemini_quota, "RequestsPerDay"), 0),
        quota(), "cut in the quotaId");
    auto [s3, gemini_retry] = mock_answer("gemini", "429_retry_1500ms");
    expect_class(classify_response(P::gemini, 429, {},
                                   cut_after(gemini_retry, "\"retryDelay\":\"1.5s\""), 0),
                 rate_limited(1500), "cut after the retryDelay");
    expect_class(
        classify_response(P::gemini, 429, {}, cut_after(gemini_retry, "\"retryDelay\":\"1.5"), 0),
        rate_limited(), "cut inside the retryDelay");
    auto [s4, openai_context] = mock_answer("openai", "context_length");
    expect_class(classify_response(P::openai, 400, {},
                                   cut_after(openai_context, "maximum context length"), 0),
                 context_length(), "cut in the message");
    // A cut right after a backslash: the escape is dropped, not left to eat the quote.
    expect_class(classify_response(P::anthropic, 400, {},
                                   R"({"error":{"type":"billing_error","message":"a\)", 0),
                 quota(), "cut after a backslash");
    expect_class(classify_response(P::anthropic, 400, {},
                                   R"({"error":{"message":"a\"b\\","type":"billing_error)", 0),
                 quota(), "escaped quote and backslash before the cut");
}

TEST(ClassifyResponse, GarbageNeverCrashesAndStaysInRange) {
    std::mt19937 rng(20261122);  // fixed seed: the same inputs every run
    const std::string alphabet = "{}[]\":,\\ 0123456789.-eE aeflnrstuABCZ\x80\xC2\xB5\xff";
    const std::string words[] = {
        "\"error\"",      "\"message\"", "\"details\"",
        "\"@type\"",      "\"code\"",    "\"retryDelay\"",
        "\"violations\"", "\"quotaId\"", "\"type.googleapis.com/google.rpc.RetryInfo\"",
        "\"34s\""};
    std::vector<std::string> bodies = {
        std::string(100000, '['), std::string(100000, '{'), "\"" + std::string(70000, 'a'),
        std::string("{\"error\":{\"message\":\"\0\0\0\",\"code\":1e999}}", 40),
        "{\"error\":{\"message\":\"\xff\xfe\",\"type\":\"billing_error\"}}"};
    for (int i = 0; i < 3000; ++i) {
        std::string body;
        const int parts = static_cast<int>(rng() % 40);
        for (int p = 0; p < parts; ++p) {
            if (rng() % 3 == 0) {
                body += words[rng() % std::size(words)];
            } else {
                body += alphabet[rng() % alphabet.size()];
            }
        }
        bodies.push_back(body);
    }
    const char* header_values[] = {"",
                                   " ",
                                   "0",
                                   "-1",
                                   "1e9",
                                   "9999999999999999999999",
                                   "1..5s",
                                   "1h1h1h1h1h1h1h1h1h1h",
                                   "\xff\xfe",
                                   "Wed, 31 Feb 2025 00:00:00 GMT",
                                   "2025-02-30T00:00:00Z",
                                   "2025-01-01T24:00:00Z",
                                   "nan"};
    const char* header_names[] = {"retry-after",
                                  "retry-after-ms",
                                  "x-ratelimit-reset-tokens",
                                  "x-ratelimit-remaining-tokens",
                                  "anthropic-ratelimit-tokens-reset",
                                  "anthropic-ratelimit-tokens-remaining",
                                  "x-should-retry"};
    for (size_t i = 0; i < bodies.size(); ++i) {
        Headers h;
        for (int k = 0; k < 3; ++k) {
            h = h.with(header_names[rng() % std::size(header_names)],
                       header_values[rng() % std::size(header_values)]);
        }
        const P type = static_cast<P>(i % 3);
        const int status = 400 + static_cast<int>(rng() % 200);
        const Classification c =
            classify_response(type, status, h.span(), bodies[i], fixture_now_ms);
        ASSERT_TRUE(valid(c)) << i;
        ASSERT_LE(retry_after_ms(type, h.span(), bodies[i], fixture_now_ms), retry_after_ms_max);
        const RateLimitHint r = parse_rate_limit(type, h.span(), fixture_now_ms);
        ASSERT_LE(r.reset_in_ms, retry_after_ms_max);
        ASSERT_GE(r.remaining_tokens, -1);
        static_cast<void>(classify_success(type, bodies[i]));
    }
}

TEST(ClassifyResponse, OnlyTheFirst64KiBOfABodyIsRead) {
    const std::string head = R"({"error":{"code":"insufficient_quota","message":")";
    std::string body = head + std::string(100 * 1024, 'x') + "\"}}";
    expect_class(classify_response(P::openai, 429, {}, body, 0), quota(), "code before the cut");
    body = R"({"pad":")" + std::string(100 * 1024, 'x') +
           R"(","error":{"code":"insufficient_quota"}})";
    expect_class(classify_response(P::openai, 429, {}, body, 0), rate_limited(),
                 "code after the cut");
}

// --- Time parsers ---------------------------------------------------------------------------

TEST(WireTime, GoDurations) {
    EXPECT_EQ(parse_go_duration_ns("1h2m3.5s"), 3723500000000);
    EXPECT_EQ(parse_go_duration_ns("+5s"), 5000000000);
    EXPECT_EQ(parse_go_duration_ns("-1.5ms"), -1500000);
    EXPECT_EQ(parse_go_duration_ns("1\xCE\xBCs"), 1000);  // Greek mu
    EXPECT_EQ(parse_go_duration_ns("1.s"), 1000000000);
    EXPECT_EQ(parse_go_duration_ns("0.000000001s"), 1);
    EXPECT_EQ(parse_go_duration_ns("1.0000000019s"), 1000000001);  // extra digits dropped
    EXPECT_EQ(parse_go_duration_ns("99999999999999999999h"), wire_time_ns_max);
    for (const char* bad : {"", "s", "1", ".", ".s", "1x", "1h-2m", "1 s", "s1", "--1s", "1s "}) {
        EXPECT_FALSE(parse_go_duration_ns(bad).has_value()) << bad;
    }
    size_t used = 0;
    EXPECT_EQ(parse_go_duration_prefix_ns("1.24s. Visit", &used), 1240000000);
    EXPECT_EQ(used, 5u);
    EXPECT_EQ(parse_go_duration_prefix_ns("6m0s", &used), 360000000000);
    EXPECT_EQ(used, 4u);
    EXPECT_FALSE(parse_go_duration_prefix_ns("a moment", &used).has_value());
}

TEST(WireTime, Rfc3339AndHttpDates) {
    static_assert(days_from_civil(1970, 1, 1) == 0);
    static_assert(days_from_civil(2000, 3, 1) == 11017);
    static_assert(days_from_civil(1969, 12, 31) == -1);
    EXPECT_EQ(parse_rfc3339_ms("2025-01-01T00:00:00Z"), fixture_now_ms);
    EXPECT_EQ(parse_rfc3339_ms("2024-02-29T12:00:00.5+00:00"), 1709208000500);
    EXPECT_EQ(parse_rfc3339_ms("1994-11-06T08:49:37Z"), 784111777000);
    for (const char* bad :
         {"2023-02-29T00:00:00Z", "2025-13-01T00:00:00Z", "2025-01-32T00:00:00Z",
          "2025-01-01T24:00:00Z", "2025-01-01T00:00:00+24:00", "2025-01-01T00:00:00.Z",
          "2025-01-01", "2025-01-01T00:00:00Zjunk", "25-01-01T00:00:00Z"}) {
        EXPECT_FALSE(parse_rfc3339_ms(bad).has_value()) << bad;
    }
    // RFC 9110's example instant in its three forms.
    EXPECT_EQ(parse_http_date_ms("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777000);
    EXPECT_EQ(parse_http_date_ms("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777000);
    EXPECT_EQ(parse_http_date_ms("Sun Nov  6 08:49:37 1994"), 784111777000);
    EXPECT_EQ(parse_http_date_ms("Mon, 01 Jan 2035 00:00:00 GMT"), 2051222400000);
    for (const char* bad :
         {"Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 6 Nov 1994 08:49:37 GMT",
          "Sun, 06 nov 1994 08:49:37 GMT", "Sun 06 Nov 1994 08:49:37 GMT",
          "Sunday, 06 Nov 1994 08:49:37 GMT", "Sun Nov 6 08:49:37 1994", "", "Sun, ",
          "Xyz, 06 Nov 1994 08:49:37 GMT", "Sun, 31 Nov 1994 08:49:37 GMT"}) {
        EXPECT_FALSE(parse_http_date_ms(bad).has_value()) << bad;
    }
    EXPECT_EQ(parse_decimal_ns("17", 1000), 17000);
    EXPECT_FALSE(parse_decimal_ns("17s", 1000).has_value());
    EXPECT_FALSE(parse_decimal_ns("", 1000).has_value());
    EXPECT_FALSE(parse_decimal_ns("-1", 1000).has_value());
}

}  // namespace
}  // namespace rg::keys
