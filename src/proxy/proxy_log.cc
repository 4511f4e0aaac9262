// ProxyHandler, access log: one record per client request, pushed to this shard's ring when
// the exchange ends (observe/log_writer.h formats and writes it on its own thread). Names
// only: the client key's configured name and the upstream key's id, never a secret. A
// client that left mid-stream shows error "client_gone" and the tokens it was billed for.
#include "base/clock.h"
#include "limits/usage.h"
#include "proxy/proxy_handler.h"

namespace rg::proxy {

void ProxyHandler::log_access(Exchange* x) {
    if (access_log_ == nullptr || x->start_us == 0) {
        return;
    }
    observe::AccessRecord r;
    r.time_unix_us = x->start_us;
    r.request_id = x->id();
    r.route = route_name(x->route);
    r.format = client_format_name(x->format);
    r.status = static_cast<uint16_t>(x->final_status);
    r.attempts = x->attempts;
    r.stream = x->scan.stream;
    r.duration_us = monotonic_ns() / 1000 - x->start_mono_us;
    r.bytes_in = x->body.size();
    r.bytes_out = x->bytes_out;
    r.ttft_us = x->ttft_us;
    if (x->client != nullptr) {
        r.client_key = x->client->name();
    }
    if (x->scan.has_model) {
        r.model = x->scan.model();
    }
    if (x->attempts > 0 && x->cfg != nullptr) {
        const keys::ProviderOptions& o = *x->cfg->providers[x->provider].options;
        r.model_served = x->served_model;
        r.provider = o.name;
        r.key_id = o.keys[x->key].id;
        r.upstream_us = x->first_byte_us;
        if (x->final_status == 0) {
            r.error = "client_gone";
        } else if (x->final_status >= 400 || x->fail_status != 0) {
            r.error = keys::failure_class_name(x->fail_class);
        }
    }
    if (x->usage_known) {
        r.tokens_input = x->usage.input;
        r.tokens_output = x->usage.output;
        r.tokens_cached = x->usage.cached_input;
        if (x->cfg != nullptr) {
            limits::Usage u;
            u.prompt_tokens = x->usage.input;
            u.cached_prompt_tokens = x->usage.cached_input;
            u.cache_creation_tokens = x->usage.cache_creation;
            u.completion_tokens = x->usage.output;
            u.reasoning_tokens = x->usage.reasoning;
            const limits::PriceOptions* price =
                x->cfg->pricing.find(x->cfg->router->strip(x->scan.model()));
            r.cost_nano_usd = limits::cost_micro_usd(u, price) * 1000;
        }
    }
    access_log_->push(r);
}

}  // namespace rg::proxy
