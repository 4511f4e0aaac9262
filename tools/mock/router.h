// Routing and decisions for one request: which provider endpoint it hit, whether its
// auth and body are acceptable, which directives and fault rules apply, and what reply
// the connection must produce (written to `out` now, or described in the Exchange).
// Runs on the worker that owns the connection.
#pragma once

#include "base/byte_buffer.h"
#include "mock/exchange.h"
#include "mock/request.h"

namespace rg::mock {

class Worker;

void route_request(Worker& worker, const Request& req, bool tls, ByteBuffer& out, Exchange* ex);

}  // namespace rg::mock
