#include "tls/client_context.h"

#include <atomic>

#include "tls/alpn.h"
#include "tls/boringssl.h"
#include "tls/engine.h"

namespace rg::tls {
namespace {

std::atomic<uint64_t> next_context_id{1};

Result<void> load_trust(SSL_CTX* ctx, const ClientOptions& options) {
    SSL_CTX_set_verify(ctx, options.verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);
    // Without verification the system bundle is dead weight (~150 certificates parsed per
    // context); an explicit ca_file is still loaded so a typo surfaces at start-up.
    if (!options.verify && options.ca_file.empty()) {
        return ok_result();
    }
    const char* file = options.ca_file.empty() ? system_ca_file : options.ca_file.c_str();
    if (SSL_CTX_load_verify_locations(ctx, file, nullptr) != 1) {
        return detail::config_error(
            "tls: cannot load CA file (missing, unreadable or without PEM certificates)");
    }
    return ok_result();
}

Result<void> configure(SSL_CTX* ctx, const ClientOptions& options) {
    Result<std::string> alpn = encode_alpn(options.alpn);
    if (!alpn) {
        return alpn.error();
    }
    if (!detail::configure_common(ctx)) {
        return detail::config_error("tls: cannot set protocol versions or cipher suites");
    }
    Result<void> trust = load_trust(ctx, options);
    if (!trust) {
        return trust;
    }
    const std::string& wire = alpn.value();
    // SSL_CTX_set_alpn_protos returns 0 on success (platform.md §3).
    if (!wire.empty() && SSL_CTX_set_alpn_protos(ctx, reinterpret_cast<const uint8_t*>(wire.data()),
                                                 wire.size()) != 0) {
        return detail::config_error("tls: cannot set ALPN protocols");
    }
    // Sessions go to the shard's SessionCache through the callback, never into the
    // SSL_CTX's internal cache, which would be shared (and locked) across shards.
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL);
    SSL_CTX_sess_set_new_cb(ctx, detail::on_new_client_session);
    return ok_result();
}

}  // namespace

Result<std::shared_ptr<ClientContext>> ClientContext::create(const ClientOptions& options) {
    ERR_clear_error();
    bssl::UniquePtr<SSL_CTX> ctx(SSL_CTX_new(TLS_method()));
    if (!ctx) {
        return Error::make(ErrorCode::resource, "tls: cannot allocate SSL_CTX");
    }
    Result<void> configured = configure(ctx.get(), options);
    if (!configured) {
        return configured.error();
    }
    const uint64_t id = next_context_id.fetch_add(1, std::memory_order_relaxed);
    return std::shared_ptr<ClientContext>(new ClientContext(ctx.release(), id));
}

ClientContext::~ClientContext() {
    SSL_CTX_free(ctx_);
}

}  // namespace rg::tls
