// The built-in routes of the server: /health on both listeners, /metrics on the admin
// listener. Everything else answers 404 in the OpenAI error envelope until the proxy
// routes arrive.
#include <cstdio>

#include "base/clock.h"
#include "http/response_writer.h"
#include "server/http_server.h"

namespace rg::server {
namespace {

constexpr std::string_view json_type = "application/json";

bool is_get_or_head(const http::RequestHead& head) {
    return head.method == http::Method::get || head.method == http::Method::head;
}

// Writes a JSON answer; HEAD gets the same head without the body.
void answer(ByteBuffer& out, const http::RequestHead& head, int status, std::string_view body,
            bool close, std::span<const http::Header> extra = {}) {
    if (head.method == http::Method::head) {
        http::Header headers[4];
        size_t n = 0;
        headers[n++] = http::Header{"Content-Type", json_type};
        for (const http::Header& h : extra) {
            if (n < 4) {
                headers[n++] = h;
            }
        }
        http::write_response_head(out, status, std::span<const http::Header>(headers, n),
                                  static_cast<int64_t>(body.size()), close);
        return;
    }
    http::write_response(out, status, json_type, body, close, extra);
}

const char* method_name(http::Method m) {
    switch (m) {
        case http::Method::get:
            return "GET";
        case http::Method::head:
            return "HEAD";
        case http::Method::post:
            return "POST";
        case http::Method::put:
            return "PUT";
        case http::Method::delete_:
            return "DELETE";
        case http::Method::options:
            return "OPTIONS";
        case http::Method::patch:
            return "PATCH";
        case http::Method::other:
            break;
    }
    return "OTHER";
}

}  // namespace

void HttpServer::route(Connection* c, const http::RequestHead& head) {
    bool close = !head.keep_alive || draining_ || c->peer_closed;
    int status = 200;
    if (head.path == "/health") {
        if (!is_get_or_head(head)) {
            status = 405;
            http::Header allow{"Allow", "GET, HEAD"};
            answer(c->out, head, status,
                   "{\"error\":{\"message\":\"Method Not Allowed\",\"type\":"
                   "\"invalid_request_error\",\"param\":null,\"code\":\"method_not_allowed\"}}",
                   close, std::span<const http::Header>(&allow, 1));
        } else if (draining_) {
            status = 503;
            answer(c->out, head, status, "{\"status\":\"draining\"}", close);
        } else {
            answer(c->out, head, status, "{\"status\":\"ok\"}", close);
        }
    } else if (c->admin && head.path == "/metrics" && is_get_or_head(head)) {
        write_metrics(c, close);
    } else {
        status = 404;
        char path[257];
        size_t plen = head.path.size() < 256 ? head.path.size() : 256;
        // The path is echoed as JSON string content: replace what would need escaping.
        for (size_t i = 0; i < plen; ++i) {
            auto ch = static_cast<unsigned char>(head.path[i]);
            path[i] =
                (ch == '"' || ch == '\\' || ch < 0x20 || ch >= 0x7f) ? '?' : static_cast<char>(ch);
        }
        char body[512];
        int n = std::snprintf(body, sizeof(body),
                              "{\"error\":{\"message\":\"Unknown request URL: %s %.*s\","
                              "\"type\":\"invalid_request_error\",\"param\":null,"
                              "\"code\":\"unknown_url\"}}",
                              method_name(head.method), static_cast<int>(plen), path);
        answer(c->out, head, status, std::string_view(body, static_cast<size_t>(n)), close);
    }
    finish_request(status);
    if (close) {
        c->close_after_send = true;
    }
    mark_dirty(c);
}

}  // namespace rg::server
