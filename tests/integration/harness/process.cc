#include "harness/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace rg::test {

TempDir::TempDir() {
    char tmpl[] = "/tmp/rg-test-XXXXXX";
    char* p = mkdtemp(tmpl);
    path_ = p != nullptr ? p : "/tmp";
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

void TempDir::write(const std::string& name, const std::string& content) const {
    std::ofstream f(file(name), std::ios::trunc);
    f << content;
}

std::string read_file(const std::string& path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

std::string ringgate_binary() {
    return RG_RINGGATE_BINARY;
}

Process::~Process() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        int status;
        ::waitpid(pid_, &status, 0);
    }
    if (notify_fd_ >= 0) {
        ::close(notify_fd_);
    }
    if (pidfd_ >= 0) {
        ::close(pidfd_);
    }
}

bool Process::start(const std::vector<std::string>& argv, const std::string& log_path,
                    const std::vector<std::string>& env) {
    static int counter = 0;
    std::string name =
        "@rg-test-notify-" + std::to_string(getpid()) + "-" + std::to_string(++counter);
    notify_fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, name.c_str(), name.size());
    addr.sun_path[0] = '\0';
    auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
    if (::bind(notify_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0) {
        return false;
    }
    std::string notify_env = "NOTIFY_SOCKET=" + name;
    pid_t pid = fork();
    if (pid < 0) {
        return false;
    }
    if (pid == 0) {
        int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        putenv(const_cast<char*>(notify_env.c_str()));
        for (const std::string& e : env) {
            putenv(const_cast<char*>(e.c_str()));
        }
        std::vector<char*> args;
        for (const std::string& a : argv) {
            args.push_back(const_cast<char*>(a.c_str()));
        }
        args.push_back(nullptr);
        execv(args[0], args.data());
        _exit(127);
    }
    pid_ = pid;
    pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
    return pidfd_ >= 0;
}

bool Process::wait_notify(const std::string& needle, int timeout_ms) {
    for (size_t i = 0; i < notifications_.size(); ++i) {
        if (notifications_[i].find(needle) != std::string::npos) {
            notifications_.erase(notifications_.begin(),
                                 notifications_.begin() + static_cast<long>(i) + 1);
            return true;
        }
    }
    notifications_.clear();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (true) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - std::chrono::steady_clock::now())
                        .count();
        if (left <= 0) {
            return false;
        }
        pollfd fds[2] = {{notify_fd_, POLLIN, 0}, {pidfd_, POLLIN, 0}};
        if (::poll(fds, 2, static_cast<int>(left)) <= 0) {
            return false;
        }
        if (fds[0].revents & POLLIN) {
            char buf[4096];
            ssize_t n = ::recv(notify_fd_, buf, sizeof(buf), 0);
            if (n > 0) {
                std::string msg(buf, static_cast<size_t>(n));
                if (msg.find(needle) != std::string::npos) {
                    return true;
                }
            }
        } else if (fds[1].revents & POLLIN) {
            return false;  // the process exited
        }
    }
}

namespace {

bool parse_ready(const std::string& s, ReadyInfo* out) {
    // {"pid":N,"listen":[p1,p2],"admin":P}
    auto num_after = [&](const char* key, size_t from, size_t* end) -> long {
        size_t k = s.find(key, from);
        if (k == std::string::npos) {
            return -1;
        }
        k += std::strlen(key);
        char* e = nullptr;
        long v = std::strtol(s.c_str() + k, &e, 10);
        *end = static_cast<size_t>(e - s.c_str());
        return v;
    };
    size_t end = 0;
    long pid = num_after("\"pid\":", 0, &end);
    size_t l = s.find("\"listen\":[");
    size_t r = s.find(']', l);
    if (pid <= 0 || l == std::string::npos || r == std::string::npos) {
        return false;
    }
    out->pid = static_cast<int>(pid);
    out->listen.clear();
    std::string list = s.substr(l + 10, r - l - 10);
    std::stringstream ss(list);
    std::string item;
    while (std::getline(ss, item, ',')) {
        out->listen.push_back(std::atoi(item.c_str()));
    }
    out->admin = static_cast<int>(num_after("\"admin\":", r, &end));
    return true;
}

}  // namespace

bool Process::wait_ready(const std::string& ready_file, int timeout_ms, ReadyInfo* out) {
    // READY=1 is sent after the ready file is written, so one read suffices.
    return wait_notify("READY=1", timeout_ms) && parse_ready(read_file(ready_file), out);
}

void Process::signal(int signo) const {
    if (pid_ > 0) {
        ::kill(pid_, signo);
    }
}

int Process::wait_exit(int timeout_ms) {
    if (pid_ <= 0) {
        return -1;
    }
    pollfd pfd{pidfd_, POLLIN, 0};
    if (::poll(&pfd, 1, timeout_ms) <= 0) {
        return -1;
    }
    int status;
    if (waitpid(pid_, &status, 0) != pid_) {
        return -1;
    }
    pid_ = -1;
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    return 128 + WTERMSIG(status);
}

long Process::rss_kib() const {
    std::ifstream f("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(f, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::atol(line.c_str() + 6);
        }
    }
    return 0;
}

}  // namespace rg::test
