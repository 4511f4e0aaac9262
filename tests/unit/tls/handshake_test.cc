// Handshakes between a client and a server Engine in memory: TLS 1.3, ALPN, resumption
// through SessionCache, and ciphertext delivered in pieces of every size.
#include <gtest/gtest.h>

#include "pump.h"
#include "tls/engine.h"

namespace rg::tls::test {
namespace {

struct Connection {
    std::unique_ptr<Engine> client;
    std::unique_ptr<Engine> server;
};

Connection connect(const std::shared_ptr<ClientContext>& cctx,
                   const std::shared_ptr<ServerContext>& sctx, SessionCache* cache = nullptr,
                   uint16_t port = 443, const char* host = "localhost") {
    return {Engine::client(cctx, host, cache, port), Engine::server(sctx)};
}

// Handshake, then one request and response so the client reads the session tickets.
void handshake_and_exchange(Connection& c) {
    PumpResult r = pump(*c.client, *c.server);
    ASSERT_EQ(r.client, Status::ok);
    ASSERT_EQ(r.server, Status::ok);
    Splitter whole = Splitter::every(SIZE_MAX);
    EXPECT_EQ(send_through(*c.client, *c.server, "ping", whole), "ping");
    EXPECT_EQ(send_through(*c.server, *c.client, "pong", whole), "pong");
}

TEST(EngineHandshake, CompletesTls13WithHttp11Alpn) {
    Connection c = connect(client_context(), server_context());
    EXPECT_FALSE(c.client->handshake_done());
    EXPECT_GT(c.client->pending_output_bytes(), 0u) << "ClientHello queued at creation";
    PumpResult r = pump(*c.client, *c.server);
    EXPECT_EQ(r.client, Status::ok);
    EXPECT_EQ(r.server, Status::ok);
    ASSERT_TRUE(c.client->handshake_done());
    ASSERT_TRUE(c.server->handshake_done());
    EXPECT_STREQ(c.client->protocol_version(), "TLSv1.3");
    EXPECT_STREQ(c.server->protocol_version(), "TLSv1.3");
    EXPECT_EQ(c.client->alpn(), "http/1.1");
    EXPECT_EQ(c.server->alpn(), "http/1.1");
    EXPECT_FALSE(c.client->session_reused());
    EXPECT_STREQ(c.client->error_reason(), "");
}

TEST(EngineHandshake, CompletesWithCiphertextSplitAtEverySmallSize) {
    auto cctx = client_context();
    auto sctx = server_context();
    for (size_t n : {1, 2, 3, 5, 7, 13, 64, 100, 517, 1000, 4096}) {
        Connection c = connect(cctx, sctx);
        Splitter split = Splitter::every(n);
        PumpResult r = pump(*c.client, *c.server, split);
        EXPECT_EQ(r.client, Status::ok) << "piece " << n;
        EXPECT_EQ(r.server, Status::ok) << "piece " << n;
        EXPECT_TRUE(c.client->handshake_done() && c.server->handshake_done()) << "piece " << n;
    }
}

TEST(EngineHandshake, CompletesWithCiphertextSplitAtRandomSizes) {
    auto cctx = client_context();
    auto sctx = server_context();
    for (uint32_t seed = 1; seed <= 20; ++seed) {
        Connection c = connect(cctx, sctx);
        Splitter split = Splitter::random(300, seed);
        PumpResult r = pump(*c.client, *c.server, split);
        EXPECT_EQ(r.client, Status::ok) << "seed " << seed;
        EXPECT_EQ(r.server, Status::ok) << "seed " << seed;
        EXPECT_TRUE(c.client->handshake_done() && c.server->handshake_done());
    }
}

TEST(EngineHandshake, ServerPrefersItsOwnAlpnOrder) {
    auto cctx = client_context(true, {}, {"h2", "http/1.1"});
    auto sctx = server_context({}, {}, {"http/1.1", "h2"});
    Connection c = connect(cctx, sctx);
    pump(*c.client, *c.server);
    EXPECT_EQ(c.client->alpn(), "http/1.1");
    EXPECT_EQ(c.server->alpn(), "http/1.1");
}

TEST(EngineHandshake, FailsWhenNoAlpnProtocolIsShared) {
    Connection c = connect(client_context(true, {}, {"h2"}), server_context());
    PumpResult r = pump(*c.client, *c.server);
    EXPECT_EQ(r.server, Status::error);
    EXPECT_STREQ(c.server->error_reason(), "no common ALPN protocol");
    EXPECT_EQ(r.client, Status::error);
    EXPECT_STREQ(c.client->error_reason(), "peer found no common ALPN protocol");
    EXPECT_FALSE(c.client->verify_failed());
}

TEST(EngineHandshake, WithoutAlpnNegotiatesNone) {
    Connection c = connect(client_context(true, {}, {}), server_context());
    PumpResult r = pump(*c.client, *c.server);
    EXPECT_EQ(r.client, Status::ok);
    EXPECT_EQ(c.client->alpn(), "");
    EXPECT_EQ(c.server->alpn(), "");
}

TEST(EngineResumption, SecondConnectionResumesThroughSessionCache) {
    auto cctx = client_context();
    auto sctx = server_context();
    SessionCache cache;
    Connection first = connect(cctx, sctx, &cache);
    handshake_and_exchange(first);
    EXPECT_FALSE(first.client->session_reused());
    EXPECT_EQ(cache.size(), 1u) << "the ticket was read with the response";

    Connection second = connect(cctx, sctx, &cache);
    handshake_and_exchange(second);
    EXPECT_TRUE(second.client->session_reused());
    EXPECT_TRUE(second.server->session_reused());
    EXPECT_EQ(second.client->alpn(), "http/1.1");
    EXPECT_EQ(cache.size(), 1u) << "the newer ticket replaced the older one";
}

TEST(EngineResumption, KeysSessionsByContextHostAndPort) {
    auto cctx = client_context();
    auto sctx = server_context();
    SessionCache cache;
    Connection first = connect(cctx, sctx, &cache, 443);
    handshake_and_exchange(first);

    Connection other_port = connect(cctx, sctx, &cache, 8443);
    handshake_and_exchange(other_port);
    EXPECT_FALSE(other_port.client->session_reused());

    Connection other_host = connect(cctx, sctx, &cache, 443, "127.0.0.1");
    handshake_and_exchange(other_host);
    EXPECT_FALSE(other_host.client->session_reused());

    // A session made under one trust configuration is never offered under another.
    Connection other_context = connect(client_context(), sctx, &cache, 443);
    handshake_and_exchange(other_context);
    EXPECT_FALSE(other_context.client->session_reused());
    EXPECT_EQ(cache.size(), 4u);
}

TEST(EngineResumption, NoCacheMeansFullHandshakes) {
    auto cctx = client_context();
    auto sctx = server_context();
    for (int i = 0; i < 2; ++i) {
        Connection c = connect(cctx, sctx, nullptr);
        handshake_and_exchange(c);
        EXPECT_FALSE(c.client->session_reused());
    }
}

TEST(EngineResumption, FullCacheEvictsTheOldestEntry) {
    auto cctx = client_context();
    auto sctx = server_context();
    SessionCache cache(2);
    for (uint16_t port = 1; port <= 3; ++port) {
        Connection c = connect(cctx, sctx, &cache, port);
        handshake_and_exchange(c);
    }
    EXPECT_EQ(cache.size(), 2u);
    Connection evicted = connect(cctx, sctx, &cache, 1);
    handshake_and_exchange(evicted);
    EXPECT_FALSE(evicted.client->session_reused());
    Connection kept = connect(cctx, sctx, &cache, 3);
    handshake_and_exchange(kept);
    EXPECT_TRUE(kept.client->session_reused());
}

TEST(EngineResumption, ResumesWithTicketsFromAReloadedServerContextOnlyAfterAFullHandshake) {
    auto cctx = client_context();
    SessionCache cache;
    Connection first = connect(cctx, server_context(), &cache);
    handshake_and_exchange(first);
    // SIGHUP: a new ServerContext has new ticket keys, so the old ticket is refused.
    auto reloaded = server_context();
    Connection after_reload = connect(cctx, reloaded, &cache);
    handshake_and_exchange(after_reload);
    EXPECT_FALSE(after_reload.client->session_reused());
    Connection again = connect(cctx, reloaded, &cache);
    handshake_and_exchange(again);
    EXPECT_TRUE(again.client->session_reused());
}

}  // namespace
}  // namespace rg::tls::test
