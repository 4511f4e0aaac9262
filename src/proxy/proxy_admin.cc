// ProxyHandler, admin listener side: GET /health/detailed (build, config in force, every
// worker's numbers, provider and key health by key id, never a secret) and POST
// /admin/keys/reset (an operator brings disabled, parked or open keys back). /admin/* needs
// `Authorization: Bearer $RINGGATE_ADMIN_KEY`; without that variable the admin API is off.
// Every /admin/ call is audited (who: the admin key or not; what; result). Only connections
// on server.admin_listen get here.
#include <openssl/mem.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "base/clock.h"
#include "json/json_string.h"
#include "keys/key_table.h"
#include "proxy/proxy_handler.h"
#include "proxy/proxy_health.h"

namespace rg::proxy {
namespace {

enum AdminRoute : uint8_t {
    admin_none = 0,
    admin_health_detailed,
    admin_keys_reset,
    admin_not_found,
    admin_method,
    admin_unauthorized,
    admin_disabled,
    admin_traces,  // /admin/traces, /admin/traces/{id}, /admin/usage (proxy_admin_traces.cc)
};

// Value of `name` in a query string ("a=1&b=2"); no percent-decoding (ids and provider
// names are plain tokens).
std::string_view query_value(std::string_view query, std::string_view name) {
    while (!query.empty()) {
        size_t amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        size_t eq = pair.find('=');
        if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
            return pair.substr(eq + 1);
        }
        if (amp == std::string_view::npos) {
            break;
        }
        query.remove_prefix(amp + 1);
    }
    return {};
}

bool bearer_matches(std::string_view header, const std::string& key) {
    constexpr std::string_view prefix = "Bearer ";
    if (key.empty() || header.size() != prefix.size() + key.size() ||
        header.substr(0, prefix.size()) != prefix) {
        return false;
    }
    // Constant time: the comparison takes as long whatever prefix of the key is right.
    return CRYPTO_memcmp(header.data() + prefix.size(), key.data(), key.size()) == 0;
}

}  // namespace

bool ProxyHandler::on_admin_request(server::Connection* c, const http::RequestHead& head) {
    uint8_t route = admin_none;
    if (head.path == "/health/detailed") {
        route = head.method == http::Method::get ? admin_health_detailed : admin_method;
    } else if (head.path.substr(0, 7) == "/admin/") {
        if (admin_key_.empty()) {
            route = admin_disabled;
        } else if (!bearer_matches(head.find("authorization"), admin_key_)) {
            route = admin_unauthorized;
        } else if (head.path == "/admin/keys/reset") {
            route = head.method == http::Method::post ? admin_keys_reset : admin_method;
        } else if (is_trace_admin_path(head.path)) {
            route = head.method == http::Method::get ? admin_traces : admin_method;
        } else {
            route = admin_not_found;
        }
    } else {
        return false;  // the server answers 404
    }
    Exchange* x = acquire_exchange(c);
    x->admin = route;
    x->format = ClientFormat::openai;
    RequestIdBuffer generated;
    std::string_view id = ids_.accept_or_next(head.find("x-request-id"), generated);
    std::memcpy(x->request_id, id.data(), id.size());
    x->request_id_len = static_cast<uint8_t>(id.size());
    if (route == admin_unauthorized || route == admin_disabled) {
        audit_admin(x, false, head.path,
                    route == admin_disabled ? "admin API off" : "invalid or missing admin key",
                    static_cast<uint16_t>(error_status(
                        x->format, route == admin_disabled ? ErrorKind::permission
                                                           : ErrorKind::authentication)));
    }
    if (route == admin_traces) {
        begin_trace_query(x, head);
    }
    // The reset filters (provider, key) ride in the query; kept like a model id.
    std::string_view q = head.query;
    x->model_id_len = static_cast<uint16_t>(std::min(q.size(), sizeof(x->model_id)));
    if (x->model_id_len > 0) {  // an empty view may hold a null pointer
        std::memcpy(x->model_id, q.data(), x->model_id_len);
    }
    return true;
}

void ProxyHandler::answer_admin(Exchange* x) {
    switch (x->admin) {
        case admin_health_detailed:
            scratch_.clear();
            write_health_detailed(scratch_);
            answer_local(x, 200, "application/json", scratch_.view(), false);
            return;
        case admin_keys_reset: {
            std::string_view query(x->model_id, x->model_id_len);
            std::string_view want_provider = query_value(query, "provider");
            std::string_view want_key = query_value(query, "key");
            uint32_t reset = 0;
            const Config* cfg = config_;
            if (cfg != nullptr) {
                keys::KeyTable& table = *cfg->keys;
                for (uint32_t p = 0; p < table.provider_count(); ++p) {
                    const keys::ProviderOptions& o = table.provider(p);
                    if (!want_provider.empty() && want_provider != o.name) {
                        continue;
                    }
                    for (uint32_t k = 0; k < table.key_count(p); ++k) {
                        if (!want_key.empty() && want_key != o.keys[k].id) {
                            continue;
                        }
                        keys::Transition t = table.reset(p, k);
                        if (t.changed) {
                            audit_key_change(x, table, p, k, t, "admin_reset");
                        }
                        ++reset;
                    }
                }
            }
            char subject[300];
            int sn = std::snprintf(subject, sizeof(subject), "/admin/keys/reset%s%.*s",
                                   query.empty() ? "" : "?", static_cast<int>(query.size()),
                                   query.data());
            char detail[48];
            int dn = std::snprintf(detail, sizeof(detail), "reset %u keys", reset);
            audit_admin(x, true,
                        std::string_view(subject, std::min<size_t>(static_cast<size_t>(sn),
                                                                   sizeof(subject) - 1)),
                        std::string_view(detail, static_cast<size_t>(dn)), 200);
            char body[64];
            int n = std::snprintf(body, sizeof(body), "{\"reset\":%u}", reset);
            answer_local(x, 200, "application/json", std::string_view(body, static_cast<size_t>(n)),
                         false);
            return;
        }
        case admin_traces:
            answer_trace_query(x);
            return;
        case admin_method:
            fail(x, ErrorKind::method_not_allowed, "Method not allowed on this route");
            return;
        case admin_unauthorized:
            fail(x, ErrorKind::authentication, "A valid admin key is required");
            return;
        case admin_disabled:
            fail(x, ErrorKind::permission,
                 "The admin API is off: start ringgate with RINGGATE_ADMIN_KEY set");
            return;
        default:
            fail(x, ErrorKind::not_found, "Unknown admin route");
            return;
    }
}

void ProxyHandler::write_health_detailed(ByteBuffer& out) {
    out.append("{\"status\":");
    out.append(server_.draining() ? "\"draining\"" : "\"ok\"");
    append_build_json(out);
    append_config_json(out, settings_.get());
    append_workers_json(out, board_);
    out.append(",\"providers\":[");
    const Config* cfg = config_;
    uint64_t now = monotonic_ms();
    if (cfg != nullptr) {
        const keys::KeyTable& table = *cfg->keys;
        for (uint32_t p = 0; p < table.provider_count(); ++p) {
            const keys::ProviderOptions& o = table.provider(p);
            out.append(p == 0 ? "{\"name\":" : ",{\"name\":");
            json::append_json_string(out, o.name);
            out.append(",\"keys\":[");
            for (uint32_t k = 0; k < table.key_count(p); ++k) {
                keys::KeyTable::KeySnapshot s = table.snapshot(p, k);
                out.append(k == 0 ? "{\"id\":" : ",{\"id\":");
                json::append_json_string(out, o.keys[k].id);
                out.append(",\"state\":");
                json::append_json_string(out, keys::key_state_name(s.state));
                out.append(",\"cooldown_left_ms\":");
                bool timed = s.state != keys::KeyState::healthy && s.until_ms > now;
                out.append_decimal(timed ? s.until_ms - now : 0);
                out.append(",\"consecutive_failures\":");
                out.append_decimal(s.consecutive_failures);
                // Summed over shards; the latency is the mean of the shards that have one.
                uint64_t inflight = 0, latency_sum = 0, latency_n = 0;
                for (uint32_t w = 0; w < cfg->loads.shards(); ++w) {
                    const KeyLoad& load = cfg->loads.at(w, p, k);
                    inflight += load.inflight.load(std::memory_order_relaxed);
                    uint32_t l = load.latency_us.load(std::memory_order_relaxed);
                    latency_sum += l;
                    latency_n += l != 0 ? 1 : 0;
                }
                out.append(",\"in_flight\":");
                out.append_decimal(inflight);
                out.append(",\"latency_ewma_us\":");
                out.append_decimal(latency_n != 0 ? latency_sum / latency_n : 0);
                if (s.remaining_requests >= 0) {
                    out.append(",\"remaining_requests\":");
                    out.append_decimal(static_cast<uint64_t>(s.remaining_requests));
                }
                if (s.remaining_tokens >= 0) {
                    out.append(",\"remaining_tokens\":");
                    out.append_decimal(static_cast<uint64_t>(s.remaining_tokens));
                }
                out.append(",\"errors\":{");
                for (size_t e = 0; e < keys::failure_class_count; ++e) {
                    out.append(e == 0 ? "\"" : ",\"");
                    out.append(keys::failure_class_name(static_cast<keys::FailureClass>(e)));
                    out.append("\":");
                    out.append_decimal(s.errors[e]);
                }
                out.append("}}");
            }
            out.append("]}");
        }
    }
    out.append("]}");
}

}  // namespace rg::proxy
