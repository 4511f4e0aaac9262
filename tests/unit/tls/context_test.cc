// ClientContext and ServerContext creation: every bad input is an Error whose context says
// what failed, never a crash or a half-built context.
#include <gtest/gtest.h>

#include <cerrno>

#include "test_pki.h"
#include "tls/client_context.h"
#include "tls/server_context.h"

namespace rg::tls::test {
namespace {

Error client_error(const ClientOptions& o) {
    auto r = ClientContext::create(o);
    EXPECT_FALSE(r.ok());
    return r.ok() ? Error{} : r.error();
}

Error server_error(const std::string& crt, const std::string& key,
                   std::vector<std::string> alpn = {"http/1.1"}) {
    auto r = ServerContext::create(ServerOptions{crt, key, std::move(alpn)});
    EXPECT_FALSE(r.ok());
    return r.ok() ? Error{} : r.error();
}

TEST(ClientContext, CreatesWithTheSystemBundleOrAnExplicitCa) {
    EXPECT_TRUE(ClientContext::create(ClientOptions{}).ok());
    ClientOptions o;
    o.ca_file = pki().ca_crt;
    auto a = ClientContext::create(o);
    auto b = ClientContext::create(o);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_NE(a.value()->id(), b.value()->id());
}

TEST(ClientContext, RejectsAMissingCaFile) {
    ClientOptions o;
    o.ca_file = pki().dir + "/no-such-ca.pem";
    Error e = client_error(o);
    EXPECT_EQ(e.code, ErrorCode::config);
    EXPECT_STREQ(e.context,
                 "tls: cannot load CA file (missing, unreadable or without PEM certificates)");
    EXPECT_EQ(e.sys_errno, ENOENT);
}

TEST(ClientContext, RejectsACaFileWithoutCertificates) {
    ClientOptions o;
    o.ca_file = pki().garbage_pem;
    EXPECT_EQ(client_error(o).code, ErrorCode::config);
    o.verify = false;  // an explicit file is loaded (and checked) even without verification
    EXPECT_EQ(client_error(o).code, ErrorCode::config);
}

TEST(ClientContext, RejectsBadAlpnNames) {
    ClientOptions o;
    o.ca_file = pki().ca_crt;
    o.alpn = {"http/1.1", ""};
    EXPECT_STREQ(client_error(o).context, "tls: ALPN protocol name must be 1-255 bytes");
    o.alpn = {std::string(256, 'x')};
    EXPECT_STREQ(client_error(o).context, "tls: ALPN protocol name must be 1-255 bytes");
    o.alpn = std::vector<std::string>(9, "h2");
    EXPECT_STREQ(client_error(o).context, "tls: too many ALPN protocols");
}

TEST(ServerContext, CreatesFromAMatchingCertificateAndKey) {
    auto r = ServerContext::create(ServerOptions{pki().server_crt, pki().server_key, {"h2"}});
    ASSERT_TRUE(r.ok()) << r.error().context;
    EXPECT_EQ(r.value()->alpn_wire(), std::string_view("\x02h2", 3));
}

TEST(ServerContext, RejectsAMissingOrMalformedCertificate) {
    const char* context =
        "tls: cannot load certificate chain file (missing, unreadable or not PEM)";
    Error missing = server_error(pki().dir + "/missing.crt", pki().server_key);
    EXPECT_STREQ(missing.context, context);
    EXPECT_EQ(missing.sys_errno, ENOENT);
    EXPECT_STREQ(server_error(pki().garbage_pem, pki().server_key).context, context);
    EXPECT_STREQ(server_error(pki().server_key, pki().server_key).context, context);
}

TEST(ServerContext, RejectsAMissingOrMalformedKey) {
    const char* context = "tls: cannot load private key file (missing, unreadable or not PEM)";
    Error missing = server_error(pki().server_crt, pki().dir + "/missing.key");
    EXPECT_STREQ(missing.context, context);
    EXPECT_EQ(missing.sys_errno, ENOENT);
    EXPECT_STREQ(server_error(pki().server_crt, pki().garbage_pem).context, context);
}

TEST(ServerContext, RejectsAKeyThatDoesNotMatchTheCertificate) {
    Error e = server_error(pki().server_crt, pki().unrelated_key);
    EXPECT_EQ(e.code, ErrorCode::config);
    EXPECT_STREQ(e.context, "tls: private key does not match the certificate");
}

TEST(ServerContext, RejectsBadAlpnNames) {
    EXPECT_EQ(server_error(pki().server_crt, pki().server_key, {""}).code, ErrorCode::config);
}

}  // namespace
}  // namespace rg::tls::test
