#include "tls/error_reason.h"

#include "tls/boringssl.h"

namespace rg::tls::detail {
namespace {

// Alerts the peer sent us (BoringSSL reports alert N as reason SSL_AD_REASON_OFFSET + N).
const char* peer_alert_reason(int reason) {
    switch (reason) {
        case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
            return "peer rejected our certificate: unknown CA";
        case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED:
            return "peer rejected our certificate: expired";
        case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
            return "peer rejected our certificate";
        case SSL_R_TLSV1_ALERT_NO_APPLICATION_PROTOCOL:
            return "peer found no common ALPN protocol";
        case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
            return "peer refused the TLS version";
        case SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE:
            return "peer aborted the handshake (handshake_failure)";
        default:
            return nullptr;
    }
}

const char* local_reason(int reason) {
    switch (reason) {
        case SSL_R_WRONG_VERSION_NUMBER:
            return "peer is not speaking TLS (wrong version number)";
        case SSL_R_HTTP_REQUEST:
            return "plain HTTP request sent to a TLS port";
        case SSL_R_HTTPS_PROXY_REQUEST:
            return "HTTP proxy request sent to a TLS port";
        case SSL_R_NO_SHARED_CIPHER:
            return "no shared cipher suite";
        case SSL_R_UNSUPPORTED_PROTOCOL:
            return "peer's TLS version is not supported";
        case SSL_R_NO_APPLICATION_PROTOCOL:
            return "no common ALPN protocol";
        case SSL_R_DECRYPTION_FAILED:
        case SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC:
            return "record decryption failed";
        default:
            return nullptr;
    }
}

}  // namespace

const char* verify_error_reason(long verify_result) {
    switch (verify_result) {
        case X509_V_ERR_HOSTNAME_MISMATCH:
            return "certificate verify failed: hostname mismatch";
        case X509_V_ERR_IP_ADDRESS_MISMATCH:
            return "certificate verify failed: IP address mismatch";
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
            return "certificate verify failed: unknown CA";
        case X509_V_ERR_CERT_HAS_EXPIRED:
            return "certificate verify failed: certificate expired";
        case X509_V_ERR_CERT_NOT_YET_VALID:
            return "certificate verify failed: certificate not yet valid";
        case X509_V_ERR_CERT_SIGNATURE_FAILURE:
            return "certificate verify failed: bad signature";
        case X509_V_ERR_INVALID_CA:
            return "certificate verify failed: invalid CA certificate";
        default:
            return "certificate verify failed";
    }
}

const char* ssl_error_reason(uint32_t packed, int ssl_error) {
    if (packed == 0) {
        return ssl_error == SSL_ERROR_SYSCALL ? "transport error" : "TLS error";
    }
    if (ERR_GET_LIB(packed) == ERR_LIB_SSL) {
        const int reason = ERR_GET_REASON(packed);
        const char* known =
            reason >= SSL_AD_REASON_OFFSET ? peer_alert_reason(reason) : local_reason(reason);
        if (known != nullptr) {
            return known;
        }
    }
    // BoringSSL's own reason names ("TLSV1_ALERT_DECODE_ERROR") are static strings too.
    const char* name = ERR_reason_error_string(packed);
    return name != nullptr ? name : "TLS error";
}

}  // namespace rg::tls::detail
