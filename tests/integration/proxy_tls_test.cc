// The proxy over HTTPS to the mock: certificates from a test CA generated at test time
// with the openssl CLI; verification against ca_file, refusal of an untrusted or
// mismatched certificate, and verify_tls: false.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "harness/gateway.h"
#include "harness/mock_upstream.h"

namespace rg::test {
namespace {

// Writes ca.pem, and a server cert/key for `san` signed by it, into `dir`.
bool make_pki(const TempDir& dir, const std::string& san) {
    std::string d = dir.path();
    std::string cmd =
        "cd " + d +
        " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key"
        " -out ca.pem -days 2 -subj '/CN=ringgate test CA' >/dev/null 2>&1"
        " && openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout srv.key"
        " -out srv.csr -subj '/CN=server' >/dev/null 2>&1"
        " && printf 'subjectAltName=" +
        san +
        "\\n' > ext.cnf"
        " && openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem"
        " -days 2 -extfile ext.cnf >/dev/null 2>&1";
    return std::system(cmd.c_str()) == 0;
}

std::string provider(const std::string& name, const std::string& host, int port,
                     const std::string& extra) {
    return "  - name: " + name + "\n    type: openai\n    base_url: https://" + host + ":" +
           std::to_string(port) + "/v1\n    keys: [{id: k1, key: sk-tls}]\n" + extra;
}

std::string request(const std::string& model, bool stream) {
    std::string body = "{\"model\":\"" + model + "\",\"stream\":" + (stream ? "true" : "false") +
                       ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    return "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
           "Content-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
}

class ProxyTlsTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        pki_ = new TempDir();
        ASSERT_TRUE(make_pki(*pki_, "DNS:localhost,IP:127.0.0.1"));
        mock_ = new MockUpstream({"--tls-listen", "127.0.0.1:0", "--cert", pki_->file("srv.pem"),
                                  "--key", pki_->file("srv.key"), "--tokens", "5"});
        ASSERT_TRUE(mock_->started());
        int tls_port = tls_port_of(*mock_);
        ASSERT_GT(tls_port, 0);
        std::string ca = "    ca_file: " + pki_->file("ca.pem") + "\n";
        std::string cfg = server_config(2, "    max_connections: 100\n") + "providers:\n" +
                          provider("trusted", "127.0.0.1", tls_port, ca) +
                          provider("by-name", "localhost", tls_port, ca) +
                          provider("system-cas", "127.0.0.1", tls_port, "") +
                          provider("unverified", "127.0.0.1", tls_port, "    verify_tls: false\n") +
                          "models:\n"
                          "  - {name: \"gpt-*\", targets: [{provider: trusted}]}\n"
                          "  - {name: \"name-*\", targets: [{provider: by-name}]}\n"
                          "  - {name: \"untrusted-*\", targets: [{provider: system-cas}]}\n"
                          "  - {name: \"insecure-*\", targets: [{provider: unverified}]}\n";
        gateway_ = new Gateway(cfg);
        ASSERT_TRUE(gateway_->started()) << gateway_->log();
    }
    static void TearDownTestSuite() {
        delete gateway_;
        delete mock_;
        delete pki_;
    }
    static int tls_port_of(MockUpstream& m) { return m.tls_port(); }
    static Response call(const std::string& req) {
        HttpClient c;
        Response r;
        EXPECT_TRUE(c.connect(gateway_->port()));
        EXPECT_TRUE(c.send(req));
        EXPECT_TRUE(c.read_response(&r));
        return r;
    }
    static TempDir* pki_;
    static MockUpstream* mock_;
    static Gateway* gateway_;
};
TempDir* ProxyTlsTest::pki_ = nullptr;
MockUpstream* ProxyTlsTest::mock_ = nullptr;
Gateway* ProxyTlsTest::gateway_ = nullptr;

TEST_F(ProxyTlsTest, ChatAndStreamOverVerifiedTls) {
    for (int i = 0; i < 3; ++i) {  // later requests reuse the pooled TLS connection
        Response r = call(request("gpt-4o", false));
        ASSERT_EQ(r.status, 200) << r.body;
        EXPECT_NE(r.body.find("tok1 tok2 tok3 tok4 tok5"), std::string::npos);
    }
    Response s = call(request("gpt-4o", true));
    ASSERT_EQ(s.status, 200);
    EXPECT_NE(s.body.find("data: [DONE]"), std::string::npos) << s.body;
    Response n = call(request("name-x", false));
    EXPECT_EQ(n.status, 200) << n.body;
    std::string log = mock_->attempts();
    EXPECT_NE(log.find("\"tls\":true"), std::string::npos) << log;
    EXPECT_EQ(log.find("\"tls\":false"), std::string::npos) << log;
}

TEST_F(ProxyTlsTest, UntrustedCertificateIsRefusedWithA502) {
    Response r = call(request("untrusted-x", false));
    EXPECT_EQ(r.status, 502);
    EXPECT_NE(r.body.find("certificate verify failed"), std::string::npos) << r.body;
}

TEST_F(ProxyTlsTest, VerifyTlsFalseAcceptsTheUntrustedCertificate) {
    Response r = call(request("insecure-x", false));
    EXPECT_EQ(r.status, 200) << r.body;
}

TEST(ProxyTlsMismatch, CertificateForAnotherNameIsRefused) {
    TempDir pki;
    ASSERT_TRUE(make_pki(pki, "DNS:other.example"));
    MockUpstream mock({"--tls-listen", "127.0.0.1:0", "--cert", pki.file("srv.pem"), "--key",
                       pki.file("srv.key")});
    ASSERT_TRUE(mock.started());
    Gateway g(
        server_config(1, "    max_connections: 100\n") + "providers:\n" +
        provider("p", "127.0.0.1", mock.tls_port(), "    ca_file: " + pki.file("ca.pem") + "\n"));
    ASSERT_TRUE(g.started()) << g.log();
    HttpClient c;
    Response r;
    ASSERT_TRUE(c.connect(g.port()));
    ASSERT_TRUE(c.send(request("gpt-4o", false)));
    ASSERT_TRUE(c.read_response(&r));
    EXPECT_EQ(r.status, 502);
    EXPECT_NE(r.body.find("certificate verify failed: IP address mismatch"), std::string::npos)
        << r.body;
}

}  // namespace
}  // namespace rg::test
