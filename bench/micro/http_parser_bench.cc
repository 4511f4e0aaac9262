// RequestParser and response writer micro benchmarks on the request an OpenAI JS SDK sends:
// ns/request, allocs/request (must be 0 in steady state) and bytes/s.
#include <benchmark/benchmark.h>

#include <string>

#include "base/byte_buffer.h"
#include "common/alloc_counter.h"
#include "http/request_parser.h"
#include "http/response_writer.h"

namespace {

using rg::http::ParseEvent;
using rg::http::RequestParser;

const std::string sdk_body =
    R"({"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a helpful )"
    R"(assistant."},{"role":"user","content":"Say hello in one short sentence."}],)"
    R"("temperature":0.2,"stream":true})";

// The head openai-node 4.x sends (header order and values as observed from the SDK).
std::string sdk_request() {
    std::string head =
        "POST /v1/chat/completions HTTP/1.1\r\n"
        "accept: application/json\r\n"
        "content-type: application/json\r\n"
        "user-agent: OpenAI/JS 4.77.0\r\n"
        "x-stainless-lang: js\r\n"
        "x-stainless-package-version: 4.77.0\r\n"
        "x-stainless-os: Linux\r\n"
        "x-stainless-arch: x64\r\n"
        "x-stainless-runtime: node\r\n"
        "x-stainless-runtime-version: v20.18.1\r\n"
        "x-stainless-retry-count: 0\r\n"
        "x-stainless-timeout: 600\r\n"
        "authorization: Bearer sk-proj-9fQ2xLr8Zt4mWcVb1NhJkPdS6yGaE3uTo0iRqXnMlKsB7vCeHwUzYj"
        "5gAa2Dd4Ff6Hh8Jj0Ll\r\n"
        "openai-organization: org-4ZkQmX2pLr9sTw7VnB3cYh1D\r\n"
        "openai-project: proj_8sKd3LmQ2wZx7RtY5nVb1HcP\r\n"
        "content-length: " +
        std::to_string(sdk_body.size()) +
        "\r\n"
        "accept-encoding: gzip,deflate\r\n"
        "host: gateway.internal.example.com:8080\r\n"
        "connection: keep-alive\r\n"
        "\r\n";
    return head + sdk_body;
}

// Parses one whole request from `in` (possibly in two pieces); returns body bytes seen.
size_t parse_request(RequestParser& parser, std::string_view first, std::string_view second) {
    size_t body = 0;
    size_t consumed = 0;
    for (std::string_view in : {first, second}) {
        for (;;) {
            const ParseEvent ev = parser.parse(in, &consumed);
            in.remove_prefix(consumed);
            if (ev == ParseEvent::body) {
                body += parser.body().size();
            } else if (ev == ParseEvent::message_end) {
                return body;
            } else if (ev == ParseEvent::need_more) {
                break;
            } else if (ev == ParseEvent::error) {
                std::abort();
            }
        }
    }
    return body;
}

void BM_ParseSdkRequest(benchmark::State& state) {
    const std::string req = sdk_request();
    RequestParser parser(rg::http::ParseLimits{});
    parse_request(parser, req, {});
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        benchmark::DoNotOptimize(parse_request(parser, req, {}));
    }
    RG_BENCH_REPORT_ALLOCS(state, before);
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * req.size()));
    state.counters["request_bytes"] = static_cast<double>(req.size());
}
BENCHMARK(BM_ParseSdkRequest);

// The head split across two receive buffers: the first part is copied into parser storage.
void BM_ParseSdkRequestHeadSplit(benchmark::State& state) {
    const std::string req = sdk_request();
    const std::string_view all = req;
    RequestParser parser(rg::http::ParseLimits{});
    parse_request(parser, all.substr(0, 350), all.substr(350));
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        benchmark::DoNotOptimize(parse_request(parser, all.substr(0, 350), all.substr(350)));
    }
    RG_BENCH_REPORT_ALLOCS(state, before);
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * req.size()));
}
BENCHMARK(BM_ParseSdkRequestHeadSplit);

void BM_ParseChunkedBody(benchmark::State& state) {
    std::string req = "POST /v1/messages HTTP/1.1\r\nhost: h\r\ntransfer-encoding: chunked\r\n\r\n";
    for (int i = 0; i < 16; ++i) {
        req += "40\r\n" + std::string(64, 'c') + "\r\n";
    }
    req += "0\r\n\r\n";
    RequestParser parser(rg::http::ParseLimits{});
    parse_request(parser, req, {});
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        benchmark::DoNotOptimize(parse_request(parser, req, {}));
    }
    RG_BENCH_REPORT_ALLOCS(state, before);
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * req.size()));
}
BENCHMARK(BM_ParseChunkedBody);

void BM_WriteResponseHead(benchmark::State& state) {
    rg::ByteBuffer out;
    const rg::http::Header headers[] = {{"Content-Type", "text/event-stream"},
                                        {"Cache-Control", "no-cache"},
                                        {"x-request-id", "req_01HZX3K8Q9R2T5V7W9Y1Z3B5D7"}};
    rg::http::write_response_head(out, 200, headers, -1, false);
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        out.clear();
        rg::http::write_response_head(out, 200, headers, -1, false);
        rg::http::write_chunk(out, "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n");
        benchmark::DoNotOptimize(out.data());
    }
    RG_BENCH_REPORT_ALLOCS(state, before);
}
BENCHMARK(BM_WriteResponseHead);

}  // namespace

BENCHMARK_MAIN();
