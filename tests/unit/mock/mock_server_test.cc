// Server behaviour: keep-alive, pipelining order, 100-continue, many concurrent paced
// streams, several threads, TLS with a generated CA, clean exit on SIGTERM.
#include <poll.h>
#include <sys/socket.h>

#include <filesystem>

#include "mock_fixture.h"

namespace rg::mock::test {
namespace {

using Server = MockTest;

TEST_F(Server, KeepAliveServesManyRequestsOnOneConnection) {
    Client c;
    ASSERT_TRUE(c.connect(port_));
    for (int i = 0; i < 20; ++i) {
        ASSERT_TRUE(c.send(build_request("POST", "/v1/chat/completions", openai_auth(),
                                         chat_body("gpt-4o", i % 2 == 0))));
        Response r = c.read_response();
        ASSERT_EQ(r.status, 200);
        ASSERT_TRUE(r.complete);
    }
}

TEST_F(Server, PipelinedRequestsAreAnsweredInOrder) {
    Client c;
    ASSERT_TRUE(c.connect(port_));
    std::string batch =
        build_request("POST", "/v1/chat/completions", openai_auth(),
                      chat_body("gpt-4o~tokens=1~delay=30", true)) +
        build_request("POST", "/v1/chat/completions", openai_auth(),
                      chat_body("m~tokens=2", false)) +
        build_request("GET", "/_mock/health", {}, "") +
        build_request("POST", "/v1/messages", anthropic_auth(), messages_body("c~tokens=3", false));
    ASSERT_TRUE(c.send(batch));  // one write: four requests
    Response r1 = c.read_response();
    Response r2 = c.read_response();
    Response r3 = c.read_response();
    Response r4 = c.read_response();
    EXPECT_TRUE(r1.chunked);
    EXPECT_NE(r1.body.find("tok1"), std::string::npos);
    EXPECT_EQ(str(parse_json(r2.body)->root["choices"].at(0)["message"]["content"]), "tok1 tok2");
    EXPECT_EQ(r3.body, "{\"status\":\"ok\"}");
    EXPECT_EQ(str(parse_json(r4.body)->root["content"].at(0)["text"]), "tok1 tok2 tok3");
}

TEST_F(Server, ExpectContinueAndConnectionClose) {
    Client c;
    ASSERT_TRUE(c.connect(port_));
    std::string body = chat_body("gpt-4o", false);
    std::string head =
        "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer k"
        "\r\nexpect: 100-continue\r\nconnection: close\r\ncontent-length: " +
        std::to_string(body.size()) + "\r\n\r\n";
    ASSERT_TRUE(c.send(head));
    ASSERT_TRUE(c.read_until("100 Continue", 2000));
    ASSERT_TRUE(c.send(body));
    Response r = c.read_response();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("connection"), "close");
    std::string more;
    EXPECT_EQ(c.read_some(&more, 2000), 0);  // the server closes after the reply
}

TEST_F(Server, TwoHundredConcurrentPacedStreamsComplete) {
    constexpr int kStreams = 200;
    std::vector<std::unique_ptr<Client>> clients;
    std::string req = build_request("POST", "/v1/chat/completions", openai_auth(),
                                    chat_body("gpt-4o~tokens=5~delay=20", true));
    uint64_t start = now_ms();
    for (int i = 0; i < kStreams; ++i) {
        clients.push_back(std::make_unique<Client>());
        ASSERT_TRUE(clients.back()->connect(port_));
        ASSERT_TRUE(clients.back()->send(req));
    }
    std::vector<std::string> got(kStreams);
    int done = 0;
    std::vector<bool> finished(kStreams, false);
    while (done < kStreams && now_ms() - start < 10000) {
        std::vector<pollfd> fds;
        for (int i = 0; i < kStreams; ++i) {
            fds.push_back({clients[i]->fd(), static_cast<short>(finished[i] ? 0 : POLLIN), 0});
        }
        ASSERT_GE(poll(fds.data(), fds.size(), 1000), 0);
        for (int i = 0; i < kStreams; ++i) {
            if ((fds[i].revents & POLLIN) == 0) {
                continue;
            }
            char buf[8192];
            ssize_t n = recv(fds[i].fd, buf, sizeof(buf), 0);
            ASSERT_GT(n, 0);
            got[i].append(buf, static_cast<size_t>(n));
            if (got[i].find("data: [DONE]\n\n\r\n0\r\n\r\n") != std::string::npos) {
                finished[i] = true;
                ++done;
            }
        }
    }
    EXPECT_EQ(done, kStreams);
    EXPECT_LT(now_ms() - start, 5000u);
    EXPECT_GE(now_ms() - start, 95u);  // five tokens 20 ms apart
    auto j = attempts();
    EXPECT_EQ(num(j->root["total"]), kStreams);
}

class Threads : public MockTest {
    std::vector<std::string> args() override { return {"--threads", "2", "--tokens", "2"}; }
};

TEST_F(Threads, AllWorkersFeedOneMergedAttemptLog) {
    for (int i = 0; i < 24; ++i) {
        ASSERT_EQ(post("/v1/chat/completions", openai_auth("t" + std::to_string(i % 3)),
                       chat_body("gpt-4o", i % 2 == 1))
                      .status,
                  200);
    }
    auto j = attempts();
    ASSERT_TRUE(j);
    auto list = j->root["attempts"].get_array();
    ASSERT_EQ(list.size(), 24u);
    int64_t expect = 1;
    for (auto a : list) {
        EXPECT_EQ(num(a["seq"]), expect++);
    }
    EXPECT_EQ(num(j->root["by_key"]["t0"]), 8);
    EXPECT_EQ(mock_.stop(), 0);
}

class Tls : public MockTest {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/rg-mock-certs-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        certs_ = tmpl;
        ASSERT_TRUE(make_test_certs(certs_)) << "openssl CLI failed";
        MockTest::SetUp();
    }
    void TearDown() override {
        mock_.stop();
        std::error_code ignored;
        std::filesystem::remove_all(certs_, ignored);
    }
    std::vector<std::string> args() override {
        return {"--tokens",     "3",
                "--tls-listen", "127.0.0.1:0",
                "--cert",       certs_ + "/server.pem",
                "--key",        certs_ + "/server.key",
                "--listen",     "127.0.0.1:0"};
    }
    std::string certs_;
};

TEST_F(Tls, ServesAllFormatsOverTlsWithAGeneratedCa) {
    ASSERT_NE(mock_.https_port(), 0);
    Client c;
    std::string alpn;
    ASSERT_TRUE(c.connect_tls(mock_.https_port(), certs_ + "/ca.pem", &alpn));
    EXPECT_EQ(alpn, "http/1.1");
    ASSERT_TRUE(c.send(build_request("POST", "/v1/chat/completions", openai_auth("tls-key"),
                                     chat_body("gpt-4o", false))));
    Response r = c.read_response();
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(str(parse_json(r.body)->root["choices"].at(0)["message"]["content"]),
              "tok1 tok2 tok3");
    ASSERT_TRUE(c.send(build_request("POST", "/v1/messages", anthropic_auth("tls-key"),
                                     messages_body("c~delay=5", true))));
    Response s = c.read_response();
    EXPECT_TRUE(s.complete);
    EXPECT_EQ(parse_sse(s.body).back().event, "message_stop");
    auto j = attempts("?key=tls-key");
    ASSERT_EQ(j->root["attempts"].get_array().size(), 2u);
    EXPECT_TRUE(j->root["attempts"].at(0)["tls"].get_bool().value());
    Client bad;
    EXPECT_FALSE(bad.connect_tls(mock_.https_port(), certs_ + "/server.pem"));  // wrong CA
}

TEST_F(Tls, ResetAndCutWorkOverTls) {
    Client c;
    ASSERT_TRUE(c.connect_tls(mock_.https_port(), certs_ + "/ca.pem"));
    ASSERT_TRUE(c.send(build_request("POST", "/v1/chat/completions", openai_auth("k~cut~after=1"),
                                     chat_body("gpt-4o", true))));
    Response r = c.read_response(2000);
    EXPECT_EQ(r.status, 200);
    EXPECT_FALSE(r.complete);
    Client d;
    ASSERT_TRUE(d.connect_tls(mock_.https_port(), certs_ + "/ca.pem"));
    ASSERT_TRUE(d.send(build_request("POST", "/v1/chat/completions", openai_auth("k~reset"),
                                     chat_body("gpt-4o", false))));
    Response x = d.read_response(2000);
    EXPECT_EQ(x.status, 0);
    EXPECT_FALSE(x.timed_out);
}

TEST_F(Server, SigtermExitsWithStatusZero) {
    EXPECT_EQ(post("/v1/chat/completions", openai_auth(), chat_body("gpt-4o", false)).status, 200);
    EXPECT_EQ(mock_.stop(), 0);
}

}  // namespace
}  // namespace rg::mock::test
