// The mock's control API under /_mock/ (plain JSON, no auth): attempts, reset, runtime
// fault rules, health. Runs on whichever worker received the request; reads the other
// workers' attempt logs under their mutexes.
#pragma once

#include "base/byte_buffer.h"
#include "mock/request.h"

namespace rg::mock {

class Worker;

void handle_control(Worker& worker, const Request& req, ByteBuffer& out, bool close);

}  // namespace rg::mock
