// ClientContext: the immutable client-side TLS configuration for upstream connections
// (trust store, verification mode, ALPN offer). Built on the control thread at start-up or
// reload, then shared read-only by every shard: SSL_CTX is refcounted and SSL_new on it is
// thread-safe. Lives until the last holder (config snapshot or live Engine) lets go.
#pragma once

#include <cstdint>
#include <memory>

#include "base/result.h"
#include "tls/options.h"

struct ssl_ctx_st;

namespace rg::tls {

class ClientContext {
  public:
    // Errors (code config): bad ALPN list, or a CA file that is missing, unreadable or holds
    // no PEM certificate (sys_errno set when the open failed).
    static Result<std::shared_ptr<ClientContext>> create(const ClientOptions& options);
    ~ClientContext();
    ClientContext(const ClientContext&) = delete;
    ClientContext& operator=(const ClientContext&) = delete;

    ssl_ctx_st* native() const { return ctx_; }
    // Process-unique: the session cache keys on it, so a session made under one trust
    // configuration (say verify=false) is never resumed under another.
    uint64_t id() const { return id_; }

  private:
    ClientContext(ssl_ctx_st* ctx, uint64_t id) : ctx_(ctx), id_(id) {}

    ssl_ctx_st* ctx_;
    uint64_t id_;
};

}  // namespace rg::tls
