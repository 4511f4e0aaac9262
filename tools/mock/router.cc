#include "mock/router.h"

#include <string>

#include "mock/anthropic.h"
#include "mock/control_api.h"
#include "mock/errors.h"
#include "mock/gemini.h"
#include "mock/openai.h"
#include "mock/route_match.h"
#include "mock/worker.h"

namespace rg::mock {
namespace {

constexpr std::string_view kJsonOpenAi = "application/json";
constexpr std::string_view kJsonGemini = "application/json; charset=UTF-8";
constexpr std::string_view kSse = "text/event-stream; charset=utf-8";
constexpr std::string_view kSseGemini = "text/event-stream";

uint64_t ms_to_ns(uint32_t ms) {
    return uint64_t{ms} * 1000000;
}

bool logged_header(std::string_view name) {
    return name == "x-request-id" || name == "user-agent" || name.substr(0, 7) == "x-test-" ||
           name.substr(0, 7) == "x-mock-";
}

// Pacing and fault knobs after defaults are filled in.
struct Knobs {
    uint32_t tokens = 0;
    uint32_t delay_ms = 0;
    uint32_t first_delay_ms = 0;
    uint32_t header_delay_ms = 0;
};

class Handler {
  public:
    Handler(Worker& w, const Request& req, bool tls, ByteBuffer& out, Exchange* ex)
        : w_(w), req_(req), tls_(tls), out_(out), ex_(*ex), a_(ex->answer) {}

    void run();

  private:
    bool check_request();
    bool build_plan();
    bool apply_source(char tag, std::string_view full, Plan* plan);
    bool apply_headers(Plan* plan);
    void resolve_knobs();
    void answer_fault();
    void answer();
    void answer_generation();
    void start_stream();
    void reply_blocked_stream();
    void reply_error(ErrorKind kind, uint16_t status, std::string_view message = {});
    template <typename Fn>
    void reply_json(Fn&& write_body);
    void reply_body(uint16_t status, RateHeaders rate, int8_t should_retry,
                    std::string_view content_type, uint64_t delay_ns);
    void record(uint16_t status);
    std::string_view json_type() const {
        return route_.format == Format::gemini ? kJsonGemini : kJsonOpenAi;
    }

    Worker& w_;
    const Request& req_;
    bool tls_;
    ByteBuffer& out_;
    Exchange& ex_;
    Answer& a_;
    Route route_;
    std::string_view key_;
    std::string_view model_full_;
    bool stream_ = false;
    bool has_body_ = false;
    Plan plan_;
    Knobs knobs_;
};

void Handler::run() {
    route_ = match_route(req_);
    a_.reset(route_.format, route_.endpoint);
    a_.created_s = w_.now_s();
    static const char hex[] = "0123456789abcdef";
    uint64_t id = w_.next_answer_id();
    char id_text[12];
    for (int i = 11; i >= 0; --i, id >>= 4) {
        id_text[i] = hex[id & 15];
    }
    a_.id.assign(id_text, 12);
    key_ = request_key(req_, route_.format);
    model_full_ = route_.path_model;
    stream_ = route_.endpoint == Endpoint::gemini_stream;
    if (!check_request() || !build_plan()) {
        return;
    }
    resolve_knobs();
    if (plan_.fault.kind != FaultKind::none && !is_stream_fault(plan_.fault.kind) &&
        plan_.fault.kind != FaultKind::low_remaining &&
        !(plan_.fault.kind == FaultKind::content_policy && route_.format == Format::gemini)) {
        answer_fault();
        return;
    }
    answer();
}

// Endpoint, auth, version header and body syntax; replies and returns false on failure.
bool Handler::check_request() {
    if (route_.endpoint == Endpoint::unknown) {
        reply_error(ErrorKind::unknown_path, 404);
        return false;
    }
    if (key_.empty()) {
        reply_error(ErrorKind::unauthenticated, 401);
        return false;
    }
    if (route_.format == Format::anthropic && req_.header("anthropic-version").empty()) {
        reply_error(ErrorKind::missing_version, 400);
        return false;
    }
    has_body_ = req_.method() == "POST";
    if (!has_body_) {
        return true;
    }
    if (!w_.json().parse(const_cast<Request&>(req_).body())) {
        reply_error(ErrorKind::malformed_json, 400);
        return false;
    }
    BodyFacts facts = body_facts(w_.json().root());
    stream_ = stream_ || facts.stream;
    if (route_.format != Format::gemini) {
        model_full_ = facts.model;
        bool needs_model = is_generation(route_.endpoint) ||
                           route_.endpoint == Endpoint::openai_embeddings ||
                           route_.endpoint == Endpoint::anthropic_count_tokens;
        if (needs_model && model_full_.empty()) {
            reply_error(ErrorKind::invalid_request, 400,
                        route_.format == Format::openai ? "you must provide a model parameter"
                                                        : "model: Field required");
            return false;
        }
    }
    return true;
}

bool Handler::build_plan() {
    for (const auto& rule : w_.rules().rules(w_.shared().rules)) {
        if (rule->matches(key_, model_full_, format_name(route_.format)) &&
            rule->take(w_.now_ns())) {
            merge_plan(&plan_, rule->plan);
            break;
        }
    }
    return apply_source('k', key_, &plan_) && apply_source('m', model_full_, &plan_) &&
           apply_headers(&plan_);
}

// Directives from one source (key, model); sequence bounds are tracked per source text.
bool Handler::apply_source(char tag, std::string_view full, Plan* plan) {
    std::string_view base, list, bad;
    split_directives(full, &base, &list);
    if (list.empty()) {
        return true;
    }
    Plan p;
    if (!apply_directives(list, &p, &bad)) {
        std::string msg = "ringgate-mock: unknown or invalid directive '" + std::string(bad) + "'";
        reply_error(ErrorKind::invalid_request, 400, msg);
        return false;
    }
    if (p.fault_set && (p.count != 0 || p.for_ms != 0)) {
        std::string seq_key = std::string(1, tag) + ":" + std::string(full);
        if (!w_.shared().sequences.take(seq_key, p.count, p.for_ms, w_.now_ns())) {
            p.fault_set = false;  // the sequence is over: answer normally
        }
    }
    merge_plan(plan, p);
    return true;
}

bool Handler::apply_headers(Plan* plan) {
    struct Single {
        std::string_view header;
        std::string_view directive;
    };
    static constexpr Single kSingles[] = {
        {"x-mock-tokens", "tokens"},
        {"x-mock-delay-ms", "delay_ms"},
        {"x-mock-first-delay-ms", "first_delay_ms"},
        {"x-mock-header-delay-ms", "header_delay_ms"},
    };
    std::string text;
    for (const Single& s : kSingles) {
        std::string_view v = req_.header(s.header);
        if (!v.empty()) {
            text += "~" + std::string(s.directive) + "=" + std::string(v);
        }
    }
    for (std::string_view h : {"x-mock-fault", "x-mock-directives"}) {
        std::string_view v = req_.header(h);
        if (!v.empty()) {
            text += "~" + std::string(v);
        }
    }
    return text.empty() || apply_source('h', text, plan);
}

void Handler::resolve_knobs() {
    const Options& o = w_.shared().options;
    knobs_.tokens = plan_.tokens != unset ? plan_.tokens : o.tokens;
    knobs_.delay_ms = plan_.delay_ms != unset ? plan_.delay_ms : o.token_delay_ms;
    knobs_.first_delay_ms = plan_.first_delay_ms != unset ? plan_.first_delay_ms : knobs_.delay_ms;
    knobs_.header_delay_ms = plan_.header_delay_ms != unset ? plan_.header_delay_ms : 0;
}

void Handler::answer_fault() {
    Fault f = plan_.fault;
    if (f.kind == FaultKind::hang) {
        record(0);
        ex_.kind = ExchangeKind::hang;
        return;
    }
    if (f.kind == FaultKind::reset) {
        record(0);
        ex_.kind = ExchangeKind::reset;
        return;
    }
    uint16_t status = 0;
    ErrorKind kind = fault_error_kind(f, &status);
    reply_error(kind, status);
}

void Handler::answer() {
    a_.model.assign(model_full_.substr(0, model_full_.find('~')));
    a_.tokens = knobs_.tokens;
    a_.stream = stream_;
    a_.sse = query_param(req_.query(), "alt") == "sse";
    if (has_body_) {
        if (const char* err = extract_answer(w_.json().root(), &a_)) {
            reply_error(ErrorKind::invalid_request, 400, err);
            return;
        }
    }
    std::string_view id = route_.path_model;
    switch (route_.endpoint) {
        case Endpoint::openai_models:
            return reply_json([](JsonWriter& w) { openai::models_body(w); });
        case Endpoint::openai_model:
            return reply_json([&](JsonWriter& w) { openai::model_body(id, w); });
        case Endpoint::anthropic_models:
            return reply_json([](JsonWriter& w) { anthropic::models_body(w); });
        case Endpoint::anthropic_model:
            return reply_json([&](JsonWriter& w) { anthropic::model_body(id, w); });
        case Endpoint::gemini_models:
            return reply_json([](JsonWriter& w) { gemini::models_body(w); });
        case Endpoint::gemini_model:
            return reply_json([&](JsonWriter& w) { gemini::model_body(id, w); });
        case Endpoint::openai_embeddings:
            return reply_json([&](JsonWriter& w) { openai::embeddings_body(a_, w); });
        case Endpoint::anthropic_count_tokens:
            return reply_json([&](JsonWriter& w) { anthropic::count_tokens_body(a_, w); });
        case Endpoint::gemini_count_tokens:
            return reply_json([&](JsonWriter& w) { gemini::count_tokens_body(a_, w); });
        case Endpoint::gemini_embed:
            return reply_json([&](JsonWriter& w) { gemini::embed_body(a_, w); });
        case Endpoint::gemini_batch_embed:
            return reply_json([&](JsonWriter& w) { gemini::batch_embed_body(a_, w); });
        default:
            return answer_generation();
    }
}

void Handler::answer_generation() {
    if (stream_ && plan_.fault.kind == FaultKind::content_policy) {
        reply_blocked_stream();
        return;
    }
    if (stream_) {
        start_stream();
        return;
    }
    ByteBuffer& body = w_.body_scratch();
    body.clear();
    JsonWriter w(body);
    if (plan_.fault.kind == FaultKind::content_policy) {
        gemini::blocked_body(a_, w);  // Gemini blocks a prompt with a 200
    } else if (route_.endpoint == Endpoint::openai_chat) {
        openai::chat_body(a_, w);
    } else if (route_.endpoint == Endpoint::openai_completions) {
        openai::completions_body(a_, w);
    } else if (route_.endpoint == Endpoint::openai_responses) {
        openai::responses_body(a_, w);
    } else if (route_.endpoint == Endpoint::anthropic_messages) {
        anthropic::message_body(a_, w);
    } else {
        gemini::generate_body(a_, w);
    }
    // A non-streamed answer arrives when the streamed one would have finished.
    uint64_t generation_ms =
        a_.tokens == 0 ? knobs_.first_delay_ms
                       : knobs_.first_delay_ms + uint64_t{a_.tokens - 1} * knobs_.delay_ms;
    FaultKind k = plan_.fault.kind;
    if (k == FaultKind::stall) {
        ex_.after = AfterReply::stall;
    } else if (k == FaultKind::cut) {
        ex_.after = AfterReply::cut;
    }
    RateHeaders rate = k == FaultKind::low_remaining ? RateHeaders::low : RateHeaders::normal;
    reply_body(200, rate, -1, json_type(),
               ms_to_ns(knobs_.header_delay_ms) + generation_ms * 1000000);
}

// Gemini streams a blocked prompt as a single chunk carrying promptFeedback.
void Handler::reply_blocked_stream() {
    record(200);
    ByteBuffer& body = w_.body_scratch();
    body.clear();
    JsonWriter w(body);
    gemini::blocked_body(a_, w);
    Head h;
    h.format = route_.format;
    h.content_type = a_.sse ? kSseGemini : kJsonGemini;
    h.event_stream = a_.sse;
    h.close = ex_.close;
    h.request_id = a_.id;
    uint64_t delay_ns = ms_to_ns(knobs_.header_delay_ms);
    ByteBuffer& dst = delay_ns > 0 ? ex_.response : out_;
    write_head(h, w_.now_s(), w_.dates(), dst);
    uint32_t events = 0;
    EventSink sink(dst, w_.event_scratch(), !a_.sse, &events);
    sink.literal({}, body.view());
    if (!a_.sse) {
        sink.raw("]");
    }
    http::write_last_chunk(dst);
    if (delay_ns > 0) {
        ex_.kind = ExchangeKind::delayed;
        ex_.delay_ns = delay_ns;
    }
}

void Handler::start_stream() {
    FaultKind k = plan_.fault.kind;
    record(200);
    ex_.kind = ExchangeKind::stream;
    ex_.delay_ns = ms_to_ns(knobs_.header_delay_ms);
    Head& h = ex_.head;
    h = Head{};
    h.format = route_.format;
    bool json_array = route_.format == Format::gemini && !a_.sse;
    h.content_type = json_array ? kJsonGemini : route_.format == Format::gemini ? kSseGemini : kSse;
    h.event_stream = !json_array;
    h.close = ex_.close;
    h.rate = k == FaultKind::low_remaining ? RateHeaders::low : RateHeaders::normal;
    h.retry_after_s = plan_.retry_after_s;
    h.retry_after_ms = plan_.retry_after_ms;
    h.request_id = a_.id;
    if (route_.format != Format::gemini) {
        a_.sse = true;  // only Gemini has a non-SSE stream form
    }
    ex_.dialect = make_stream(a_);
    ex_.unit_delay_ns = ms_to_ns(knobs_.delay_ms);
    ex_.first_delay_ns = ms_to_ns(knobs_.first_delay_ms);
    uint32_t units = ex_.dialect->units();
    ex_.fault = is_stream_fault(k) ? k : FaultKind::none;
    ex_.fault_at = plan_.after != unset ? (plan_.after < units ? plan_.after : units) : units / 2;
}

void Handler::reply_error(ErrorKind kind, uint16_t status, std::string_view message) {
    ErrorContext ctx;
    ctx.message = message;
    ctx.model = model_full_.substr(0, model_full_.find('~'));
    ctx.method = req_.method();
    ctx.path = req_.path();
    ctx.request_id = a_.id;
    ctx.retry_after_s = plan_.retry_after_s;
    ctx.retry_after_ms = plan_.retry_after_ms;
    ByteBuffer& body = w_.body_scratch();
    body.clear();
    JsonWriter w(body);
    ErrorReply r = write_error(route_.format, kind, status, ctx, w);
    reply_body(r.status, r.rate, r.should_retry, json_type(), ms_to_ns(knobs_.header_delay_ms));
}

template <typename Fn>
void Handler::reply_json(Fn&& write_body) {
    ByteBuffer& body = w_.body_scratch();
    body.clear();
    JsonWriter w(body);
    write_body(w);
    RateHeaders rate =
        plan_.fault.kind == FaultKind::low_remaining ? RateHeaders::low : RateHeaders::normal;
    reply_body(200, rate, -1, json_type(), ms_to_ns(knobs_.header_delay_ms));
}

// Sends the head plus w_.body_scratch(), now or after `delay_ns`; applies non-stream
// truncation faults.
void Handler::reply_body(uint16_t status, RateHeaders rate, int8_t should_retry,
                         std::string_view content_type, uint64_t delay_ns) {
    record(status);
    ByteBuffer& body = w_.body_scratch();
    std::string_view bytes = body.view();
    Head h;
    h.status = status;
    h.format = route_.format;
    h.content_type = content_type;
    h.content_length = static_cast<int64_t>(bytes.size());
    h.close = ex_.close;
    h.rate = rate;
    h.retry_after_s = plan_.retry_after_s;
    h.retry_after_ms = plan_.retry_after_ms;
    h.should_retry = should_retry;
    h.request_id = a_.id;
    FaultKind k = status == 200 ? plan_.fault.kind : FaultKind::none;
    if (k == FaultKind::stall || k == FaultKind::cut || k == FaultKind::malformed) {
        // Half the JSON: stall and cut announce the full length, malformed the half.
        bytes = bytes.substr(0, bytes.size() / 2);
        if (k == FaultKind::malformed) {
            h.content_length = static_cast<int64_t>(bytes.size());
        }
    }
    ByteBuffer& dst = delay_ns > 0 ? ex_.response : out_;
    write_head(h, w_.now_s(), w_.dates(), dst);
    if (!bytes.empty()) {
        dst.append(bytes);
    }
    if (delay_ns > 0) {
        ex_.kind = ExchangeKind::delayed;
        ex_.delay_ns = delay_ns;
    }
}

void Handler::record(uint16_t status) {
    AttemptInput in;
    in.key = key_;
    in.model = model_full_;
    in.method = req_.method();
    in.path = req_.path();
    char buf[4];
    in.fault = fault_name(plan_.fault, buf);
    in.format = route_.format;
    in.status = status;
    in.stream = stream_;
    in.tls = tls_;
    for (uint32_t i = 0; i < req_.header_count() && in.header_count < limits::logged_headers_max;
         ++i) {
        auto [name, value] = req_.header_at(i);
        if (logged_header(name)) {
            in.headers[in.header_count++] = {name,
                                             value.substr(0, limits::logged_header_bytes_max)};
        }
    }
    ex_.attempt = w_.log().record(in);
}

}  // namespace

void route_request(Worker& worker, const Request& req, bool tls, ByteBuffer& out, Exchange* ex) {
    if (req.path().substr(0, 7) == "/_mock/") {
        handle_control(worker, req, out, ex->close);
        return;
    }
    Handler(worker, req, tls, out, ex).run();
}

}  // namespace rg::mock
