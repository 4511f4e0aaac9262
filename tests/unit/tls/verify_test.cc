// Certificate verification on the client: names, IP literals, unknown and expired
// certificates, verify=false, and what the server sees when the client refuses it.
#include <gtest/gtest.h>

#include "pump.h"
#include "test_pki.h"
#include "tls/engine.h"

namespace rg::tls::test {
namespace {

struct Outcome {
    PumpResult status;
    std::unique_ptr<Engine> client;
    std::unique_ptr<Engine> server;
};

Outcome handshake(const std::shared_ptr<ClientContext>& cctx,
                  const std::shared_ptr<ServerContext>& sctx, const char* host) {
    Outcome o{{}, Engine::client(cctx, host, nullptr), Engine::server(sctx)};
    o.status = pump(*o.client, *o.server);
    return o;
}

TEST(EngineVerify, AcceptsTheRightNameAndIpLiterals) {
    auto cctx = client_context();
    auto sctx = server_context();
    for (const char* host : {"localhost", "127.0.0.1", "[::1]", "::1"}) {
        Outcome o = handshake(cctx, sctx, host);
        EXPECT_EQ(o.status.client, Status::ok) << host << ": " << o.client->error_reason();
        EXPECT_TRUE(o.client->handshake_done()) << host;
    }
}

TEST(EngineVerify, RejectsAHostnameMismatch) {
    Outcome o = handshake(client_context(), server_context(), "api.example.com");
    EXPECT_EQ(o.status.client, Status::error);
    EXPECT_TRUE(o.client->verify_failed());
    EXPECT_STREQ(o.client->error_reason(), "certificate verify failed: hostname mismatch");
    EXPECT_FALSE(o.client->handshake_done());
    // The client's alert reaches the server, which fails without blaming verification.
    EXPECT_EQ(o.status.server, Status::error);
    EXPECT_FALSE(o.server->verify_failed());
    EXPECT_STRNE(o.server->error_reason(), "");
}

TEST(EngineVerify, RejectsAnIpAddressMismatch) {
    Outcome o = handshake(client_context(), server_context(), "127.0.0.2");
    EXPECT_EQ(o.status.client, Status::error);
    EXPECT_TRUE(o.client->verify_failed());
    EXPECT_STREQ(o.client->error_reason(), "certificate verify failed: IP address mismatch");
}

TEST(EngineVerify, RejectsAnUnknownCa) {
    auto sctx = server_context(pki().other_crt, pki().other_key);
    Outcome o = handshake(client_context(), sctx, "localhost");
    EXPECT_EQ(o.status.client, Status::error);
    EXPECT_TRUE(o.client->verify_failed());
    EXPECT_STREQ(o.client->error_reason(), "certificate verify failed: unknown CA");
    EXPECT_EQ(o.status.server, Status::error);
    EXPECT_STREQ(o.server->error_reason(), "peer rejected our certificate: unknown CA");
}

TEST(EngineVerify, RejectsAnExpiredCertificate) {
    auto sctx = server_context(pki().expired_crt, pki().expired_key);
    Outcome o = handshake(client_context(), sctx, "localhost");
    EXPECT_EQ(o.status.client, Status::error);
    EXPECT_TRUE(o.client->verify_failed());
    EXPECT_STREQ(o.client->error_reason(), "certificate verify failed: certificate expired");
    EXPECT_EQ(o.status.server, Status::error);
    EXPECT_STREQ(o.server->error_reason(), "peer rejected our certificate: expired");
}

TEST(EngineVerify, VerifyFalseAcceptsAnUnknownCaAndAWrongName) {
    auto cctx = client_context(false, pki().ca_crt);
    auto sctx = server_context(pki().other_crt, pki().other_key);
    Outcome o = handshake(cctx, sctx, "api.example.com");
    EXPECT_EQ(o.status.client, Status::ok) << o.client->error_reason();
    EXPECT_TRUE(o.client->handshake_done());
    EXPECT_FALSE(o.client->verify_failed());
}

TEST(EngineVerify, VerifyFalseNeedsNoCaFile) {
    ClientOptions options;
    options.verify = false;
    auto cctx = ClientContext::create(options);
    ASSERT_TRUE(cctx.ok());
    Outcome o = handshake(cctx.value(), server_context(), "localhost");
    EXPECT_EQ(o.status.client, Status::ok);
}

TEST(EngineVerify, SystemBundleDoesNotTrustTheTestCa) {
    ClientOptions options;  // verify=true, ca_file empty: /etc/ssl/certs/ca-certificates.crt
    auto cctx = ClientContext::create(options);
    ASSERT_TRUE(cctx.ok()) << cctx.error().context;
    Outcome o = handshake(cctx.value(), server_context(), "localhost");
    EXPECT_EQ(o.status.client, Status::error);
    EXPECT_STREQ(o.client->error_reason(), "certificate verify failed: unknown CA");
}

TEST(EngineVerify, RefusesAnEmptyOrOverlongHost) {
    auto cctx = client_context();
    for (const std::string& host :
         {std::string(), std::string("[]"), std::string(300, 'a'), std::string("a\0b", 3)}) {
        auto client = Engine::client(cctx, host, nullptr);
        EXPECT_STREQ(client->error_reason(), "invalid upstream host name");
        EXPECT_EQ(client->pending_output_bytes(), 0u);
        EXPECT_EQ(client->feed("x", 1), Status::error);
        EXPECT_EQ(client->write("x", 1), Status::error);
        size_t n = 0;
        char buf[4];
        EXPECT_EQ(client->read(buf, sizeof(buf), &n), Status::error);
        EXPECT_FALSE(client->verify_failed());
    }
}

}  // namespace
}  // namespace rg::tls::test
