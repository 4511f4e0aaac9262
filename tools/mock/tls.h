// Server-side TLS context (BoringSSL): TLS 1.2-1.3, ALPN http/1.1, one certificate.
// Created by main() before the workers start; read-only (and so shared) afterwards.
#pragma once

#include <string>

typedef struct ssl_ctx_st SSL_CTX;

namespace rg::mock {

// Returns nullptr and a one-line reason in *error on failure.
SSL_CTX* make_server_tls(const std::string& cert_file, const std::string& key_file,
                         std::string* error);
void free_server_tls(SSL_CTX* ctx);

}  // namespace rg::mock
