// Runs a real ringgate with a YAML config written to a temp dir, on port 0. Test-only.
#pragma once

#include <string>
#include <vector>

#include "harness/http_client.h"
#include "harness/process.h"

namespace rg::test {

// A minimal valid server section; `limits_yaml` is spliced under server.limits.
std::string server_config(int workers, const std::string& limits_yaml,
                          const std::string& extra_server_yaml = "",
                          const std::string& tail_yaml = "");

class Gateway {
  public:
    // Starts ringgate on `config_yaml`; check started() (and log() on failure).
    explicit Gateway(const std::string& config_yaml, const std::vector<std::string>& env = {});
    bool started() const { return started_; }
    int port() const { return ready_.listen.empty() ? 0 : ready_.listen[0]; }
    int admin_port() const { return ready_.admin; }
    Process& process() { return process_; }
    TempDir& dir() { return dir_; }
    std::string config_path() const { return dir_.file("ringgate.yaml"); }
    std::string log() const { return read_file(dir_.file("ringgate.log")); }
    // Value of a series from /metrics on the admin port ("name" or "name{a=\"b\"}" as
    // rendered); a bare name of a labelled family is the sum of its series. -1 if absent.
    long long metric(const std::string& name);
    // Rewrites the config and sends SIGHUP; waits for the RELOADING=1/READY=1 pair.
    bool reload(const std::string& config_yaml);

  private:
    TempDir dir_;
    Process process_;
    ReadyInfo ready_;
    bool started_ = false;
};

}  // namespace rg::test
