// In-memory plumbing for TLS tests: contexts over the test PKI, and pumps that move
// ciphertext between a client and a server Engine in pieces of chosen or random sizes.
#pragma once

#include <cstddef>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "tls/engine.h"

namespace rg::tls::test {

// Piece sizes for moving ciphertext: `fixed` bytes each, or random in [1, random_max].
class Splitter {
  public:
    static Splitter every(size_t n) { return Splitter(n, 0); }
    static Splitter random(size_t max, uint32_t seed = 1) { return Splitter(0, max, seed); }
    size_t next(size_t available);

  private:
    Splitter(size_t fixed, size_t random_max, uint32_t seed = 1)
        : fixed_(fixed), random_max_(random_max), rng_(seed) {}
    size_t fixed_;
    size_t random_max_;
    std::mt19937 rng_;
};

std::shared_ptr<ClientContext> client_context(bool verify = true, const std::string& ca = {},
                                              std::vector<std::string> alpn = {"http/1.1"});
std::shared_ptr<ServerContext> server_context(const std::string& crt = {},
                                              const std::string& key = {},
                                              std::vector<std::string> alpn = {"http/1.1"});

// Moves all of `from`'s output into `to` and returns the last feed status (ok when nothing
// moved). Stops feeding once `to` reports error; the rest of the output is dropped.
Status transfer(Engine& from, Engine& to, Splitter& split);

struct PumpResult {
    Status client = Status::ok;
    Status server = Status::ok;
};
// Moves output both ways until both sides are quiet. Each side's status is its last feed
// status (error once it failed).
PumpResult pump(Engine& client, Engine& server, Splitter& split);
PumpResult pump(Engine& client, Engine& server);

// Reads until want_more/closed/error, appending to `out`; returns that final status.
Status drain(Engine& e, std::string* out);

// Sends `data` from `writer` to `reader` in pieces, reading after every piece. Returns
// the received bytes.
std::string send_through(Engine& writer, Engine& reader, const std::string& data, Splitter& split);

// Deterministic payload whose bytes depend on their position.
std::string pattern(size_t n);

}  // namespace rg::tls::test
