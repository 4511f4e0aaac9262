#include "tls/engine.h"

#include <arpa/inet.h>

#include <algorithm>
#include <climits>
#include <cstring>

#include "base/assert.h"
#include "tls/boringssl.h"
#include "tls/error_reason.h"
#include "tls/limits.h"

namespace rg::tls {
namespace detail {

int on_new_client_session(SSL* ssl, SSL_SESSION* session) {
    Engine* engine = static_cast<Engine*>(SSL_get_app_data(ssl));
    // 1: the cache took our reference; 0: BoringSSL drops it.
    return engine != nullptr && engine->store_session(session) ? 1 : 0;
}

}  // namespace detail

namespace {

// BoringSSL's read and write lengths are ints.
int clamp_int(size_t n) {
    return static_cast<int>(std::min<size_t>(n, INT_MAX));
}

// "[::1]" -> "::1": URLs bracket IPv6 literals, certificates and inet_pton do not.
std::string_view strip_brackets(std::string_view host) {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        return host.substr(1, host.size() - 2);
    }
    return host;
}

}  // namespace

std::unique_ptr<Engine> Engine::client(const std::shared_ptr<ClientContext>& ctx,
                                       std::string_view host, SessionCache* cache, uint16_t port) {
    RG_ASSERT(ctx != nullptr);
    std::unique_ptr<Engine> engine(new Engine(ctx));
    if (engine->attach(ctx->native())) {
        engine->setup_client(*ctx, host, cache, port);
    }
    return engine;
}

std::unique_ptr<Engine> Engine::server(const std::shared_ptr<ServerContext>& ctx) {
    RG_ASSERT(ctx != nullptr);
    std::unique_ptr<Engine> engine(new Engine(ctx));
    if (engine->attach(ctx->native())) {
        SSL_set_accept_state(engine->ssl_);
    }
    return engine;
}

Engine::~Engine() {
    SSL_free(ssl_);  // also frees the BIO, which must go before queues_
}

bool Engine::attach(SSL_CTX* ctx) {
    ssl_ = SSL_new(ctx);
    BIO* bio = ssl_ != nullptr ? queues_.new_bio() : nullptr;
    if (bio == nullptr) {
        fail_with("out of memory creating a TLS connection");
        return false;
    }
    SSL_set_bio(ssl_, bio, bio);  // one BIO both ways; SSL takes the one reference
    SSL_set_app_data(ssl_, this);
    return true;
}

void Engine::setup_client(const ClientContext& ctx, std::string_view host, SessionCache* cache,
                          uint16_t port) {
    host = strip_brackets(host);
    if (!set_peer_name(host)) {
        return;
    }
    SSL_set_connect_state(ssl_);
    if (cache != nullptr) {
        cache_ = cache;
        context_id_ = ctx.id();
        host_.assign(host);
        port_ = port;
        offer_cached_session();
    }
    drive_handshake();  // queues the ClientHello
}

// SNI and the name the certificate must carry. IP literals get no SNI (RFC 6066 §3) and are
// checked against the certificate's IP SANs instead.
bool Engine::set_peer_name(std::string_view host) {
    if (host.empty() || host.size() > limits::host_bytes_max ||
        host.find('\0') != std::string_view::npos) {
        fail_with("invalid upstream host name");
        return false;
    }
    char name[limits::host_bytes_max + 1];
    std::memcpy(name, host.data(), host.size());
    name[host.size()] = '\0';
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
    uint8_t ip[16];
    bool ok;
    if (inet_pton(AF_INET, name, ip) == 1) {
        ok = X509_VERIFY_PARAM_set1_ip(param, ip, 4) == 1;
    } else if (inet_pton(AF_INET6, name, ip) == 1) {
        ok = X509_VERIFY_PARAM_set1_ip(param, ip, 16) == 1;
    } else {
        ok = SSL_set_tlsext_host_name(ssl_, name) == 1 &&
             X509_VERIFY_PARAM_set1_host(param, name, host.size()) == 1;
    }
    if (!ok) {
        fail_with("invalid upstream host name");
    }
    return ok;
}

void Engine::offer_cached_session() {
    SSL_SESSION* session = cache_->find(context_id_, host_, port_);
    // A session BoringSSL will not offer (expired, other version) is skipped by SSL itself.
    if (session != nullptr) {
        SSL_set_session(ssl_, session);
    }
}

// Sessions arrive after the handshake (TLS 1.3 NewSessionTicket, read by read()). The
// newest replaces the previous one and stays until replaced: RFC 8446 §C.4 advises single
// use for client privacy, which a gateway talking to fixed providers under its own API keys
// does not have; reuse keeps resumption working while a pool opens connections in a burst.
bool Engine::store_session(SSL_SESSION* session) {
    if (cache_ == nullptr) {
        return false;
    }
    cache_->store(context_id_, host_, port_, session);
    return true;
}

Status Engine::drive_handshake() {
    ERR_clear_error();
    const int r = SSL_do_handshake(ssl_);
    if (r == 1) {
        handshake_done_ = true;
        if (early_.empty()) {
            return Status::ok;
        }
        const Status s = write_now(early_.data(), early_.size());
        early_.release();  // written once per connection; keep no memory for it
        return s;
    }
    const int e = SSL_get_error(ssl_, r);
    if (e != SSL_ERROR_WANT_READ) {
        return fail(e);
    }
    if (queues_.input_bytes() > limits::handshake_unread_bytes_max) {
        return fail_with("peer sent too much data during the handshake");
    }
    return Status::want_more;
}

Status Engine::feed(const char* data, size_t len) {
    if (failed_) {
        return Status::error;
    }
    queues_.push_input(data, len);
    return handshake_done_ ? Status::ok : drive_handshake();
}

Status Engine::read(char* out, size_t cap, size_t* n) {
    RG_ASSERT(cap > 0);
    *n = 0;
    if (failed_) {
        return Status::error;
    }
    if (!handshake_done_) {
        return Status::want_more;
    }
    if (peer_closed_) {
        return Status::closed;
    }
    ERR_clear_error();
    const int r = SSL_read(ssl_, out, clamp_int(cap));
    if (r > 0) {
        *n = static_cast<size_t>(r);
        return Status::ok;
    }
    const int e = SSL_get_error(ssl_, r);
    if (e == SSL_ERROR_WANT_READ) {
        return Status::want_more;
    }
    if (e == SSL_ERROR_ZERO_RETURN) {
        peer_closed_ = true;
        return Status::closed;
    }
    return fail(e);
}

Status Engine::write(const char* data, size_t len) {
    RG_ASSERT(!close_sent_);
    if (failed_) {
        return Status::error;
    }
    if (len == 0) {
        return Status::ok;
    }
    if (!handshake_done_) {
        early_.append(data, len);
        return Status::ok;
    }
    return write_now(data, len);
}

// Without SSL_MODE_ENABLE_PARTIAL_WRITE and with an output queue that always accepts,
// SSL_write encrypts everything it is given or fails.
Status Engine::write_now(const char* data, size_t len) {
    ERR_clear_error();
    while (len > 0) {
        const int r = SSL_write(ssl_, data, clamp_int(len));
        if (r <= 0) {
            return fail(SSL_get_error(ssl_, r));
        }
        data += r;
        len -= static_cast<size_t>(r);
    }
    return Status::ok;
}

void Engine::close() {
    if (failed_ || close_sent_) {
        return;
    }
    close_sent_ = true;
    if (handshake_done_) {
        // Returns 0 (ours sent, theirs not yet seen): we never wait for theirs.
        ERR_clear_error();
        SSL_shutdown(ssl_);
        ERR_clear_error();
    }
}

std::string_view Engine::alpn() const {
    if (ssl_ == nullptr || !handshake_done_) {
        return {};
    }
    const uint8_t* proto = nullptr;
    unsigned len = 0;
    SSL_get0_alpn_selected(ssl_, &proto, &len);
    return {reinterpret_cast<const char*>(proto), len};
}

bool Engine::session_reused() const {
    return ssl_ != nullptr && SSL_session_reused(ssl_) == 1;
}

const char* Engine::protocol_version() const {
    return ssl_ != nullptr && handshake_done_ ? SSL_get_version(ssl_) : "";
}

Status Engine::fail(int ssl_error) {
    // The newest error is the TLS layer's summary (DECRYPTION_FAILED_OR_BAD_RECORD_MAC);
    // older ones are the crypto detail under it (BAD_DECRYPT).
    const uint32_t packed = ERR_peek_last_error();
    const bool verify = ERR_GET_LIB(packed) == ERR_LIB_SSL &&
                        ERR_GET_REASON(packed) == SSL_R_CERTIFICATE_VERIFY_FAILED;
    const long verify_result = SSL_get_verify_result(ssl_);
    if (verify && verify_result != X509_V_OK) {
        verify_failed_ = true;
        error_reason_ = detail::verify_error_reason(verify_result);
    } else {
        error_reason_ = detail::ssl_error_reason(packed, ssl_error);
    }
    ERR_clear_error();
    failed_ = true;
    return Status::error;
}

Status Engine::fail_with(const char* reason) {
    ERR_clear_error();  // whatever BoringSSL queued is summed up by `reason`
    error_reason_ = reason;
    failed_ = true;
    return Status::error;
}

}  // namespace rg::tls
