#include "pgexport/pg_cluster.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace rg::test {
namespace {

constexpr uid_t kNobody = 65534;

// The newest installed server version's bin directory, "" when there is none.
std::string find_bin_dir() {
    std::string best;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
        std::string bin = entry.path().string() + "/bin";
        if (std::filesystem::exists(bin + "/pg_ctl") && bin > best) {
            best = bin;
        }
    }
    return best;
}

int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
        port = ntohs(addr.sin_port);
    }
    ::close(fd);
    return port;
}

}  // namespace

PgCluster::~PgCluster() {
    if (running_) {
        stop();
    }
    if (!dir_.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
}

std::string PgCluster::as_server_user(const std::string& command) const {
    if (!as_nobody_) {
        return command;
    }
    return "setpriv --reuid=65534 --regid=65534 --clear-groups -- " + command;
}

bool PgCluster::run(const std::string& command) {
    std::string full = as_server_user(command) + " >>" + dir_ + "/commands.log 2>&1";
    int status = std::system(full.c_str());
    if (status != 0) {
        why_ = "failed (" + std::to_string(status) + "): " + command + "; see " + dir_ +
               "/commands.log";
        return false;
    }
    return true;
}

bool PgCluster::init_and_start() {
    bin_ = find_bin_dir();
    if (bin_.empty()) {
        why_ = "no /usr/lib/postgresql/*/bin/pg_ctl (package postgresql)";
        return false;
    }
    char tmpl[] = "/tmp/rg-pg-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
        why_ = "mkdtemp failed";
        return false;
    }
    dir_ = tmpl;
    as_nobody_ = geteuid() == 0;
    if (as_nobody_ && ::chown(dir_.c_str(), kNobody, kNobody) != 0) {
        why_ = "chown to nobody failed";
        return false;
    }
    port_ = free_port();
    return run(bin_ + "/initdb -D " + dir_ + "/data -A trust -U postgres -E UTF8 --no-sync") &&
           start();
}

bool PgCluster::start() {
    // fsync off: the tests kill clients, not the machine.
    std::string options = "-p " + std::to_string(port_) + " -k " + dir_ +
                          " -c listen_addresses=127.0.0.1 -c fsync=off";
    running_ = run(bin_ + "/pg_ctl -D " + dir_ + "/data -l " + dir_ + "/server.log -w -t 60 -o '" +
                   options + "' start");
    return running_;
}

bool PgCluster::stop() {
    bool ok = run(bin_ + "/pg_ctl -D " + dir_ + "/data -m fast -w -t 60 stop");
    running_ = !ok;
    return ok;
}

std::string PgCluster::url() const {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/postgres";
}

std::string PgCluster::query_value(const std::string& sql) {
    PGconn* conn = PQconnectdb(url().c_str());
    std::string value;
    if (PQstatus(conn) != CONNECTION_OK) {
        value = std::string("ERROR: ") + PQerrorMessage(conn);
    } else {
        PGresult* result = PQexec(conn, sql.c_str());
        ExecStatusType status = PQresultStatus(result);
        if (status == PGRES_TUPLES_OK && PQntuples(result) > 0) {
            value = PQgetvalue(result, 0, 0);
        } else if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
            value = std::string("ERROR: ") + PQresultErrorMessage(result);
        }
        PQclear(result);
    }
    PQfinish(conn);
    return value;
}

long PgCluster::query_long(const std::string& sql) {
    std::string value = query_value(sql);
    return value.empty() || value[0] == 'E' ? -1 : std::atol(value.c_str());
}

}  // namespace rg::test
