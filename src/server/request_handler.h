// RequestHandler: what the server hands requests to when no built-in route takes them
// (the proxy). Shard-local: one handler per shard, called only on the shard's thread.
// Contract: after on_request() returns true the handler owns the request; it writes the
// answer with HttpServer::output()/flush() and ends it with exactly one finish() (or an
// abort()). Until then the server parses no further pipelined request on the connection.
#pragma once

#include <string_view>

#include "http/request_head.h"
#include "shard/settings.h"

namespace rg::server {

struct Connection;

class RequestHandler {
  public:
    virtual ~RequestHandler() = default;
    // A request head arrived (its views are valid only during this call). Return true to
    // take the request.
    virtual bool on_request(Connection* c, const http::RequestHead& head) = 0;
    // Body bytes (de-chunked), valid only during the call.
    virtual void on_request_body(Connection* c, std::string_view bytes) = 0;
    virtual void on_request_end(Connection* c) = 0;
    // The client's send backlog fell below the low-water mark: resume producing.
    virtual void on_downstream_writable(Connection* c) = 0;
    // The client went away or the connection is being closed: stop, release everything.
    // No other call for this request follows.
    virtual void on_downstream_gone(Connection* c) = 0;

    // Shard loop hooks, forwarded by the server.
    virtual void on_settings(const std::shared_ptr<const shard::Settings>& settings) = 0;
    // Returns the next deadline the handler wants (0 = none).
    virtual uint64_t on_timer(uint64_t now_ms) = 0;
    virtual void before_submit() = 0;
};

}  // namespace rg::server
