// The request-path functions of the proxy's pure pieces must not allocate once their output
// buffers are warm. The binary links rg_alloc_counter (tests/common/alloc_count.h), which
// counts the calling thread's malloc and operator new.
#include <gtest/gtest.h>

#include "common/alloc_count.h"

#include <array>
#include <cstdlib>
#include <new>
#include <string>

#include "head_for_test.h"
#include "json/request_scan.h"
#include "proxy/cors.h"
#include "proxy/error_body.h"
#include "proxy/header_filter.h"
#include "proxy/model_router.h"
#include "proxy/request_id.h"

// Built only without sanitizers (tests/unit/proxy/CMakeLists.txt): it replaces operator
// new, which the sanitizers' allocator owns.
#if defined(__SANITIZE_ADDRESS__)
#error "no_alloc_test is not built with sanitizers"
#endif

namespace rg::proxy {
namespace {

TEST(NoAllocation, RequestPathCallsDoNotAllocateWhenWarm) {
    const std::vector<keys::ProviderOptions> providers = [] {
        std::vector<keys::ProviderOptions> p(2);
        p[0].name = "oa";
        p[0].type = keys::ProviderType::openai;
        p[0].model_mapping = {{"gpt-4", "gpt-4-turbo"}};
        p[1].name = "an";
        p[1].type = keys::ProviderType::anthropic;
        return p;
    }();
    const std::vector<ModelOptions> models = {
        {"claude-sonnet", {{"an", "claude-sonnet-4-5", 1}}, {"gpt-4o"}},
        {"gpt-*", {{"oa", "", 1}}, {}},
    };
    Result<ModelRouter> router =
        ModelRouter::build(models, RoutingOptions{"Proxy/", true}, providers);
    ASSERT_TRUE(router.ok());
    const Cors cors(server::CorsOptions{{"https://app.example.com"}, 600000});
    HeadForTest h(http::Method::post, "/v1/chat/completions",
                  {{"Origin", "https://app.example.com"},
                   {"authorization", "Bearer k"},
                   {"user-agent", "sdk"},
                   {"x-request-id", "client-1"}});
    RequestIdGenerator ids(1);
    RequestIdBuffer id_buf;
    ByteBuffer out;
    out.reserve_tail(4096);
    std::array<http::Header, limits::header_count_max> headers;

    ByteBuffer body;
    body.append(R"({"model":"Proxy/gpt-4","messages":[{"role":"user","content":"hi"}]})");
    ASSERT_TRUE(json::scan_request(body).ok());  // warms the thread's parser

    const uint64_t counted = rg::alloc_count::allocations();
    { std::string probe(100, 'x'); }
    ASSERT_GT(rg::alloc_count::allocations(), counted) << "operator new replacement not in effect";

    const uint64_t before = rg::alloc_count::allocations();
    for (int i = 0; i < 100; ++i) {
        out.clear();
        Result<json::RequestScan> scan = json::scan_request(body);
        ASSERT_TRUE(scan.ok());
        out.clear();
        json::rewrite_model(body.view(), *scan, router->strip(scan->model()), out);
        out.clear();
        const RouteMatch m = match_route(h.head());
        EXPECT_EQ(m.route, Route::chat_completions);
        EXPECT_TRUE(router->resolve("Proxy/gpt-4").found());
        EXPECT_TRUE(router->resolve("claude-sonnet").found());
        EXPECT_FALSE(router->resolve("llama").found());
        const size_t n = filter_request_headers(h.head(), keys::ProviderType::openai, {}, headers);
        append_header_lines(out, std::span<const http::Header>(headers.data(), n));
        append_upstream_auth(keys::ProviderType::anthropic, "k", {}, out);
        EXPECT_EQ(cors.response_headers(h.head(), headers), 3u);
        ids.accept_or_next(h.head().find("x-request-id"), id_buf);
        ids.next(id_buf);
        write_error(ClientFormat::gemini, 429, ErrorKind::rate_limited, "slow \"down\"", out,
                    {"req_1", 3});
        write_stream_error(ClientFormat::anthropic, 529, ErrorKind::overloaded, "busy", out);
    }
    EXPECT_EQ(rg::alloc_count::allocations(), before);
}

}  // namespace
}  // namespace rg::proxy
