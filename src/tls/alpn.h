// ALPN protocol lists in wire format (RFC 7301 §3.1: each name prefixed by its length).
// Pure functions, any thread; used once per context at create().
#pragma once

#include <string>
#include <vector>

#include "base/result.h"

namespace rg::tls {

// Encodes `names` for SSL_CTX_set_alpn_protos / SSL_select_next_proto. Refuses empty or
// over-long names and more than limits::alpn_names_max entries.
Result<std::string> encode_alpn(const std::vector<std::string>& names);

}  // namespace rg::tls
