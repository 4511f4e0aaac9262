#include "mock/tls.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#ifndef OPENSSL_IS_BORINGSSL
#error "ringgate-mock must build against BoringSSL (/usr/include/android)"
#endif

namespace rg::mock {
namespace {

// ALPN wire format: length-prefixed protocol names, in server preference order.
constexpr unsigned char kAlpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};

int select_alpn(SSL*, const uint8_t** out, uint8_t* out_len, const uint8_t* in, unsigned in_len,
                void*) {
    uint8_t* selected = nullptr;
    // BoringSSL returns the first entry of the first list that the second also has: pass
    // the server list first for server preference.
    if (SSL_select_next_proto(&selected, out_len, kAlpn, sizeof(kAlpn), in, in_len) ==
        OPENSSL_NPN_NEGOTIATED) {
        *out = selected;
        return SSL_TLSEXT_ERR_OK;
    }
    return SSL_TLSEXT_ERR_NOACK;  // no overlap: go on without ALPN (the client may refuse)
}

std::string last_error(const char* what) {
    char buf[256];
    ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
    return std::string(what) + ": " + buf;
}

}  // namespace

SSL_CTX* make_server_tls(const std::string& cert_file, const std::string& key_file,
                         std::string* error) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == nullptr) {
        *error = last_error("SSL_CTX_new");
        return nullptr;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_alpn_select_cb(ctx, select_alpn, nullptr);
    if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1) {
        *error = last_error(("cannot load certificate " + cert_file).c_str());
    } else if (SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
        *error = last_error(("cannot load key " + key_file).c_str());
    } else if (SSL_CTX_check_private_key(ctx) != 1) {
        *error = "certificate and key do not match";
    } else {
        return ctx;
    }
    SSL_CTX_free(ctx);
    return nullptr;
}

void free_server_tls(SSL_CTX* ctx) {
    SSL_CTX_free(ctx);
}

}  // namespace rg::mock
