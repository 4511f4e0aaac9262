// Runs the bundled ringgate-mock on port 0 and reads its attempt log. Test-only.
#pragma once

#include <string>
#include <vector>

#include "harness/process.h"

namespace rg::test {

class MockUpstream {
  public:
    explicit MockUpstream(const std::vector<std::string>& extra_args = {});
    bool started() const { return port_ > 0; }
    int port() const { return port_; }
    int tls_port() const { return tls_port_; }
    // GET /_mock/attempts (optionally with a query such as "model=x").
    std::string attempts(const std::string& query = "");
    void reset();
    // SIGTERM and wait: the mock closes every connection it holds.
    int stop();

  private:
    TempDir dir_;
    Process process_;
    int port_ = 0;
    int tls_port_ = 0;
};

std::string mock_binary();

}  // namespace rg::test
