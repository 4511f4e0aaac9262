// ProxyHandler, traces: each attempt is recorded in the exchange as it starts and ends, and
// one trace slot is pushed to this shard's ring of the trace thread when the exchange ends
// (traces/trace_service.h spools it and stores it). A full ring drops the trace and counts
// it. Names only: the client key's configured name and the upstream key's id.
#include "proxy/proxy_trace.h"

#include "base/clock.h"
#include "limits/usage.h"
#include "proxy/proxy_handler.h"

namespace rg::proxy {

static_assert(traces::attempts_max == upstream::attempts_limit);

void fill_trace(const Exchange& x, uint64_t now_mono_us, traces::TraceSlot* s) {
    s->ts_us = x.start_us;
    s->duration_us = now_mono_us - x.start_mono_us;
    s->bytes_in = x.body.size();
    s->bytes_out = x.bytes_out;
    s->ttft_us = x.ttft_us;
    s->has_ttft = x.scan.stream && x.ttft_us != 0;
    s->status = static_cast<uint16_t>(x.final_status);
    s->stream = x.scan.stream;
    s->id.assign(x.id());
    s->client.assign(x.client != nullptr ? x.client->name() : std::string_view());
    s->route.assign(route_name(x.route));
    s->format.assign(translate::format_name(client_format_of(x.route)));
    s->model.assign(x.scan.has_model ? x.scan.model() : std::string_view());
    s->attempt_count = x.attempts;
    for (uint8_t i = 0; i < x.attempts; ++i) {
        s->attempts[i] = x.attempt_trace[i];
    }
    std::string_view error;
    if (x.attempts > 0) {
        const traces::TraceAttempt& last = x.attempt_trace[x.attempts - 1];
        s->model_served.assign(x.served_model);
        s->provider = last.provider;
        s->key = last.key;
        if (x.final_status == 0) {
            error = "client_gone";
        } else if (x.final_status >= 400) {
            error = keys::failure_class_name(x.fail_class);
        }
    } else {
        s->model_served.assign({});
        s->provider.assign({});
        s->key.assign({});
        error = x.final_status == 0 ? "client_gone" : x.final_status >= 400 ? "refused" : "";
    }
    s->error.assign(error);
    s->has_usage = x.usage_known;
    s->has_cost = false;
    if (x.usage_known) {
        s->input_tokens = x.usage.input;
        s->cached_tokens = x.usage.cached_input;
        s->cache_creation_tokens = x.usage.cache_creation;
        s->output_tokens = x.usage.output;
        s->reasoning_tokens = x.usage.reasoning;
        if (x.cfg != nullptr) {
            limits::Usage u;
            u.prompt_tokens = x.usage.input;
            u.cached_prompt_tokens = x.usage.cached_input;
            u.cache_creation_tokens = x.usage.cache_creation;
            u.completion_tokens = x.usage.output;
            u.reasoning_tokens = x.usage.reasoning;
            const limits::PriceOptions* price =
                x.cfg->pricing.find(x.cfg->router->strip(x.scan.model()));
            s->cost_usd_micro = limits::cost_micro_usd(u, price);
            s->has_cost = price != nullptr;
        }
    }
}

void ProxyHandler::push_trace(Exchange* x) {
    if (traces_.producer == nullptr || x->start_us == 0) {
        return;
    }
    traces::TraceSlot* slot = traces_.producer->begin();
    if (slot == nullptr) {
        return;  // the ring is full: dropped and counted by the producer
    }
    fill_trace(*x, monotonic_ns() / 1000, slot);
    traces_.producer->commit();
}

void ProxyHandler::trace_attempt_started(Exchange* x, const Candidate& c, uint32_t key) {
    traces::TraceAttempt& a = x->attempt_trace[x->attempts - 1];
    const keys::ProviderOptions& o = *x->cfg->providers[c.provider].options;
    a.provider.assign(o.name);
    a.key.assign(o.keys[key].id);
    a.model.assign(c.model);
    a.cls.assign("unfinished");
    a.status = 0;
    a.start_us = x->attempt_start_ns / 1000 - x->start_mono_us;
    a.duration_us = 0;
}

void ProxyHandler::trace_attempt_ended(Exchange* x, bool ok) {
    if (x->attempts == 0) {
        return;
    }
    traces::TraceAttempt& a = x->attempt_trace[x->attempts - 1];
    a.duration_us = (monotonic_ns() - x->attempt_start_ns) / 1000;
    a.status = static_cast<uint16_t>(x->status);
    a.cls.assign(ok ? "ok" : "aborted");
}

void ProxyHandler::trace_attempt_failed(Exchange* x, keys::FailureClass cls) {
    if (x->attempts > 0) {
        x->attempt_trace[x->attempts - 1].cls.assign(keys::failure_class_name(cls));
    }
}

}  // namespace rg::proxy
