// ProxyHandler, attempt side: the plan of places a request may go (the model's targets,
// then its fallbacks), the key each attempt uses, what a failure means for the key and for
// the request, and when to try again. One request makes at most `max_attempts` attempts
// (the first target's provider decides), across keys, providers and fallbacks.
#include <algorithm>
#include <cstdio>
#include <cstring>

#include "base/clock.h"
#include "base/log.h"
#include "http/response_writer.h"
#include "json/request_scan.h"
#include "proxy/header_filter.h"
#include "proxy/proxy_handler.h"

namespace rg::proxy {
namespace {

// Failures worth trying again on a key that already failed (after a backoff): the
// provider may well answer the same request a moment later.
}  // namespace

translate::Format client_format_of(Route route) {
    switch (route) {
        case Route::responses:
            return translate::Format::openai_responses;
        case Route::anthropic_messages:
        case Route::anthropic_count_tokens:
            return translate::Format::anthropic;
        case Route::gemini_generate:
        case Route::gemini_stream_generate:
        case Route::gemini_count_tokens:
        case Route::gemini_embed:
        case Route::gemini_batch_embed:
            return translate::Format::gemini;
        default:
            return translate::Format::openai_chat;
    }
}

translate::Format upstream_format_of(const keys::ProviderOptions& o, translate::Format client) {
    switch (o.type) {
        case keys::ProviderType::anthropic:
            return translate::Format::anthropic;
        case keys::ProviderType::gemini:
            return translate::Format::gemini;
        case keys::ProviderType::openai:
            break;
    }
    // An `api: chat` upstream is OpenAI's full API, which serves Responses too: a Responses
    // client passes through. `api: responses` serves only Responses: chat is translated.
    // `api: chat_only` serves only Chat Completions: Responses is translated.
    if (o.api == keys::Api::responses ||
        (client == translate::Format::openai_responses && o.api != keys::Api::chat_only)) {
        return translate::Format::openai_responses;
    }
    return translate::Format::openai_chat;
}

namespace {

bool transient(keys::FailureClass c) {
    return c == keys::FailureClass::server || c == keys::FailureClass::overloaded ||
           c == keys::FailureClass::transport || c == keys::FailureClass::timeout;
}

uint32_t ceil_seconds(uint64_t ms) {
    return static_cast<uint32_t>((ms + 999) / 1000);
}

}  // namespace

void ProxyHandler::start_upstream(Exchange* x) {
    Result<json::RequestScan> scanned = json::scan_request(x->body);
    if (!scanned.ok()) {
        fail(x, ErrorKind::invalid_request, scanned.error().context);
        return;
    }
    x->scan = *scanned;
    x->client_format = client_format_of(x->route);
    x->ir_parsed = false;
    if (is_gemini_model_route(x->route)) {
        // Gemini names the model in the path; the body has none to rewrite.
        std::string_view model(x->model_id, x->model_id_len);
        if (model.size() > sizeof(x->scan.model_text)) {
            model = model.substr(0, sizeof(x->scan.model_text));
        }
        if (!model.empty()) {
            std::memcpy(x->scan.model_text, model.data(), model.size());
        }
        x->scan.model_size = static_cast<uint16_t>(model.size());
        x->scan.has_model = !model.empty();
        x->scan.stream = x->route == Route::gemini_stream_generate;
        x->scan.model_token = json::ByteRange{};
    }
    if (!x->scan.has_model) {
        fail(x, ErrorKind::invalid_request, "The request body has no \"model\"");
        return;
    }
    if (config_ == nullptr) {
        fail(x, ErrorKind::model_not_found, "No provider is configured");
        return;
    }
    if (x->cfg == nullptr) {
        use_config(x);
    }
    x->stream = x->scan.stream;
    Resolution r = x->cfg->router->resolve(x->scan.model());
    if (!r.found()) {
        char message[320];
        std::string_view asked = x->scan.model();
        std::snprintf(message, sizeof(message),
                      "The model '%.*s' does not exist or is not routed by this gateway",
                      static_cast<int>(asked.size()), asked.data());
        fail(x, ErrorKind::model_not_found, message);
        return;
    }
    if (!admit(x, r.public_name)) {
        return;  // refused, or parked until the shared limits have permits
    }
    plan_and_start(x, r);
}

void ProxyHandler::plan_and_start(Exchange* x, const Resolution& r) {
    build_plan(x, r);
    if (x->plan_count == 0 && is_count_tokens_route(x->route) && count_locally(x, r)) {
        return;
    }
    if (x->plan_count == 0) {
        fail(x, ErrorKind::invalid_request,
             "This model is served by a provider of another API format that cannot take this "
             "request (Anthropic has no embeddings endpoint)",
             501);
        return;
    }
    const keys::ProviderOptions& first = *x->cfg->providers[x->plan[0].provider].options;
    x->attempts_max = static_cast<uint8_t>(
        std::clamp<uint32_t>(first.upstream.attempts_max, 1, upstream::attempts_limit));
    next_attempt(x);
}

void ProxyHandler::build_plan(Exchange* x, const Resolution& r) {
    const Config& cfg = *x->cfg;
    // Chat, Responses, Messages and generateContent translate between one another, streams
    // included (Gemini's as SSE or the JSON array). Embeddings, token counts and legacy
    // completions have their own translators (endpoint_translatable(), proxy_endpoints.cc).
    bool own = has_own_translator(x->route);
    bool translatable = x->route == Route::chat_completions || x->route == Route::responses ||
                        x->route == Route::anthropic_messages ||
                        x->route == Route::gemini_generate ||
                        x->route == Route::gemini_stream_generate;
    auto add = [&](const ResolvedTarget& t, uint8_t group) {
        const keys::ProviderOptions& o = *cfg.providers[t.provider].options;
        bool same = upstream_format_of(o, x->client_format) == x->client_format &&
                    (x->route != Route::completions && x->route != Route::embeddings
                         ? true
                         : o.type == keys::ProviderType::openai && o.api != keys::Api::responses);
        bool can_translate = own ? endpoint_translatable(x->route, o) : translatable;
        if ((!same && !can_translate) || x->plan_count == plan_max) {
            return;
        }
        x->plan[x->plan_count++] = Candidate{t.provider, group, t.model};
    };
    std::span<const ResolvedTarget> targets = r.target_list();
    // Weighted choice of the first target (deterministic per shard: a cursor over the
    // weights), then the others in config order.
    size_t first = 0;
    if (targets.size() > 1) {
        uint64_t total = 0;
        for (const ResolvedTarget& t : targets) {
            total += t.weight;
        }
        uint64_t point = total > 0 ? target_cursor_++ % total : 0;
        for (size_t i = 0; i < targets.size(); ++i) {
            if (point < targets[i].weight) {
                first = i;
                break;
            }
            point -= targets[i].weight;
        }
    }
    add(targets[first], 0);
    for (size_t i = 0; i < targets.size(); ++i) {
        if (i != first) {
            add(targets[i], 0);
        }
    }
    uint8_t group = 0;
    for (const std::string& name : r.fallbacks) {
        if (group == 0xfe) {
            break;
        }
        ++group;
        Resolution fr = cfg.router->resolve(name);
        for (const ResolvedTarget& t : fr.target_list()) {
            add(t, group);
        }
    }
}

void ProxyHandler::next_attempt(Exchange* x) {
    if (x->cfg != config_ && config_ != nullptr) {
        // The config was reloaded since this request started: its plan indexes the old
        // tables. Plan again on the new one; the attempts made still count.
        // The client key is found again by name: its limits' state is shared across the
        // reload (a key the reload removed stops being billed).
        const limits::ClientKey* client =
            x->client != nullptr ? config_->clients->find_name(x->client->name()) : nullptr;
        if (client == nullptr && x->admitted) {
            limiter_.release(*x->client, x->admission, monotonic_ms());
            x->admitted = false;
        }
        use_config(x);
        x->client = client;
        Resolution r = x->cfg->router->resolve(x->scan.model());
        x->plan_count = x->plan_pos = 0;
        x->skip_group = 0xff;
        if (r.found()) {
            build_plan(x, r);
        }
        x->attempts_max = std::max(x->attempts_max, x->attempts);
        std::fill(std::begin(x->tried), std::end(x->tried), Tried{0xffff, 0xffff});
    }
    if (x->attempts >= x->attempts_max) {
        give_up(x);
        return;
    }
    uint64_t now = monotonic_ms();
    uint64_t ready = 0;
    while (x->plan_pos < x->plan_count) {
        const Candidate& c = x->plan[x->plan_pos];
        if (c.group != x->skip_group) {
            uint32_t exclude[upstream::attempts_limit];
            size_t n = 0;
            if (!x->retry_tried) {
                for (uint8_t i = 0; i < x->attempts; ++i) {
                    if (x->tried[i].provider == c.provider) {
                        exclude[n++] = x->tried[i].key;
                    }
                }
            }
            keys::Selector::Pick pick =
                selector_.pick(c.provider, now, std::span<const uint32_t>(exclude, n));
            if (pick.key >= 0) {
                launch(x, c, static_cast<uint32_t>(pick.key));
                return;
            }
            if (pick.ready_at_ms != 0 && (ready == 0 || pick.ready_at_ms < ready)) {
                ready = pick.ready_at_ms;
            }
        }
        ++x->plan_pos;
    }
    if (ready == 0 && x->fail_class == keys::FailureClass::rate_limited) {
        // The keys tried so far are cooling down (the selector leaves excluded keys out of
        // its ready time): the earliest of their deadlines.
        for (uint8_t i = 0; i < x->attempts; ++i) {
            keys::KeyTable::KeySnapshot k =
                x->cfg->keys->snapshot(x->tried[i].provider, x->tried[i].key);
            if (k.state == keys::KeyState::cooling && k.until_ms > now &&
                (ready == 0 || k.until_ms < ready)) {
                ready = k.until_ms;
            }
        }
    }
    // Every place in the plan is used up for now.
    const upstream::Options& u = x->cfg->providers[x->plan[0].provider].options->upstream;
    if (x->waits < x->attempts_max && x->attempts > 0 && transient(x->fail_class)) {
        // A passing failure: the same keys may answer after a backoff (base, then doubling).
        uint64_t delay = backoff_ms(x);
        ++x->waits;
        x->plan_pos = 0;
        x->retry_tried = true;
        wait_and_retry(x, now + delay);
        return;
    }
    if (x->waits < x->attempts_max && ready != 0 &&
        ready - std::min(ready, now) <= u.backoff_max_ms) {
        // Every key is cooling down, one of them shortly: wait for it rather than refuse
        // (the key that was tried may be the one that comes back).
        ++x->waits;
        x->plan_pos = 0;
        x->retry_tried = true;
        wait_and_retry(x, ready);
        return;
    }
    if (x->attempts == 0 && ready != 0) {
        x->fail_retry_after_ms = ready - std::min(ready, now);
    }
    give_up(x);
}

void ProxyHandler::launch(Exchange* x, const Candidate& c, uint32_t key) {
    x->tried[x->attempts] = Tried{c.provider, static_cast<uint16_t>(key)};
    ++x->attempts;
    x->retry_tried = false;  // a key tried before is taken again only after a backoff
    ++stats_.attempts;
    if (x->attempts > 1) {
        ++stats_.retries;
    }
    if (c.group > 0) {
        ++stats_.fallbacks;
    }
    metrics_.on_launch(x, c);
    x->provider = c.provider;
    x->served_model = c.model;
    x->key = static_cast<uint16_t>(key);
    x->key_busy = true;
    selector_.started(c.provider, key);
    mirror_load(x->cfg, c.provider, key);
    x->attempt_start_ns = monotonic_ns();
    trace_attempt_started(x, c, key);
    x->status = 0;
    x->output_estimate = 0;  // only the answer the client gets is counted
    x->translate_error = nullptr;
    build_request(x, c.model, key);
    if (x->translate_error != nullptr) {
        // The client's request has no equivalent in the upstream's format.
        end_attempt(x, false);
        fail(x, ErrorKind::invalid_request, x->translate_error);
        return;
    }
    int err = 0;
    upstream::Connection* u = pool_.acquire(x->cfg->providers[x->provider].origin, x, &err);
    if (u == nullptr) {
        transport_failed(x, keys::TransportFailure::connect_failed,
                         "Cannot open an upstream connection");
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

void ProxyHandler::build_request(Exchange* x, std::string_view upstream_model, uint32_t key) {
    const ProviderRuntime& p = x->cfg->providers[x->provider];
    const keys::ProviderOptions& o = *p.options;
    x->upstream_format = upstream_format_of(o, x->client_format);
    x->translated = x->upstream_format != x->client_format;
    scratch_.clear();
    const ByteBuffer* body = &x->body;
    if (x->translated && has_own_translator(x->route)) {
        if (!build_endpoint_body(x, upstream_model)) {
            return;
        }
        body = &scratch_;
    } else if (x->translated) {
        // The client's body as IR (once per request), then in the upstream's format.
        if (!x->ir_parsed) {
            x->request_arena.reset();
            translate::ParseOptions po;
            po.gemini_model = x->scan.model();
            po.gemini_stream = x->scan.stream;
            Result<void> parsed = translate::parse_request(x->client_format, x->body.view(), po,
                                                           x->request_arena, &x->ir);
            if (!parsed.ok()) {
                x->request.clear();
                x->translate_error = parsed.error().context;
                return;
            }
            x->ir_parsed = true;
        }
        translate::EmitOptions eo;
        eo.model = upstream_model;
        Result<void> emitted =
            translate::emit_request(x->upstream_format, x->ir, eo, x->request_arena, scratch_);
        if (!emitted.ok()) {
            x->request.clear();
            x->translate_error = emitted.error().context;
            return;
        }
        body = &scratch_;
    } else if (x->upstream_format != translate::Format::gemini &&
               upstream_model != x->scan.model()) {
        json::rewrite_model(x->body.view(), x->scan, upstream_model, scratch_);
        body = &scratch_;
    }
    // A billed client's OpenAI stream: ask for the usage chunk (OpenAI sends usage in a
    // stream only then), read it, and keep it from the client, who did not ask. The member
    // goes in before the body's closing brace as the body is copied into the request.
    constexpr std::string_view usage_member = ",\"stream_options\":{\"include_usage\":true}";
    size_t inject_at = std::string_view::npos;
    x->strip_usage_chunk = false;
    if (!x->translated && x->client != nullptr && x->scan.stream && !x->scan.has_stream_options &&
        x->upstream_format == translate::Format::openai_chat &&
        x->route == Route::chat_completions) {
        inject_at = body->view().find_last_of('}');
        x->strip_usage_chunk = inject_at != std::string_view::npos;
    }
    ByteBuffer& r = x->request;
    r.clear();
    r.append("POST ");
    append_upstream_path(r, o, x, upstream_model);
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
    append_upstream_auth(o.type, o.keys[key].secret, std::span<const http::Header>(forwarded, n),
                         r);
    r.append("x-request-id: ");
    r.append(x->id());
    r.append("\r\n");
    if (x->translated) {
        r.append("Content-Type: application/json\r\n");
    }
    std::string_view b = body->view();
    r.append("Content-Length: ");
    r.append_decimal(b.size() + (x->strip_usage_chunk ? usage_member.size() : 0));
    r.append("\r\n\r\n");
    if (x->strip_usage_chunk) {
        r.append(b.substr(0, inject_at));
        r.append(usage_member);
        r.append(b.substr(inject_at));
    } else {
        r.append(b);
    }
}

void ProxyHandler::append_upstream_path(ByteBuffer& r, const keys::ProviderOptions& o,
                                        const Exchange* x, std::string_view model) const {
    Route route = x->route;
    r.append(o.url.path_prefix);
    std::string_view prefix = o.url.path_prefix;
    auto versioned = [&](std::string_view version) {
        // The contract's Anthropic and Gemini base URLs carry no version; a base URL that
        // does (a compatible service at ".../v1") keeps its own.
        size_t slash = prefix.rfind('/');
        std::string_view last = slash == std::string_view::npos ? "" : prefix.substr(slash);
        if (last.substr(0, 3) != "/v1") {
            r.append(version);
        }
    };
    switch (x->upstream_format) {
        case translate::Format::openai_chat:
            if (route == Route::completions) {
                r.append("/completions");
            } else if (is_embeddings_route(route)) {
                r.append("/embeddings");
            } else {
                r.append("/chat/completions");
            }
            return;
        case translate::Format::openai_responses:
            r.append("/responses");
            return;
        case translate::Format::anthropic:
            versioned("/v1");
            r.append(is_count_tokens_route(route) ? "/messages/count_tokens" : "/messages");
            return;
        case translate::Format::gemini:
            versioned("/v1beta");
            r.append("/models/");
            r.append(model);
            if (is_count_tokens_route(route)) {
                r.append(":countTokens");
            } else if (route == Route::gemini_embed) {
                r.append(":embedContent");
            } else if (route == Route::gemini_batch_embed ||
                       (route == Route::embeddings && translate::gemini_embed_batch(x->embed))) {
                r.append(":batchEmbedContents");
            } else if (route == Route::embeddings) {
                r.append(":embedContent");
            } else if (!x->scan.stream) {
                r.append(":generateContent");
            } else if (x->translated || x->gemini_sse) {
                r.append(":streamGenerateContent?alt=sse");
            } else {
                r.append(":streamGenerateContent");  // the client's JSON-array form
            }
            return;
    }
}

void ProxyHandler::send_request(Exchange* x) {
    x->phase = Phase::waiting_head;
    x->response.reset(false);
    x->response.set_body_sink(nullptr, 0);
    set_deadline(x, provider(x).upstream.first_byte_timeout_ms);
    // Last: a send that fails at once reports through on_closed, which may move on to the
    // next attempt before this returns.
    pool_.send(x->up, x->request);
}

void ProxyHandler::end_attempt(Exchange* x, bool ok) {
    if (!x->key_busy) {
        return;
    }
    x->key_busy = false;
    trace_attempt_ended(x, ok);
    // After a reload the selector follows the new table; an exchange of the old one has
    // nothing to give back to it.
    if (x->cfg == config_) {
        selector_.finished(x->provider, x->key, ok ? x->first_byte_us : 0, ok);
        mirror_load(x->cfg, x->provider, x->key);
    }
}

void ProxyHandler::mirror_load(const Config* cfg, uint32_t p, uint32_t k) {
    if (shard_.index() >= cfg->loads.shards()) {
        return;
    }
    KeyLoad& load = cfg->loads.at(shard_.index(), p, k);
    load.inflight.store(selector_.inflight(p, k), std::memory_order_relaxed);
    uint64_t latency = selector_.latency_ewma_us(p, k);
    load.latency_us.store(static_cast<uint32_t>(std::min<uint64_t>(latency, UINT32_MAX)),
                          std::memory_order_relaxed);
}

void ProxyHandler::transport_failed(Exchange* x, keys::TransportFailure f, const char* reason) {
    metrics_.on_transport_failure(x);
    attempt_failed(x, keys::classify_transport(f), reason);
}

void ProxyHandler::attempt_failed(Exchange* x, const keys::Classification& cls,
                                  const char* reason) {
    shard::timer_unlink(&x->timer);
    end_attempt(x, false);
    if (x->up != nullptr) {
        pool_.release(x->up, false);
        x->up = nullptr;
    }
    keys::Transition t =
        x->cfg->keys->on_failure(x->provider, x->key, cls.cls, cls.retry_after_ms, monotonic_ms());
    if (t.changed) {
        audit_key_change(x, *x->cfg->keys, x->provider, x->key, t,
                         keys::failure_class_name(cls.cls));
    }
    x->fail_class = cls.cls;
    trace_attempt_failed(x, cls.cls);
    x->fail_reason = reason;
    if (cls.cls == keys::FailureClass::auth || cls.cls == keys::FailureClass::quota) {
        const keys::ProviderOptions& o = provider(x);
        std::string_view what = keys::failure_class_name(cls.cls);
        RG_WARN(
            "upstream key %s of provider %s: %.*s (status %d); it is not used until it "
            "passes a probe",
            o.keys[x->key].id.c_str(), o.name.c_str(), static_cast<int>(what.size()), what.data(),
            x->status);
    }
    if (cls.cls == keys::FailureClass::context_length && x->plan_pos < x->plan_count) {
        x->skip_group = x->plan[x->plan_pos].group;  // never the same model again
    }
    if (!cls.retry_other_key && !cls.retry_fallback) {
        give_up(x);
        return;
    }
    if (!cls.retry_other_key && x->plan_pos < x->plan_count) {
        ++x->plan_pos;  // this target cannot serve it; the next one may
    }
    next_attempt(x);
}

uint64_t ProxyHandler::backoff_ms(const Exchange* x) {
    const upstream::Options& u = provider(x).upstream;
    uint64_t d = static_cast<uint64_t>(u.backoff_base_ms) << std::min<uint8_t>(x->waits, 16);
    d = std::min<uint64_t>(d, u.backoff_max_ms);
    // Equal jitter: half fixed, half random, so retries from many requests spread out.
    jitter_ = jitter_ * 6364136223846793005ull + 1442695040888963407ull;
    uint64_t half = d / 2;
    return half + (half > 0 ? (jitter_ >> 33) % (half + 1) : 0);
}

void ProxyHandler::wait_and_retry(Exchange* x, uint64_t at_ms) {
    x->phase = Phase::backoff;
    timers_.insert_sorted(&x->timer, at_ms);
    shard_.wake_at(at_ms);
}

void ProxyHandler::on_error_answer(Exchange* x, bool reusable) {
    http::ResponseParser& resp = x->response;
    resp.set_body_sink(nullptr, 0);
    http::Header headers[http::ResponseParser::headers_max];
    for (uint32_t i = 0; i < resp.header_count(); ++i) {
        headers[i] = resp.header(i);
    }
    std::span<const http::Header> list(headers, resp.header_count());
    keys::Classification cls = keys::classify_response(
        provider(x).type, x->status, list, x->decoded.view(), static_cast<int64_t>(wall_ms()));
    // Kept to answer with when no attempt is left: the provider's own words, in the client's
    // format (same format until translation). A body cut at the cap is not forwarded.
    if (!resp.body_truncated()) {
        x->fail_status = x->status;
        x->fail_format = x->upstream_format;
        std::swap(x->fail_body, x->decoded);
        std::string_view type = resp.find("content-type");
        if (type.empty() || type.size() > sizeof(x->fail_content_type)) {
            type = error_content_type;
        }
        std::memcpy(x->fail_content_type, type.data(), type.size());
        x->fail_content_type_len = static_cast<uint8_t>(type.size());
        x->fail_retry_after_ms = cls.retry_after_ms;
    }
    x->decoded.clear();
    if (x->up != nullptr) {
        pool_.release(x->up, reusable);  // an error answer read to its end leaves it usable
        x->up = nullptr;
    }
    attempt_failed(x, cls, "The upstream answered with an error");
}

void ProxyHandler::give_up(Exchange* x) {
    shard::timer_unlink(&x->timer);
    end_attempt(x, false);
    if (x->fail_status != 0) {
        ++stats_.upstream_errors;
        // The last answer a provider gave, as it gave it.
        http::Header headers[10];
        size_t n = 0;
        headers[n++] = http::Header{"x-request-id", x->id()};
        char retry[24];
        if (x->fail_retry_after_ms > 0) {
            int len =
                std::snprintf(retry, sizeof(retry), "%u", ceil_seconds(x->fail_retry_after_ms));
            headers[n++] =
                http::Header{"retry-after", std::string_view(retry, static_cast<size_t>(len))};
        }
        for (uint8_t i = 0; i < x->cors_count; ++i) {
            headers[n++] = x->cors[i];
        }
        ByteBuffer& out = server_.output(x->down);
        if (x->fail_format != x->client_format) {
            // The provider's error in the client's envelope and status (wire-formats §3).
            scratch_.clear();
            x->response_arena.reset();
            x->fail_status = translate::translate_error(
                x->fail_format, x->client_format, x->fail_status, x->fail_body.view(),
                x->response_arena, scratch_, x->fail_class == keys::FailureClass::context_length);
            std::swap(x->fail_body, scratch_);
            std::memcpy(x->fail_content_type, "application/json", 16);
            x->fail_content_type_len = 16;
        }
        http::write_response(
            out, x->fail_status, std::string_view(x->fail_content_type, x->fail_content_type_len),
            x->fail_body.view(), x->close, std::span<const http::Header>(headers, n));
        server::Connection* c = x->down;
        int status = x->fail_status;
        x->final_status = status;
        bool close = x->close;
        release_exchange(x);
        server_.finish(c, status, close);
        return;
    }
    if (x->attempts == 0) {
        ++stats_.no_key;
        if (x->fail_retry_after_ms > 0) {
            char message[160];
            std::snprintf(message, sizeof(message),
                          "Every upstream key for this model is rate limited; retry in %u s",
                          ceil_seconds(x->fail_retry_after_ms));
            fail(x, ErrorKind::rate_limited, message);
        } else {
            fail(x, ErrorKind::overloaded,
                 "No upstream key is available for this model (all are disabled or failing)");
        }
        return;
    }
    ++stats_.upstream_errors;
    fail(x,
         x->fail_class == keys::FailureClass::timeout ? ErrorKind::upstream_timeout
                                                      : ErrorKind::upstream_error,
         x->fail_reason);
}

}  // namespace rg::proxy
