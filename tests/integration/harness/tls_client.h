// The blocking test client of http_client.h over TLS: ringgate's own tls::Engine (BoringSSL)
// as the client, over a plain loopback socket, verifying the server against a test CA.
// Every wait is bounded by a poll() timeout. Test-only.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "harness/http_client.h"
#include "tls/client_context.h"
#include "tls/engine.h"

namespace rg::test {

// A client context trusting only `ca_file`, offering ALPN http/1.1.
std::shared_ptr<tls::ClientContext> client_context(const std::string& ca_file);

class TlsClient : public HttpClient {
  public:
    explicit TlsClient(std::shared_ptr<tls::ClientContext> ctx) : ctx_(std::move(ctx)) {}

    // TCP connect, then the handshake; `host` is the name the certificate must carry.
    // False on any failure; error() says why.
    bool connect_tls(int port, const std::string& host = "localhost", int timeout_ms = 5000);
    bool send(std::string_view bytes) override;

    tls::Engine* engine() { return engine_.get(); }
    std::string error() const { return error_; }
    // The server ended the stream with close_notify (not only a TCP close).
    bool got_close_notify() const { return close_notify_; }

  protected:
    bool fill(int timeout_ms) override;

  private:
    bool flush();
    // One receive fed to the engine; false on timeout, EOF or a TLS error.
    bool receive(int timeout_ms);

    std::shared_ptr<tls::ClientContext> ctx_;
    std::unique_ptr<tls::Engine> engine_;
    std::string error_;
    bool close_notify_ = false;
};

}  // namespace rg::test
