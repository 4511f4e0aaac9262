// Exchange: one proxied request, from the client's head to the end of the upstream's
// answer. Owned by the shard's ProxyHandler (pooled), attached to the downstream
// connection (server::Connection::handler_state) and, while it runs, observing one
// upstream connection. Shard-local.
#pragma once

#include <cstdint>

#include "base/byte_buffer.h"
#include "base/limits.h"
#include "http/response_parser.h"
#include "proxy/client_format.h"
#include "shard/timer_list.h"
#include "upstream/pool.h"

namespace rg::server {
struct Connection;
}

namespace rg::proxy {

class ProxyHandler;

enum class Phase : uint8_t {
    reading_body,  // client body still arriving
    connecting,    // upstream connection being opened
    waiting_head,  // request sent, waiting for the response head
    streaming,     // response head forwarded, body flowing
    finished,
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
    char request_id[128] = {0};
    uint8_t request_id_len = 0;
    shard::TimerNode timer;
    Exchange* next_free = nullptr;

    std::string_view id() const { return {request_id, request_id_len}; }
};

}  // namespace rg::proxy
