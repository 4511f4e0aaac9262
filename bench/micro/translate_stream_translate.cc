// Stream translation on long generated answers shaped like the wire-format fixtures: text
// deltas, then one tool call whose arguments arrive in fragments (Gemini: whole calls).
// Directions: OpenAI chat -> Anthropic, Anthropic -> OpenAI chat, Gemini -> OpenAI chat,
// OpenAI chat -> Gemini, and the Responses API both ways (Responses -> OpenAI chat /
// Anthropic / Gemini; OpenAI chat / Anthropic / Gemini -> Responses). Fed in receive-sized pieces
// (1-4 KiB, a fixed random sequence). Reports time per upstream event (`time/event`), MB/s of
// upstream bytes and allocations per event (0 once the translator is warm).
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "common/alloc_counter.h"
#include "translate/stream_translate.h"

namespace {

using rg::translate::Format;
using rg::translate::StreamEnd;
using rg::translate::StreamOptions;
using rg::translate::StreamTranslator;

constexpr int text_events = 2000;
constexpr int arg_events = 200;

std::string fragment(int i) {
    static const char* const words[] = {
        " the",   " capital", " of",  " France", " is",  " Paris",   ".",
        "\\n\\n", " It",      " has", " about",  " 2.1", " million", " \\\"inhabitants\\\""};
    return words[i % (sizeof(words) / sizeof(words[0]))];
}

// Argument fragments as JSON-in-a-string: {"k0":"v","k1":"v",...}
std::string arg_fragment(int i) {
    if (i == 0) {
        return "{\\\"k0\\\":\\\"v\\\"";
    }
    if (i == arg_events - 1) {
        return "}";
    }
    return ",\\\"k" + std::to_string(i) + "\\\":\\\"v\\\"";
}

struct Body {
    std::string bytes;
    size_t events = 0;
};

Body openai_stream() {
    const std::string head =
        R"(data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1735689600,)"
        R"("model":"gpt-4o-2024-08-06","system_fingerprint":"fp_x","choices":[{"index":0,)";
    Body b;
    b.bytes +=
        head + R"("delta":{"role":"assistant","content":""},"finish_reason":null}]})" + "\n\n";
    for (int i = 0; i < text_events; ++i) {
        b.bytes += head + R"("delta":{"content":")" + fragment(i) +
                   R"("},"logprobs":null,"finish_reason":null}],"usage":null})" + "\n\n";
    }
    b.bytes += head +
               R"("delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function",)"
               R"("function":{"name":"lookup","arguments":""}}]},"finish_reason":null}]})" +
               "\n\n";
    for (int i = 0; i < arg_events; ++i) {
        b.bytes += head + R"("delta":{"tool_calls":[{"index":0,"function":{"arguments":")" +
                   arg_fragment(i) + R"("}}]},"finish_reason":null}]})" + "\n\n";
    }
    b.bytes += head + R"("delta":{},"finish_reason":"tool_calls"}]})" + "\n\n";
    b.bytes += R"(data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[],)"
               R"("usage":{"prompt_tokens":82,"completion_tokens":2221,"total_tokens":2303}})"
               "\n\ndata: [DONE]\n\n";
    b.events = text_events + arg_events + 5;
    return b;
}

std::string anthropic_event(const std::string& type, const std::string& json) {
    return "event: " + type + "\ndata: " + json + "\n\n";
}

Body anthropic_stream() {
    Body b;
    b.bytes += anthropic_event(
        "message_start",
        R"({"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant",)"
        R"("model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,)"
        R"("stop_sequence":null,"usage":{"input_tokens":398,"output_tokens":1}}})");
    b.bytes += anthropic_event(
        "content_block_start",
        R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})");
    for (int i = 0; i < text_events; ++i) {
        b.bytes += anthropic_event("content_block_delta",
                                   R"({"type":"content_block_delta","index":0,"delta":)"
                                   R"({"type":"text_delta","text":")" +
                                       fragment(i) + "\"}}");
    }
    b.bytes += anthropic_event("content_block_stop", R"({"type":"content_block_stop","index":0})");
    b.bytes += anthropic_event(
        "content_block_start",
        R"({"type":"content_block_start","index":1,"content_block":{"type":"tool_use",)"
        R"("id":"toolu_1","name":"lookup","input":{}}})");
    for (int i = 0; i < arg_events; ++i) {
        b.bytes += anthropic_event("content_block_delta",
                                   R"({"type":"content_block_delta","index":1,"delta":)"
                                   R"({"type":"input_json_delta","partial_json":")" +
                                       arg_fragment(i) + "\"}}");
    }
    b.bytes += anthropic_event("content_block_stop", R"({"type":"content_block_stop","index":1})");
    b.bytes += anthropic_event("message_delta",
                               R"({"type":"message_delta","delta":{"stop_reason":"tool_use",)"
                               R"("stop_sequence":null},"usage":{"output_tokens":2221}})");
    b.bytes += anthropic_event("message_stop", R"({"type":"message_stop"})");
    b.events = text_events + arg_events + 8;
    return b;
}

Body gemini_stream() {
    Body b;
    const std::string tail =
        R"(,"usageMetadata":{"promptTokenCount":61,"candidatesTokenCount":18,)"
        R"("totalTokenCount":137,"thoughtsTokenCount":58},"modelVersion":"gemini-2.5-flash",)"
        R"("responseId":"fE0J"})";
    for (int i = 0; i < text_events; ++i) {
        b.bytes += R"(data: {"candidates":[{"content":{"parts":[{"text":")" + fragment(i) +
                   R"("}],"role":"model"},"index":0}])" + tail + "\n\n";
    }
    b.bytes +=
        R"(data: {"candidates":[{"content":{"parts":[{"functionCall":{"name":"lookup",)"
        R"("args":{"location":"Paris, France","unit":"celsius"}},"thoughtSignature":"CiQB"}],)"
        R"("role":"model"},"index":0}])" +
        tail + "\n\n";
    b.bytes += R"(data: {"candidates":[{"content":{"parts":[{"text":""}],"role":"model"},)"
               R"("finishReason":"STOP","index":0}])" +
               tail + "\n\n";
    b.events = text_events + 2;
    return b;
}

// A Responses API stream shaped like fixtures/openai/responses_*.stream.sse: a message item
// with text deltas, then a function_call item with argument deltas.
Body responses_stream() {
    Body b;
    int seq = 0;
    auto event = [&](const std::string& type, const std::string& rest) {
        b.bytes += "event: " + type + "\ndata: {\"type\":\"" + type +
                   "\",\"sequence_number\":" + std::to_string(seq++) + "," + rest + "}\n\n";
    };
    const std::string response =
        R"("response":{"id":"resp_1","object":"response","created_at":1735689600,)"
        R"("status":"in_progress","error":null,"incomplete_details":null,)"
        R"("model":"gpt-4o-2024-08-06","output":[],"usage":null})";
    const std::string msg = R"("item_id":"msg_1","output_index":0,"content_index":0,)";
    const std::string fc = R"("item_id":"fc_1","output_index":1,)";
    event("response.created", response);
    event("response.in_progress", response);
    event("response.output_item.added",
          R"("output_index":0,"item":{"id":"msg_1","type":"message","status":"in_progress",)"
          R"("role":"assistant","content":[]})");
    event("response.content_part.added",
          msg + R"("part":{"type":"output_text","text":"","annotations":[]})");
    for (int i = 0; i < text_events; ++i) {
        event("response.output_text.delta",
              msg + R"("delta":")" + fragment(i) + R"(","logprobs":[])");
    }
    event("response.output_text.done", msg + R"("text":"...","logprobs":[])");
    event("response.content_part.done",
          msg + R"("part":{"type":"output_text","text":"...","annotations":[]})");
    event("response.output_item.done",
          R"("output_index":0,"item":{"id":"msg_1","type":"message","status":"completed",)"
          R"("role":"assistant","content":[]})");
    event("response.output_item.added",
          R"("output_index":1,"item":{"id":"fc_1","type":"function_call","status":)"
          R"("in_progress","call_id":"call_1","name":"lookup","arguments":""})");
    for (int i = 0; i < arg_events; ++i) {
        event("response.function_call_arguments.delta",
              fc + R"("delta":")" + arg_fragment(i) + "\"");
    }
    event("response.function_call_arguments.done", fc + R"("name":"lookup","arguments":"{}")");
    event("response.output_item.done",
          R"("output_index":1,"item":{"id":"fc_1","type":"function_call","status":"completed",)"
          R"("call_id":"call_1","name":"lookup","arguments":"{}"})");
    event("response.completed",
          R"("response":{"id":"resp_1","object":"response","created_at":1735689600,)"
          R"("status":"completed","error":null,"incomplete_details":null,)"
          R"("model":"gpt-4o-2024-08-06","output":[],"usage":{"input_tokens":82,)"
          R"("input_tokens_details":{"cached_tokens":0},"output_tokens":2221,)"
          R"("output_tokens_details":{"reasoning_tokens":0},"total_tokens":2303}})");
    b.events = static_cast<size_t>(seq);
    return b;
}

std::vector<std::string> receive_pieces(const std::string& body) {
    std::mt19937 rng(42);
    std::uniform_int_distribution<size_t> size(1024, 4096);
    std::vector<std::string> pieces;
    for (size_t pos = 0; pos < body.size();) {
        const size_t n = size(rng);
        pieces.push_back(body.substr(pos, n));
        pos += n;
    }
    return pieces;
}

void run_direction(benchmark::State& state, Format from, Format to, const Body& body) {
    const std::vector<std::string> pieces = receive_pieces(body.bytes);
    StreamTranslator t;
    rg::ByteBuffer out;
    StreamOptions o;
    o.id_token = "req_0123456789";
    o.include_usage = true;
    auto once = [&] {
        t.start(from, to, o);
        out.clear();
        for (const std::string& p : pieces) {
            t.feed(p, out);
        }
        if (t.finish(out) != StreamEnd::complete) {
            state.SkipWithError("stream did not complete");
        }
    };
    once();  // warm
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        once();
        benchmark::DoNotOptimize(out.data());
    }
    const double events = static_cast<double>(state.iterations()) * body.events;
    state.counters["allocs/event"] =
        static_cast<double>(rg::bench::allocations() - before) / events;
    state.counters["time/event"] = benchmark::Counter(
        static_cast<double>(body.events),
        benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
    state.counters["out_bytes"] = static_cast<double>(out.size());
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.bytes.size()));
}

void BM_OpenAiToAnthropic(benchmark::State& state) {
    static const Body body = openai_stream();
    run_direction(state, Format::openai_chat, Format::anthropic, body);
}
BENCHMARK(BM_OpenAiToAnthropic);

void BM_AnthropicToOpenAi(benchmark::State& state) {
    static const Body body = anthropic_stream();
    run_direction(state, Format::anthropic, Format::openai_chat, body);
}
BENCHMARK(BM_AnthropicToOpenAi);

void BM_GeminiToOpenAi(benchmark::State& state) {
    static const Body body = gemini_stream();
    run_direction(state, Format::gemini, Format::openai_chat, body);
}
BENCHMARK(BM_GeminiToOpenAi);

void BM_OpenAiToGemini(benchmark::State& state) {
    static const Body body = openai_stream();
    run_direction(state, Format::openai_chat, Format::gemini, body);
}
BENCHMARK(BM_OpenAiToGemini);

void BM_ResponsesToOpenAi(benchmark::State& state) {
    static const Body body = responses_stream();
    run_direction(state, Format::openai_responses, Format::openai_chat, body);
}
BENCHMARK(BM_ResponsesToOpenAi);

void BM_ResponsesToAnthropic(benchmark::State& state) {
    static const Body body = responses_stream();
    run_direction(state, Format::openai_responses, Format::anthropic, body);
}
BENCHMARK(BM_ResponsesToAnthropic);

void BM_ResponsesToGemini(benchmark::State& state) {
    static const Body body = responses_stream();
    run_direction(state, Format::openai_responses, Format::gemini, body);
}
BENCHMARK(BM_ResponsesToGemini);

void BM_OpenAiToResponses(benchmark::State& state) {
    static const Body body = openai_stream();
    run_direction(state, Format::openai_chat, Format::openai_responses, body);
}
BENCHMARK(BM_OpenAiToResponses);

void BM_AnthropicToResponses(benchmark::State& state) {
    static const Body body = anthropic_stream();
    run_direction(state, Format::anthropic, Format::openai_responses, body);
}
BENCHMARK(BM_AnthropicToResponses);

void BM_GeminiToResponses(benchmark::State& state) {
    static const Body body = gemini_stream();
    run_direction(state, Format::gemini, Format::openai_responses, body);
}
BENCHMARK(BM_GeminiToResponses);

}  // namespace

BENCHMARK_MAIN();
