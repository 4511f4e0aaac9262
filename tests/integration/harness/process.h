// Test harness: runs the real ringgate binary as a child process with a generated config,
// waits for its --ready-file (bounded polling of a condition, never a fixed sleep), and
// signals or reaps it. Test-only.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace rg::test {

// A temporary directory removed (recursively) on destruction.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }
    void write(const std::string& name, const std::string& content) const;

  private:
    std::string path_;
};

struct ReadyInfo {
    int pid = 0;
    std::vector<int> listen;
    int admin = 0;
};

class Process {
  public:
    Process() = default;
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;
    ~Process();

    // Starts `argv[0]` with `argv`; stdout+stderr go to `log_path`. `env` entries
    // ("NAME=value") are added to the environment. The child gets NOTIFY_SOCKET pointing
    // at a datagram socket this Process reads, as systemd would.
    bool start(const std::vector<std::string>& argv, const std::string& log_path,
               const std::vector<std::string>& env = {});
    // Waits for an sd_notify datagram containing `needle` (e.g. "READY=1"); returns false
    // after `timeout_ms`. Every datagram received is appended to notifications().
    bool wait_notify(const std::string& needle, int timeout_ms);
    const std::vector<std::string>& notifications() const { return notifications_; }
    // Waits for READY=1, then reads the ready file.
    bool wait_ready(const std::string& ready_file, int timeout_ms, ReadyInfo* out);
    void signal(int signo) const;
    // Waits up to `timeout_ms` for exit; returns the exit code, -1 on timeout, 128+n on
    // a fatal signal.
    int wait_exit(int timeout_ms);
    bool running() const { return pid_ > 0; }
    pid_t pid() const { return pid_; }
    // Resident set size in KiB from /proc, 0 when gone.
    long rss_kib() const;

  private:
    pid_t pid_ = -1;
    int notify_fd_ = -1;
    int pidfd_ = -1;
    std::vector<std::string> notifications_;
};

std::string read_file(const std::string& path);

// Path of the ringgate binary under test (compile definition from CMake).
std::string ringgate_binary();

}  // namespace rg::test
