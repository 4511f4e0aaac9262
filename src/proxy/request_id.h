// Request ids: the x-request-id of every proxied request. A client's own id is kept when it
// is safe to echo and log; otherwise the shard makes one. Shard-local: each shard owns one
// RequestIdGenerator, seeded once from getrandom(2); ids cost no syscall and no allocation.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rg::proxy {

// "req_" + 24 base32 characters (120 random bits): unique across shards and restarts
// without coordination (a collision is expected after about 2^60 ids).
inline constexpr std::string_view request_id_prefix = "req_";
inline constexpr size_t request_id_random_chars = 24;
inline constexpr size_t request_id_bytes = request_id_prefix.size() + request_id_random_chars;
// Longest client-provided id accepted (UUIDs are 36, W3C trace ids 32; 128 leaves room for
// composite ids while bounding what reaches logs and headers).
inline constexpr size_t client_request_id_bytes_max = 128;

using RequestIdBuffer = std::array<char, request_id_bytes>;

// 1..128 characters of [A-Za-z0-9._-]: safe in headers, logs and JSON without escaping.
bool is_valid_client_request_id(std::string_view id);

class RequestIdGenerator {
  public:
    // Seeds from getrandom(2) (falls back to clock and address bits if it fails).
    RequestIdGenerator();
    // Deterministic, for tests.
    explicit RequestIdGenerator(uint64_t seed);

    // A fresh id, written into `buf`; the view points into `buf`.
    std::string_view next(RequestIdBuffer& buf);
    // `client_id` when valid (a view of it), else next(buf).
    std::string_view accept_or_next(std::string_view client_id, RequestIdBuffer& buf);

  private:
    void seed(uint64_t seed);
    uint64_t next_u64();

    uint64_t state_[4] = {};  // xoshiro256**
};

}  // namespace rg::proxy
