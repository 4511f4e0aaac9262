#include "tls/server_context.h"

#include "tls/alpn.h"
#include "tls/boringssl.h"

namespace rg::tls {
namespace {

// RFC 7301 §3.2: the server picks by its own preference, and when nothing the client offers
// is acceptable it answers with a fatal no_application_protocol alert rather than guess.
int select_alpn(SSL* /*ssl*/, const uint8_t** out, uint8_t* out_len, const uint8_t* in,
                unsigned in_len, void* arg) {
    const std::string_view ours = static_cast<const ServerContext*>(arg)->alpn_wire();
    uint8_t* chosen = nullptr;
    uint8_t chosen_len = 0;
    // BoringSSL returns the first entry of the first list that the second also holds, so our
    // list goes first (platform.md §3: the parameter is misleadingly named `peer`).
    const int r =
        SSL_select_next_proto(&chosen, &chosen_len, reinterpret_cast<const uint8_t*>(ours.data()),
                              static_cast<unsigned>(ours.size()), in, in_len);
    if (r != OPENSSL_NPN_NEGOTIATED) {
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    }
    *out = chosen;
    *out_len = chosen_len;
    return SSL_TLSEXT_ERR_OK;
}

bool key_mismatch_queued() {
    const uint32_t e = ERR_peek_last_error();
    return ERR_GET_LIB(e) == ERR_LIB_X509 && ERR_GET_REASON(e) == X509_R_KEY_VALUES_MISMATCH;
}

Result<void> load_identity(SSL_CTX* ctx, const ServerOptions& options) {
    if (SSL_CTX_use_certificate_chain_file(ctx, options.cert_file.c_str()) != 1) {
        return detail::config_error(
            "tls: cannot load certificate chain file (missing, unreadable or not PEM)");
    }
    // BoringSSL already refuses a key that does not match the leaf while loading it; the
    // explicit check below covers the order-independent case as well.
    if (SSL_CTX_use_PrivateKey_file(ctx, options.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
        if (key_mismatch_queued()) {
            return detail::config_error("tls: private key does not match the certificate");
        }
        return detail::config_error(
            "tls: cannot load private key file (missing, unreadable or not PEM)");
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        return detail::config_error("tls: private key does not match the certificate");
    }
    return ok_result();
}

Result<void> configure(SSL_CTX* ctx, const ServerOptions& options) {
    if (!detail::configure_common(ctx)) {
        return detail::config_error("tls: cannot set protocol versions or cipher suites");
    }
    Result<void> identity = load_identity(ctx, options);
    if (!identity) {
        return identity;
    }
    // No stateful session cache: it is one locked table per SSL_CTX shared by all shards.
    // Resumption still works through stateless tickets, whose keys this SSL_CTX generates
    // and rotates itself (a reload starts new keys, so old tickets fall back to a full
    // handshake).
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    return ok_result();
}

}  // namespace

Result<std::shared_ptr<ServerContext>> ServerContext::create(const ServerOptions& options) {
    ERR_clear_error();
    Result<std::string> alpn = encode_alpn(options.alpn);
    if (!alpn) {
        return alpn.error();
    }
    bssl::UniquePtr<SSL_CTX> ctx(SSL_CTX_new(TLS_method()));
    if (!ctx) {
        return Error::make(ErrorCode::resource, "tls: cannot allocate SSL_CTX");
    }
    Result<void> configured = configure(ctx.get(), options);
    if (!configured) {
        return configured.error();
    }
    std::shared_ptr<ServerContext> self(new ServerContext(ctx.release(), std::move(*alpn)));
    if (!self->alpn_wire_.empty()) {
        // `self` outlives every SSL made from it: each Engine holds the shared_ptr.
        SSL_CTX_set_alpn_select_cb(self->ctx_, select_alpn, self.get());
    }
    return self;
}

ServerContext::~ServerContext() {
    SSL_CTX_free(ctx_);
}

}  // namespace rg::tls
