// RedisServer: a real redis-server for tests, started on a free loopback port with its own
// temporary directory, stopped (SIGKILL) and restarted on the same port and directory on
// demand. Readiness is polled (PING) against a deadline, never slept for. Test-only.
#pragma once

#include <sys/types.h>

#include <string>

namespace rg::test {

class RedisServer {
  public:
    // `persist`: an append-only file fsynced on every write, so a restart keeps the data.
    explicit RedisServer(bool persist = false);
    ~RedisServer();
    RedisServer(const RedisServer&) = delete;
    RedisServer& operator=(const RedisServer&) = delete;

    bool start();  // false if redis-server would not answer within 10 s
    void kill();   // SIGKILL, reaped
    // SIGSTOP / SIGCONT: a server that holds connections but answers nothing.
    void pause();
    void resume();
    bool running() const { return pid_ > 0; }
    uint16_t port() const { return port_; }
    std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_) + "/0"; }
    // Runs one command through redis-cli and returns its output, trimmed.
    std::string cli(const std::string& args) const;

  private:
    bool answers() const;

    bool persist_;
    std::string dir_;
    uint16_t port_ = 0;
    pid_t pid_ = -1;
};

}  // namespace rg::test
