#include "mock/control_api.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <memory>
#include <string>

#include "mock/worker.h"

namespace rg::mock {
namespace {

using simdjson::SUCCESS;
using simdjson::dom::element;
using simdjson::dom::object;

void reply(Worker& w, uint16_t status, std::string_view body, ByteBuffer& out, bool close) {
    Head h;
    h.status = status;
    h.content_type = "application/json";
    h.content_length = static_cast<int64_t>(body.size());
    h.close = close;
    h.rate = RateHeaders::none;
    write_head(h, w.now_s(), w.dates(), out);
    out.append(body);
}

void reply_message(Worker& w, uint16_t status, std::string_view key, std::string_view message,
                   ByteBuffer& out, bool close) {
    ByteBuffer& body = w.body_scratch();
    body.clear();
    JsonWriter j(body);
    j.begin_object().kv(key, message).end_object();
    reply(w, status, body.view(), out, close);
}

void write_attempt(const Attempt& a, JsonWriter& j) {
    j.begin_object()
        .kv("seq", a.seq)
        .kv("t_ms", a.t_ms)
        .kv("wall_ms", a.wall_ms)
        .kv("key", a.key)
        .kv("model", a.model)
        .kv("method", a.method)
        .kv("path", a.path)
        .kv("format", format_name(a.format))
        .kv("stream", a.stream)
        .kv("tls", a.tls)
        .kv("fault", a.fault)
        .kv("status", uint64_t{a.status})
        .kv("cancelled", a.cancelled);
    j.key("headers").begin_object();
    for (uint32_t i = 0; i < a.header_count; ++i) {
        j.kv(a.headers[i].first, a.headers[i].second);
    }
    j.end_object().end_object();
}

void write_counts(std::string_view name, const std::map<std::string, uint64_t>& counts,
                  JsonWriter& j) {
    j.key(name).begin_object();
    for (const auto& [k, n] : counts) {
        j.kv(k, n);
    }
    j.end_object();
}

void attempts(Worker& w, const Request& req, ByteBuffer& out, bool close) {
    std::string key = percent_decode(query_param(req.query(), "key"));
    std::string model = percent_decode(query_param(req.query(), "model"));
    std::vector<Attempt> all;
    uint64_t dropped = 0;
    for (const auto& log : w.shared().logs) {
        log->collect(key, model, &all);
        dropped += log->dropped();
    }
    std::sort(all.begin(), all.end(),
              [](const Attempt& x, const Attempt& y) { return x.seq < y.seq; });
    std::map<std::string, uint64_t> by_key, by_model;
    ByteBuffer body;
    JsonWriter j(body);
    j.begin_object().key("attempts").begin_array();
    for (const Attempt& a : all) {
        write_attempt(a, j);
        ++by_key[a.key];
        ++by_model[a.model];
    }
    j.end_array();
    write_counts("by_key", by_key, j);
    write_counts("by_model", by_model, j);
    j.kv("total", uint64_t{all.size()}).kv("dropped", dropped).end_object();
    reply(w, 200, body.view(), out, close);
}

void reset(Worker& w, ByteBuffer& out, bool close) {
    Shared& s = w.shared();
    for (const auto& log : s.logs) {
        log->clear();
    }
    s.clock.next_seq.store(1, std::memory_order_relaxed);
    s.rules.clear();
    s.sequences.clear();
    reply(w, 200, "{\"ok\":true}", out, close);
}

std::string scalar_text(const element& v) {
    std::string_view s;
    uint64_t u = 0;
    if (v.get_string().get(s) == SUCCESS) {
        return std::string(s);
    }
    if (v.get_uint64().get(u) == SUCCESS) {
        return std::to_string(u);
    }
    return "?";  // rejected by apply_directive
}

// Fills `rule` from the POST body; returns the offending field name on error.
std::string parse_rule(const element& root, FaultRule* rule) {
    object obj;
    if (root.get_object().get(obj) != SUCCESS) {
        return "body";
    }
    for (auto field : obj) {
        std::string_view name = field.key;
        std::string_view text;
        if (name == "match") {
            object m;
            if (field.value.get_object().get(m) != SUCCESS) {
                return "match";
            }
            for (auto f : m) {
                std::string value = scalar_text(f.value);
                if (f.key == "key") {
                    rule->key = value;
                } else if (f.key == "model") {
                    rule->model = value;
                } else if (f.key == "format") {
                    rule->format = value;
                } else {
                    return "match." + std::string(f.key);
                }
            }
        } else if (name == "since") {
            rule->since_configured =
                field.value.get_string().get(text) == SUCCESS && text == "configured";
        } else if (name == "directives") {
            std::string_view bad;
            if (field.value.get_string().get(text) != SUCCESS ||
                !apply_directives(text, &rule->plan, &bad)) {
                return "directives";
            }
        } else if (!apply_directive(name, scalar_text(field.value), &rule->plan)) {
            return std::string(name);
        }
    }
    return {};
}

void add_rule(Worker& w, Request& req, ByteBuffer& out, bool close) {
    if (!w.json().parse(req.body())) {
        reply_message(w, 400, "error", "body is not JSON", out, close);
        return;
    }
    auto rule = std::make_shared<FaultRule>();
    std::string bad = parse_rule(w.json().root(), rule.get());
    if (!bad.empty()) {
        reply_message(w, 400, "error", "invalid field: " + bad, out, close);
        return;
    }
    rule->created_ns = w.now_ns();
    uint64_t id = w.shared().rules.add(rule);
    if (id == 0) {
        reply_message(w, 507, "error", "too many fault rules", out, close);
        return;
    }
    std::string body = "{\"id\":" + std::to_string(id) + "}";
    reply(w, 200, body, out, close);
}

void list_rules(Worker& w, ByteBuffer& out, bool close) {
    RuleList rules;
    uint64_t generation = 0;
    w.shared().rules.snapshot(&rules, &generation);
    ByteBuffer body;
    JsonWriter j(body);
    j.begin_object().key("faults").begin_array();
    for (const auto& r : rules) {
        char buf[4];
        j.begin_object().kv("id", r->id).key("match").begin_object();
        if (!r->key.empty()) {
            j.kv("key", r->key);
        }
        if (!r->model.empty()) {
            j.kv("model", r->model);
        }
        if (!r->format.empty()) {
            j.kv("format", r->format);
        }
        j.end_object().kv("fault", fault_name(r->plan.fault, buf));
        j.kv("count", r->plan.count).kv("for_ms", r->plan.for_ms);
        j.kv("hits", uint64_t{r->hits.load()}).kv("fired", uint64_t{r->fired.load()});
        j.kv("active", r->active(w.now_ns())).end_object();
    }
    j.end_array().end_object();
    reply(w, 200, body.view(), out, close);
}

void delete_rules(Worker& w, std::string_view rest, ByteBuffer& out, bool close) {
    if (rest.empty()) {
        w.shared().rules.clear();
        reply(w, 200, "{\"ok\":true}", out, close);
        return;
    }
    uint64_t id = 0;
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), id);
    if (ec != std::errc() || end != rest.data() + rest.size() || !w.shared().rules.remove(id)) {
        reply_message(w, 404, "error", "no such fault rule", out, close);
        return;
    }
    reply(w, 200, "{\"ok\":true}", out, close);
}

}  // namespace

void handle_control(Worker& w, const Request& req, ByteBuffer& out, bool close) {
    std::string_view path = req.path().substr(7);  // after "/_mock/"
    std::string_view method = req.method();
    if (path == "health" && method == "GET") {
        reply(w, 200, "{\"status\":\"ok\"}", out, close);
    } else if (path == "attempts" && method == "GET") {
        attempts(w, req, out, close);
    } else if (path == "reset" && method == "POST") {
        reset(w, out, close);
    } else if (path == "faults" && method == "GET") {
        list_rules(w, out, close);
    } else if (path == "faults" && method == "POST") {
        add_rule(w, const_cast<Request&>(req), out, close);
    } else if (path.substr(0, 6) == "faults" && method == "DELETE") {
        delete_rules(w, path.size() > 7 ? path.substr(7) : std::string_view{}, out, close);
    } else {
        reply_message(w, 404, "error", "unknown control endpoint", out, close);
    }
}

}  // namespace rg::mock
