// Application data through a pair of Engines: both directions, 1 MiB writes in many
// records, writes before the handshake, close_notify, output view stability, and hostile
// bytes fed to a server.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "pump.h"
#include "tls/engine.h"

namespace rg::tls::test {
namespace {

class EngineData : public ::testing::Test {
  protected:
    void SetUp() override {
        client_ = Engine::client(client_context(), "localhost", nullptr);
        server_ = Engine::server(server_context());
    }
    void handshake() {
        PumpResult r = pump(*client_, *server_);
        ASSERT_EQ(r.client, Status::ok);
        ASSERT_EQ(r.server, Status::ok);
        ASSERT_TRUE(client_->handshake_done() && server_->handshake_done());
    }

    std::unique_ptr<Engine> client_;
    std::unique_ptr<Engine> server_;
};

TEST_F(EngineData, CarriesSmallMessagesBothWays) {
    handshake();
    Splitter whole = Splitter::every(SIZE_MAX);
    const std::string request = "GET /v1/models HTTP/1.1\r\nhost: localhost\r\n\r\n";
    EXPECT_EQ(send_through(*client_, *server_, request, whole), request);
    const std::string response = "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
    EXPECT_EQ(send_through(*server_, *client_, response, whole), response);
}

TEST_F(EngineData, CarriesOneMebibyteWritesSplitAcrossRecordsBothWays) {
    handshake();
    const std::string big = pattern(1 << 20);
    Splitter random = Splitter::random(40000, 7);
    EXPECT_TRUE(send_through(*client_, *server_, big, random) == big);
    EXPECT_TRUE(send_through(*server_, *client_, big, random) == big);
    // 16 KiB records plus ~22 bytes of overhead each: 64 records.
    ASSERT_EQ(client_->write(big.data(), big.size()), Status::ok);
    EXPECT_GT(client_->pending_output_bytes(), big.size());
    EXPECT_LT(client_->pending_output_bytes(), big.size() + 64 * 64);
}

TEST_F(EngineData, CarriesDataFedOneByteAtATime) {
    handshake();
    const std::string data = pattern(40000);
    Splitter bytes = Splitter::every(1);
    EXPECT_TRUE(send_through(*client_, *server_, data, bytes) == data);
}

TEST_F(EngineData, HoldsWritesUntilTheHandshakeCompletes) {
    const std::string request = "POST / HTTP/1.1\r\ncontent-length: 2\r\n\r\nhi";
    ASSERT_EQ(client_->write(request.data(), request.size()), Status::ok);
    ASSERT_EQ(server_->write("early", 5), Status::ok);
    size_t n = 0;
    char buf[16];
    EXPECT_EQ(client_->read(buf, sizeof(buf), &n), Status::want_more);
    EXPECT_EQ(n, 0u);
    handshake();
    std::string at_server;
    std::string at_client;
    EXPECT_EQ(drain(*server_, &at_server), Status::want_more);
    EXPECT_EQ(at_server, request);
    pump(*client_, *server_);
    EXPECT_EQ(drain(*client_, &at_client), Status::want_more);
    EXPECT_EQ(at_client, "early");
}

TEST_F(EngineData, ReportsClosedAfterThePeersCloseNotify) {
    handshake();
    Splitter whole = Splitter::every(SIZE_MAX);
    ASSERT_EQ(send_through(*server_, *client_, "last words", whole), "last words");
    ASSERT_EQ(server_->write("tail", 4), Status::ok);
    server_->close();
    server_->close();  // once only
    transfer(*server_, *client_, whole);
    std::string got;
    EXPECT_EQ(drain(*client_, &got), Status::closed);
    EXPECT_EQ(got, "tail") << "data before close_notify is delivered first";
    size_t n = 0;
    char buf[8];
    EXPECT_EQ(client_->read(buf, sizeof(buf), &n), Status::closed);
    // Half-close: the client may still answer, then close its side.
    ASSERT_EQ(client_->write("bye", 3), Status::ok);
    client_->close();
    transfer(*client_, *server_, whole);
    got.clear();
    EXPECT_EQ(drain(*server_, &got), Status::closed);
    EXPECT_EQ(got, "bye");
}

TEST_F(EngineData, KeepsAnExposedOutputViewStableWhileMoreOutputIsQueued) {
    handshake();
    ASSERT_EQ(client_->write("first", 5), Status::ok);
    const std::string_view view = client_->pending_output();
    const std::string before(view);
    // A send of `view` is in flight; the connection keeps producing output meanwhile.
    const std::string more = pattern(200000);
    ASSERT_EQ(client_->write(more.data(), more.size()), Status::ok);
    EXPECT_EQ(std::string(view), before) << "bytes under an in-flight send must not move";
    EXPECT_EQ(client_->pending_output().data(), view.data());
    EXPECT_GT(client_->pending_output_bytes(), view.size() + more.size());
    // Partial sends, then the rest: everything arrives in order.
    client_->consume_output(3);
    ASSERT_EQ(server_->feed(view.data(), 3), Status::ok);
    std::string_view rest = client_->pending_output();
    EXPECT_EQ(rest.data(), view.data() + 3);
    Splitter whole = Splitter::every(SIZE_MAX);
    transfer(*client_, *server_, whole);
    std::string got;
    EXPECT_EQ(drain(*server_, &got), Status::want_more);
    EXPECT_TRUE(got == "first" + more);
}

TEST_F(EngineData, FailsOnATamperedRecord) {
    handshake();
    ASSERT_EQ(client_->write("secret", 6), Status::ok);
    std::string record(client_->pending_output());
    client_->consume_output(record.size());
    record[record.size() - 1] ^= 1;  // flip a bit of the AEAD tag
    ASSERT_EQ(server_->feed(record.data(), record.size()), Status::ok);
    std::string got;
    EXPECT_EQ(drain(*server_, &got), Status::error);
    EXPECT_TRUE(got.empty());
    EXPECT_STREQ(server_->error_reason(), "record decryption failed");
    // Errors are sticky.
    EXPECT_EQ(server_->feed("x", 1), Status::error);
    EXPECT_EQ(server_->write("x", 1), Status::error);
    EXPECT_GT(server_->pending_output_bytes(), 0u) << "a bad_record_mac alert to send";
}

TEST(EngineHostile, RejectsPlainHttpOnTheServer) {
    auto server = Engine::server(server_context());
    const char request[] = "GET / HTTP/1.1\r\nhost: x\r\n\r\n";
    EXPECT_EQ(server->feed(request, sizeof(request) - 1), Status::error);
    EXPECT_STREQ(server->error_reason(), "plain HTTP request sent to a TLS port");
    EXPECT_FALSE(server->verify_failed());
}

TEST(EngineHostile, SurvivesRandomBytesFedToAServer) {
    auto sctx = server_context();
    std::mt19937 rng(42);
    for (int i = 0; i < 500; ++i) {
        auto server = Engine::server(sctx);
        std::string junk(std::uniform_int_distribution<size_t>(1, 3000)(rng), '\0');
        for (char& c : junk) {
            c = static_cast<char>(rng());
        }
        if (i % 2 == 0) {
            junk[0] = 0x16;  // handshake record type, so the parser goes deeper
            junk[1] = 0x03;
            junk[2] = 0x01;
        }
        const Status s = server->feed(junk.data(), junk.size());
        EXPECT_TRUE(s == Status::error || s == Status::want_more);
        if (s == Status::error) {
            EXPECT_STRNE(server->error_reason(), "");
        }
        size_t n = 0;
        char buf[64];
        EXPECT_NE(server->read(buf, sizeof(buf), &n), Status::ok);
    }
}

TEST(EngineHostile, SurvivesATruncatedClientHelloFollowedByGarbage) {
    auto client = Engine::client(client_context(), "localhost", nullptr);
    auto server = Engine::server(server_context());
    std::string hello(client->pending_output());
    ASSERT_GT(hello.size(), 40u);
    EXPECT_EQ(server->feed(hello.data(), hello.size() / 2), Status::want_more);
    std::string junk(hello.size(), '\xff');
    EXPECT_EQ(server->feed(junk.data(), junk.size()), Status::error);
}

}  // namespace
}  // namespace rg::tls::test
