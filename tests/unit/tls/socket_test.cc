// A client Engine over a real blocking socket against a server Engine on another thread:
// the same byte plumbing the io_uring layer does, with partial sends and reads.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <thread>

#include "pump.h"
#include "tls/engine.h"

namespace rg::tls::test {
namespace {

bool flush(int fd, Engine& e) {
    for (std::string_view out = e.pending_output(); !out.empty(); out = e.pending_output()) {
        const ssize_t n = ::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
        if (n <= 0) {
            return false;
        }
        e.consume_output(static_cast<size_t>(n));
    }
    return true;
}

// Receives once and feeds it; returns the feed status, or closed on EOF.
Status receive(int fd, Engine& e) {
    char buf[5000];  // odd size: records arrive split across receives
    const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) {
        return Status::closed;
    }
    return e.feed(buf, static_cast<size_t>(n));
}

// Echoes every byte until the client's close_notify, then closes too.
void echo_server(int fd, std::shared_ptr<ServerContext> sctx) {
    auto server = Engine::server(sctx);
    for (;;) {
        if (!flush(fd, *server)) {
            break;
        }
        const Status fed = receive(fd, *server);
        if (fed == Status::closed || fed == Status::error) {
            flush(fd, *server);  // an alert, if any
            break;
        }
        if (!server->handshake_done()) {
            continue;
        }
        std::string got;
        const Status s = drain(*server, &got);
        if (!got.empty() && server->write(got.data(), got.size()) != Status::ok) {
            break;
        }
        if (s == Status::closed) {
            server->close();
            flush(fd, *server);
            break;
        }
        if (s == Status::error) {
            break;
        }
    }
    ::shutdown(fd, SHUT_WR);
}

TEST(EngineSocket, EchoesOverABlockingSocketpair) {
    int fds[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    timeval timeout{10, 0};
    for (int fd : fds) {
        ASSERT_EQ(::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)), 0);
    }
    std::thread server(echo_server, fds[1], server_context());

    auto client = Engine::client(client_context(), "localhost", nullptr);
    while (!client->handshake_done()) {
        ASSERT_TRUE(flush(fds[0], *client));
        ASSERT_NE(receive(fds[0], *client), Status::error) << client->error_reason();
    }
    const std::string data = pattern(16 * 16384);
    std::string echoed;
    for (size_t off = 0; off < data.size(); off += 16384) {
        ASSERT_EQ(client->write(data.data() + off, 16384), Status::ok);
        ASSERT_TRUE(flush(fds[0], *client));
        while (echoed.size() < off + 16384) {
            ASSERT_EQ(receive(fds[0], *client), Status::ok);
            ASSERT_NE(drain(*client, &echoed), Status::error);
        }
    }
    EXPECT_TRUE(echoed == data);
    client->close();
    ASSERT_TRUE(flush(fds[0], *client));
    Status s = Status::want_more;
    while (s == Status::want_more) {
        ASSERT_NE(receive(fds[0], *client), Status::error);
        std::string rest;
        s = drain(*client, &rest);
        EXPECT_TRUE(rest.empty());
    }
    EXPECT_EQ(s, Status::closed);
    server.join();
    ::close(fds[0]);
    ::close(fds[1]);
}

}  // namespace
}  // namespace rg::tls::test
