// Lifecycle of the real binary: sd_notify, SIGHUP reload (valid and broken), SIGTERM
// drain with a request in flight, the drain deadline, the watchdog and SIGUSR1.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "harness/gateway.h"

namespace rg::test {
namespace {

std::string limits(int header_bytes) {
    return "    max_header_bytes: " + std::to_string(header_bytes) +
           "\n    header_timeout: 5s\n    idle_timeout: 10s\n";
}

std::string head_of_size(size_t n) {
    std::string req = "GET /health HTTP/1.1\r\nHost: x\r\nX-Pad: ";
    req += std::string(n - req.size() - 4, 'p');
    req += "\r\n\r\n";
    return req;
}

TEST(Lifecycle, ReloadAppliesNewLimitsAndBrokenFileKeepsOldConfig) {
    Gateway g(server_config(2, limits(4096)));
    ASSERT_TRUE(g.started()) << g.log();
    EXPECT_EQ(g.metric("ringgate_config_generation"), 1);
    EXPECT_EQ(g.metric("ringgate_dns_failures_total"), 0);  // rendered; no hostname to resolve
    HttpClient c;
    ASSERT_TRUE(c.connect(g.port()));
    Response r;
    ASSERT_TRUE(c.send(head_of_size(2000)) && c.read_response(&r));
    EXPECT_EQ(r.status, 200);

    ASSERT_TRUE(g.reload(server_config(2, limits(1024))));
    EXPECT_EQ(g.metric("ringgate_config_generation"), 2);
    EXPECT_EQ(g.metric("ringgate_config_reloads_total"), 1);
    HttpClient c2;
    ASSERT_TRUE(c2.connect(g.port()));
    ASSERT_TRUE(c2.send(head_of_size(2000)) && c2.read_response(&r));
    EXPECT_EQ(r.status, 431);

    // A broken file is refused with its errors logged; the running config stays.
    ASSERT_TRUE(g.reload("server:\n  listen: [\"127.0.0.1:0\"]\n  bogus_key: 1\n"));
    EXPECT_EQ(g.metric("ringgate_config_generation"), 2);
    EXPECT_EQ(g.metric("ringgate_config_reload_failures_total"), 1);
    EXPECT_NE(g.log().find("bogus_key"), std::string::npos) << g.log();
    EXPECT_EQ(http_get(g.port(), "/health").status, 200);
    HttpClient c3;
    ASSERT_TRUE(c3.connect(g.port()));
    ASSERT_TRUE(c3.send(head_of_size(2000)) && c3.read_response(&r));
    EXPECT_EQ(r.status, 431);  // still the 1024-byte limit of generation 2
}

TEST(Lifecycle, SigtermLetsTheRequestInFlightFinishThenExits) {
    // One worker: both client connections land on the same shard, in accept order, so the
    // in-flight head has been parsed by the time the second connection is answered.
    Gateway g(server_config(1, limits(4096)));
    ASSERT_TRUE(g.started()) << g.log();
    HttpClient inflight;
    ASSERT_TRUE(inflight.connect(g.port()));
    // A request whose body is still arriving when the signal comes.
    ASSERT_TRUE(
        inflight.send("POST /v1/slow HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345"));
    // An idle keep-alive connection, which the drain must close.
    HttpClient idle;
    ASSERT_TRUE(idle.connect(g.port()));
    Response r;
    ASSERT_TRUE(idle.get("/health", &r));

    g.process().signal(SIGTERM);
    ASSERT_TRUE(g.process().wait_notify("STOPPING=1", 5000));
    // While draining, the admin listener says 503. STOPPING=1 goes out as the drain
    // messages are posted, so the shard may take a moment to see it: poll, bounded.
    int status = 0;
    for (int i = 0; i < 200 && status != 503; ++i) {
        status = http_get(g.admin_port(), "/health").status;
    }
    EXPECT_EQ(status, 503);
    EXPECT_TRUE(idle.wait_closed(3000));  // idle keep-alive connections are closed

    ASSERT_TRUE(inflight.send("67890"));
    Response done;
    ASSERT_TRUE(inflight.read_response(&done));
    EXPECT_EQ(done.status, 404);
    EXPECT_EQ(done.header("Connection"), "close");
    EXPECT_EQ(g.process().wait_exit(5000), 0);
}

TEST(Lifecycle, DrainDeadlineClosesStuckRequests) {
    std::string cfg = server_config(1, limits(4096));
    cfg.replace(cfg.find("shutdown_grace: 5s"), 18, "shutdown_grace: 300ms");
    Gateway g(cfg);
    ASSERT_TRUE(g.started()) << g.log();
    HttpClient stuck;
    ASSERT_TRUE(stuck.connect(g.port()));
    ASSERT_TRUE(stuck.send("POST /v1/slow HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n1"));
    Response r = http_get(g.port(), "/health");  // the server is past the head of `stuck`
    ASSERT_EQ(r.status, 200);
    g.process().signal(SIGTERM);
    EXPECT_EQ(g.process().wait_exit(5000), 0);
    EXPECT_TRUE(stuck.wait_closed(1000));
}

TEST(Lifecycle, WatchdogPingsWhileWorkersRun) {
    Gateway g(server_config(2, limits(4096)), {"WATCHDOG_USEC=200000"});
    ASSERT_TRUE(g.started()) << g.log();
    EXPECT_TRUE(g.process().wait_notify("WATCHDOG=1", 3000));
    EXPECT_TRUE(g.process().wait_notify("WATCHDOG=1", 3000));
}

TEST(Lifecycle, Sigusr1ReopensTheLogFile) {
    TempDir logs;
    std::string path = logs.file("ringgate.log");
    Gateway g(server_config(1, limits(4096)));
    ASSERT_TRUE(g.started()) << g.log();
    std::string cfg = server_config(1, limits(4096));
    cfg.replace(cfg.find("access_log: stderr"), 18, "access_log: " + path);
    ASSERT_TRUE(g.reload(cfg));
    ASSERT_NE(read_file(path).find("config reloaded"), std::string::npos);
    // logrotate: move the file away, then SIGUSR1 makes ringgate create a new one.
    int in = inotify_init1(IN_CLOEXEC);
    ASSERT_GE(inotify_add_watch(in, logs.path().c_str(), IN_CREATE), 0);
    ASSERT_EQ(std::rename(path.c_str(), (path + ".1").c_str()), 0);
    g.process().signal(SIGUSR1);
    pollfd pfd{in, POLLIN, 0};
    ASSERT_EQ(poll(&pfd, 1, 5000), 1);
    close(in);
    // The reopen line is written right after the file is created; one more reload makes
    // sure it has been flushed in order.
    ASSERT_TRUE(g.reload(cfg));
    std::string fresh = read_file(path);
    EXPECT_NE(fresh.find("log files reopened"), std::string::npos) << fresh;
    EXPECT_EQ(read_file(path + ".1").find("log files reopened"), std::string::npos);
}

}  // namespace
}  // namespace rg::test
