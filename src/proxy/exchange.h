// Exchange: one proxied request, from the client's head to the end of the upstream's
// answer. Owned by the shard's ProxyHandler (pooled), attached to the downstream
// connection (server::Connection::handler_state) and, while it runs, observing one
// upstream connection. Shard-local.
#pragma once

#include <cstdint>

#include "base/byte_buffer.h"
#include "base/limits.h"
#include "http/response_parser.h"
#include "json/request_scan.h"
#include "keys/failure_class.h"
#include "limits/client_key_table.h"
#include "limits/limiter.h"
#include "proxy/client_format.h"
#include "shard/timer_list.h"
#include "traces/trace_slot.h"
#include "translate/arena.h"
#include "translate/completions.h"
#include "translate/embeddings.h"
#include "translate/ir.h"
#include "translate/json_array_framer.h"
#include "translate/sse_decoder.h"
#include "translate/stream_sentinel.h"
#include "translate/stream_translate.h"
#include "translate/translate.h"
#include "upstream/options.h"
#include "upstream/pool.h"

namespace rg::server {
struct Connection;
}
namespace rg::traces {
struct Query;
}

namespace rg::proxy {

class ProxyHandler;

enum class Phase : uint8_t {
    reading_body,  // client body still arriving
    connecting,    // upstream connection being opened
    waiting_head,  // request sent, waiting for the response head
    holding,       // a 2xx answer arriving, held until it is complete (or, for a stream,
                   // until its first content): a failure now is retried transparently
    error_body,    // a non-2xx answer arriving, read to be classified
    streaming,     // response head forwarded to the client (committed), body flowing
    backoff,       // between attempts: waiting for the retry delay or a key's cooldown
    limit_wait,    // shared limits: waiting for request permits from Redis (parked)
    finished,
};

// One place an attempt can go: a provider and the model name it is asked for. `group`
// numbers the models entry (0: the asked model, 1..: its fallbacks in order).
struct Candidate {
    uint16_t provider = 0;
    uint8_t group = 0;
    std::string_view model;  // upstream name; points into the router or the asked name
};
inline constexpr size_t plan_max = 32;

// How a translated stream's client framing differs from what the stream translator writes
// (proxy_endpoints.cc).
enum class Reframe : uint8_t {
    none = 0,
    gemini_array,  // a Gemini client without ?alt=sse: the JSON-array form
    completions,   // a legacy Completions client: text_completion chunks
};

struct Tried {
    uint16_t provider = 0;
    uint16_t key = 0;
};

struct Exchange final : upstream::Observer {
    void on_upstream_connected(upstream::Connection* u) override;
    void on_upstream_data(upstream::Connection* u, const char* data, size_t len) override;
    void on_upstream_closed(upstream::Connection* u, int sys_errno) override;

    ProxyHandler* handler = nullptr;
    server::Connection* down = nullptr;
    upstream::Connection* up = nullptr;
    Phase phase = Phase::finished;
    Route route = Route::not_found;
    ClientFormat format = ClientFormat::openai;
    uint32_t provider = 0;
    int status = 0;
    bool rechunk = false;         // upstream body is close-delimited: chunk it for the client
    bool client_chunked = false;  // the client's answer uses chunked framing
    bool method_allowed = true;
    bool gemini_sse = false;  // Gemini stream route with ?alt=sse (else the JSON array form)
    bool close = false;
    int final_status = 0;   // the status the client got (0: it went away first)
    uint64_t start_us = 0;  // wall clock when the head arrived
    uint64_t start_mono_us =
        0;              // the client said Connection: close (or spoke HTTP/1.0 without keep-alive)
    uint8_t admin = 0;  // AdminRoute (proxy_admin.cc) on the admin listener, else 0
    bool preflight = false;    // a CORS preflight the gateway answers itself
    char model_id[256] = {0};  // GET /v1/models/{id}: the id from the path
    uint16_t model_id_len = 0;
    // CORS headers for the answer (or the preflight), as views into cors_arena.
    ByteBuffer cors_arena;
    http::Header cors[8];
    uint8_t cors_count = 0;

    // The client's headers, copied out of the receive buffers at the head (the filter for
    // the upstream runs once the provider is known).
    ByteBuffer head_arena;
    struct HeaderSpan {
        uint32_t name_off, name_len, value_off, value_len;
    };
    HeaderSpan head_spans[limits::header_count_max];
    uint32_t head_count = 0;
    ByteBuffer body;     // request body
    ByteBuffer request;  // the upstream request being built / sent
    http::ResponseParser response;

    // Attempts: the plan (targets, then fallbacks), where we are in it and what was tried.
    // `cfg` is the config snapshot the plan indexes into (kept alive by the handler).
    const struct Config* cfg = nullptr;
    json::RequestScan scan;
    Candidate plan[plan_max];
    uint8_t plan_count = 0;
    uint8_t plan_pos = 0;
    uint8_t skip_group = 0xff;  // a models entry not to try again (context length)
    Tried tried[upstream::attempts_limit];
    uint8_t attempts = 0;
    uint8_t attempts_max = 1;
    uint8_t waits = 0;         // times this request waited for a key's cooldown
    bool retry_tried = false;  // keys already tried may be tried again (after a backoff)
    bool key_busy = false;     // an attempt holds an in-flight slot of (provider, key)
    uint16_t key = 0;
    // The upstream model of the current attempt (a view into the router or the asked
    // name): what a translated answer reports, as a passed-through one reports the
    // upstream's own, so a fallback's answer names the model that served it.
    std::string_view served_model;
    uint64_t attempt_start_ns = 0;
    uint64_t first_byte_us = 0;  // upstream latency of the current attempt's head
    bool stream = false;         // the client asked for a stream
    ByteBuffer held;             // an answer not yet committed to the client (streams: decoded)
    ByteBuffer decoded;          // decoded body of an answer the gateway reads
    // Streams: their events, watched for the first content and the terminator.
    translate::SseDecoder sse;
    translate::StreamSentinel sentinel{translate::StreamFormat::openai_chat};
    bool finish_seen = false;  // an OpenAI chunk with a finish_reason went by
    bool raw_stream = false;   // a stream passed through uninspected (Gemini's JSON array)
    // The gateway added stream_options.include_usage for a billed client that did not ask
    // for it: the usage chunk is read, then kept from the client.
    bool strip_usage_chunk = false;

    // Translation between formats (translate/): the client's request as IR, parsed once
    // when the first attempt needs it; the current attempt's upstream format.
    translate::Format client_format = translate::Format::openai_chat;
    translate::Format upstream_format = translate::Format::openai_chat;
    bool translated = false;  // the current attempt translates
    bool ir_parsed = false;
    translate::Arena request_arena;
    translate::Arena response_arena;
    translate::Request ir;
    translate::Response ir_response;
    translate::StreamTranslator translator;  // a stream translated event by event
    ByteBuffer translated_out;               // the translator's output, per piece
    translate::Format fail_format = translate::Format::openai_chat;  // of fail_body
    const char* translate_error = nullptr;  // why the request could not be translated
    // Embeddings across formats (parsed once per request, like `ir`), and the answer.
    translate::EmbedRequest embed;
    translate::EmbedResponse embed_response;
    // A translated stream re-framed for its client; `reframed` is the framers' output.
    Reframe reframe = Reframe::none;
    translate::JsonArrayFramer array_framer;
    translate::CompletionsReframer completions_framer;
    ByteBuffer reframed;

    // Client key (limits/): who calls, and what the limiter admitted for this request.
    const limits::ClientKey* client = nullptr;  // into cfg->clients; null: open gateway
    bool auth_refused = false;
    bool admitted = false;
    bool usage_known = false;  // `usage` holds what the upstream reported
    limits::Admission admission;
    uint64_t park_deadline_ms = 0;  // parked for permits: until when (0: never parked)
    translate::Usage usage;
    uint8_t key_source = 0;  // limits::KeySource: where the client presented a key
    // Output tokens of a stream counted from the content deltas that went by (billed
    // clients only): what a client that leaves mid-stream is billed for (issue 6).
    uint64_t output_estimate = 0;

    // What the client got (access log, traces): bytes written to it for this request, the
    // response head included, and microseconds from the request head's arrival to the
    // first answer byte written to it (0: none was). Final once the exchange is released.
    uint64_t bytes_out = 0;
    uint64_t ttft_us = 0;
    uint64_t out_mark = 0;        // the connection's output count when the exchange began
    bool counted_stream = false;  // counted in the shard's streams gauge

    // Traces (proxy_trace.cc): each attempt as it went (names copied, since a reload may drop
    // the snapshot they came from) and the admin query in flight.
    traces::TraceAttempt attempt_trace[upstream::attempts_limit];
    traces::Query* trace_query = nullptr;

    // The last failed attempt, answered when no attempt is left.
    keys::FailureClass fail_class = keys::FailureClass::transport;
    const char* fail_reason = "";  // static text
    int fail_status = 0;           // a provider's error answer kept in fail_body (0: none)
    ByteBuffer fail_body;
    char fail_content_type[64] = {0};
    uint8_t fail_content_type_len = 0;
    uint64_t fail_retry_after_ms = 0;
    // Metrics (proxy_metrics.cc): the current attempt's plan group and served model as an
    // index into the snapshot's metrics vocabulary; whether the answer counts as an active
    // stream.
    uint8_t metric_group = 0;
    uint32_t metric_served = 0;
    bool metric_stream = false;
    char request_id[128] = {0};
    uint8_t request_id_len = 0;
    shard::TimerNode timer;
    Exchange* next_free = nullptr;

    std::string_view id() const { return {request_id, request_id_len}; }
    // The request id with every character outside [A-Za-z0-9_-] replaced by '_': translated
    // answers mint their ids from it ("chatcmpl-<token>").
    std::string_view id_token(char (&buf)[sizeof(request_id)]) const {
        for (uint8_t i = 0; i < request_id_len; ++i) {
            char ch = request_id[i];
            bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
            buf[i] = ok ? ch : '_';
        }
        return {buf, request_id_len};
    }
};

}  // namespace rg::proxy
