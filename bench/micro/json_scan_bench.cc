// json::scan_request and rewrite_model on chat requests as SDKs send them: ns/scan and
// allocs/scan (must be 0 once the thread's parser is warm) for a 1 KB and a 100 KB body,
// with "model" as the first key (OpenAI SDKs) and as the last one.
#include <benchmark/benchmark.h>

#include <string>

#include "base/byte_buffer.h"
#include "common/alloc_counter.h"
#include "json/request_scan.h"

namespace {

// A chat request of about `bytes` bytes: a system prompt, then user/assistant turns.
std::string chat_body(size_t bytes, bool model_first) {
    std::string messages =
        R"("messages":[{"role":"system","content":"You are a helpful assistant. Answer briefly."})";
    const std::string turn =
        R"(,{"role":"user","content":"Tell me about the history of \"Paris\", in a few lines.\n"})"
        R"(,{"role":"assistant","content":"Paris grew from a Gallic settlement on the \u00cele )"
        R"(de la Cit\u00e9 into the capital of France."})";
    while (messages.size() + 150 < bytes) {
        messages += turn;
    }
    messages += "]";
    const std::string options =
        R"("temperature":0.2,"stream":true,"stream_options":{"include_usage":true})";
    const std::string model = R"("model":"gpt-4o-mini")";
    return model_first ? "{" + model + "," + messages + "," + options + "}"
                       : "{" + messages + "," + options + "," + model + "}";
}

// The body in a ByteBuffer, as the request reader leaves it; scanned in place.
void BM_ScanInPlace(benchmark::State& state) {
    const std::string body = chat_body(static_cast<size_t>(state.range(0)), state.range(1) != 0);
    rg::ByteBuffer buf;
    buf.append(body);
    if (!rg::json::scan_request(buf).ok()) {
        state.SkipWithError("scan failed");
        return;
    }
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        rg::Result<rg::json::RequestScan> scan = rg::json::scan_request(buf);
        benchmark::DoNotOptimize(scan.ok());
    }
    RG_BENCH_REPORT_ALLOCS(state, before);
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
    state.counters["body_bytes"] = static_cast<double>(body.size());
}
BENCHMARK(BM_ScanInPlace)->ArgsProduct({{1024, 100 * 1024}, {1, 0}})->ArgNames({"bytes", "first"});

// No spare capacity known: the body is copied into the thread's padded scratch buffer.
void BM_ScanCopy(benchmark::State& state) {
    const std::string body = chat_body(static_cast<size_t>(state.range(0)), state.range(1) != 0);
    if (!rg::json::scan_request(std::string_view(body)).ok()) {
        state.SkipWithError("scan failed");
        return;
    }
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        rg::Result<rg::json::RequestScan> scan = rg::json::scan_request(std::string_view(body));
        benchmark::DoNotOptimize(scan.ok());
    }
    RG_BENCH_REPORT_ALLOCS(state, before);
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_ScanCopy)->ArgsProduct({{1024, 100 * 1024}, {1, 0}})->ArgNames({"bytes", "first"});

// The model rewrite for model_mapping / strip_prefix: a 3-part copy into a warm buffer.
void BM_RewriteModel(benchmark::State& state) {
    const std::string body = chat_body(static_cast<size_t>(state.range(0)), true);
    rg::Result<rg::json::RequestScan> scan = rg::json::scan_request(std::string_view(body));
    if (!scan.ok()) {
        state.SkipWithError("scan failed");
        return;
    }
    rg::ByteBuffer out;
    rg::json::rewrite_model(body, *scan, "gpt-4o-mini-2024-07-18", out);
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        out.clear();
        rg::json::rewrite_model(body, *scan, "gpt-4o-mini-2024-07-18", out);
        benchmark::DoNotOptimize(out.data());
    }
    RG_BENCH_REPORT_ALLOCS(state, before);
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_RewriteModel)->Arg(1024)->Arg(100 * 1024)->ArgName("bytes");

}  // namespace

BENCHMARK_MAIN();
