#include "harness/mock_upstream.h"

#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cstdlib>

#include "harness/http_client.h"

namespace rg::test {

std::string mock_binary() {
    return RG_MOCK_BINARY;
}

MockUpstream::MockUpstream(const std::vector<std::string>& extra_args) {
    std::string port_file = dir_.file("ports.json");
    std::vector<std::string> argv = {mock_binary(), "--listen", "127.0.0.1:0", "--port-file",
                                     port_file};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    // The mock renames the port file into place: wait for that event, not for time.
    int in = inotify_init1(IN_CLOEXEC);
    inotify_add_watch(in, dir_.path().c_str(), IN_MOVED_TO | IN_CLOSE_WRITE);
    if (!process_.start(argv, dir_.file("mock.log"))) {
        close(in);
        return;
    }
    for (int i = 0; i < 100; ++i) {
        std::string text = read_file(port_file);
        size_t k = text.find("\"http\":");
        if (k != std::string::npos) {
            port_ = std::atoi(text.c_str() + k + 7);
            size_t t = text.find("\"https\":");
            tls_port_ = t == std::string::npos ? 0 : std::atoi(text.c_str() + t + 8);
            break;
        }
        pollfd p{in, POLLIN, 0};
        if (poll(&p, 1, 5000) <= 0) {
            break;
        }
        char buf[4096];
        ssize_t ignored = read(in, buf, sizeof(buf));
        (void)ignored;
    }
    close(in);
}

std::string MockUpstream::attempts(const std::string& query) {
    return http_get(port_, "/_mock/attempts" + (query.empty() ? "" : "?" + query)).body;
}

int MockUpstream::stop() {
    process_.signal(SIGTERM);
    return process_.wait_exit(5000);
}

void MockUpstream::reset() {
    HttpClient c;
    Response r;
    if (c.connect(port_)) {
        c.send("POST /_mock/reset HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
        c.read_response(&r);
    }
}

}  // namespace rg::test
