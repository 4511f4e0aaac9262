// Test harness: a private PostgreSQL cluster in a temporary directory (initdb + pg_ctl from
// /usr/lib/postgresql/<version>/bin) on a free loopback port, with its socket in the same
// directory. PostgreSQL refuses to run as root, so when the test runs as root every server
// command runs as `nobody` through setpriv. Stop and start keep the port, so a client's
// URL stays valid across a restart. Test-only.
#pragma once

#include <libpq-fe.h>

#include <string>

namespace rg::test {

class PgCluster {
  public:
    PgCluster() = default;
    ~PgCluster();
    PgCluster(const PgCluster&) = delete;
    PgCluster& operator=(const PgCluster&) = delete;

    // initdb + start; false (with why() set) when the cluster could not be created.
    bool init_and_start();
    bool start();
    bool stop();  // fast shutdown: open sessions are terminated
    const std::string& why() const { return why_; }

    int port() const { return port_; }
    // postgresql://postgres@127.0.0.1:<port>/postgres (trust authentication).
    std::string url() const;

    // Runs `sql` and returns the first column of the first row ("" when none, "ERROR: ..."
    // on failure).
    std::string query_value(const std::string& sql);
    long query_long(const std::string& sql);

  private:
    bool run(const std::string& command);
    std::string as_server_user(const std::string& command) const;

    std::string dir_;
    std::string bin_;
    int port_ = 0;
    bool running_ = false;
    bool as_nobody_ = false;
    std::string why_;
};

}  // namespace rg::test
