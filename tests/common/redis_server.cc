#include "redis_server.h"

#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

namespace rg::test {
namespace {

uint16_t free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

}  // namespace

RedisServer::RedisServer(bool persist) : persist_(persist) {
    char tmpl[] = "/tmp/rg-redis-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    port_ = free_port();
}

RedisServer::~RedisServer() {
    resume();
    kill();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

bool RedisServer::start() {
    const std::string port = std::to_string(port_);
    pid_ = ::fork();
    if (pid_ == 0) {
        const std::string log = dir_ + "/redis.log";
        const char* aof = persist_ ? "yes" : "no";
        ::execlp("redis-server", "redis-server", "--port", port.c_str(), "--bind", "127.0.0.1",
                 "--dir", dir_.c_str(), "--save", "", "--appendonly", aof, "--appendfsync",
                 "always", "--logfile", log.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    // Polls the condition (PING answered) against a deadline.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        if (answers()) {
            return true;
        }
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return false;
        }
        std::this_thread::yield();
    }
    return false;
}

bool RedisServer::answers() const {
    return cli("PING") == "PONG";
}

void RedisServer::kill() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }
}

void RedisServer::pause() {
    if (pid_ > 0) {
        ::kill(pid_, SIGSTOP);
    }
}

void RedisServer::resume() {
    if (pid_ > 0) {
        ::kill(pid_, SIGCONT);
    }
}

std::string RedisServer::cli(const std::string& args) const {
    const std::string cmd = "redis-cli -p " + std::to_string(port_) + " " + args + " 2>/dev/null";
    std::string out;
    if (FILE* p = ::popen(cmd.c_str(), "r")) {
        char buf[256];
        size_t n;
        while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) {
            out.append(buf, n);
        }
        ::pclose(p);
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' ')) {
        out.pop_back();
    }
    return out;
}

}  // namespace rg::test
