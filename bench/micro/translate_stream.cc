// Stream framing on long generated answers shaped like the wire-format fixtures: the SSE
// decoder on an OpenAI chat stream and an Anthropic stream, the JSON-array decoder on a
// Gemini stream. Fed in receive-sized pieces (1-4 KiB, a fixed random sequence) or in
// 100-byte slivers (nearly every event spans pieces and is copied). Reports time per event
// (`time/event`), MB/s and allocations per event (0 once the decoder is warm). Also the
// per-event cost of the stream sentinel and of re-encoding an event.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "common/alloc_counter.h"
#include "translate/json_array_stream_decoder.h"
#include "translate/sse_decoder.h"
#include "translate/sse_encoder.h"
#include "translate/stream_sentinel.h"

namespace {

using rg::translate::ArrayStatus;
using rg::translate::JsonArrayStreamDecoder;
using rg::translate::SseDecoder;
using rg::translate::SseEvent;
using rg::translate::SseStatus;
using rg::translate::StreamFormat;

constexpr int events_per_stream = 2000;

// Text fragments of the lengths models stream (1-12 bytes, a few with escapes).
std::string fragment(int i) {
    static const char* const words[] = {
        " the",   " capital", " of",  " France", " is",  " Paris",   ".",
        "\\n\\n", " It",      " has", " about",  " 2.1", " million", " \\\"inhabitants\\\""};
    return words[i % (sizeof(words) / sizeof(words[0]))];
}

std::string openai_chat_stream() {
    const std::string head =
        R"(data: {"id":"chatcmpl-AZr8c1Stream002","object":"chat.completion.chunk",)"
        R"("created":1735689600,"model":"gpt-4o-2024-08-06","service_tier":"default",)"
        R"("system_fingerprint":"fp_a1b2c3d4e5","choices":[{"index":0,"delta":{"content":")";
    const std::string tail = R"("},"logprobs":null,"finish_reason":null}],"usage":null})";
    std::string body;
    for (int i = 0; i < events_per_stream - 1; ++i) {
        body += head + fragment(i) + tail + "\n\n";
    }
    return body + "data: [DONE]\n\n";
}

std::string anthropic_stream() {
    std::string body;
    for (int i = 0; i < events_per_stream - 1; ++i) {
        body +=
            "event: content_block_delta\n"
            R"(data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta",)"
            R"("text":")" +
            fragment(i) + "\"}}\n\n";
    }
    return body + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
}

// The array form as Gemini sends it: pretty-printed elements, ",\r\n" between them.
std::string gemini_array_stream() {
    std::string body = "[";
    for (int i = 0; i < events_per_stream; ++i) {
        if (i > 0) {
            body += ",\r\n";
        }
        body +=
            "{\n  \"candidates\": [\n    {\n      \"content\": {\n        \"parts\": [\n"
            "          {\n            \"text\": \"" +
            fragment(i) +
            "\"\n          }\n        ],\n        \"role\": \"model\"\n      },\n"
            "      \"index\": 0\n    }\n  ],\n  \"usageMetadata\": {\n"
            "    \"promptTokenCount\": 12,\n    \"candidatesTokenCount\": " +
            std::to_string(i + 1) + ",\n    \"totalTokenCount\": " + std::to_string(i + 37) +
            "\n  },\n  \"modelVersion\": \"gemini-2.5-flash\",\n"
            "  \"responseId\": \"eD0JaIa2Mf2vnvgPq9iJ8QR\"\n}";
    }
    return body + "]";
}

// range(0) == 0: pieces of 1-4 KiB; otherwise pieces of exactly range(0) bytes.
std::vector<std::string> cut(const std::string& body, int64_t fixed) {
    std::mt19937 rng(42);
    std::uniform_int_distribution<size_t> size(1024, 4096);
    std::vector<std::string> pieces;
    for (size_t at = 0; at < body.size();) {
        const size_t n =
            std::min(fixed > 0 ? static_cast<size_t>(fixed) : size(rng), body.size() - at);
        pieces.push_back(body.substr(at, n));
        at += n;
    }
    return pieces;
}

void report(benchmark::State& state, uint64_t allocs_before, size_t bytes, size_t events) {
    const double total_events = static_cast<double>(state.iterations()) * events;
    state.counters["allocs/event"] =
        static_cast<double>(rg::bench::allocations() - allocs_before) / total_events;
    state.counters["time/event"] = benchmark::Counter(
        static_cast<double>(events),
        benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}

size_t decode_sse(SseDecoder& decoder, const std::vector<std::string>& pieces) {
    decoder.reset();
    size_t events = 0;
    for (const std::string& piece : pieces) {
        const SseStatus status = decoder.feed_all(piece, [&](const SseEvent& e) {
            benchmark::DoNotOptimize(e.data.data());
            ++events;
        });
        if (status != SseStatus::need_more) {
            return 0;
        }
    }
    return events;
}

void sse_bench(benchmark::State& state, const std::string& body) {
    const std::vector<std::string> pieces = cut(body, state.range(0));
    SseDecoder decoder;
    const size_t events = decode_sse(decoder, pieces);  // warms the buffers
    if (events != events_per_stream) {
        state.SkipWithError("unexpected event count");
        return;
    }
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        benchmark::DoNotOptimize(decode_sse(decoder, pieces));
    }
    report(state, before, body.size(), events);
}

void BM_SseDecodeOpenAiChat(benchmark::State& state) {
    sse_bench(state, openai_chat_stream());
}
BENCHMARK(BM_SseDecodeOpenAiChat)->Arg(0)->Arg(100)->ArgName("piece");

void BM_SseDecodeAnthropic(benchmark::State& state) {
    sse_bench(state, anthropic_stream());
}
BENCHMARK(BM_SseDecodeAnthropic)->Arg(0)->Arg(100)->ArgName("piece");

size_t decode_array(JsonArrayStreamDecoder& decoder, const std::vector<std::string>& pieces) {
    decoder.reset();
    size_t elements = 0;
    ArrayStatus status = ArrayStatus::need_more;
    for (const std::string& piece : pieces) {
        status = decoder.feed_all(piece, [&](std::string_view e) {
            benchmark::DoNotOptimize(e.data());
            ++elements;
        });
    }
    return status == ArrayStatus::end ? elements : 0;
}

void BM_JsonArrayDecodeGemini(benchmark::State& state) {
    const std::string body = gemini_array_stream();
    const std::vector<std::string> pieces = cut(body, state.range(0));
    JsonArrayStreamDecoder decoder;
    const size_t elements = decode_array(decoder, pieces);
    if (elements != events_per_stream) {
        state.SkipWithError("unexpected element count");
        return;
    }
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        benchmark::DoNotOptimize(decode_array(decoder, pieces));
    }
    report(state, before, body.size(), elements);
}
BENCHMARK(BM_JsonArrayDecodeGemini)->Arg(0)->Arg(100)->ArgName("piece");

// Decode plus classification. range(0) == 1: StreamSentinel::observe, as passthrough uses
// it (the content scan stops after the first content event, so this is the steady-state
// cost of the terminator and error checks); 0: classify_event with the content scan on
// every event (the worst case).
void classify_bench(benchmark::State& state, const std::string& body, StreamFormat format) {
    const bool use_sentinel = state.range(0) != 0;
    const std::vector<std::string> pieces = cut(body, 0);
    SseDecoder decoder;
    size_t events = 0;
    auto run = [&] {
        decoder.reset();
        rg::translate::StreamSentinel sentinel(format);
        events = 0;
        size_t content = 0;
        for (const std::string& piece : pieces) {
            (void)decoder.feed_all(piece, [&](const SseEvent& e) {
                const auto c =
                    use_sentinel ? sentinel.observe(e) : rg::translate::classify_event(format, e);
                content += c.content ? 1 : 0;
                ++events;
            });
        }
        return use_sentinel ? (sentinel.terminated() ? content : 0) : content;
    };
    if (run() != (use_sentinel ? 1 : events_per_stream - 1)) {
        state.SkipWithError("unexpected content count");
        return;
    }
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        benchmark::DoNotOptimize(run());
    }
    report(state, before, body.size(), events);
}

void BM_SseDecodeClassifyOpenAiChat(benchmark::State& state) {
    classify_bench(state, openai_chat_stream(), StreamFormat::openai_chat);
}
BENCHMARK(BM_SseDecodeClassifyOpenAiChat)->Arg(1)->Arg(0)->ArgName("sentinel");

void BM_SseDecodeClassifyAnthropic(benchmark::State& state) {
    classify_bench(state, anthropic_stream(), StreamFormat::anthropic);
}
BENCHMARK(BM_SseDecodeClassifyAnthropic)->Arg(1)->Arg(0)->ArgName("sentinel");

// Re-encoding decoded Anthropic events into a warm output buffer (passthrough framing).
void BM_SseEncodeAnthropic(benchmark::State& state) {
    const std::string body = anthropic_stream();
    SseDecoder decoder;
    std::vector<std::pair<std::string, std::string>> events;
    (void)decoder.feed_all(body, [&](const SseEvent& e) {
        events.emplace_back(std::string(e.event), std::string(e.data));
    });
    rg::ByteBuffer out;
    out.reserve_tail(body.size());
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        out.clear();
        for (const auto& [name, data] : events) {
            rg::translate::append_sse_event(out, name, data);
        }
        benchmark::DoNotOptimize(out.data());
    }
    report(state, before, body.size(), events.size());
}
BENCHMARK(BM_SseEncodeAnthropic);

}  // namespace

BENCHMARK_MAIN();
