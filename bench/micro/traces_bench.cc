// Request traces. On the worker: one trace pushed when an exchange ends (fill_trace into the
// ring slot + commit; two attempts; the ring drained by a no-op consumer every time it
// fills), which must show 0 allocs/op. On the trace thread: the JSON payload per record,
// and the whole pipeline (drain, JSON, spool append with fdatasync per batch of up to 4096,
// SQLite sink on its own thread, one transaction per batch; sync() ends in a synced commit
// and the cursor file) as records/s.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "base/clock.h"
#include "common/alloc_counter.h"
#include "proxy/proxy_trace.h"
#include "traces/trace_json.h"
#include "traces/trace_service.h"

namespace {

std::unique_ptr<rg::proxy::Exchange> sample_exchange() {
    auto x = std::make_unique<rg::proxy::Exchange>();
    const char id[] = "req-01HF3Z7Q6W8M2V0K4N5P";
    std::memcpy(x->request_id, id, sizeof(id) - 1);
    x->request_id_len = sizeof(id) - 1;
    x->start_us = rg::wall_ms() * 1000;
    x->start_mono_us = rg::monotonic_ns() / 1000;
    x->route = rg::proxy::Route::chat_completions;
    x->final_status = 200;
    x->scan.has_model = true;
    x->scan.stream = true;
    std::memcpy(x->scan.model_text, "gpt-4o", 6);
    x->scan.model_size = 6;
    x->served_model = "gpt-4o-2024-08-06";
    x->usage_known = true;
    x->usage.input = 1200;
    x->usage.output = 300;
    x->ttft_us = 250000;
    x->attempts = 2;
    for (int i = 0; i < 2; ++i) {
        rg::traces::TraceAttempt& a = x->attempt_trace[i];
        a.provider.assign("openai-main");
        a.key.assign(i == 0 ? "oa-1" : "oa-2");
        a.model.assign("gpt-4o-2024-08-06");
        a.cls.assign(i == 0 ? "rate_limited" : "ok");
        a.status = i == 0 ? 429 : 200;
        a.start_us = i == 0 ? 20 : 900;
        a.duration_us = 800;
    }
    return x;
}

void BM_WorkerPushTrace(benchmark::State& state) {
    auto x = sample_exchange();
    rg::traces::TraceProducer producer(512);
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        rg::traces::TraceSlot* slot = producer.begin();
        if (slot == nullptr) {
            producer.ring().drain([](const rg::traces::TraceSlot&) {});
            slot = producer.begin();
        }
        rg::proxy::fill_trace(*x, rg::monotonic_ns() / 1000, slot);
        producer.commit();
    }
    RG_BENCH_REPORT_ALLOCS(state, before);
}
BENCHMARK(BM_WorkerPushTrace);

void BM_TraceJson(benchmark::State& state) {
    auto x = sample_exchange();
    rg::traces::TraceSlot slot;
    rg::proxy::fill_trace(*x, rg::monotonic_ns() / 1000, &slot);
    std::string out;
    for (auto _ : state) {
        out.clear();
        rg::traces::append_trace_json(slot, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.counters["bytes"] = static_cast<double>(out.size());
}
BENCHMARK(BM_TraceJson);

// Records/s through the trace thread: 8192 records pushed as fast as the ring takes them
// (a full ring: the pusher yields), then sync() (everything spooled with fdatasync and, with
// SQLite, committed and the cursor saved) per iteration.
void BM_TraceThreadPipeline(benchmark::State& state) {
    char tmpl[] = "/tmp/rg_trace_bench_XXXXXX";
    std::string dir = mkdtemp(tmpl);
    rg::traces::TraceServiceOptions o;
    o.spool_dir = dir + "/spool";
    o.sqlite_path = state.range(0) != 0 ? dir + "/traces.db" : "";
    o.ring_records = 1024;
    auto svc = std::make_unique<rg::traces::TraceService>(o);
    rg::traces::TraceProducer& p = svc->add_producer();
    if (!svc->start().ok()) {
        state.SkipWithError("cannot start the trace service");
        return;
    }
    auto x = sample_exchange();
    uint64_t n = 0;
    for (auto _ : state) {
        for (int i = 0; i < 8192; ++i) {
            rg::traces::TraceSlot* slot = p.begin();
            while (slot == nullptr) {
                std::this_thread::yield();
                slot = p.begin();
            }
            rg::proxy::fill_trace(*x, rg::monotonic_ns() / 1000, slot);
            // A distinct id per record (SQLite keeps one row per id).
            std::string id = "req-" + std::to_string(++n);
            slot->id.assign(id);
            p.commit();
        }
        svc->sync(60000);
    }
    state.SetItemsProcessed(static_cast<int64_t>(n));
    svc->stop();
    svc.reset();
    std::system(("rm -rf '" + dir + "'").c_str());
}
BENCHMARK(BM_TraceThreadPipeline)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
