// TLS termination on server.listen (server.tls): the real binary with a certificate from a
// test CA made at test time with the openssl CLI, and clients that verify it (ringgate's own
// tls::Engine over a socket, curl for TLS 1.2). Built-in routes and a proxied chat to the
// mock, keep-alive, pipelining, 1 MiB both ways, a client that is not TLS, a stalled
// handshake, certificate reload on SIGHUP and a reload with a broken certificate.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "harness/gateway.h"
#include "harness/mock_upstream.h"
#include "harness/tls_client.h"

namespace rg::test {
namespace {

bool sh(const std::string& cmd) {
    return std::system(cmd.c_str()) == 0;
}

// ca.pem/ca.key in `dir`; run once per directory.
bool make_ca(const TempDir& dir) {
    return sh("cd " + dir.path() +
              " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
              " -keyout ca.key -out ca.pem -days 2 -subj '/CN=ringgate test CA' >/dev/null 2>&1");
}

// `name`.pem/`name`.key in `dir`: a server certificate signed by the CA there.
bool make_cert(const TempDir& dir, const std::string& name, const std::string& cn,
               const std::string& san) {
    return sh("cd " + dir.path() +
              " && openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + name +
              ".key -out " + name + ".csr -subj '/CN=" + cn +
              "' >/dev/null 2>&1 && printf 'subjectAltName=" + san + "\\n' > " + name +
              ".ext && openssl x509 -req -in " + name + ".csr -CA ca.pem -CAkey ca.key" +
              " -CAcreateserial -out " + name + ".pem -days 2 -extfile " + name +
              ".ext >/dev/null 2>&1");
}

bool copy_cert(const TempDir& dir, const std::string& from, const std::string& to) {
    return sh("cd " + dir.path() + " && cp " + from + ".pem " + to + ".pem.tmp && cp " + from +
              ".key " + to + ".key && mv " + to + ".pem.tmp " + to + ".pem");
}

std::string tls_yaml(const TempDir& pki) {
    return "  tls: {cert: " + pki.file("live.pem") + ", key: " + pki.file("live.key") + "}\n";
}

std::string provider_yaml(int mock_port) {
    return "providers:\n  - name: mock\n    type: openai\n    base_url: http://127.0.0.1:" +
           std::to_string(mock_port) + "/v1\n    keys: [{id: k1, key: sk-mock}]\n";
}

std::string chat(const std::string& model, const std::string& content, bool close = false) {
    std::string body = "{\"model\":\"" + model +
                       "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}";
    return "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n" +
           std::string(close ? "Connection: close\r\n" : "") +
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

const std::string health = "GET /health HTTP/1.1\r\nHost: gw\r\n\r\n";

// "tok1 tok2 ... tokN", the mock's answer text for N tokens.
std::string mock_text(int tokens) {
    std::string s;
    for (int i = 1; i <= tokens; ++i) {
        s += (i > 1 ? " tok" : "tok") + std::to_string(i);
    }
    return s;
}

// Scrapes `name` until `ok(value)` or 5 s pass. For what only the server can make true and
// cannot announce (a close it has processed).
template <typename Pred>
bool wait_metric(Gateway& g, const std::string& name, Pred ok) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!ok(g.metric(name))) {
        if (std::chrono::steady_clock::now() > deadline) {
            return false;
        }
    }
    return true;
}

struct RunResult {
    int code = -1;
    std::string output;
};

RunResult run(const std::string& cmd) {
    RunResult r;
    FILE* p = popen((cmd + " 2>&1").c_str(), "r");
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) {
        r.output.append(buf.data(), n);
    }
    int status = pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

class ServerTlsTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        pki_ = new TempDir();
        ASSERT_TRUE(make_ca(*pki_));
        ASSERT_TRUE(make_cert(*pki_, "a", "ringgate-a", "DNS:localhost,IP:127.0.0.1"));
        ASSERT_TRUE(copy_cert(*pki_, "a", "live"));
        mock_ = new MockUpstream({"--tokens", "5"});
        ASSERT_TRUE(mock_->started());
        gateway_ = new Gateway(server_config(2,
                                             "    max_connections: 100\n"
                                             "    header_timeout: 1s\n",
                                             tls_yaml(*pki_)) +
                               provider_yaml(mock_->port()));
        ASSERT_TRUE(gateway_->started()) << gateway_->log();
        ctx_ = new std::shared_ptr<tls::ClientContext>(client_context(pki_->file("ca.pem")));
        ASSERT_NE(*ctx_, nullptr);
    }
    static void TearDownTestSuite() {
        delete gateway_;
        delete mock_;
        delete ctx_;
        delete pki_;
    }
    static TempDir* pki_;
    static MockUpstream* mock_;
    static Gateway* gateway_;
    static std::shared_ptr<tls::ClientContext>* ctx_;
};
TempDir* ServerTlsTest::pki_ = nullptr;
MockUpstream* ServerTlsTest::mock_ = nullptr;
Gateway* ServerTlsTest::gateway_ = nullptr;
std::shared_ptr<tls::ClientContext>* ServerTlsTest::ctx_ = nullptr;

TEST_F(ServerTlsTest, HealthOverVerifiedTls13WithAlpnHttp11) {
    long long before = gateway_->metric("ringgate_tls_handshakes_total");
    TlsClient c(*ctx_);
    ASSERT_TRUE(c.connect_tls(gateway_->port())) << c.error();
    EXPECT_EQ(c.engine()->alpn(), "http/1.1");
    EXPECT_STREQ(c.engine()->protocol_version(), "TLSv1.3");
    Response r;
    ASSERT_TRUE(c.get("/health", &r));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "{\"status\":\"ok\"}");
    EXPECT_EQ(gateway_->metric("ringgate_tls_handshakes_total"), before + 1);
}

TEST_F(ServerTlsTest, Tls12ClientIsServed) {
    RunResult r = run("curl -sS -v --tlsv1.2 --tls-max 1.2 --cacert " + pki_->file("ca.pem") +
                      " https://localhost:" + std::to_string(gateway_->port()) + "/health");
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("SSL connection using TLSv1.2"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("ALPN: server accepted http/1.1"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("{\"status\":\"ok\"}"), std::string::npos) << r.output;
}

TEST_F(ServerTlsTest, PlainHttpClientOnTheAdminListenerStillWorks) {
    Response r = http_get(gateway_->admin_port(), "/health");
    EXPECT_EQ(r.status, 200);
}

TEST_F(ServerTlsTest, ProxiedChatCompletionOverTls) {
    TlsClient c(*ctx_);
    ASSERT_TRUE(c.connect_tls(gateway_->port())) << c.error();
    ASSERT_TRUE(c.send(chat("gpt-4o", "hello over tls")));
    Response r;
    ASSERT_TRUE(c.read_response(&r));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.body.find(mock_text(5)), std::string::npos) << r.body;
}

TEST_F(ServerTlsTest, KeepAliveCarriesManyRequestsOnOneHandshake) {
    long long before = gateway_->metric("ringgate_tls_handshakes_total");
    TlsClient c(*ctx_);
    ASSERT_TRUE(c.connect_tls(gateway_->port())) << c.error();
    for (int i = 0; i < 6; ++i) {
        Response r;
        if (i % 2 == 0) {
            ASSERT_TRUE(c.get("/health", &r)) << i;
            EXPECT_EQ(r.status, 200);
        } else {
            ASSERT_TRUE(c.send(chat("gpt-4o~tokens=" + std::to_string(i), "hi"))) << i;
            ASSERT_TRUE(c.read_response(&r)) << i;
            EXPECT_EQ(r.status, 200) << r.body;
            EXPECT_NE(r.body.find("\"" + mock_text(i) + "\""), std::string::npos) << r.body;
        }
    }
    EXPECT_EQ(gateway_->metric("ringgate_tls_handshakes_total"), before + 1);
}

TEST_F(ServerTlsTest, PipelinedRequestsAreAnsweredInOrder) {
    TlsClient c(*ctx_);
    ASSERT_TRUE(c.connect_tls(gateway_->port())) << c.error();
    // One write: the requests arrive in one TLS record.
    ASSERT_TRUE(c.send(health + chat("gpt-4o~tokens=2", "a") + chat("gpt-4o~tokens=3", "b") +
                       "GET /health HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n"));
    Response r1, r2, r3, r4;
    ASSERT_TRUE(c.read_response(&r1));
    ASSERT_TRUE(c.read_response(&r2));
    ASSERT_TRUE(c.read_response(&r3));
    ASSERT_TRUE(c.read_response(&r4));
    EXPECT_EQ(r1.status, 200);
    EXPECT_EQ(r1.body, "{\"status\":\"ok\"}");
    EXPECT_EQ(r2.status, 200);
    EXPECT_NE(r2.body.find("\"" + mock_text(2) + "\""), std::string::npos) << r2.body;
    EXPECT_EQ(r3.status, 200);
    EXPECT_NE(r3.body.find("\"" + mock_text(3) + "\""), std::string::npos) << r3.body;
    EXPECT_EQ(r4.status, 200);
    EXPECT_EQ(r4.header("Connection"), "close");
    // After the final answer the server ends the TLS stream properly, then closes.
    EXPECT_TRUE(c.wait_closed(5000));
    EXPECT_TRUE(c.got_close_notify());
}

TEST_F(ServerTlsTest, OneMebibyteEachWayCrossesManyRecords) {
    // 1 MiB of words in the request: the mock counts them as prompt tokens, so the usage
    // proves every byte arrived. 150000 tokens make an answer of about 1.3 MiB.
    constexpr int words = 1024 * 1024 / 8;
    std::string content;
    content.reserve(words * 8);
    for (int i = 0; i < words; ++i) {
        content += "abcdefg ";
    }
    TlsClient c(*ctx_);
    ASSERT_TRUE(c.connect_tls(gateway_->port())) << c.error();
    ASSERT_TRUE(c.send(chat("gpt-4o~tokens=150000", content)));
    Response r;
    ASSERT_TRUE(c.read_response(&r, 20000));
    ASSERT_EQ(r.status, 200) << r.body.substr(0, 500);
    EXPECT_GT(r.body.size(), 1024u * 1024);
    EXPECT_NE(r.body.find("\"prompt_tokens\":" + std::to_string(words)), std::string::npos)
        << r.body.substr(r.body.size() - 300);
    EXPECT_NE(r.body.find(" tok149999 tok150000\""), std::string::npos);
    // The connection is still good afterwards.
    Response h;
    ASSERT_TRUE(c.get("/health", &h));
    EXPECT_EQ(h.status, 200);
}

TEST_F(ServerTlsTest, PlaintextInsteadOfClientHelloIsClosedAndCounted) {
    long long before = gateway_->metric("ringgate_tls_handshake_errors_total");
    HttpClient plain;
    ASSERT_TRUE(plain.connect(gateway_->port()));
    ASSERT_TRUE(plain.send(health));
    EXPECT_TRUE(plain.wait_closed(5000));
    // No HTTP answer: at most a TLS alert record (content type 21).
    EXPECT_EQ(plain.pending().find("HTTP/1.1"), std::string::npos);
    if (!plain.pending().empty()) {
        EXPECT_EQ(plain.pending()[0], '\x15');
    }
    EXPECT_EQ(gateway_->metric("ringgate_tls_handshake_errors_total"), before + 1);
    TlsClient c(*ctx_);
    ASSERT_TRUE(c.connect_tls(gateway_->port())) << c.error();
    Response r;
    ASSERT_TRUE(c.get("/health", &r));
    EXPECT_EQ(r.status, 200);
}

TEST_F(ServerTlsTest, HandshakeStalledHalfwayIsClosedByHeaderTimeout) {
    long long before = gateway_->metric("ringgate_tls_handshake_timeouts_total");
    // A real ClientHello, of which only the first half is ever sent.
    auto hello = tls::Engine::client(*ctx_, "localhost", nullptr, 443);
    std::string_view bytes = hello->pending_output();
    ASSERT_GT(bytes.size(), 20u);
    HttpClient stalled;
    ASSERT_TRUE(stalled.connect(gateway_->port()));
    ASSERT_TRUE(stalled.send(bytes.substr(0, bytes.size() / 2)));
    // header_timeout is 1s: nothing for well under it, then the close.
    EXPECT_TRUE(stalled.silent_for(300));
    EXPECT_TRUE(stalled.wait_closed(5000));
    EXPECT_TRUE(stalled.pending().empty());
    EXPECT_EQ(gateway_->metric("ringgate_tls_handshake_timeouts_total"), before + 1);
}

TEST_F(ServerTlsTest, ClientHangingUpMidHandshakeIsCountedAsAFailedHandshake) {
    long long errors = gateway_->metric("ringgate_tls_handshake_errors_total");
    // Counts the scrape's own admin connection, so it is what "nothing else open" reads as.
    long long active = gateway_->metric("ringgate_connections_active");
    auto hello = tls::Engine::client(*ctx_, "localhost", nullptr, 443);
    std::string_view bytes = hello->pending_output();
    {
        HttpClient quitter;
        ASSERT_TRUE(quitter.connect(gateway_->port()));
        ASSERT_TRUE(quitter.send(bytes.substr(0, 10)));
        HttpClient probe;  // connects and leaves without a byte: not a handshake
        ASSERT_TRUE(probe.connect(gateway_->port()));
        EXPECT_TRUE(wait_metric(*gateway_, "ringgate_connections_active",
                                [&](long long v) { return v >= active + 2; }));
    }
    // Each poll is one scrape round trip; the server closes both connections on their EOF.
    EXPECT_TRUE(wait_metric(*gateway_, "ringgate_connections_active",
                            [&](long long v) { return v <= active; }));
    EXPECT_EQ(gateway_->metric("ringgate_tls_handshake_errors_total"), errors + 1);
}

TEST_F(ServerTlsTest, CertificateForAnotherNameIsRefusedByTheClient) {
    TlsClient c(*ctx_);
    EXPECT_FALSE(c.connect_tls(gateway_->port(), "other.example"));
    EXPECT_NE(c.error().find("mismatch"), std::string::npos) << c.error();
}

// Reloads: a gateway of its own, whose certificate files the test rewrites.
TEST(ServerTlsReload, SighupSwapsTheCertificateForNewConnectionsOnly) {
    TempDir pki;
    ASSERT_TRUE(make_ca(pki));
    ASSERT_TRUE(make_cert(pki, "a", "ringgate-a", "DNS:localhost,IP:127.0.0.1"));
    ASSERT_TRUE(make_cert(pki, "b", "ringgate-b", "DNS:reloaded.test"));
    ASSERT_TRUE(copy_cert(pki, "a", "live"));
    std::string cfg = server_config(2, "    max_connections: 100\n", tls_yaml(pki));
    Gateway g(cfg);
    ASSERT_TRUE(g.started()) << g.log();
    auto ctx = client_context(pki.file("ca.pem"));
    ASSERT_NE(ctx, nullptr);

    TlsClient kept(ctx);  // a keep-alive connection opened on certificate a
    ASSERT_TRUE(kept.connect_tls(g.port(), "localhost")) << kept.error();
    Response r;
    ASSERT_TRUE(kept.get("/health", &r));
    ASSERT_EQ(r.status, 200);
    TlsClient before(ctx);
    EXPECT_FALSE(before.connect_tls(g.port(), "reloaded.test"));

    ASSERT_TRUE(copy_cert(pki, "b", "live"));
    ASSERT_TRUE(g.reload(cfg));
    EXPECT_EQ(g.metric("ringgate_config_reloads_total"), 1);
    // New connections get certificate b (only its name verifies now).
    TlsClient fresh(ctx);
    ASSERT_TRUE(fresh.connect_tls(g.port(), "reloaded.test")) << fresh.error() << g.log();
    ASSERT_TRUE(fresh.get("/health", &r));
    EXPECT_EQ(r.status, 200);
    TlsClient old_name(ctx);
    EXPECT_FALSE(old_name.connect_tls(g.port(), "localhost"));
    EXPECT_NE(old_name.error().find("mismatch"), std::string::npos) << old_name.error();
    // The connection opened before the reload keeps its session and goes on working.
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(kept.get("/health", &r)) << i;
        EXPECT_EQ(r.status, 200);
    }

    // A certificate that does not load: the reload is refused, b stays in force.
    pki.write("live.pem", "-----BEGIN CERTIFICATE-----\nnot a certificate\n");
    ASSERT_TRUE(g.reload(cfg));
    EXPECT_EQ(g.metric("ringgate_config_reload_failures_total"), 1);
    EXPECT_EQ(g.metric("ringgate_config_reloads_total"), 1);
    EXPECT_NE(g.log().find("reload refused: server.tls (cert " + pki.file("live.pem")),
              std::string::npos)
        << g.log();
    TlsClient after(ctx);
    ASSERT_TRUE(after.connect_tls(g.port(), "reloaded.test")) << after.error();
    ASSERT_TRUE(after.get("/health", &r));
    EXPECT_EQ(r.status, 200);
    ASSERT_TRUE(fresh.get("/health", &r));
    EXPECT_EQ(r.status, 200);
}

TEST(ServerTlsConfig, CheckConfigReportsUnreadableOrMismatchedFilesByKey) {
    TempDir pki;
    ASSERT_TRUE(make_ca(pki));
    ASSERT_TRUE(make_cert(pki, "a", "ringgate-a", "DNS:localhost"));
    ASSERT_TRUE(make_cert(pki, "b", "ringgate-b", "DNS:localhost"));
    auto check = [&](const std::string& cert, const std::string& key) {
        pki.write("c.yaml", server_config(1, "    max_connections: 10\n",
                                          "  tls: {cert: " + cert + ", key: " + key + "}\n"));
        return run(ringgate_binary() + " --check-config " + pki.file("c.yaml"));
    };
    RunResult ok = check(pki.file("a.pem"), pki.file("a.key"));
    EXPECT_EQ(ok.code, 0) << ok.output;
    EXPECT_NE(ok.output.find("tls:          cert " + pki.file("a.pem")), std::string::npos)
        << ok.output;

    RunResult missing = check(pki.file("none.pem"), pki.file("a.key"));
    EXPECT_EQ(missing.code, 1);
    EXPECT_NE(missing.output.find("error: server.tls (cert " + pki.file("none.pem")),
              std::string::npos)
        << missing.output;
    EXPECT_NE(missing.output.find("cannot load certificate chain file"), std::string::npos);
    EXPECT_NE(missing.output.find("No such file or directory"), std::string::npos);

    RunResult mismatched = check(pki.file("a.pem"), pki.file("b.key"));
    EXPECT_EQ(mismatched.code, 1);
    EXPECT_NE(mismatched.output.find("key " + pki.file("b.key") +
                                     "): tls: private key does not "
                                     "match the certificate"),
              std::string::npos)
        << mismatched.output;

    // And the gateway refuses to start on it, with the same line.
    Gateway g(server_config(
        1, "    max_connections: 10\n",
        "  tls: {cert: " + pki.file("a.pem") + ", key: " + pki.file("b.key") + "}\n"));
    EXPECT_FALSE(g.started());
    EXPECT_EQ(g.process().wait_exit(5000), 1);
    EXPECT_NE(g.log().find("private key does not match"), std::string::npos) << g.log();
}

}  // namespace
}  // namespace rg::test
