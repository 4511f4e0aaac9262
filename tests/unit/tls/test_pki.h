// Throwaway PKI for the TLS tests, generated at test time with the openssl command-line
// tool into a temporary directory that is removed when the test process ends: a trusted CA
// with a server certificate for localhost/127.0.0.1/::1, an unrelated second CA with its
// own server certificate, an expired certificate and an unrelated key.
#pragma once

#include <string>

namespace rg::tls::test {

struct Pki {
    std::string dir;
    std::string ca_crt;      // trusted CA
    std::string server_crt;  // CN/SAN localhost, 127.0.0.1, ::1; signed by ca
    std::string server_key;
    std::string other_ca_crt;  // a CA the client does not trust
    std::string other_crt;     // SAN localhost; signed by other_ca
    std::string other_key;
    std::string expired_crt;  // SAN localhost; signed by ca; notAfter in the past
    std::string expired_key;
    std::string unrelated_key;  // matches no certificate
    std::string garbage_pem;    // a file that is not PEM
};

// Generated on first use, once per process. Aborts the test run when openssl fails.
const Pki& pki();

}  // namespace rg::tls::test
