// ProxyHandler, client side of limits/: who calls (client keys, hashed, from any of the
// four places SDKs put them), which models the key may use, whether its rate limits,
// quotas and budgets admit the request, and what the answer cost once it is known.
#include <sys/eventfd.h>

#include <cstdio>

#include "base/clock.h"
#include "limits/key_extract.h"
#include "limits/token_estimate.h"
#include "limits/usage.h"
#include "proxy/proxy_handler.h"
#include "proxy/stream_output.h"
#include "translate/stream_scan.h"

namespace rg::proxy {
namespace {

limits::Usage to_limits_usage(const translate::Usage& u) {
    limits::Usage out;
    out.prompt_tokens = u.input;
    out.cached_prompt_tokens = u.cached_input;
    out.cache_creation_tokens = u.cache_creation;
    out.completion_tokens = u.output;
    out.reasoning_tokens = u.reasoning;
    return out;
}

// The unsigned integer value of the first member `key` (any depth) in `json`; -1 if none.
int64_t number_member(std::string_view json, std::string_view key) {
    std::string_view v = translate::json_find_member(json, key);
    if (v.empty() || v[0] < '0' || v[0] > '9') {
        return -1;
    }
    int64_t n = 0;
    for (size_t i = 0; i < v.size() && v[i] >= '0' && v[i] <= '9' && n < (int64_t{1} << 50); ++i) {
        n = n * 10 + (v[i] - '0');
    }
    return n;
}

void take(uint64_t* field, int64_t value) {
    if (value >= 0 && static_cast<uint64_t>(value) > *field) {
        *field = static_cast<uint64_t>(value);  // counts are cumulative: the largest stands
    }
}

bool counts_tokens(const limits::ClientKey& key) {
    const limits::ClientKeyOptions& o = key.options();
    return o.rate_limit.tokens_per_minute.has_value() || o.quota.tokens_per_day.has_value();
}

}  // namespace

void ProxyHandler::authenticate(Exchange* x, const http::RequestHead& head) {
    if (config_ == nullptr) {
        return;
    }
    use_config(x);  // x->client points into this snapshot's key table
    const limits::ClientKeyTable& table = *x->cfg->clients;
    if (table.size() == 0 && !table.auth_required()) {
        // An open gateway: SDKs always send some key, and none is checked.
        return;
    }
    limits::KeyScratch scratch;
    limits::PresentedKey presented = limits::extract_key(
        std::span<const http::Header>(head.headers, head.header_count), head.query, &scratch);
    x->key_source = static_cast<uint8_t>(presented.source);
    limits::Authorization a = limits::authorize(table, presented.key);
    x->auth_refused = a.outcome == limits::AuthOutcome::refused;
    x->client = a.key;
}

bool ProxyHandler::admit(Exchange* x, std::string_view public_model, bool wait_over) {
    if (x->client == nullptr) {
        return true;
    }
    if (!limits::model_allowed(*x->client, public_model)) {
        char message[320];
        std::snprintf(message, sizeof(message), "This API key may not use the model '%.*s'",
                      static_cast<int>(public_model.size()), public_model.data());
        fail(x, ErrorKind::permission, message);
        return false;
    }
    uint64_t estimate =
        counts_tokens(*x->client) ? limits::estimate_input_tokens(x->body.view()) : 0;
    uint64_t now = monotonic_ms();
    int64_t wall = static_cast<int64_t>(wall_ms());
    limits::Admission a = wait_over ? limiter_.admit_fallback(*x->client, now, wall, estimate)
                                    : limiter_.admit(*x->client, now, wall, estimate);
    if (a.wait) {
        park(x);
        return false;
    }
    if (a.unavailable) {
        // Shared limits cannot be checked and storage.redis_failure is closed: a 503 the
        // client may retry, not a 429 that would blame its key (counted by SharedLimits).
        fail(x, ErrorKind::overloaded, "Rate limits cannot be checked right now; retry shortly",
             503);
        return false;
    }
    if (!a.ok) {
        refuse_limited(x, a);
        return false;
    }
    x->admission = a;
    x->admitted = true;
    return true;
}

// --- Shared limits: parked requests -------------------------------------------------------

void ProxyHandler::park(Exchange* x) {
    limits::SharedLimits* shared = limiter_.shared();
    if (x->park_deadline_ms == 0) {
        x->park_deadline_ms = monotonic_ms() + limits::SharedLimits::park_timeout_ms;
        shared->count_parked();
    }
    x->phase = Phase::limit_wait;
    parked_.insert_sorted(&x->timer, x->park_deadline_ms);
    shard_.wake_at(x->park_deadline_ms);
    shared->signal_waiting(shard_.index());
}

void ProxyHandler::resume_parked(Exchange* x, bool wait_over) {
    shard::timer_unlink(&x->timer);
    x->phase = Phase::reading_body;  // where start_upstream() found it
    if (wait_over) {
        limiter_.shared()->count_park_timeout();
    }
    Resolution r = x->cfg->router->resolve(x->scan.model());
    if (!r.found()) {
        fail(x, ErrorKind::model_not_found, "The model is no longer routed by this gateway");
        return;
    }
    if (admit(x, r.public_name, wait_over)) {
        plan_and_start(x, r);
    }
}

void ProxyHandler::expire_parked(uint64_t now_ms) {
    while (!parked_.empty() && parked_.front()->deadline_ms <= now_ms) {
        resume_parked(static_cast<Exchange*>(parked_.front()->owner), true);
    }
}

void ProxyHandler::arm_limits_wake() {
    if (limits_wake_fd_ < 0) {
        limits_wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        RG_ASSERT(limits_wake_fd_ >= 0);
        limits_wake_op_.owner = this;
        limits_wake_op_.on_complete = &ProxyHandler::on_limits_wake;
        limiter_.shared()->attach_shard(shard_.index(), limits_wake_fd_);
    }
    io_uring_sqe* sqe = shard_.ring().sqe();
    io_uring_prep_read(sqe, limits_wake_fd_, &limits_wake_value_, sizeof(limits_wake_value_), 0);
    io::Ring::bind(sqe, &limits_wake_op_);
}

// The Redis thread has news (permits, or Redis came or went): every parked request asks
// again, in arrival order; those still without a permit park again with their deadline.
void ProxyHandler::on_limits_wake(io::Operation* op, int32_t, uint32_t) {
    auto* self = static_cast<ProxyHandler*>(op->owner);
    shard::TimerList again;
    while (!self->parked_.empty()) {
        shard::TimerNode* n = self->parked_.front();
        self->parked_.remove(n);
        again.push_back(n, n->deadline_ms);
    }
    while (!again.empty()) {
        // resume_parked() takes it off `again`: admitted, refused, or parked again.
        self->resume_parked(static_cast<Exchange*>(again.front()->owner), false);
    }
    self->arm_limits_wake();
}

void ProxyHandler::refuse_limited(Exchange* x, const limits::Admission& a) {
    ++stats_.limited;
    metrics_.on_limited(x, a.limit);
    limits::RateLimitHeaders h = limits::rate_limit_headers(a);
    char text[4][24];
    http::Header headers[4];
    size_t n = 0;
    auto add = [&](std::string_view name, uint64_t value) {
        int len =
            std::snprintf(text[n], sizeof(text[n]), "%llu", static_cast<unsigned long long>(value));
        headers[n] = http::Header{name, std::string_view(text[n], static_cast<size_t>(len))};
        ++n;
    };
    if (h.has_retry_after) {
        add("retry-after", h.retry_after_s);
    }
    if (h.has_limit) {
        add("x-ratelimit-limit", h.limit);
        add("x-ratelimit-remaining", h.remaining);
    }
    if (h.has_reset) {
        add("x-ratelimit-reset", h.reset_s);
    }
    bool per_period = a.limit == limits::LimitKind::requests_per_day ||
                      a.limit == limits::LimitKind::tokens_per_day ||
                      a.limit == limits::LimitKind::budget_per_day ||
                      a.limit == limits::LimitKind::budget_per_month;
    ErrorKind kind = per_period ? ErrorKind::quota_exceeded : ErrorKind::rate_limited;
    char message[160];
    std::snprintf(message, sizeof(message), "This API key is over its %s limit",
                  limits::limit_kind_name(a.limit));
    int status = error_status(x->format, kind);
    scratch_.clear();
    write_error(
        x->format, status, kind, message, scratch_,
        ErrorExtras{x->id(), h.has_retry_after ? static_cast<uint32_t>(h.retry_after_s) : 0u});
    answer_local(x, status, error_content_type, scratch_.view(), false,
                 std::span<const http::Header>(headers, n));
}

void ProxyHandler::passthrough_usage(Exchange* x) {
    // A non-streamed answer passed through: its usage is read from the body the parser
    // also handed to `decoded` (only when a client key is being billed), with the same key
    // scan as a stream's usage events; nothing else of the body is parsed.
    if (x->client == nullptr || x->translated || x->stream || x->decoded.empty()) {
        return;
    }
    read_usage(x, x->decoded.view());
}

void ProxyHandler::read_usage(Exchange* x, std::string_view data) {
    // Usage of a passed-through answer (wire-formats §4.5), from a whole body or one stream
    // event: OpenAI's usage object (in a stream, the last chunk), Responses' (in a stream,
    // response.completed), Anthropic's (message_start: input; message_delta: output,
    // cumulative), Gemini's usageMetadata (running totals). Cheap key scans; only for a
    // billed client. Counts are cumulative: the largest seen stands.
    translate::Usage& u = x->usage;
    switch (x->client_format) {
        case translate::Format::openai_chat: {
            std::string_view usage = translate::json_find_member(data, "usage");
            if (usage.empty() || usage[0] != '{') {
                return;
            }
            take(&u.input, number_member(usage, "prompt_tokens"));
            take(&u.output, number_member(usage, "completion_tokens"));
            take(&u.cached_input, number_member(usage, "cached_tokens"));
            take(&u.reasoning, number_member(usage, "reasoning_tokens"));
            break;
        }
        case translate::Format::openai_responses: {
            std::string_view usage = translate::json_find_member(data, "usage");
            if (usage.empty() || usage[0] != '{') {
                return;
            }
            take(&u.input, number_member(usage, "input_tokens"));
            take(&u.output, number_member(usage, "output_tokens"));
            take(&u.cached_input, number_member(usage, "cached_tokens"));
            take(&u.reasoning, number_member(usage, "reasoning_tokens"));
            break;
        }
        case translate::Format::anthropic: {
            std::string_view usage = translate::json_find_member(data, "usage");
            if (usage.empty() || usage[0] != '{') {
                return;
            }
            // Anthropic's input_tokens excludes cache reads and writes; the IR's input
            // includes them.
            int64_t input = number_member(usage, "input_tokens");
            int64_t read = number_member(usage, "cache_read_input_tokens");
            int64_t write = number_member(usage, "cache_creation_input_tokens");
            if (input >= 0) {
                take(&u.input, input + (read > 0 ? read : 0) + (write > 0 ? write : 0));
            }
            take(&u.cached_input, read);
            take(&u.cache_creation, write);
            take(&u.output, number_member(usage, "output_tokens"));
            break;
        }
        case translate::Format::gemini: {
            std::string_view usage = translate::json_find_member(data, "usageMetadata");
            if (usage.empty() || usage[0] != '{') {
                return;
            }
            int64_t candidates = number_member(usage, "candidatesTokenCount");
            int64_t thoughts = number_member(usage, "thoughtsTokenCount");
            take(&u.input, number_member(usage, "promptTokenCount"));
            take(&u.cached_input, number_member(usage, "cachedContentTokenCount"));
            take(&u.reasoning, thoughts);
            if (candidates >= 0) {
                take(&u.output, candidates + (thoughts > 0 ? thoughts : 0));
            }
            break;
        }
    }
    x->usage_known = true;
}

void ProxyHandler::count_stream_output(Exchange* x, translate::StreamFormat format,
                                       std::string_view data) {
    // A translated stream's upstream events, decoded a second time (the translator keeps
    // its own decoder) only for billed clients, to count their content deltas.
    x->sse.feed_all(data, [x, format](const translate::SseEvent& e) {
        x->output_estimate += delta_output_tokens(format, e);
    });
}

void ProxyHandler::bill_dropped_stream(Exchange* x) {
    // Issue 6: the client left while a stream was flowing. The upstream connection is closed
    // at once (the provider stops generating, so the operator pays for little more than was
    // produced), and the client is billed for what was produced so far: the usage the
    // upstream already reported (Anthropic's message_start, Gemini's running totals), output
    // at least the tokens counted from the content deltas that went by, input at least the
    // pre-call estimate. Reading the stream to its end instead would bill exactly but keep
    // the provider generating (and charging) for nobody.
    if (x->client == nullptr || !x->admitted || !x->stream || x->status < 200 || x->status >= 300 ||
        (x->phase != Phase::streaming && x->phase != Phase::holding)) {
        return;
    }
    translate::Usage& u = x->usage;
    if (x->translated && x->translator.has_usage()) {
        const translate::Usage& t = x->translator.usage();
        take(&u.input, static_cast<int64_t>(t.input));
        take(&u.output, static_cast<int64_t>(t.output));
        take(&u.cached_input, static_cast<int64_t>(t.cached_input));
        take(&u.cache_creation, static_cast<int64_t>(t.cache_creation));
        take(&u.reasoning, static_cast<int64_t>(t.reasoning));
    }
    take(&u.output, static_cast<int64_t>(x->output_estimate));
    if (u.input == 0) {
        uint64_t estimate = x->admission.estimated_tokens != 0
                                ? x->admission.estimated_tokens
                                : limits::estimate_input_tokens(x->body.view());
        u.input = estimate;
    }
    x->usage_known = true;
}

void ProxyHandler::settle_limits(Exchange* x) {
    if (!x->admitted || x->client == nullptr) {
        x->admitted = false;
        return;
    }
    x->admitted = false;
    uint64_t now = monotonic_ms();
    if (!x->usage_known) {
        // No answer (every attempt failed, or the client left before one): not billed;
        // the token estimate goes back.
        limiter_.release(*x->client, x->admission, now);
        return;
    }
    std::string_view public_model = x->cfg->router->strip(x->scan.model());
    limiter_.settle(*x->client, x->admission, to_limits_usage(x->usage),
                    x->cfg->pricing.find(public_model), now, static_cast<int64_t>(wall_ms()));
}

}  // namespace rg::proxy
