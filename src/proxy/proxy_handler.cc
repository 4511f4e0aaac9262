#include "proxy/proxy_handler.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "base/clock.h"
#include "base/log.h"
#include "http/response_writer.h"
#include "json/json_string.h"
#include "json/request_scan.h"
#include "proxy/error_body.h"
#include "proxy/header_filter.h"
#include "proxy/stream_output.h"
#include "translate/sse_encoder.h"
#include "translate/stream_scan.h"

namespace rg::proxy {
namespace {

// Idle keep-alive connections kept per origin per shard, and how long they may idle.
// The cap must cover a shard's concurrent requests to one origin, or every request past
// it pays a connect (and a TLS handshake): at 64, 256 concurrent requests opened a new
// connection for 28% of requests (bench/load/proxy_vs_nginx.sh). Providers close idle
// connections after about 60-90 s; the idle timeout stays under that.
constexpr uint32_t idle_upstream_max = 1024;
constexpr uint32_t idle_upstream_timeout_ms = 30000;

// A stream is held until its first content (so a failure before it is retried unseen);
// a non-streamed answer until it is complete. Past these sizes the answer goes through as
// it comes. Error answers are read to classify them and to forward them.
constexpr size_t stream_probe_max = 64 * 1024;
constexpr size_t hold_max = 4 * 1024 * 1024;
constexpr size_t error_body_max = 256 * 1024;

bool is_generation(Route r) {
    return r == Route::chat_completions || r == Route::completions || r == Route::embeddings ||
           r == Route::responses || r == Route::anthropic_messages ||
           r == Route::anthropic_count_tokens || r == Route::gemini_generate ||
           r == Route::gemini_stream_generate || r == Route::gemini_count_tokens ||
           r == Route::gemini_embed || r == Route::gemini_batch_embed;
}

// The gateway's own in-stream error event: a passed-through Responses stream's continues
// the upstream's sequence numbers.
ErrorExtras stream_error_extras(const Exchange* x) {
    ErrorExtras e{x->id(), 0};
    if (x->stream && x->client_format == translate::Format::openai_responses) {
        e.responses_sequence = static_cast<int64_t>(x->sentinel.next_sequence_number());
    }
    return e;
}

}  // namespace

ProxyHandler::ProxyHandler(shard::Shard& shard, server::HttpServer& server,
                           observe::LogProducer* access_log, WorkerBoard* board,
                           observe::WorkerMetrics* metrics, TraceHooks traces,
                           limits::SharedLimits* shared_limits)
    : shard_(shard),
      server_(server),
      pool_(shard, idle_upstream_max, idle_upstream_timeout_ms),
      selector_(shard.index()),
      limiter_(shared_limits),
      access_log_(access_log),
      board_(board),
      metrics_(metrics),
      traces_(traces) {
    // Read once at start (never on the request path); an unset variable turns /admin/ off.
    if (const char* key = std::getenv("RINGGATE_ADMIN_KEY")) {
        admin_key_ = key;
    }
    if (shared_limits != nullptr) {
        arm_limits_wake();
    }
}

ProxyHandler::~ProxyHandler() {
    if (limits_wake_fd_ >= 0) {
        limiter_.shared()->attach_shard(shard_.index(), -1);
        ::close(limits_wake_fd_);
    }
}

void ProxyHandler::on_settings(const std::shared_ptr<const shard::Settings>& settings) {
    settings_ = settings;
    const Config* fresh = settings_->proxy.get();
    if (fresh != config_) {
        config_ = fresh;
        // The previous snapshot stays while exchanges use it; an unused one goes now.
        std::erase_if(configs_, [](const ConfigUse& u) { return u.users == 0; });
        std::vector<const Config*> in_use{fresh};
        for (const ConfigUse& u : configs_) {
            in_use.push_back(u.config.get());
        }
        metrics_.keep(in_use);
        if (fresh != nullptr) {
            configs_.push_back(ConfigUse{settings_->proxy, 0});
        }
        pool_.set_origins(config_ != nullptr ? config_->origins : std::vector<upstream::Origin>{});
        // Exchanges in flight keep their indices into the old table only until they end;
        // end_attempt() checks the table they started on is still attached.
        selector_.attach(config_ != nullptr ? config_->keys : nullptr);
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
    x->final_status = 0;
    x->start_us = 0;
    x->start_mono_us = 0;
    x->admin = 0;
    x->rechunk = x->client_chunked = x->preflight = false;
    x->plan_count = x->plan_pos = x->attempts = x->waits = 0;
    x->skip_group = 0xff;
    x->retry_tried = x->key_busy = x->stream = x->raw_stream = x->translated = false;
    x->reframe = Reframe::none;
    x->strip_usage_chunk = false;
    x->fail_status = 0;
    x->fail_reason = "";
    x->fail_retry_after_ms = 0;
    x->held.clear();
    x->decoded.clear();
    x->fail_body.clear();
    x->client = nullptr;
    x->scan.has_model = false;
    x->auth_refused = x->admitted = x->usage_known = false;
    x->key_source = 0;
    x->output_estimate = 0;
    x->bytes_out = x->ttft_us = 0;
    x->out_mark = c->out_taken + c->out.size();
    x->counted_stream = false;
    x->request_id_len = 0;
    x->trace_query = nullptr;
    x->park_deadline_ms = 0;
    x->cors_count = 0;
    x->cors_arena.clear();
    x->head_arena.clear();
    x->head_count = 0;
    x->body.clear();
    x->request.clear();
    x->next_free = nullptr;
    c->handler_state = x;
    ++active_;
    return x;
}

void ProxyHandler::release_exchange(Exchange* x) {
    shard::timer_unlink(&x->timer);
    end_attempt(x, false);
    if (x->up != nullptr) {
        pool_.release(x->up, false);
        x->up = nullptr;
    }
    if (x->down != nullptr) {
        uint64_t total = x->down->out_taken + x->down->out.size();
        x->bytes_out = total > x->out_mark ? total - x->out_mark : 0;
    }
    settle_limits(x);
    log_access(x);
    metrics_.on_exchange_end(x);
    push_trace(x);
    forget_trace_query(x);
    drop_config(x);
    --active_;
    if (x->counted_stream) {
        --streams_;
        x->counted_stream = false;
    }
    x->phase = Phase::finished;
    x->down = nullptr;
    x->next_free = free_;
    free_ = x;
}

// --- Downstream side ------------------------------------------------------------------

bool ProxyHandler::on_request(server::Connection* c, const http::RequestHead& head) {
    if (c->admin) {
        return on_admin_request(c, head);
    }
    RouteMatch m = match_route(head);
    const Cors* cors = config_ != nullptr ? config_->cors.get() : nullptr;
    bool preflight = cors != nullptr && Cors::is_preflight(head);
    if (!preflight && (m.route == Route::not_found || m.route == Route::health)) {
        return false;
    }
    Exchange* x = acquire_exchange(c);
    x->preflight = preflight;
    x->start_us = wall_ms() * 1000;
    x->start_mono_us = monotonic_ns() / 1000;
    x->close = !head.keep_alive;
    x->gemini_sse = m.sse;
    if (m.route == Route::model_get && has_anthropic_headers(head)) {
        m.format = ClientFormat::anthropic;  // the Anthropic SDK's models.retrieve()
    }
    if (m.route == Route::model_get || m.route == Route::gemini_model_get ||
        is_gemini_model_route(m.route)) {
        x->model_id_len = static_cast<uint16_t>(std::min(m.model.size(), sizeof(x->model_id)));
        if (x->model_id_len > 0) {
            std::memcpy(x->model_id, m.model.data(), x->model_id_len);
        }
    }
    if (cors != nullptr) {
        keep_cors_headers(x, *cors, head);
    }
    x->route = m.route;
    x->format = m.format;
    if (!preflight) {
        authenticate(x, head);
    }
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
    if (x->admin != 0) {
        answer_admin(x);
        return;
    }
    if (x->preflight) {
        answer_local(x, 204, "", "", false);  // CORS preflight: answered here, never forwarded
        return;
    }
    if (!x->method_allowed) {
        fail(x, ErrorKind::method_not_allowed, "Method not allowed on this route");
        return;
    }
    if (x->auth_refused) {
        // Nothing that helps guessing: not which check failed, nor whether a key exists.
        ++stats_.auth_failures;
        audit_auth_failure(x);
        fail(x, ErrorKind::authentication, "A valid API key is required");
        return;
    }
    if (x->route == Route::models) {
        std::string_view body = config_ != nullptr
                                    ? std::string_view(config_->models_json)
                                    : std::string_view("{\"object\":\"list\",\"data\":[]}");
        answer_local(x, 200, "application/json", body, false);
        return;
    }
    if (x->route == Route::model_get || x->route == Route::gemini_model_get) {
        answer_model(x);
        return;
    }
    if (x->route == Route::anthropic_models || x->route == Route::gemini_models) {
        scratch_.clear();
        write_model_list(scratch_, x->format,
                         config_ != nullptr ? std::span<const ModelId>(config_->model_ids)
                                            : std::span<const ModelId>());
        answer_local(x, 200, "application/json", scratch_.view(), false);
        return;
    }
    if (!is_generation(x->route)) {
        fail(x, ErrorKind::invalid_request, "This route is not served by this build yet", 501);
        return;
    }
    start_upstream(x);
}

void ProxyHandler::answer_model(Exchange* x) {
    std::string_view id(x->model_id, x->model_id_len);
    if (config_ != nullptr) {
        for (const ModelId& m : config_->model_ids) {
            if (m.first == id) {
                scratch_.clear();
                write_model(scratch_, x->format, m);
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
    bill_dropped_stream(x);
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
                                std::string_view body, bool close,
                                std::span<const http::Header> extra) {
    close = close || x->close;
    x->final_status = status;
    if (x->ttft_us == 0 && x->start_mono_us != 0) {  // admin exchanges have no start
        x->ttft_us = monotonic_ns() / 1000 - x->start_mono_us;
    }
    http::Header headers[16];  // x-request-id, 4 extra, 8 CORS
    size_t n = 0;
    headers[n++] = http::Header{"x-request-id", x->id()};
    for (size_t i = 0; i < extra.size() && i < 4; ++i) {
        headers[n++] = extra[i];
    }
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
        x->final_status = x->status;
        server::Connection* c = x->down;
        if (x->client_chunked && x->raw_stream) {
            // A passed-through JSON-array stream may be cut inside an element: no error can
            // be added that its client would parse. What came is sent, then the connection
            // closes without the last chunk, so the transfer reads as cut short.
            release_exchange(x);
            server_.finish(c, status, true);
        } else if (x->client_chunked) {
            scratch_.clear();
            if (x->translated && x->stream &&
                x->client_format == translate::Format::openai_responses) {
                x->translator.append_error(status, message, scratch_);  // its own numbering
            } else {
                write_stream_failure(x, status, kind, message, scratch_, stream_error_extras(x));
            }
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
    // A refusal that will pass (every key cooling down) says when to come back.
    uint32_t retry_s = static_cast<uint32_t>((x->fail_retry_after_ms + 999) / 1000);
    scratch_.clear();
    write_error(x->format, status, kind, message, scratch_, ErrorExtras{x->id(), retry_s});
    char retry[16];
    http::Header extra[1];
    size_t n = 0;
    if (retry_s > 0) {
        int len = std::snprintf(retry, sizeof(retry), "%u", retry_s);
        extra[n++] = http::Header{"retry-after", std::string_view(retry, static_cast<size_t>(len))};
    }
    answer_local(x, status, error_content_type, scratch_.view(), false,
                 std::span<const http::Header>(extra, n));
}

// --- Response side ----------------------------------------------------------------------
// Attempts (plan, key choice, classification, retries) are in proxy_attempts.cc.

const keys::ProviderOptions& ProxyHandler::provider(const Exchange* x) const {
    return *x->cfg->providers[x->provider].options;
}

void ProxyHandler::use_config(Exchange* x) {
    drop_config(x);
    for (ConfigUse& u : configs_) {
        if (u.config.get() == config_) {
            ++u.users;
            x->cfg = config_;
            return;
        }
    }
}

void ProxyHandler::drop_config(Exchange* x) {
    if (x->cfg == nullptr) {
        return;
    }
    for (size_t i = 0; i < configs_.size(); ++i) {
        ConfigUse& u = configs_[i];
        if (u.config.get() == x->cfg) {
            --u.users;
            if (u.users == 0 && u.config.get() != config_) {
                configs_.erase(configs_.begin() + static_cast<ptrdiff_t>(i));
            }
            break;
        }
    }
    x->cfg = nullptr;
}

void ProxyHandler::on_connected(Exchange* x) {
    if (x->phase == Phase::connecting) {
        send_request(x);
    }
}

void ProxyHandler::on_data(Exchange* x, const char* data, size_t len) {
    std::string_view in(data, len);
    while (true) {
        Phase ph = x->phase;
        if (ph != Phase::waiting_head && ph != Phase::holding && ph != Phase::error_body &&
            ph != Phase::streaming) {
            return;
        }
        size_t used = 0;
        http::ParseEvent ev = x->response.parse(in, &used);
        if (used > 0 && (ph == Phase::holding || ph == Phase::streaming)) {
            if (x->stream) {
                pump_stream(x);  // streams go through decoded (the parser's sink), re-chunked
            } else if (ph == Phase::streaming) {
                forward_body(x, in.substr(0, used));
            } else {
                x->held.append(in.data(), used);
            }
        }
        // error_body: the parser's sink collects the decoded body.
        in.remove_prefix(used);
        if (ev == http::ParseEvent::head) {
            on_head(x);
            continue;
        }
        if (ev == http::ParseEvent::message_end) {
            bool reusable = in.empty() && x->response.keep_alive();
            if (ph == Phase::error_body) {
                on_error_answer(x, reusable);
            } else if (ph == Phase::holding && x->stream && stream_failed_early(x)) {
                x->status = 0;
                attempt_failed(x, keys::classify_transport(keys::TransportFailure::cut_mid_body),
                               "The upstream stream reported an error before any content");
            } else if (ph == Phase::holding && x->translated && !x->stream) {
                complete_translated(x, reusable);
            } else {
                if (ph == Phase::holding) {
                    commit(x);
                }
                complete(x, reusable);
            }
            return;
        }
        if (ev == http::ParseEvent::error) {
            if (ph == Phase::streaming) {
                fail(x, ErrorKind::upstream_error, x->response.error_reason());
            } else {
                transport_failed(x,
                                 ph == Phase::waiting_head ? keys::TransportFailure::cut_before_head
                                                           : keys::TransportFailure::cut_mid_body,
                                 x->response.error_reason());
            }
            return;
        }
        break;  // need_more: everything used
    }
    if (x->phase == Phase::holding) {
        if (x->stream && stream_failed_early(x)) {
            // An error event before any content: nothing reached the client, so another
            // key may still answer in full.
            attempt_failed(x, keys::classify_transport(keys::TransportFailure::cut_mid_body),
                           "The upstream stream reported an error before any content");
            return;
        }
        if (holding_done(x)) {
            commit(x);
        }
    }
    if (x->phase == Phase::streaming) {
        set_deadline(x, provider(x).upstream.stall_timeout_ms);
        if (!server_.writable(x->down)) {
            pool_.pause(x->up);  // the client reads slower than the provider writes
        }
        server_.flush(x->down);
    } else if (x->phase == Phase::error_body || (x->phase == Phase::holding && !x->stream)) {
        set_deadline(x, provider(x).upstream.stall_timeout_ms);
    }
}

void ProxyHandler::on_head(Exchange* x) {
    http::ResponseParser& resp = x->response;
    x->first_byte_us = (monotonic_ns() - x->attempt_start_ns) / 1000;
    const keys::ProviderOptions& o = provider(x);
    http::Header headers[http::ResponseParser::headers_max];
    for (uint32_t i = 0; i < resp.header_count(); ++i) {
        headers[i] = resp.header(i);
    }
    std::span<const http::Header> list(headers, resp.header_count());
    keys::KeyTable& table = *x->cfg->keys;
    uint64_t now = monotonic_ms();
    keys::RateLimitHint hint =
        keys::parse_rate_limit(o.type, list, static_cast<int64_t>(wall_ms()));
    if (hint.present) {
        table.on_rate_limit_hint(x->provider, x->key, hint.remaining_requests,
                                 hint.remaining_tokens, now + hint.reset_in_ms);
    }
    int status = resp.status();
    x->status = status;
    metrics_.on_head(x);
    x->decoded.clear();
    x->held.clear();
    if (status >= 200 && status < 300) {
        keys::Transition t = table.on_success(x->provider, x->key, now);
        if (t.changed) {
            audit_key_change(x, table, x->provider, x->key, t, "success");
        }
        x->phase = Phase::holding;
        // A provider may answer a stream request with a plain JSON body (some do for
        // errors or cached answers): only an event stream is treated as one.
        x->stream = x->scan.stream &&
                    resp.find("content-type").find("event-stream") != std::string_view::npos;
        // Gemini's JSON-array stream (no ?alt=sse) passes through as it comes.
        x->raw_stream =
            x->scan.stream && !x->stream && x->upstream_format == translate::Format::gemini;
        if (x->translated && x->scan.stream) {
            // Another format's stream, translated event by event as it arrives.
            x->stream = true;
            x->raw_stream = false;
            translate::StreamOptions so;
            so.model = x->served_model;
            char token[sizeof(x->request_id)];
            so.id_token = x->id_token(token);  // copied by start()
            so.created_s = static_cast<int64_t>(wall_ms() / 1000);
            so.include_usage = x->scan.include_usage;
            x->translator.start(x->upstream_format, x->client_format, so);
            x->sse.reset();  // billed clients: the upstream's deltas are counted (issue 6)
            start_reframe(x);
            resp.set_body_sink(&x->decoded, SIZE_MAX);
            set_deadline(x, o.upstream.first_token_timeout_ms);
        } else if (x->translated) {
            resp.set_body_sink(&x->decoded, hold_max);
            set_deadline(x, o.upstream.stall_timeout_ms);
        } else if (!x->stream && x->client != nullptr) {
            // A billed client: the body is read for its usage as it passes.
            resp.set_body_sink(&x->decoded, hold_max);
            set_deadline(x, o.upstream.stall_timeout_ms);
        } else if (x->stream) {
            x->sse.reset();
            translate::StreamFormat format = translate::StreamFormat::openai_chat;
            switch (x->client_format) {
                case translate::Format::openai_responses:
                    format = translate::StreamFormat::openai_responses;
                    break;
                case translate::Format::anthropic:
                    format = translate::StreamFormat::anthropic;
                    break;
                case translate::Format::gemini:
                    format = translate::StreamFormat::gemini_sse;
                    break;
                case translate::Format::openai_chat:
                    break;
            }
            x->sentinel = translate::StreamSentinel(format);
            x->finish_seen = false;
            resp.set_body_sink(&x->decoded, SIZE_MAX);
            set_deadline(x, o.upstream.first_token_timeout_ms);
        } else {
            set_deadline(x, o.upstream.stall_timeout_ms);
        }
        return;
    }
    x->phase = Phase::error_body;
    resp.set_body_sink(&x->decoded, error_body_max);
    set_deadline(x, o.upstream.stall_timeout_ms);
}

void ProxyHandler::pump_stream(Exchange* x) {
    if (x->decoded.empty()) {
        return;
    }
    if (x->translated) {
        if (x->client != nullptr) {
            count_stream_output(x, stream_format_of(x->upstream_format), x->decoded.view());
        }
        x->translated_out.clear();
        x->translator.feed(x->decoded.view(), x->translated_out);
        x->decoded.clear();
        reframe_out(x);
        if (x->translated_out.empty()) {
            return;
        }
        if (x->phase == Phase::streaming) {
            http::write_chunk(server_.output(x->down), x->translated_out.view());
        } else {
            x->held.append(x->translated_out.view());
        }
        return;
    }
    bool strip = x->strip_usage_chunk;
    if (!strip) {
        if (x->phase == Phase::streaming) {
            http::write_chunk(server_.output(x->down), x->decoded.view());
        } else {
            x->held.append(x->decoded.view());
        }
    }
    // Watch the events: the first content commits the answer, the terminator (or its
    // absence at the end) decides how the client's stream ends.
    bool chat = x->sentinel.format() == translate::StreamFormat::openai_chat;
    bool billed = x->client != nullptr;
    x->translated_out.clear();
    x->sse.feed_all(
        x->decoded.view(), [this, x, chat, billed, strip](const translate::SseEvent& e) {
            translate::EventClass c = x->sentinel.observe(e);
            if (chat && !c.terminal && !x->finish_seen &&
                translate::json_has_nonempty_string(e.data, "finish_reason")) {
                x->finish_seen = true;
            }
            if (billed && !c.terminal) {
                read_usage(x, e.data);
                x->output_estimate += delta_output_tokens(x->sentinel.format(), e);
            }
            if (strip) {
                // The usage chunk the gateway asked for on the client's behalf (choices empty,
                // usage set) stays here; every other event goes on, re-framed as data lines.
                bool usage_only = !c.terminal &&
                                  !translate::json_has_nonempty_array(e.data, "choices") &&
                                  translate::json_find_member(e.data, "usage").substr(0, 1) == "{";
                if (!usage_only) {
                    translate::append_sse_data(x->translated_out, e.data);
                }
            }
        });
    x->decoded.clear();
    if (strip && !x->translated_out.empty()) {
        if (x->phase == Phase::streaming) {
            http::write_chunk(server_.output(x->down), x->translated_out.view());
        } else {
            x->held.append(x->translated_out.view());
        }
    }
}

bool ProxyHandler::stream_failed_early(const Exchange* x) const {
    // A translated stream writes the upstream's error as the client's event itself.
    return !x->translated && x->sentinel.saw_error() && !x->sentinel.saw_content();
}

bool ProxyHandler::holding_done(Exchange* x) {
    if (x->translated && x->stream) {
        return x->translator.saw_content() || x->translator.done() ||
               x->held.size() > stream_probe_max;
    }
    if (x->translated) {
        return false;  // a translated answer goes out whole, once translated
    }
    if (x->raw_stream) {
        return !x->held.empty();  // passed through as it comes, uninspected
    }
    if (x->held.size() > (x->stream ? stream_probe_max : hold_max)) {
        return true;  // held long enough: it goes through as it comes
    }
    // A whole answer is held so a cut can be retried; a stream until its first content.
    return x->stream && (x->sentinel.saw_content() || x->sentinel.terminated() || x->sse.failed());
}

void ProxyHandler::commit(Exchange* x) {
    metrics_.on_commit(x);
    http::ResponseParser& resp = x->response;
    if (!x->stream) {
        resp.set_body_sink(nullptr, 0);
    }
    x->phase = Phase::streaming;
    x->ttft_us = monotonic_ns() / 1000 - x->start_mono_us;  // head and first content go now
    if (x->stream || x->raw_stream) {
        ++streams_;
        x->counted_stream = true;
    }
    http::Header upstream_headers[http::ResponseParser::headers_max];
    for (uint32_t i = 0; i < resp.header_count(); ++i) {
        upstream_headers[i] = resp.header(i);
    }
    http::Header headers[http::ResponseParser::headers_max + 10];
    size_t n = 0;
    if (x->translated) {
        // Another format's headers say nothing true about this answer: only its type
        // (Gemini's array form is JSON, wire-formats.md §4.8).
        headers[n++] =
            http::Header{"Content-Type", x->reframe == Reframe::gemini_array ? "application/json"
                                                                             : "text/event-stream"};
        headers[n++] = http::Header{"Cache-Control", "no-cache"};
    } else {
        n = filter_response_headers(
            std::span<const http::Header>(upstream_headers, resp.header_count()),
            std::span<http::Header>(headers, http::ResponseParser::headers_max + 1));
    }
    headers[n++] = http::Header{"x-request-id", x->id()};
    for (uint8_t i = 0; i < x->cors_count; ++i) {
        headers[n++] = x->cors[i];
    }
    int64_t length = -1;
    if (x->stream) {
        x->client_chunked = true;  // events are re-framed as chunks (see pump_stream)
    } else if (resp.chunked()) {
        x->client_chunked = true;  // chunk framing passes through unchanged
    } else if (resp.content_length() >= 0) {
        length = resp.content_length();
    } else {
        x->client_chunked = true;
        x->rechunk = true;  // close-delimited upstream: each piece becomes a chunk
    }
    ByteBuffer& out = server_.output(x->down);
    http::write_response_head(out, x->status, std::span<const http::Header>(headers, n), length,
                              x->close);
    if (!x->held.empty()) {
        if (x->stream) {
            http::write_chunk(out, x->held.view());
        } else {
            forward_body(x, x->held.view());
        }
        x->held.clear();
    }
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
    ByteBuffer& out = server_.output(c);
    if (x->stream && x->translated) {
        pump_stream(x);
        x->translated_out.clear();
        translate::StreamEnd end = x->translator.finish(x->translated_out);
        if (x->translator.has_usage()) {
            x->usage = x->translator.usage();
            x->usage_known = true;
        }
        if (end == translate::StreamEnd::cut) {
            ++stats_.upstream_errors;
            x->translator.append_cut_error(x->translated_out);
        }
        finish_reframe(x);
        if (!x->translated_out.empty()) {
            http::write_chunk(out, x->translated_out.view());
        }
        http::write_last_chunk(out);
    } else if (x->stream) {
        pump_stream(x);
        if (!x->sentinel.terminated() && !x->sentinel.saw_error()) {
            // The body ended without the stream's terminator. An answer that finished
            // (finish_reason seen) gets the [DONE] it lacked; anything else was cut and
            // must not pass for complete.
            if (x->finish_seen) {
                http::write_chunk(out, "data: [DONE]\n\n");
            } else {
                ++stats_.upstream_errors;
                scratch_.clear();
                write_stream_error(x->format, 502, ErrorKind::upstream_error,
                                   "The upstream stream ended before the answer was complete",
                                   scratch_, stream_error_extras(x));
                http::write_chunk(out, scratch_.view());
            }
        }
        http::write_last_chunk(out);
    } else if (x->rechunk) {
        http::write_last_chunk(out);
    }
    passthrough_usage(x);
    end_attempt(x, true);
    int status = x->status;
    x->final_status = status;
    bool close = x->close;
    if (x->up != nullptr) {
        pool_.release(x->up, reusable);
        x->up = nullptr;
    }
    release_exchange(x);
    server_.finish(c, status, close);
}

// A translated, non-streamed answer: the upstream's body (decoded, held whole) to IR, then
// in the client's format.
void ProxyHandler::complete_translated(Exchange* x, bool reusable) {
    if (has_own_translator(x->route)) {
        complete_endpoint(x, reusable);
        return;
    }
    x->response.set_body_sink(nullptr, 0);
    x->response_arena.reset();
    Result<void> parsed = translate::parse_response(x->upstream_format, x->decoded.view(),
                                                    x->response_arena, &x->ir_response);
    char token[sizeof(x->request_id)];
    scratch_.clear();
    if (parsed.ok()) {
        translate::ResponseOptions ro;
        ro.model = x->served_model;
        ro.id_token = x->id_token(token);
        ro.created_s = static_cast<int64_t>(wall_ms() / 1000);
        parsed = translate::emit_response(x->client_format, x->ir_response, ro, x->response_arena,
                                          scratch_);
    }
    if (!parsed.ok()) {
        ++stats_.upstream_errors;
        fail(x, ErrorKind::upstream_error, "The upstream's answer could not be translated");
        return;
    }
    if (x->ir_response.has_usage) {
        x->usage = x->ir_response.usage;
        x->usage_known = true;
    }
    end_attempt(x, true);
    if (x->up != nullptr) {
        pool_.release(x->up, reusable);
        x->up = nullptr;
    }
    answer_local(x, x->status, "application/json", scratch_.view(), false);
}

void ProxyHandler::on_closed(Exchange* x, upstream::Connection* u, int sys_errno) {
    x->up = nullptr;  // the pool has closed it
    bool eof_completes = sys_errno == 0 && x->response.finish_on_eof();
    const char* why = u->error_reason()[0] != '\0' ? u->error_reason()
                      : sys_errno == 0 ? "The upstream closed the connection before the answer "
                                         "was complete"
                                       : std::strerror(sys_errno);
    switch (x->phase) {
        case Phase::streaming:
            if (eof_completes) {
                complete(x, false);  // a close-delimited body ends here
            } else {
                ++stats_.upstream_errors;
                fail(x, ErrorKind::upstream_error, why);
            }
            return;
        case Phase::holding:
            if (eof_completes && x->translated && !x->stream) {
                complete_translated(x, false);
            } else if (eof_completes) {
                commit(x);
                complete(x, false);
            } else {
                transport_failed(x, keys::TransportFailure::cut_mid_body, why);
            }
            return;
        case Phase::error_body:
            if (eof_completes) {
                on_error_answer(x, false);
            } else {
                transport_failed(x, keys::TransportFailure::cut_mid_body, why);
            }
            return;
        case Phase::connecting:
            transport_failed(x,
                             u->error_reason()[0] != '\0' ? keys::TransportFailure::tls_failed
                                                          : keys::TransportFailure::connect_failed,
                             why);
            return;
        case Phase::waiting_head:
            transport_failed(x,
                             sys_errno == 0 ? keys::TransportFailure::cut_before_head
                                            : keys::TransportFailure::reset,
                             why);
            return;
        default:
            return;
    }
}

// --- Timers ---------------------------------------------------------------------------

void ProxyHandler::set_deadline(Exchange* x, uint32_t timeout_ms) {
    uint64_t deadline = monotonic_ms() + timeout_ms;
    timers_.insert_sorted(&x->timer, deadline);
    shard_.wake_at(deadline);
}

void ProxyHandler::on_deadline(Exchange* x) {
    switch (x->phase) {
        case Phase::backoff:
            next_attempt(x);
            return;
        case Phase::connecting:
            ++stats_.upstream_timeouts;
            transport_failed(x, keys::TransportFailure::timeout_connect,
                             "Upstream connect timed out");
            return;
        case Phase::waiting_head:
            ++stats_.upstream_timeouts;
            transport_failed(x, keys::TransportFailure::timeout_first_byte,
                             "Upstream did not answer in time");
            return;
        case Phase::holding:
            ++stats_.upstream_timeouts;
            if (x->stream) {
                transport_failed(x, keys::TransportFailure::timeout_first_token,
                                 "Upstream stream sent no content in time");
            } else {
                transport_failed(x, keys::TransportFailure::timeout_stall,
                                 "Upstream answer stalled");
            }
            return;
        case Phase::error_body:
            ++stats_.upstream_timeouts;
            transport_failed(x, keys::TransportFailure::timeout_stall, "Upstream answer stalled");
            return;
        case Phase::streaming:
            ++stats_.upstream_timeouts;
            fail(x, ErrorKind::upstream_timeout, "Upstream stream stalled");
            return;
        default:
            return;
    }
}

uint64_t ProxyHandler::on_timer(uint64_t now_ms) {
    while (!timers_.empty() && timers_.front()->deadline_ms <= now_ms) {
        shard::TimerNode* n = timers_.front();
        timers_.remove(n);
        on_deadline(static_cast<Exchange*>(n->owner));
    }
    expire_parked(now_ms);
    uint64_t next = timers_.next_deadline_ms();
    uint64_t parked_next = parked_.next_deadline_ms();
    if (parked_next != 0 && (next == 0 || parked_next < next)) {
        next = parked_next;
    }
    uint64_t pool_next = pool_.on_timer(now_ms);
    if (pool_next != 0 && (next == 0 || pool_next < next)) {
        next = pool_next;
    }
    return next;
}

void ProxyHandler::before_submit() {
    pool_.before_submit();
    mirror_worker_row();
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
    s.upstream_attempts_total.set(stats_.attempts);
    s.upstream_fallback_attempts_total.set(stats_.fallbacks);
    s.upstream_no_key_total.set(stats_.no_key);
    s.client_auth_failures_total.set(stats_.auth_failures);
    s.client_limited_total.set(stats_.limited);
    metrics_.publish_pool(p);
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
