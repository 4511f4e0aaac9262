// upstream::AddressCursor and LiveAddress: what a shard pays per new upstream connect to
// pick its address (ns/pick, allocs/pick, which must be 0), when the resolver has not
// published since the last pick (the common case), right after a publish, and while a
// writer publishes without pause (the worst case for the seqlock's retries).
#include <arpa/inet.h>
#include <benchmark/benchmark.h>

#include <atomic>
#include <thread>

#include "common/alloc_counter.h"
#include "upstream/live_address.h"

namespace {

using rg::upstream::AddressCursor;
using rg::upstream::AddressSet;
using rg::upstream::IpAddress;
using rg::upstream::LiveAddress;

AddressSet four_addresses(uint8_t last) {
    AddressSet s;
    for (uint8_t i = 0; i < 4; ++i) {
        IpAddress a;
        a.family = i % 2 ? AF_INET6 : AF_INET;
        a.bytes[0] = 10;
        a.bytes[3] = static_cast<uint8_t>(last + i);
        s.add(a);
    }
    return s;
}

// The pool's pick: rotate, then build the sockaddr the connect SQE points at.
void pick(AddressCursor& cursor, const LiveAddress& live) {
    IpAddress a;
    if (cursor.next(live, &a)) {
        rg::io::SocketAddress sa = a.to_socket_address(443);
        benchmark::DoNotOptimize(sa);
    }
}

void BM_PickUnchanged(benchmark::State& state) {
    LiveAddress live(four_addresses(1));
    AddressCursor cursor;
    pick(cursor, live);
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        pick(cursor, live);
    }
    RG_BENCH_REPORT_ALLOCS(state, before);
}
BENCHMARK(BM_PickUnchanged);

// Every pick sees a new version and copies the set (publish cost excluded).
void BM_PickAfterPublish(benchmark::State& state) {
    LiveAddress live(four_addresses(1));
    AddressCursor cursor;
    AddressSet sets[2] = {four_addresses(1), four_addresses(9)};
    uint32_t k = 0;
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        state.PauseTiming();
        live.publish(sets[++k & 1]);
        state.ResumeTiming();
        pick(cursor, live);
    }
    RG_BENCH_REPORT_ALLOCS(state, before);
}
BENCHMARK(BM_PickAfterPublish);

// A reader on this thread against a writer thread that never stops publishing.
void BM_ReadUnderConstantPublishing(benchmark::State& state) {
    LiveAddress live(four_addresses(1));
    std::atomic<bool> stop{false};
    std::thread writer([&] {
        uint8_t k = 0;
        while (!stop.load(std::memory_order_relaxed)) {
            live.publish(four_addresses(++k));
        }
    });
    uint64_t gave_up = 0;
    for (auto _ : state) {
        AddressSet s;
        uint64_t version = 0;
        gave_up += live.read(&s, &version) ? 0 : 1;
        benchmark::DoNotOptimize(s);
    }
    stop = true;
    writer.join();
    state.counters["gave_up/op"] =
        benchmark::Counter(static_cast<double>(gave_up), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_ReadUnderConstantPublishing)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
