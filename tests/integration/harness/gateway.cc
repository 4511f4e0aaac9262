#include "harness/gateway.h"

#include <signal.h>

#include <cstdlib>

namespace rg::test {

std::string server_config(int workers, const std::string& limits_yaml,
                          const std::string& extra_server_yaml, const std::string& tail_yaml) {
    std::string y =
        "server:\n"
        "  listen: [\"127.0.0.1:0\"]\n"
        "  admin_listen: \"127.0.0.1:0\"\n"
        "  workers: " +
        std::to_string(workers) +
        "\n"
        "  shutdown_grace: 5s\n" +
        extra_server_yaml + "  limits:\n" + limits_yaml +
        "logging: {level: info, access_log: stderr, format: json}\n" + tail_yaml;
    return y;
}

Gateway::Gateway(const std::string& config_yaml, const std::vector<std::string>& env) {
    dir_.write("ringgate.yaml", config_yaml);
    std::vector<std::string> argv = {ringgate_binary(), "--config", config_path(), "--ready-file",
                                     dir_.file("ready.json")};
    started_ = process_.start(argv, dir_.file("ringgate.log"), env) &&
               process_.wait_ready(dir_.file("ready.json"), 10000, &ready_);
}

long long Gateway::metric(const std::string& name) {
    Response r = http_get(admin_port(), "/metrics");
    // An exact series ("name" or "name{labels}"); a bare name of a labelled family sums
    // its series.
    bool bare = name.find('{') == std::string::npos;
    long long sum = 0;
    bool found = false;
    for (size_t pos = r.body.find("\n" + name); pos != std::string::npos;
         pos = r.body.find("\n" + name, pos + 1)) {
        size_t end = pos + 1 + name.size();
        if (end >= r.body.size() || (r.body[end] != ' ' && !(bare && r.body[end] == '{'))) {
            continue;
        }
        size_t space = r.body.find(' ', end);
        if (space == std::string::npos) {
            break;
        }
        sum += std::atoll(r.body.c_str() + space + 1);
        found = true;
    }
    return found ? sum : -1;
}

bool Gateway::reload(const std::string& config_yaml) {
    dir_.write("ringgate.yaml", config_yaml);
    process_.signal(SIGHUP);
    return process_.wait_notify("RELOADING=1", 5000) && process_.wait_notify("READY=1", 5000);
}

}  // namespace rg::test
