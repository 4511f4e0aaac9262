// limits: the per-request cost of client authentication and limits. A "check" is what the
// proxy does for one request: authenticate (SHA-256 of the presented key + table lookup),
// admit (every limit configured, none reached) and settle (token correction and cost).
// Run with one thread, and with two threads on the same key (the shared words bounce
// between cores) or on a key each. allocs/op must be 0.
#include <benchmark/benchmark.h>

#include <memory>
#include <mutex>
#include <string>

#include "base/clock.h"
#include "common/alloc_counter.h"
#include "limits/limiter.h"
#include "limits/token_estimate.h"
#include "limits/utc_period.h"

namespace {

using namespace rg::limits;

std::string hex(const Digest& d) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (uint8_t b : d.bytes) {
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 15]);
    }
    return out;
}

std::string plain_key(int i) {
    return "sk-ringgate-bench-" + std::to_string(i) + "-0123456789abcdef0123456789abcdef";
}

// 64 keys, each with every limit set high enough never to refuse during a run.
std::shared_ptr<const ClientKeyTable> table() {
    static std::once_flag once;
    static std::shared_ptr<const ClientKeyTable> t;
    std::call_once(once, [] {
        std::vector<ClientKeyOptions> keys;
        for (int i = 0; i < 64; ++i) {
            ClientKeyOptions o;
            o.name = "key-" + std::to_string(i);
            o.key_sha256 = hex(sha256(plain_key(i)));
            o.allowed_models = {"gpt-4o*", "claude-*"};
            o.rate_limit = {1e9, 1000000000u, uint64_t{1} << 60};
            o.quota = {uint64_t{1} << 46, uint64_t{1} << 47};
            o.budget = {1e8, 1e8};
            keys.push_back(o);
        }
        t = ClientKeyTable::build(keys, AuthOptions{true}, nullptr);
    });
    return t;
}

const PriceOptions price{"gpt-4o", 2.5, 1.25, 10.0};

Usage answer_usage() {
    Usage u;
    u.prompt_tokens = 120;
    u.cached_prompt_tokens = 64;
    u.completion_tokens = 40;
    return u;
}

// Threads on the same key share key 0; otherwise thread i uses key i.
int key_for(const benchmark::State& state, bool same_key) {
    return same_key ? 0 : state.thread_index();
}

void run_check(benchmark::State& state, bool same_key, bool authenticate) {
    auto t = table();
    const Limiter limiter;
    const std::string presented = plain_key(key_for(state, same_key));
    const ClientKey* known = t->authenticate(presented);
    const Usage usage = answer_usage();
    const uint64_t now = rg::monotonic_ms();
    const int64_t wall = static_cast<int64_t>(rg::wall_ms());
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        const ClientKey* key = authenticate ? t->authenticate(presented) : known;
        const bool allowed = model_allowed(*key, "gpt-4o");
        const Admission a = limiter.admit(*key, now, wall, 150);
        limiter.settle(*key, a, usage, &price, now, wall);
        benchmark::DoNotOptimize(allowed);
        benchmark::DoNotOptimize(a);
    }
    RG_BENCH_REPORT_ALLOCS(state, before);
}

void BM_Check(benchmark::State& state) {
    run_check(state, true, true);
}
BENCHMARK(BM_Check)->Threads(1)->Threads(2)->UseRealTime();

void BM_CheckOwnKey(benchmark::State& state) {
    run_check(state, false, true);
}
BENCHMARK(BM_CheckOwnKey)->Threads(2)->UseRealTime();

void BM_AdmitSettle(benchmark::State& state) {
    run_check(state, state.range(0) == 1, false);
}
BENCHMARK(BM_AdmitSettle)->Arg(1)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_AdmitSettle)->Arg(0)->Threads(2)->UseRealTime();

// storage.redis with leases active (the common case: the Redis thread refills ahead of
// demand): admit takes a day permit and a bucket permit from the key's leases and checks
// tokens and budgets against the other instances' usage; settle also queues the usage for
// Redis. Same key on every thread (the lease words bounce between cores).
void BM_AdmitSettleSharedLease(benchmark::State& state) {
    auto t = table();
    static SharedLimits shared(RedisFailure::open, 2);
    const Limiter limiter(&shared);
    const ClientKey* key = t->authenticate(plain_key(0));
    const Usage usage = answer_usage();
    const uint64_t now = rg::monotonic_ms();
    const int64_t wall = static_cast<int64_t>(rg::wall_ms());
    if (state.thread_index() == 0) {
        shared.set_up(true);
        key->state().shared.rps.refill(uint64_t{1} << 39, now + 3600000, now);
        key->state().shared.day.grant(utc_day(wall), uint64_t{1} << 46);
    }
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        const Admission a = limiter.admit(*key, now, wall, 150);
        limiter.settle(*key, a, usage, &price, now, wall);
        benchmark::DoNotOptimize(a);
        if (!a.ok) {
            state.SkipWithError("not admitted from the lease");
            break;
        }
    }
    RG_BENCH_REPORT_ALLOCS(state, before);
}
BENCHMARK(BM_AdmitSettleSharedLease)->Threads(1)->Threads(2)->UseRealTime();

void BM_Authenticate(benchmark::State& state) {
    auto t = table();
    const std::string presented = plain_key(7);
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        benchmark::DoNotOptimize(t->authenticate(presented));
    }
    RG_BENCH_REPORT_ALLOCS(state, before);
}
BENCHMARK(BM_Authenticate);

void BM_EstimateInputTokens(benchmark::State& state) {
    std::string body = R"({"model":"gpt-4o","stream":true,"messages":[)";
    for (int i = 0; i < 8; ++i) {
        body += R"({"role":"user","content":"Summarise the following paragraph in one line, )"
                R"(keeping names and numbers exact: the quick brown fox jumps over the dog."},)";
    }
    body += R"({"role":"user","content":"thanks"}]})";
    const uint64_t before = rg::bench::allocations();
    for (auto _ : state) {
        benchmark::DoNotOptimize(estimate_input_tokens(body));
    }
    RG_BENCH_REPORT_ALLOCS(state, before);
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_EstimateInputTokens);

}  // namespace

BENCHMARK_MAIN();
