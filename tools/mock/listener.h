// Listening sockets: one SO_REUSEPORT socket per worker on the same address, so the
// kernel spreads connections across workers without a shared accept queue. Created by
// main() before the workers start.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rg::mock {

// Binds `count` non-blocking listeners to "host:port" ("[::1]:0" for IPv6). Port 0 picks
// a free port once; the others share it. Returns false with a reason in *error.
bool open_listeners(const std::string& address, uint32_t count, std::vector<int>* fds,
                    uint16_t* port, std::string* error);

}  // namespace rg::mock
