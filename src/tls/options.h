// Plain options for the TLS contexts. config/ fills them; this module never reads config.
// Values only: copied into a context at create() and not referenced afterwards.
#pragma once

#include <string>
#include <vector>

namespace rg::tls {

// Upstream (client side) TLS: one ClientContext per distinct set of these options.
struct ClientOptions {
    // Verify the server's chain and its name. Off only for test and lab upstreams.
    bool verify = true;
    // PEM bundle of trusted CAs. Empty: Debian's system bundle (system_ca_file).
    std::string ca_file;
    // ALPN protocols offered, most preferred first. Empty: no ALPN extension.
    std::vector<std::string> alpn = {"http/1.1"};
};

// Client-facing (server side) TLS, from `server.tls`.
struct ServerOptions {
    std::string cert_file;  // PEM chain, leaf first
    std::string key_file;   // PEM private key matching the leaf
    // ALPN protocols accepted, most preferred first; the server's order wins.
    std::vector<std::string> alpn = {"http/1.1"};
};

// Debian's ca-certificates bundle (update-ca-certificates keeps it current).
inline constexpr const char* system_ca_file = "/etc/ssl/certs/ca-certificates.crt";

}  // namespace rg::tls
