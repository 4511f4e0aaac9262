// Static, human-readable reasons for TLS failures, for logs and error pages. Pure
// functions of BoringSSL's codes; any thread.
#pragma once

#include <cstdint>

namespace rg::tls::detail {

// Why certificate verification failed, from SSL_get_verify_result (X509_V_ERR_*).
const char* verify_error_reason(long verify_result);
// Why a handshake or record operation failed: `packed` is the newest queued BoringSSL error
// (0 when none) and `ssl_error` the SSL_get_error() value.
const char* ssl_error_reason(uint32_t packed, int ssl_error);

}  // namespace rg::tls::detail
