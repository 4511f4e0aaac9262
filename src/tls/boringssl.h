// Private to src/tls/: the one place that includes BoringSSL, with the guard that keeps
// OpenSSL 3 headers out (shared/notes/platform.md §3: without -I/usr/include/android the
// compile would silently pick up /usr/include/openssl). Other modules never include this.
#pragma once

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#ifndef OPENSSL_IS_BORINGSSL
#error "src/tls must be built against BoringSSL (BoringSSL::ssl), not OpenSSL"
#endif

#include <cstdint>

#include "base/result.h"

namespace rg::tls::detail {

// TLS 1.2 suites when a peer cannot do 1.3 (1.3 suites are fixed in BoringSSL): forward
// secret AEADs only, ECDSA before RSA, as in Mozilla's "intermediate" profile.
inline constexpr const char* tls12_cipher_list =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// Settings both sides share: TLS 1.2 minimum (RFC 8996 retires 1.0 and 1.1) and the suites.
inline bool configure_common(SSL_CTX* ctx) {
    return SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) == 1 &&
           SSL_CTX_set_strict_cipher_list(ctx, tls12_cipher_list) == 1;
}

// The errno behind the oldest queued ERR_LIB_SYS error (e.g. ENOENT for a missing file),
// or 0. Clears the thread's error queue: the caller has turned it into an Error already.
inline int32_t take_sys_errno() {
    int32_t sys_errno = 0;
    for (uint32_t e = ERR_get_error(); e != 0; e = ERR_get_error()) {
        if (sys_errno == 0 && ERR_GET_LIB(e) == ERR_LIB_SYS) {
            sys_errno = static_cast<int32_t>(ERR_GET_REASON(e));
        }
    }
    return sys_errno;
}

// A config-time error: the context says what failed, sys_errno why (when a syscall did).
inline Error config_error(const char* context) {
    return Error::make(ErrorCode::config, context, take_sys_errno());
}

}  // namespace rg::tls::detail
