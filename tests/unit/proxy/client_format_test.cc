#include "proxy/client_format.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "head_for_test.h"

namespace rg::proxy {
namespace {

using http::Method;
using Headers = std::vector<std::pair<std::string, std::string>>;

struct Case {
    Method method;
    std::string target;
    Headers headers;
    Route route;
    ClientFormat format;
    bool method_allowed;
    std::string model = "";
    bool stream = false;
    bool sse = false;
};

const Headers anthropic_sdk = {{"anthropic-version", "2023-06-01"}, {"x-api-key", "k"}};

TEST(MatchRoute, MatchesEveryContractEndpoint) {
    const ClientFormat oa = ClientFormat::openai;
    const ClientFormat an = ClientFormat::anthropic;
    const ClientFormat ge = ClientFormat::gemini;
    const Case cases[] = {
        {Method::post, "/v1/chat/completions", {}, Route::chat_completions, oa, true},
        {Method::post, "/v1/completions", {}, Route::completions, oa, true},
        {Method::post, "/v1/embeddings", {}, Route::embeddings, oa, true},
        {Method::post, "/v1/responses", {}, Route::responses, oa, true},
        {Method::get, "/v1/models", {}, Route::models, oa, true},
        {Method::get, "/v1/models", {{"Authorization", "Bearer k"}}, Route::models, oa, true},
        {Method::get, "/v1/models", anthropic_sdk, Route::anthropic_models, an, true},
        {Method::get,
         "/v1/models",
         {{"Anthropic-Version", "2023-06-01"}},
         Route::anthropic_models,
         an,
         true},
        {Method::get, "/v1/models", {{"X-Api-Key", "k"}}, Route::anthropic_models, an, true},
        {Method::post, "/v1/messages", anthropic_sdk, Route::anthropic_messages, an, true},
        {Method::post, "/v1/messages", {}, Route::anthropic_messages, an, true},
        {Method::post, "/v1/messages/count_tokens", {}, Route::anthropic_count_tokens, an, true},
        {Method::post,
         "/v1beta/models/gemini-2.5-flash:generateContent",
         {},
         Route::gemini_generate,
         ge,
         true,
         "gemini-2.5-flash"},
        // Gemini's stable version, which @google/genai 3 calls.
        {Method::post,
         "/v1/models/gemini-2.5-flash:generateContent",
         {},
         Route::gemini_generate,
         ge,
         true,
         "gemini-2.5-flash"},
        {Method::post,
         "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
         {},
         Route::gemini_stream_generate,
         ge,
         true,
         "gemini-2.5-flash",
         true,
         true},
        {Method::post,
         "/v1beta/models/gemini-2.5-flash:streamGenerateContent",
         {},
         Route::gemini_stream_generate,
         ge,
         true,
         "gemini-2.5-flash",
         true,
         false},
        {Method::post,
         "/v1beta/models/g:streamGenerateContent?key=k&alt=sse",
         {},
         Route::gemini_stream_generate,
         ge,
         true,
         "g",
         true,
         true},
        {Method::post,
         "/v1beta/models/g:streamGenerateContent?alt=sse&alt=json",
         {},
         Route::gemini_stream_generate,
         ge,
         true,
         "g",
         true,
         false},
        {Method::post,
         "/v1beta/models/g:streamGenerateContent?salt=sse",
         {},
         Route::gemini_stream_generate,
         ge,
         true,
         "g",
         true,
         false},
        {Method::post,
         "/v1beta/models/g:generateContent?alt=sse",
         {},
         Route::gemini_generate,
         ge,
         true,
         "g",
         false,
         false},
        {Method::post,
         "/v1beta/models/gemini-2.0-flash:countTokens",
         {},
         Route::gemini_count_tokens,
         ge,
         true,
         "gemini-2.0-flash"},
        {Method::post,
         "/v1beta/models/text-embedding-004:embedContent",
         {},
         Route::gemini_embed,
         ge,
         true,
         "text-embedding-004"},
        {Method::post,
         "/v1/models/gemini-embedding-001:batchEmbedContents",
         {},
         Route::gemini_batch_embed,
         ge,
         true,
         "gemini-embedding-001"},
        {Method::post,
         "/v1beta/models/ft:a:b:generateContent",
         {},
         Route::gemini_generate,
         ge,
         true,
         "ft:a:b"},
        {Method::get, "/v1beta/models", {}, Route::gemini_models, ge, true},
        {Method::get, "/v1beta/models?pageSize=50", {}, Route::gemini_models, ge, true},
        {Method::get,
         "/v1beta/models/gemini-2.5-pro",
         {},
         Route::gemini_model_get,
         ge,
         true,
         "gemini-2.5-pro"},
        {Method::get, "/health", {}, Route::health, oa, true},
    };
    for (const Case& c : cases) {
        HeadForTest h(c.method, c.target, c.headers);
        const RouteMatch m = match_route(h.head());
        EXPECT_EQ(m.route, c.route) << c.target << " got " << route_name(m.route);
        EXPECT_EQ(m.format, c.format) << c.target;
        EXPECT_EQ(m.method_allowed, c.method_allowed) << c.target;
        EXPECT_EQ(m.model, c.model) << c.target;
        EXPECT_EQ(m.stream, c.stream) << c.target;
        EXPECT_EQ(m.sse, c.sse) << c.target;
    }
}

TEST(MatchRoute, FlagsWrongMethodsOnKnownPathsWithTheAllowValue) {
    struct WrongMethod {
        Method method;
        std::string target;
        Headers headers;
        Route route;
        ClientFormat format;
        std::string allow;
    };
    const WrongMethod cases[] = {
        {Method::get,
         "/v1/chat/completions",
         {},
         Route::chat_completions,
         ClientFormat::openai,
         "POST"},
        {Method::post, "/v1/models", {}, Route::models, ClientFormat::openai, "GET"},
        {Method::delete_, "/v1/models", anthropic_sdk, Route::anthropic_models,
         ClientFormat::anthropic, "GET"},
        {Method::get,
         "/v1/messages",
         {},
         Route::anthropic_messages,
         ClientFormat::anthropic,
         "POST"},
        {Method::get,
         "/v1beta/models/g:generateContent",
         {},
         Route::gemini_generate,
         ClientFormat::gemini,
         "POST"},
        {Method::post, "/v1beta/models", {}, Route::gemini_models, ClientFormat::gemini, "GET"},
        {Method::post, "/health", {}, Route::health, ClientFormat::openai, "GET"},
        {Method::head, "/health", {}, Route::health, ClientFormat::openai, "GET"},
        {Method::options,
         "/v1/chat/completions",
         {},
         Route::chat_completions,
         ClientFormat::openai,
         "POST"},
    };
    for (const WrongMethod& c : cases) {
        HeadForTest h(c.method, c.target, c.headers);
        const RouteMatch m = match_route(h.head());
        EXPECT_EQ(m.route, c.route) << c.target;
        EXPECT_FALSE(m.method_allowed) << c.target;
        EXPECT_EQ(m.format, c.format) << c.target;
        EXPECT_EQ(m.allow, c.allow) << c.target;
    }
}

TEST(MatchRoute, UnknownPathsGuessTheFormatForTheErrorBody) {
    const Case cases[] = {
        {Method::post, "/v1/chat/completions/", {}, Route::not_found, ClientFormat::openai, false},
        {Method::post, "/v1/chat", {}, Route::not_found, ClientFormat::openai, false},
        {Method::post, "/V1/chat/completions", {}, Route::not_found, ClientFormat::openai, false},
        {Method::get, "/", {}, Route::not_found, ClientFormat::openai, false},
        {Method::post,
         "/v1/messages/batches",
         {},
         Route::not_found,
         ClientFormat::anthropic,
         false},
        {Method::post, "/v1/complete", anthropic_sdk, Route::not_found, ClientFormat::anthropic,
         false},
        {Method::post,
         "/v1beta/models/g:batchGenerateContent",
         {},
         Route::not_found,
         ClientFormat::gemini,
         false},
        {Method::post,
         "/v1beta/models/:generateContent",
         {},
         Route::not_found,
         ClientFormat::gemini,
         false},
        {Method::get, "/v1beta/models/", {}, Route::not_found, ClientFormat::gemini, false},
        {Method::post,
         "/v1beta/models/a/b:generateContent",
         {},
         Route::not_found,
         ClientFormat::gemini,
         false},
        {Method::post,
         "/v1beta/tunedModels/t:generateContent",
         {},
         Route::not_found,
         ClientFormat::gemini,
         false},
        {Method::post,
         "/v1/models/g:unknownAction",
         {{"x-goog-api-key", "k"}},
         Route::not_found,
         ClientFormat::gemini,
         false},
    };
    for (const Case& c : cases) {
        HeadForTest h(c.method, c.target, c.headers);
        const RouteMatch m = match_route(h.head());
        EXPECT_EQ(m.route, Route::not_found) << c.target;
        EXPECT_EQ(m.format, c.format) << c.target;
        EXPECT_FALSE(m.method_allowed) << c.target;
        EXPECT_TRUE(m.allow.empty()) << c.target;
    }
}

TEST(MatchRoute, OpenAIModelRetrieveTakesTheIdFromThePath) {
    HeadForTest h(Method::get, "/v1/models/gpt-4o");
    const RouteMatch m = match_route(h.head());
    EXPECT_EQ(m.route, Route::model_get);
    EXPECT_EQ(m.format, ClientFormat::openai);
    EXPECT_TRUE(m.method_allowed);
    EXPECT_EQ(m.model, "gpt-4o");
}

TEST(MatchRoute, GeminiModelViewPointsIntoThePath) {
    HeadForTest h(Method::post, "/v1beta/models/gemini-2.5-flash:generateContent");
    const RouteMatch m = match_route(h.head());
    ASSERT_EQ(m.model, "gemini-2.5-flash");
    EXPECT_EQ(m.model.data(), h.head().path.data() + 15);
}

TEST(RouteName, NamesEveryRoute) {
    for (int r = 0; r <= static_cast<int>(Route::not_found); ++r) {
        EXPECT_FALSE(route_name(static_cast<Route>(r)).empty());
    }
    EXPECT_EQ(route_name(Route::gemini_stream_generate), "gemini_stream_generate");
    EXPECT_EQ(client_format_name(ClientFormat::anthropic), "anthropic");
}

}  // namespace
}  // namespace rg::proxy
