// Traces from the proxy: what a shard's handler is given to record them (its ring of the
// trace thread, the admin query service), and the pure fill of a trace slot from an
// exchange (exposed for the micro benchmark). Shard-local.
#pragma once

#include <cstdint>

#include "proxy/exchange.h"
#include "traces/trace_producer.h"

namespace rg::traces {
class QueryService;
}

namespace rg::proxy {

struct TraceHooks {
    traces::TraceProducer* producer = nullptr;  // this shard's ring; null: traces are off
    traces::QueryService* queries = nullptr;    // admin trace queries (SQLite); null: none
    bool postgresql = false;  // traces go to PostgreSQL: the admin endpoints answer 501
};

// Fills `s` from a finished exchange: names and ids only, never a secret. `now_mono_us` is
// when it ended.
void fill_trace(const Exchange& x, uint64_t now_mono_us, traces::TraceSlot* s);

}  // namespace rg::proxy
