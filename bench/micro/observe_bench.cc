// observe on the hot path: a labelled counter increment through a resolved id, the same
// with the label lookup each time (lazy use), a histogram observation, a gauge up/down;
// all must show 0 allocs/op. Scrape: render 10k series present on 2 workers. Access log:
// the producer's enqueue (copy into a ring slot; drained every ring-full by a no-op
// consumer), a push that finds the ring full (drop path), and the writer's per-line JSON
// formatting (off the request path).
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/alloc_counter.h"
#include "observe/catalog.h"
#include "observe/log_writer.h"
#include "observe/registry.h"
#include "observe/request_metrics.h"
#include "observe/spsc_ring.h"

namespace {

using rg::observe::AccessRecord;
using rg::observe::AccessSlot;
using rg::observe::family;
using rg::observe::Metric;
using rg::observe::Registry;
using rg::observe::WorkerMetrics;
using SV = std::string_view;

constexpr SV routes[] = {"/v1/chat/completions", "/v1/messages", "/v1beta/models"};
constexpr SV models[] = {"gpt-4o", "claude-sonnet-4", "gemini-2.5-pro", "other"};

void BM_CounterAdd(benchmark::State& state) {
    Registry r(rg::observe::catalog_families());
    WorkerMetrics& w = r.add_block();
    SV v[] = {"/v1/chat/completions", "openai", "openai", "gpt-4o", "2xx"};
    rg::observe::CounterId c = w.counter(family(Metric::requests), v);
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        w.add(c);
        benchmark::ClobberMemory();
    }
    RG_BENCH_REPORT_ALLOCS(state, before);
}
BENCHMARK(BM_CounterAdd);

// The lazy path: hash five label values and probe, then add (12 series cycling).
void BM_CounterLookupAdd(benchmark::State& state) {
    Registry r(rg::observe::catalog_families());
    WorkerMetrics& w = r.add_block();
    size_t i = 0;
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        SV v[] = {routes[i % 3], "openai", "openai", models[i % 4], "2xx"};
        w.add(w.counter(family(Metric::requests), v));
        ++i;
    }
    RG_BENCH_REPORT_ALLOCS(state, before);
}
BENCHMARK(BM_CounterLookupAdd);

void BM_HistogramObserve(benchmark::State& state) {
    Registry r(rg::observe::catalog_families());
    WorkerMetrics& w = r.add_block();
    SV v[] = {"/v1/chat/completions", "openai"};
    rg::observe::HistogramId h = w.histogram(family(Metric::request_duration), v);
    uint64_t us = 1;
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        us = us * 6364136223846793005ull + 1442695040888963407ull;  // spread over buckets
        w.observe(h, (us >> 40) % 400'000'000);
        benchmark::ClobberMemory();
    }
    RG_BENCH_REPORT_ALLOCS(state, before);
}
BENCHMARK(BM_HistogramObserve);

void BM_GaugeUpDown(benchmark::State& state) {
    Registry r(rg::observe::catalog_families());
    WorkerMetrics& w = r.add_block();
    rg::observe::GaugeId g = w.gauge(family(Metric::streams_active));
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        w.add(g, 1);
        benchmark::ClobberMemory();
        w.add(g, -1);
        benchmark::ClobberMemory();
    }
    RG_BENCH_REPORT_ALLOCS(state, before);
}
BENCHMARK(BM_GaugeUpDown);

// 10k series on each of 2 workers (the same label sets, created in opposite orders): a
// mix of counters (requests, tokens) and latency histograms, as a large config would have.
void BM_Scrape(benchmark::State& state) {
    const int series = static_cast<int>(state.range(0));
    rg::observe::Capacity cap;
    cap.series = 2 * series;
    cap.cells = 16 * series;
    Registry r(rg::observe::catalog_families(), cap);
    WorkerMetrics* blocks[2] = {&r.add_block(), &r.add_block()};
    const int histograms = series / 10;  // each histogram series is 22 cells, 24 lines
    for (int b = 0; b < 2; ++b) {
        for (int k = 0; k < series; ++k) {
            int i = b == 0 ? k : series - 1 - k;
            std::string model = "model-" + std::to_string(i);
            if (i < histograms) {
                SV v[] = {"openai", model};
                blocks[b]->observe(blocks[b]->histogram(family(Metric::upstream_latency), v),
                                   1000 + i);
            } else {
                SV v[] = {routes[i % 3], "openai", "openai", model, "2xx"};
                blocks[b]->add(blocks[b]->counter(family(Metric::requests), v), i);
            }
        }
    }
    rg::ByteBuffer out;
    size_t bytes = 0;
    for (auto _ : state) {
        out.clear();
        r.render(out);
        bytes = out.size();
        benchmark::DoNotOptimize(out.data());
    }
    state.counters["bytes"] = static_cast<double>(bytes);
    state.counters["series"] = series;
}
BENCHMARK(BM_Scrape)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

// A config of realistic size for the request families: 5 providers x 3 keys, 50 models,
// 20 client keys; route, format, reason and limit names as the proxy has them.
constexpr SV bench_routes[] = {"chat_completions", "completions",        "embeddings",
                               "responses",        "anthropic_messages", "gemini_generate"};
constexpr SV bench_formats[] = {"openai", "anthropic", "gemini"};
constexpr SV bench_reasons[] = {"rate_limited", "auth", "server", "transport", "timeout"};
constexpr SV bench_limits[] = {"none", "requests_per_second", "tokens_per_minute"};

std::shared_ptr<rg::observe::MetricsVocabulary> bench_vocabulary() {
    auto v = std::make_shared<rg::observe::MetricsVocabulary>();
    v->routes = bench_routes;
    v->formats = bench_formats;
    v->reasons = bench_reasons;
    v->limits = bench_limits;
    for (uint32_t p = 0; p < 5; ++p) {
        v->providers.push_back("provider-" + std::to_string(p));
        v->key_base.push_back(static_cast<uint32_t>(v->key_ids.size()));
        for (uint32_t k = 0; k < 3; ++k) {
            v->key_ids.push_back("key-" + std::to_string(k));
            v->key_provider.push_back(p);
        }
    }
    for (uint32_t c = 0; c < 20; ++c) {
        v->clients.push_back("team-" + std::to_string(c));
    }
    std::vector<std::string> models;
    for (uint32_t m = 0; m < 50; ++m) {
        models.push_back("model-" + std::to_string(m));
    }
    v->models = rg::observe::LabelSet(std::span<const std::string>(models));
    return v;
}

rg::observe::RequestSample bench_sample(uint32_t i) {
    rg::observe::RequestSample s;
    s.route = i % 2 == 0 ? 0 : 4;
    s.format = i % 2 == 0 ? 0 : 1;
    s.status = i % 16 == 0 ? 429 : 200;
    s.provider = i % 5;
    s.model = i % 50;
    s.served_model = s.model;
    s.key = s.provider * 3 + i % 3;
    s.client = i % 20;
    s.duration_us = 1000 + i * 37 % 2'000'000;
    s.usage_known = s.status == 200;
    s.tokens[0] = 1200;
    s.tokens[1] = 200;
    s.tokens[3] = 340;
    s.cost_nano_usd = 6'400'000;
    return s;
}

// Everything a worker records for one streamed request with one attempt (ids resolved:
// the series exist), cycling over 64 label combinations: the request with its tokens and
// cost (model, key and client families), the attempt's status and upstream latency, its
// time to first token.
void BM_RecordRequest(benchmark::State& state) {
    Registry r(rg::observe::catalog_families());
    WorkerMetrics& w = r.add_block();
    rg::observe::RequestMetrics m(w, bench_vocabulary());
    rg::observe::RequestSample samples[64];
    for (uint32_t i = 0; i < 64; ++i) {
        samples[i] = bench_sample(i);
        m.request(samples[i]);  // the first use resolves the ids
        m.attempt(samples[i].key, samples[i].status);
        m.upstream_latency(samples[i].provider, samples[i].served_model, 300'000);
        m.first_token(samples[i].provider, samples[i].served_model, 400'000);
    }
    uint32_t i = 0;
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        const rg::observe::RequestSample& s = samples[i++ & 63];
        m.attempt(s.key, s.status);
        m.upstream_latency(s.provider, s.served_model, 300'000 + i);
        m.first_token(s.provider, s.served_model, 400'000 + i);
        m.request(s);
        benchmark::ClobberMemory();
    }
    RG_BENCH_REPORT_ALLOCS(state, before);
}
BENCHMARK(BM_RecordRequest);

// /metrics of a gateway as the proxy fills it: 2 workers, each having recorded `range(0)`
// requests spread over the vocabulary above (series per worker reported).
void BM_ScrapeGateway(benchmark::State& state) {
    Registry r(rg::observe::catalog_families());
    WorkerMetrics* blocks[2] = {&r.add_block(), &r.add_block()};
    auto vocab = bench_vocabulary();
    rg::observe::RequestMetrics m0(*blocks[0], vocab);
    rg::observe::RequestMetrics m1(*blocks[1], vocab);
    for (uint32_t i = 0; i < static_cast<uint32_t>(state.range(0)); ++i) {
        rg::observe::RequestSample s = bench_sample(i * 7919);
        for (rg::observe::RequestMetrics* m : {&m0, &m1}) {
            m->request(s);
            m->attempt(s.key, s.status);
            m->upstream_latency(s.provider, s.served_model, s.duration_us / 2);
            m->first_token(s.provider, s.served_model, s.duration_us / 3);
        }
    }
    rg::ByteBuffer out;
    size_t bytes = 0;
    for (auto _ : state) {
        out.clear();
        r.render(out);
        bytes = out.size();
        benchmark::DoNotOptimize(out.data());
    }
    state.counters["bytes"] = static_cast<double>(bytes);
    state.counters["series_per_worker"] = blocks[0]->published();
}
BENCHMARK(BM_ScrapeGateway)->Arg(100)->Arg(2000)->Unit(benchmark::kMillisecond);

AccessRecord sample_record() {
    AccessRecord r;
    r.time_unix_us = 1767225600123456ull;
    r.request_id = "req_01JBX4ZK7Q9M3V5W8N2P6R4T1Y";
    r.client_key = "team-a";
    r.route = "/v1/chat/completions";
    r.format = "openai";
    r.model = "gpt-4o";
    r.model_served = "gpt-4o-2024-08-06";
    r.provider = "openai";
    r.key_id = "oa-1";
    r.status = 200;
    r.attempts = 1;
    r.stream = true;
    r.tokens_input = 1200;
    r.tokens_output = 340;
    r.cost_nano_usd = 6'400'000;
    r.duration_us = 1'250'000;
    r.upstream_us = 310'000;
    r.ttft_us = 420'000;
    r.bytes_in = 4096;
    r.bytes_out = 18000;
    return r;
}

// What LogProducer::push does per record, on a ring the benchmark drains itself every
// 4096 pushes (a no-op consumer, so the cost is the producer's).
void BM_AccessEnqueue(benchmark::State& state) {
    rg::observe::SpscRing<AccessSlot> ring(4096);
    const AccessRecord rec = sample_record();
    uint32_t n = 0;
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        AccessSlot* slot = ring.reserve();
        slot->fill(rec);
        ring.commit();
        if (++n == 4096) {
            ring.drain([](const AccessSlot& s) { benchmark::DoNotOptimize(s.status); });
            n = 0;
        }
    }
    RG_BENCH_REPORT_ALLOCS(state, before);
}
BENCHMARK(BM_AccessEnqueue);

// A push that finds the ring full (no writer running): the drop path a worker takes when
// the writer falls behind, one load of the consumer's index and a counter store.
void BM_AccessPushDropped(benchmark::State& state) {
    rg::observe::LogWriterOptions o;
    o.access_ring_records = 64;
    rg::observe::LogWriter writer(o);
    rg::observe::LogProducer& p = writer.add_producer();
    const AccessRecord rec = sample_record();
    while (p.push(rec)) {
    }
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        benchmark::DoNotOptimize(p.push(rec));
    }
    RG_BENCH_REPORT_ALLOCS(state, before);
}
BENCHMARK(BM_AccessPushDropped);

// The writer's cost per line (off the request path).
void BM_AccessFormat(benchmark::State& state) {
    auto slot = std::make_unique<AccessSlot>();
    slot->fill(sample_record());
    char line[rg::observe::limits::log_line_bytes_max];
    size_t n = 0;
    for (auto _ : state) {
        n = rg::observe::format_access(*slot, line, sizeof(line));
        benchmark::DoNotOptimize(line);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_AccessFormat);

}  // namespace

BENCHMARK_MAIN();
