// rg::translate on requests and answers as SDKs send them: a typical chat request (system
// prompt, a few turns, one tool, a tool call and its result) from OpenAI chat to Anthropic,
// Anthropic to OpenAI chat and OpenAI chat to Gemini, and a tool-calling answer back. One
// Arena, IR and output buffer are reused, as a worker does: allocs/op must be 0.
#include <benchmark/benchmark.h>

#include <string>

#include "common/alloc_counter.h"
#include "translate/translate.h"

namespace {

using rg::translate::Format;

const char* openai_request = R"({"model":"gpt-4o-mini","messages":[
{"role":"system","content":"You are a helpful assistant. Answer briefly and use the tools when needed."},
{"role":"user","content":"What's the weather like in Paris right now? And should I bring an umbrella?"},
{"role":"assistant","content":null,"tool_calls":[{"id":"call_Vx7pQ2mK9sLw3TzR8yN1bC4d","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Paris, France\",\"unit\":\"celsius\"}"}}]},
{"role":"tool","tool_call_id":"call_Vx7pQ2mK9sLw3TzR8yN1bC4d","content":"{\"temperature\":18,\"condition\":\"partly cloudy\",\"precipitation\":0.2}"},
{"role":"assistant","content":"It is 18\u00b0C and partly cloudy in Paris, with a small chance of rain."},
{"role":"user","content":"Thanks. What about London tomorrow morning?"}],
"tools":[{"type":"function","function":{"name":"get_weather","description":"Get the current weather for a location","parameters":{"type":"object","properties":{"location":{"type":"string","description":"City and country, e.g. Paris, France"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["location"]}}}],
"tool_choice":"auto","temperature":0.2,"max_completion_tokens":512,"stream":true,"stream_options":{"include_usage":true}})";

const char* anthropic_request = R"({"model":"claude-sonnet-4-5","max_tokens":512,
"system":"You are a helpful assistant. Answer briefly and use the tools when needed.",
"messages":[
{"role":"user","content":"What's the weather like in Paris right now? And should I bring an umbrella?"},
{"role":"assistant","content":[{"type":"text","text":"I'll check the current weather in Paris."},{"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"get_weather","input":{"location":"Paris, France","unit":"celsius"}}]},
{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01A09q90qw90lq917835lq9","content":"{\"temperature\":18,\"condition\":\"partly cloudy\",\"precipitation\":0.2}"}]},
{"role":"assistant","content":"It is 18\u00b0C and partly cloudy in Paris, with a small chance of rain."},
{"role":"user","content":"Thanks. What about London tomorrow morning?"}],
"tools":[{"name":"get_weather","description":"Get the current weather for a location","input_schema":{"type":"object","properties":{"location":{"type":"string","description":"City and country, e.g. Paris, France"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["location"]}}],
"tool_choice":{"type":"auto"},"temperature":0.2,"stream":true})";

const char* anthropic_answer =
    R"({"id":"msg_01Aq9w938a90dw8q","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
"content":[{"type":"text","text":"I'll check the weather in London for tomorrow morning."},{"type":"tool_use","id":"toolu_01B19q90qw90lq917835lq9","name":"get_weather","input":{"location":"London, UK","unit":"celsius"}}],
"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":398,"cache_creation_input_tokens":0,"cache_read_input_tokens":1024,"output_tokens":67,"service_tier":"standard"}})";

const char* gemini_answer =
    R"({"candidates":[{"content":{"parts":[{"text":"I'll check the weather in London for tomorrow morning."},{"functionCall":{"name":"get_weather","args":{"location":"London, UK","unit":"celsius"}},"thoughtSignature":"CiQB0e2Kb7vJq3xDg5mQ8sA1TzLw4pR6nF2yH9cV0uE3iK7oM5bXlYpZ"}],"role":"model"},"finishReason":"STOP","index":0}],
"usageMetadata":{"promptTokenCount":61,"candidatesTokenCount":18,"totalTokenCount":137,"thoughtsTokenCount":58},"modelVersion":"gemini-2.5-flash","responseId":"fE0JaJb3Ng2wnvgPr9jK9RR"})";

void BM_Request(benchmark::State& state, Format from, Format to, const char* body) {
    const std::string in(body);
    rg::translate::Arena arena;
    rg::translate::Request request;
    rg::ByteBuffer out;
    rg::translate::ParseOptions po;
    po.gemini_model = "gemini-2.5-flash";
    rg::translate::EmitOptions eo;
    eo.model = "upstream-model";
    eo.default_max_tokens = 4096;
    auto once = [&]() {
        arena.reset();
        out.clear();
        return rg::translate::parse_request(from, in, po, arena, &request).ok() &&
               rg::translate::emit_request(to, request, eo, arena, out).ok();
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

void BM_Answer(benchmark::State& state, Format from, Format to, const char* body) {
    const std::string in(body);
    rg::translate::Arena arena;
    rg::translate::Response response;
    rg::ByteBuffer out;
    rg::translate::ResponseOptions ro;
    ro.model = "public-model";
    ro.id_token = "req_0123456789abcdef";
    ro.created_s = 1700000000;
    auto once = [&]() {
        arena.reset();
        out.clear();
        return rg::translate::parse_response(from, in, arena, &response).ok() &&
               rg::translate::emit_response(to, response, ro, arena, out).ok();
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
}

BENCHMARK_CAPTURE(BM_Request, openai_to_anthropic, Format::openai_chat, Format::anthropic,
                  openai_request);
BENCHMARK_CAPTURE(BM_Request, anthropic_to_openai, Format::anthropic, Format::openai_chat,
                  anthropic_request);
BENCHMARK_CAPTURE(BM_Request, openai_to_gemini, Format::openai_chat, Format::gemini,
                  openai_request);
BENCHMARK_CAPTURE(BM_Answer, anthropic_to_openai, Format::anthropic, Format::openai_chat,
                  anthropic_answer);
BENCHMARK_CAPTURE(BM_Answer, gemini_to_openai, Format::gemini, Format::openai_chat, gemini_answer);
BENCHMARK_CAPTURE(BM_Answer, anthropic_to_gemini, Format::anthropic, Format::gemini,
                  anthropic_answer);

}  // namespace
BENCHMARK_MAIN();
