// keys::Selector::pick with started/finished, per strategy, for 2, 16 and 256 keys in one
// provider: ns/pick and allocs/pick (must be 0). The shared variants run with one and two
// threads on the same KeyTable, each with its own Selector, and also report a success per
// pick: with no shared line written, two threads pick as fast as one. FirstPickAfterEpoch
// changes a key's steering before every pick, so every pick rebuilds the candidate list.
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "base/clock.h"
#include "common/alloc_counter.h"
#include "keys/selector.h"

namespace {

using rg::keys::KeyTable;
using rg::keys::Selector;
using rg::keys::Strategy;

const char* strategy_name(Strategy s) {
    static constexpr const char* names[] = {"weighted", "round_robin", "least_inflight", "latency",
                                            "priority"};
    return names[static_cast<size_t>(s)];
}

// One table per (strategy, key count), built once and shared by every benchmark thread.
std::shared_ptr<KeyTable> table_for(Strategy strategy, uint32_t keys) {
    static std::mutex mu;
    static std::map<std::pair<int, uint32_t>, std::shared_ptr<KeyTable>> tables;
    std::lock_guard<std::mutex> lock(mu);
    std::shared_ptr<KeyTable>& t = tables[{static_cast<int>(strategy), keys}];
    if (!t) {
        rg::keys::ProviderOptions p;
        p.name = "bench";
        p.strategy = strategy;
        for (uint32_t k = 0; k < keys; ++k) {
            p.keys.push_back({"k" + std::to_string(k), "sk-bench", 1 + k % 4});
        }
        t = KeyTable::build({p}, nullptr);
    }
    return t;
}

Strategy strategy_arg(const benchmark::State& state) {
    return static_cast<Strategy>(state.range(0));
}

// pick + started + finished, as a request does; `report` adds the success report.
void run_picks(benchmark::State& state, bool report) {
    const Strategy strategy = strategy_arg(state);
    const uint32_t keys = static_cast<uint32_t>(state.range(1));
    std::shared_ptr<KeyTable> table = table_for(strategy, keys);
    Selector selector(static_cast<uint32_t>(state.thread_index()));
    selector.attach(table);
    const uint64_t now = rg::monotonic_ms();
    uint64_t latency_us = 1000;
    selector.pick(0, now);  // the first pick builds the candidate list
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        const Selector::Pick pick = selector.pick(0, now);
        const uint32_t k = static_cast<uint32_t>(pick.key);
        selector.started(0, k);
        latency_us = latency_us * 1103515245 % 100000 + 500;
        selector.finished(0, k, latency_us, true);
        if (report) {
            table->on_success(0, k, now);
        }
        benchmark::DoNotOptimize(pick);
    }
    RG_BENCH_REPORT_ALLOCS(state, before);
    state.SetLabel(strategy_name(strategy));
}

void BM_Pick(benchmark::State& state) {
    run_picks(state, false);
}
BENCHMARK(BM_Pick)->ArgsProduct({{0, 1, 2, 3, 4}, {2, 16, 256}})->ArgNames({"strategy", "keys"});

void BM_PickShared(benchmark::State& state) {
    run_picks(state, true);
}
BENCHMARK(BM_PickShared)
    ->ArgsProduct({{0, 1, 2, 3, 4}, {2, 16, 256}})
    ->ArgNames({"strategy", "keys"})
    ->Threads(1)
    ->Threads(2);

// Each iteration moves the epoch (a key enters or leaves steering) and picks, so the pick
// rebuilds the provider's candidate list: compare with BM_EpochChangeOnly for the rebuild.
void BM_FirstPickAfterEpoch(benchmark::State& state) {
    const Strategy strategy = strategy_arg(state);
    const uint32_t keys = static_cast<uint32_t>(state.range(1));
    std::shared_ptr<KeyTable> table =
        KeyTable::build({table_for(strategy, keys)->provider(0)}, nullptr);
    Selector selector(0);
    selector.attach(table);
    const uint64_t now = rg::monotonic_ms();
    const uint64_t reset_at = now + 3600 * 1000;
    int64_t remaining = 0;
    selector.pick(0, now);
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        remaining = remaining == 0 ? 100 : 0;
        table->on_rate_limit_hint(0, keys - 1, remaining, -1, reset_at);
        const Selector::Pick pick = selector.pick(0, now);
        benchmark::DoNotOptimize(pick);
    }
    RG_BENCH_REPORT_ALLOCS(state, before);
    state.SetLabel(strategy_name(strategy));
}
BENCHMARK(BM_FirstPickAfterEpoch)
    ->ArgsProduct({{0, 1, 2, 3, 4}, {2, 16, 256}})
    ->ArgNames({"strategy", "keys"});

void BM_EpochChangeOnly(benchmark::State& state) {
    std::shared_ptr<KeyTable> table =
        KeyTable::build({table_for(Strategy::weighted, 2)->provider(0)}, nullptr);
    const uint64_t reset_at = rg::monotonic_ms() + 3600 * 1000;
    int64_t remaining = 0;
    for (auto _ : state) {
        remaining = remaining == 0 ? 100 : 0;
        table->on_rate_limit_hint(0, 1, remaining, -1, reset_at);
    }
    benchmark::DoNotOptimize(table->epoch());
}
BENCHMARK(BM_EpochChangeOnly);

}  // namespace

BENCHMARK_MAIN();
