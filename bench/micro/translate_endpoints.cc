// rg::translate embeddings answers as a worker translates them: a Gemini
// batchEmbedContents answer of 16 vectors x 768 dimensions to OpenAI's list, as floats and
// as gateway-encoded base64, and an OpenAI answer of the same size to Gemini's. One Arena,
// request, answer and output buffer are reused: allocs/op must be 0.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>

#include "common/alloc_counter.h"
#include "translate/embeddings.h"

namespace {

using rg::translate::Format;

constexpr int inputs = 16;
constexpr int dims = 768;

std::string vector_json(int seed) {
    std::string v = "[";
    char buf[32];
    for (int j = 0; j < dims; ++j) {
        // The mock's shape: 8 decimals, both signs.
        std::snprintf(buf, sizeof(buf), "%s%.8f", j == 0 ? "" : ",",
                      ((seed * 7919 + j * 104729) % 2000 - 1000) / 1000.0);
        v += buf;
    }
    return v + "]";
}

std::string client_request() {
    std::string r = R"({"model":"text-embedding-004","input":[)";
    for (int i = 0; i < inputs; ++i) {
        r += (i == 0 ? "\"" : ",\"") + std::string("input text number ") + std::to_string(i) + "\"";
    }
    return r + "]}";
}

std::string gemini_answer() {
    std::string a = R"({"embeddings":[)";
    for (int i = 0; i < inputs; ++i) {
        a += (i == 0 ? "{\"values\":" : ",{\"values\":") + vector_json(i) + "}";
    }
    return a + "]}";
}

std::string openai_answer() {
    std::string a = R"({"object":"list","data":[)";
    for (int i = 0; i < inputs; ++i) {
        a += (i == 0 ? "" : ",") + std::string(R"({"object":"embedding","index":)") +
             std::to_string(i) + R"(,"embedding":)" + vector_json(i) + "}";
    }
    return a +
           R"(],"model":"text-embedding-3-small","usage":{"prompt_tokens":64,"total_tokens":64}})";
}

void BM_EmbedAnswer(benchmark::State& state, Format from, Format to, bool base64) {
    const std::string req = client_request();
    const std::string in = from == Format::gemini ? gemini_answer() : openai_answer();
    rg::translate::Arena request_arena;
    rg::translate::Arena arena;
    rg::translate::EmbedRequest request;
    rg::translate::EmbedResponse response;
    rg::ByteBuffer out;
    if (!rg::translate::parse_embed_request(Format::openai_chat, req, false, request_arena,
                                            &request)
             .ok()) {
        state.SkipWithError("request parse failed");
        return;
    }
    request.base64 = base64;
    auto once = [&]() {
        arena.reset();
        out.clear();
        return rg::translate::parse_embed_response(from, in, request, arena, &response).ok() &&
               rg::translate::emit_embed_response(to, request, response, {"m", 64}, out).ok();
    };
    if (!once()) {
        state.SkipWithError("translation failed");
        return;
    }
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        benchmark::DoNotOptimize(once());
    }
    RG_BENCH_REPORT_ALLOCS(state, before);
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * in.size()));
    state.counters["in_bytes"] = static_cast<double>(in.size());
    state.counters["out_bytes"] = static_cast<double>(out.size());
}

BENCHMARK_CAPTURE(BM_EmbedAnswer, gemini_to_openai_float, Format::gemini, Format::openai_chat,
                  false);
BENCHMARK_CAPTURE(BM_EmbedAnswer, gemini_to_openai_base64, Format::gemini, Format::openai_chat,
                  true);
BENCHMARK_CAPTURE(BM_EmbedAnswer, openai_to_gemini, Format::openai_chat, Format::gemini, false);

}  // namespace
BENCHMARK_MAIN();
