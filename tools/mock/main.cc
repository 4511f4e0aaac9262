// ringgate-mock: a deterministic mock of the OpenAI, Anthropic and Gemini APIs with
// injectable faults. main() parses flags, opens listeners, starts one worker thread per
// --threads, reports the bound ports and waits for SIGINT/SIGTERM. See README.md.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "mock/listener.h"
#include "mock/shared.h"
#include "mock/tls.h"
#include "mock/worker.h"

namespace {

using rg::mock::Shared;
using rg::mock::Worker;

bool write_port_file(const std::string& path, const std::string& line) {
    std::string tmp = path + ".tmp." + std::to_string(getpid());
    FILE* f = std::fopen(tmp.c_str(), "w");
    if (f == nullptr) {
        return false;
    }
    bool ok = std::fputs(line.c_str(), f) >= 0;
    ok = std::fclose(f) == 0 && ok;
    return ok && std::rename(tmp.c_str(), path.c_str()) == 0;  // readers never see half a line
}

std::string ports_line(const std::vector<int>& http, uint16_t http_port,
                       const std::vector<int>& https, uint16_t https_port) {
    std::string h = http.empty() ? "null" : std::to_string(http_port);
    std::string s = https.empty() ? "null" : std::to_string(https_port);
    return "{\"http\":" + h + ",\"https\":" + s + "}\n";
}

int fail(const std::string& why) {
    std::fprintf(stderr, "ringgate-mock: %s\n", why.c_str());
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    auto shared = std::make_unique<Shared>();
    std::string error;
    if (!rg::mock::parse_options(argc, argv, &shared->options, &error)) {
        std::fputs(rg::mock::usage_text(), error == "help" ? stdout : stderr);
        if (error == "help") {
            return 0;
        }
        return fail(error);
    }
    const rg::mock::Options& o = shared->options;
    // Signals are taken by sigwait() in this thread only; SIGPIPE never kills a worker.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    signal(SIGPIPE, SIG_IGN);

    std::vector<int> http_fds, https_fds;
    uint16_t http_port = 0, https_port = 0;
    if (!o.listen.empty() &&
        !rg::mock::open_listeners(o.listen, o.threads, &http_fds, &http_port, &error)) {
        return fail(error + " (" + o.listen + ")");
    }
    if (!o.tls_listen.empty()) {
        shared->tls = rg::mock::make_server_tls(o.cert_file, o.key_file, &error);
        if (shared->tls == nullptr ||
            !rg::mock::open_listeners(o.tls_listen, o.threads, &https_fds, &https_port, &error)) {
            return fail(error);
        }
    }
    shared->clock.start_ns = rg::monotonic_ns();
    std::vector<std::unique_ptr<Worker>> workers;
    for (uint32_t i = 0; i < o.threads; ++i) {
        shared->logs.push_back(
            std::make_unique<rg::mock::AttemptLog>(&shared->clock, o.attempts_max));
    }
    for (uint32_t i = 0; i < o.threads; ++i) {
        workers.push_back(std::make_unique<Worker>(shared.get(), i,
                                                   http_fds.empty() ? -1 : http_fds[i],
                                                   https_fds.empty() ? -1 : https_fds[i]));
        if (!workers.back()->init()) {
            return fail("cannot create the event loop (epoll/eventfd)");
        }
    }
    std::vector<std::thread> threads;
    for (auto& w : workers) {
        threads.emplace_back([worker = w.get()] { worker->run(); });
    }
    std::string line = ports_line(http_fds, http_port, https_fds, https_port);
    std::fputs(line.c_str(), stdout);
    std::fflush(stdout);
    if (!o.port_file.empty() && !write_port_file(o.port_file, line)) {
        std::fprintf(stderr, "ringgate-mock: cannot write port file %s\n", o.port_file.c_str());
    }
    int sig = 0;
    sigwait(&stop_signals, &sig);
    for (auto& w : workers) {
        w->stop();
    }
    for (auto& t : threads) {
        t.join();
    }
    workers.clear();
    for (int fd : http_fds) {
        close(fd);
    }
    for (int fd : https_fds) {
        close(fd);
    }
    if (shared->tls != nullptr) {
        rg::mock::free_server_tls(shared->tls);
    }
    return 0;
}
