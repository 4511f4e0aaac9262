// ServerContext: the immutable server-side TLS configuration for client connections
// (certificate chain, key, ALPN preference). Built on the control thread; on SIGHUP a new
// one is built and swapped in for new connections while existing engines keep the old one
// alive through their shared_ptr. Read-only once built, so every shard may use it.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "tls/options.h"

struct ssl_ctx_st;

namespace rg::tls {

class ServerContext {
  public:
    // Errors (code config): unreadable or malformed certificate chain or key, a key that
    // does not match the leaf certificate, or a bad ALPN list.
    static Result<std::shared_ptr<ServerContext>> create(const ServerOptions& options);
    ~ServerContext();
    ServerContext(const ServerContext&) = delete;
    ServerContext& operator=(const ServerContext&) = delete;

    ssl_ctx_st* native() const { return ctx_; }
    // The accepted ALPN protocols in wire format, server preference first.
    std::string_view alpn_wire() const { return alpn_wire_; }

  private:
    ServerContext(ssl_ctx_st* ctx, std::string alpn_wire)
        : ctx_(ctx), alpn_wire_(std::move(alpn_wire)) {}

    ssl_ctx_st* ctx_;
    std::string alpn_wire_;
};

}  // namespace rg::tls
