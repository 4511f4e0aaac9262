#include "proxy/proxy_handler.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "base/clock.h"
#include "base/log.h"
#include "http/response_writer.h"
#include "json/json_string.h"
#include "json/request_scan.h"
#include "proxy/error_body.h"
#include "proxy/header_filter.h"

namespace rg::proxy {
namespace {

// Idle keep-alive connections kept per origin per shard, and how long they may idle.
// The cap must cover a shard's concurrent requests to one origin, or every request past
// it pays a connect (and a TLS handshake): at 64, 256 concurrent requests opened a new
// connection for 28% of requests (bench/load/proxy_vs_nginx.sh). Providers close idle
// connections after about 60-90 s; the idle timeout stays under that.
constexpr uint32_t idle_upstream_max = 1024;
constexpr uint32_t idle_upstream_timeout_ms = 30000;

// The part of the client's path the provider's base_url replaces: "/v1".
constexpr std::string_view openai_prefix = "/v1";

// The client path of a proxied OpenAI route.
std::string_view route_path(Route r) {
    switch (r) {
        case Route::chat_completions:
            return "/v1/chat/completions";
        case Route::completions:
            return "/v1/completions";
        case Route::embeddings:
            return "/v1/embeddings";
        case Route::responses:
            return "/v1/responses";
        default:
            return "";
    }
}

bool is_openai_generation(Route r) {
    return r == Route::chat_completions || r == Route::completions || r == Route::embeddings ||
           r == Route::responses;
}

}  // namespace

ProxyHandler::ProxyHandler(shard::Shard& shard, server::HttpServer& server)
    : shard_(shard), server_(server), pool_(shard, idle_upstream_max, idle_upstream_timeout_ms) {}

ProxyHandler::~ProxyHandler() = default;

void ProxyHandler::on_settings(const std::shared_ptr<const shard::Settings>& settings) {
    settings_ = settings;
    const Config* fresh = settings_->proxy.get();
    if (fresh != config_) {
        config_ = fresh;
        pool_.set_origins(config_ != nullptr ? config_->origins : std::vector<upstream::Origin>{});
        key_cursor_.assign(config_ != nullptr ? config_->providers.size() : 0, shard_.index());
    }
}

// --- Exchanges ------------------------------------------------------------------------

Exchange* ProxyHandler::acquire_exchange(server::Connection* c) {
    Exchange* x = free_;
    if (x != nullptr) {
        free_ = x->next_free;
    } else {
        all_.push_back(std::make_unique<Exchange>());
        x = all_.back().get();
        x->handler = this;
        x->timer.owner = x;
    }
    x->down = c;
    x->up = nullptr;
    x->phase = Phase::reading_body;
    x->status = 0;
    x->rechunk = x->client_chunked = x->preflight = false;
    x->cors_count = 0;
    x->cors_arena.clear();
    x->head_arena.clear();
    x->head_count = 0;
    x->body.clear();
    x->request.clear();
    x->next_free = nullptr;
    c->handler_state = x;
    return x;
}

void ProxyHandler::release_exchange(Exchange* x) {
    shard::timer_unlink(&x->timer);
    if (x->up != nullptr) {
        pool_.release(x->up, false);
        x->up = nullptr;
    }
    x->phase = Phase::finished;
    x->down = nullptr;
    x->next_free = free_;
    free_ = x;
}

// --- Downstream side ------------------------------------------------------------------

bool ProxyHandler::on_request(server::Connection* c, const http::RequestHead& head) {
    RouteMatch m = match_route(head);
    const Cors* cors = config_ != nullptr ? config_->cors.get() : nullptr;
    bool preflight = cors != nullptr && Cors::is_preflight(head);
    if (!preflight && (m.route == Route::not_found || m.route == Route::health)) {
        return false;
    }
    Exchange* x = acquire_exchange(c);
    x->preflight = preflight;
    if (m.route == Route::model_get) {
        x->model_id_len = static_cast<uint16_t>(std::min(m.model.size(), sizeof(x->model_id)));
        std::memcpy(x->model_id, m.model.data(), x->model_id_len);
    }
    if (cors != nullptr) {
        keep_cors_headers(x, *cors, head);
    }
    x->route = m.route;
    x->format = m.format;
    RequestIdBuffer generated;
    std::string_view id = ids_.accept_or_next(head.find("x-request-id"), generated);
    std::memcpy(x->request_id, id.data(), id.size());
    x->request_id_len = static_cast<uint8_t>(id.size());
    // The answer waits for the end of the request even when it is already known, so the
    // server never sees an answer before the request it belongs to was read.
    x->method_allowed = m.method_allowed;
    for (uint32_t i = 0; i < head.header_count; ++i) {
        const http::Header& h = head.headers[i];
        Exchange::HeaderSpan& span = x->head_spans[x->head_count++];
        span.name_off = static_cast<uint32_t>(x->head_arena.size());
        span.name_len = static_cast<uint32_t>(h.name.size());
        x->head_arena.append(h.name);
        span.value_off = static_cast<uint32_t>(x->head_arena.size());
        span.value_len = static_cast<uint32_t>(h.value.size());
        x->head_arena.append(h.value);
    }
    if (head.content_length > 0) {
        // One allocation up front instead of doublings; simdjson wants padding after it.
        x->body.reserve_tail(static_cast<size_t>(head.content_length) + 64);
    }
    ++stats_.requests;
    return true;
}

void ProxyHandler::on_request_body(server::Connection* c, std::string_view bytes) {
    auto* x = static_cast<Exchange*>(c->handler_state);
    if (x != nullptr && x->phase == Phase::reading_body) {
        x->body.append(bytes);
    }
}

void ProxyHandler::on_request_end(server::Connection* c) {
    auto* x = static_cast<Exchange*>(c->handler_state);
    if (x == nullptr || x->phase != Phase::reading_body) {
        return;  // already answered (e.g. 405)
    }
    if (x->preflight) {
        answer_local(x, 204, "", "", false);  // CORS preflight: answered here, never forwarded
        return;
    }
    if (!x->method_allowed) {
        fail(x, ErrorKind::method_not_allowed, "Method not allowed on this route");
        return;
    }
    if (x->route == Route::models) {
        std::string_view body = config_ != nullptr
                                    ? std::string_view(config_->models_json)
                                    : std::string_view("{\"object\":\"list\",\"data\":[]}");
        answer_local(x, 200, "application/json", body, false);
        return;
    }
    if (x->route == Route::model_get) {
        answer_model(x);
        return;
    }
    if (!is_openai_generation(x->route)) {
        fail(x, ErrorKind::invalid_request,
             "This route is not proxied by this build yet (translation arrives later)", 501);
        return;
    }
    start_upstream(x);
}

void ProxyHandler::answer_model(Exchange* x) {
    std::string_view id(x->model_id, x->model_id_len);
    if (config_ != nullptr) {
        for (const auto& [name, owner] : config_->model_ids) {
            if (name == id) {
                scratch_.clear();
                scratch_.append("{\"id\":");
                json::append_json_string(scratch_, name);
                scratch_.append(",\"object\":\"model\",\"created\":0,\"owned_by\":");
                json::append_json_string(scratch_, owner);
                scratch_.append("}");
                answer_local(x, 200, "application/json", scratch_.view(), false);
                return;
            }
        }
    }
    char message[320];
    std::snprintf(message, sizeof(message), "The model '%.*s' does not exist",
                  static_cast<int>(id.size()), id.data());
    fail(x, ErrorKind::model_not_found, message);
}

void ProxyHandler::on_downstream_writable(server::Connection* c) {
    auto* x = static_cast<Exchange*>(c->handler_state);
    if (x != nullptr && x->up != nullptr) {
        pool_.resume(x->up);
    }
}

void ProxyHandler::on_downstream_gone(server::Connection* c) {
    auto* x = static_cast<Exchange*>(c->handler_state);
    if (x == nullptr) {
        return;
    }
    if (x->phase != Phase::finished && x->phase != Phase::reading_body) {
        ++stats_.client_aborts;
    }
    // The upstream request is aborted at once: its connection is closed, not pooled.
    release_exchange(x);
}

void ProxyHandler::keep_cors_headers(Exchange* x, const Cors& cors, const http::RequestHead& head) {
    http::Header found[Cors::preflight_headers_max];
    size_t n =
        x->preflight ? cors.preflight_headers(head, found) : cors.response_headers(head, found);
    size_t bytes = 0;
    for (size_t i = 0; i < n; ++i) {
        bytes += found[i].name.size() + found[i].value.size();
    }
    // One reservation up front, so the views taken below stay valid.
    x->cors_arena.reserve_tail(bytes);
    for (size_t i = 0; i < n; ++i) {
        const char* name = x->cors_arena.data() + x->cors_arena.size();
        x->cors_arena.append(found[i].name);
        const char* value = x->cors_arena.data() + x->cors_arena.size();
        x->cors_arena.append(found[i].value);
        x->cors[x->cors_count++] = http::Header{std::string_view(name, found[i].name.size()),
                                                std::string_view(value, found[i].value.size())};
    }
}

void ProxyHandler::answer_local(Exchange* x, int status, std::string_view content_type,
                                std::string_view body, bool close) {
    http::Header headers[10];
    size_t n = 0;
    headers[n++] = http::Header{"x-request-id", x->id()};
    for (uint8_t i = 0; i < x->cors_count; ++i) {
        headers[n++] = x->cors[i];
    }
    ByteBuffer& out = server_.output(x->down);
    std::span<const http::Header> list(headers, n);
    if (status == 204) {
        http::write_response_head(out, status, list, 0, close);
    } else {
        http::write_response(out, status, content_type, body, close, list);
    }
    server::Connection* c = x->down;
    release_exchange(x);
    server_.finish(c, status, close);
}

void ProxyHandler::fail(Exchange* x, ErrorKind kind, std::string_view message, int status) {
    if (status == 0) {
        status = error_status(x->format, kind);
    }
    if (x->phase == Phase::streaming) {
        // Bytes of the answer already reached the client: end the stream with an error in
        // its format where framing allows, otherwise cut the connection so the client can
        // not take a truncated answer for a complete one.
        ++stats_.upstream_errors;
        server::Connection* c = x->down;
        if (x->client_chunked) {
            scratch_.clear();
            write_stream_error(x->format, status, kind, message, scratch_, ErrorExtras{x->id(), 0});
            http::write_chunk(server_.output(c), scratch_.view());
            http::write_last_chunk(server_.output(c));
            release_exchange(x);
            server_.finish(c, status, true);
        } else {
            release_exchange(x);
            server_.abort(c);
        }
        return;
    }
    scratch_.clear();
    write_error(x->format, status, kind, message, scratch_, ErrorExtras{x->id(), 0});
    answer_local(x, status, error_content_type, scratch_.view(), false);
}

// --- Upstream side --------------------------------------------------------------------

const keys::ProviderOptions& ProxyHandler::provider(const Exchange* x) const {
    return *config_->providers[x->provider].options;
}

void ProxyHandler::start_upstream(Exchange* x) {
    Result<json::RequestScan> scanned = json::scan_request(x->body);
    if (!scanned.ok()) {
        fail(x, ErrorKind::invalid_request, scanned.error().context);
        return;
    }
    const json::RequestScan& scan = *scanned;
    if (!scan.has_model) {
        fail(x, ErrorKind::invalid_request, "The request body has no \"model\"");
        return;
    }
    if (config_ == nullptr) {
        fail(x, ErrorKind::model_not_found, "No provider is configured");
        return;
    }
    Resolution r = config_->router->resolve(scan.model());
    if (!r.found()) {
        char message[320];
        std::string_view asked = scan.model();
        std::snprintf(message, sizeof(message),
                      "The model '%.*s' does not exist or is not routed by this gateway",
                      static_cast<int>(asked.size()), asked.data());
        fail(x, ErrorKind::model_not_found, message);
        return;
    }
    // TODO(keys): weighted choice among targets and fallbacks arrive with the key pools.
    const ResolvedTarget& target = r.pick_first();
    x->provider = target.provider;
    build_request(x, target.model, scan);
    int err = 0;
    upstream::Connection* u = pool_.acquire(config_->providers[x->provider].origin, x, &err);
    if (u == nullptr) {
        fail(x, ErrorKind::upstream_error, "Cannot open an upstream connection");
        return;
    }
    x->up = u;
    if (u->state() == upstream::ConnState::ready) {
        send_request(x);
    } else {
        x->phase = Phase::connecting;
        set_deadline(x, provider(x).upstream.connect_timeout_ms);
    }
}

void ProxyHandler::build_request(Exchange* x, std::string_view upstream_model,
                                 const json::RequestScan& scan) {
    const ProviderRuntime& p = config_->providers[x->provider];
    const keys::ProviderOptions& o = *p.options;
    std::string_view path = route_path(x->route);  // "/v1/chat/completions"
    if (path.substr(0, openai_prefix.size()) == openai_prefix) {
        path.remove_prefix(openai_prefix.size());
    }
    ByteBuffer& r = x->request;
    r.clear();
    r.append("POST ");
    r.append(o.url.path_prefix);
    r.append(path);
    r.append(" HTTP/1.1\r\nHost: ");
    r.append(p.host_header);
    r.append("\r\n");
    // The client's headers, filtered for this provider (credentials, hop-by-hop, cookies
    // and forwarding headers never leave), then the provider's own headers.
    http::RequestHead* head = &scratch_head_;
    for (uint32_t i = 0; i < x->head_count; ++i) {
        const Exchange::HeaderSpan& span = x->head_spans[i];
        head->headers[i] =
            http::Header{std::string_view(x->head_arena.data() + span.name_off, span.name_len),
                         std::string_view(x->head_arena.data() + span.value_off, span.value_len)};
    }
    head->header_count = x->head_count;
    http::Header forwarded[limits::header_count_max + 32];
    size_t n = filter_request_headers(*head, o.type, o.headers, forwarded);
    append_header_lines(r, std::span<const http::Header>(forwarded, n));
    uint32_t& cursor = key_cursor_[x->provider];
    const keys::KeyOptions& key = o.keys[cursor++ % o.keys.size()];
    append_upstream_auth(o.type, key.secret, std::span<const http::Header>(forwarded, n), r);
    r.append("x-request-id: ");
    r.append(x->id());
    r.append("\r\n");
    bool rewrite = upstream_model != scan.model();
    if (rewrite) {
        scratch_.clear();
        json::rewrite_model(x->body.view(), scan, upstream_model, scratch_);
    }
    const ByteBuffer& body = rewrite ? scratch_ : x->body;
    r.append("Content-Length: ");
    r.append_decimal(body.size());
    r.append("\r\n\r\n");
    r.append(body.view());
}

void ProxyHandler::send_request(Exchange* x) {
    x->phase = Phase::waiting_head;
    x->response.reset(false);
    pool_.send(x->up, x->request);
    set_deadline(x, provider(x).upstream.first_byte_timeout_ms);
}

void ProxyHandler::on_connected(Exchange* x) {
    if (x->phase == Phase::connecting) {
        send_request(x);
    }
}

void ProxyHandler::on_data(Exchange* x, const char* data, size_t len) {
    std::string_view in(data, len);
    while (x->phase == Phase::waiting_head || x->phase == Phase::streaming) {
        size_t used = 0;
        http::ParseEvent ev = x->response.parse(in, &used);
        if (x->phase == Phase::streaming && used > 0) {
            forward_body(x, in.substr(0, used));
        }
        in.remove_prefix(used);
        if (ev == http::ParseEvent::head) {
            forward_head(x);
        } else if (ev == http::ParseEvent::message_end) {
            complete(x, in.empty() && x->response.keep_alive());
            return;
        } else if (ev == http::ParseEvent::error) {
            fail(x, ErrorKind::upstream_error, x->response.error_reason());
            return;
        } else {
            break;  // need_more: everything used
        }
    }
    if (x->phase == Phase::streaming) {
        set_deadline(x, provider(x).upstream.stall_timeout_ms);
        if (!server_.writable(x->down)) {
            pool_.pause(x->up);  // the client reads slower than the provider writes
        }
        server_.flush(x->down);
    }
}

void ProxyHandler::forward_head(Exchange* x) {
    const http::ResponseParser& resp = x->response;
    x->status = resp.status();
    x->phase = Phase::streaming;
    http::Header upstream_headers[http::ResponseParser::headers_max];
    for (uint32_t i = 0; i < resp.header_count(); ++i) {
        upstream_headers[i] = resp.header(i);
    }
    http::Header headers[http::ResponseParser::headers_max + 10];
    size_t n = filter_response_headers(
        std::span<const http::Header>(upstream_headers, resp.header_count()),
        std::span<http::Header>(headers, http::ResponseParser::headers_max + 1));
    headers[n++] = http::Header{"x-request-id", x->id()};
    for (uint8_t i = 0; i < x->cors_count; ++i) {
        headers[n++] = x->cors[i];
    }
    int64_t length = -1;
    if (resp.chunked()) {
        x->client_chunked = true;  // chunk framing passes through unchanged
    } else if (resp.content_length() >= 0) {
        length = resp.content_length();
    } else {
        x->client_chunked = true;
        x->rechunk = true;  // close-delimited upstream: each piece becomes a chunk
    }
    http::write_response_head(server_.output(x->down), x->status,
                              std::span<const http::Header>(headers, n), length, false);
    server_.flush(x->down);
}

void ProxyHandler::forward_body(Exchange* x, std::string_view raw) {
    ByteBuffer& out = server_.output(x->down);
    if (x->rechunk) {
        http::write_chunk(out, raw);
    } else {
        out.append(raw);
    }
}

void ProxyHandler::complete(Exchange* x, bool reusable) {
    server::Connection* c = x->down;
    if (x->rechunk) {
        http::write_last_chunk(server_.output(c));
    }
    int status = x->status;
    if (x->up != nullptr) {
        pool_.release(x->up, reusable);
        x->up = nullptr;
    }
    release_exchange(x);
    server_.finish(c, status, false);
}

void ProxyHandler::on_closed(Exchange* x, upstream::Connection* u, int sys_errno) {
    x->up = nullptr;  // the pool has closed it
    if (x->phase == Phase::streaming && sys_errno == 0 && x->response.finish_on_eof()) {
        complete(x, false);  // a close-delimited body ends here
        return;
    }
    ++stats_.upstream_errors;
    const char* why = u->error_reason()[0] != '\0' ? u->error_reason()
                      : sys_errno == 0 ? "The upstream closed the connection before the answer "
                                         "was complete"
                                       : std::strerror(sys_errno);
    fail(x, ErrorKind::upstream_error, why);
}

// --- Timers ---------------------------------------------------------------------------

void ProxyHandler::set_deadline(Exchange* x, uint32_t timeout_ms) {
    uint64_t deadline = monotonic_ms() + timeout_ms;
    timers_.insert_sorted(&x->timer, deadline);
    shard_.wake_at(deadline);
}

void ProxyHandler::on_deadline(Exchange* x) {
    ++stats_.upstream_timeouts;
    const char* what = x->phase == Phase::connecting     ? "Upstream connect timed out"
                       : x->phase == Phase::waiting_head ? "Upstream did not answer in time"
                                                         : "Upstream stream stalled";
    fail(x, ErrorKind::upstream_timeout, what);
}

uint64_t ProxyHandler::on_timer(uint64_t now_ms) {
    while (!timers_.empty() && timers_.front()->deadline_ms <= now_ms) {
        shard::TimerNode* n = timers_.front();
        timers_.remove(n);
        on_deadline(static_cast<Exchange*>(n->owner));
    }
    uint64_t next = timers_.next_deadline_ms();
    uint64_t pool_next = pool_.on_timer(now_ms);
    if (pool_next != 0 && (next == 0 || pool_next < next)) {
        next = pool_next;
    }
    return next;
}

void ProxyHandler::before_submit() {
    pool_.before_submit();
    // Publish this shard's counts for /metrics: a few relaxed stores per loop turn.
    server::ServerStats& s = server_.stats();
    const upstream::PoolStats& p = pool_.stats();
    s.proxied_requests_total.set(stats_.requests);
    s.upstream_connections_opened_total.set(p.connects);
    s.upstream_connections_reused_total.set(p.reuses);
    s.upstream_connect_errors_total.set(p.connect_errors);
    s.upstream_tls_handshakes_total.set(p.tls_handshakes);
    s.upstream_tls_resumed_total.set(p.tls_resumed);
    s.upstream_tls_errors_total.set(p.tls_errors);
    s.upstream_connections_idle.set(p.idle);
    s.upstream_errors_total.set(stats_.upstream_errors);
    s.upstream_timeouts_total.set(stats_.upstream_timeouts);
    s.client_aborts_total.set(stats_.client_aborts);
}

// --- Exchange observer ----------------------------------------------------------------

void Exchange::on_upstream_connected(upstream::Connection*) {
    handler->on_connected(this);
}
void Exchange::on_upstream_data(upstream::Connection*, const char* data, size_t len) {
    handler->on_data(this, data, len);
}
void Exchange::on_upstream_closed(upstream::Connection* u, int sys_errno) {
    handler->on_closed(this, u, sys_errno);
}

}  // namespace rg::proxy
