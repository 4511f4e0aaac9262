#include "mock_harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <openssl/err.h>
#include <openssl/ssl.h>
#ifndef OPENSSL_IS_BORINGSSL
#error "the mock tests must build against BoringSSL"
#endif

namespace rg::mock::test {

uint64_t now_ms() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000 + static_cast<uint64_t>(ts.tv_nsec) / 1000000;
}

namespace {

bool read_file(const std::string& path, std::string* out) {
    std::ifstream f(path);
    if (!f) {
        return false;
    }
    std::stringstream ss;
    ss << f.rdbuf();
    *out = ss.str();
    return true;
}

int json_port(const std::string& text, const std::string& name) {
    size_t at = text.find("\"" + name + "\":");
    if (at == std::string::npos) {
        return 0;
    }
    return std::atoi(text.c_str() + at + name.size() + 3);
}

}  // namespace

bool MockProcess::start(const std::vector<std::string>& args) {
    char tmpl[] = "/tmp/rg-mock-test-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
        return false;
    }
    dir_ = tmpl;
    std::string port_file = dir_ + "/ports.json";
    std::vector<std::string> argv_s = {RG_MOCK_BINARY, "--port-file", port_file};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    // The mock renames the port file into place: wait for that event, not for time.
    int watch = inotify_init1(IN_CLOEXEC);
    inotify_add_watch(watch, dir_.c_str(), IN_MOVED_TO | IN_CLOSE_WRITE);
    pid_ = fork();
    if (pid_ == 0) {
        std::vector<char*> argv;
        for (auto& a : argv_s) {
            argv.push_back(a.data());
        }
        argv.push_back(nullptr);
        std::freopen("/dev/null", "w", stdout);
        execv(argv[0], argv.data());
        _exit(127);
    }
    pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
    bool ready = false;
    for (uint64_t deadline = now_ms() + 10000; !ready && now_ms() < deadline;) {
        std::string text;
        if (read_file(port_file, &text) && text.find('}') != std::string::npos) {
            http_port_ = static_cast<uint16_t>(json_port(text, "http"));
            https_port_ = static_cast<uint16_t>(json_port(text, "https"));
            ready = true;
            break;
        }
        pollfd fds[2] = {{watch, POLLIN, 0}, {pidfd_, POLLIN, 0}};
        int left = static_cast<int>(deadline - std::min(deadline, now_ms()));
        if (poll(fds, 2, left) <= 0 || (fds[1].revents & POLLIN)) {
            break;  // timed out, or the mock exited before listening
        }
        char events[4096];
        ssize_t ignored = read(watch, events, sizeof(events));
        (void)ignored;
    }
    close(watch);
    return ready;
}

int MockProcess::stop() {
    if (!dir_.empty()) {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
        dir_.clear();
    }
    if (pid_ <= 0) {
        return -1;
    }
    kill(pid_, SIGTERM);
    int status = 0;
    pollfd exited{pidfd_, POLLIN, 0};
    if (poll(&exited, 1, 5000) == 1 && waitpid(pid_, &status, 0) == pid_) {
        pid_ = -1;
        close(pidfd_);
        pidfd_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    pid_ = -1;
    close(pidfd_);
    pidfd_ = -1;
    return -1;
}

bool Client::connect(uint16_t port) {
    close();
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
}

bool Client::connect_tls(uint16_t port, const std::string& ca_file, std::string* alpn) {
    if (!connect(port)) {
        return false;
    }
    ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
    if (SSL_CTX_load_verify_locations(ctx_, ca_file.c_str(), nullptr) != 1) {
        return false;
    }
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    static const unsigned char protos[] = {2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
    SSL_CTX_set_alpn_protos(ctx_, protos, sizeof(protos));
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    SSL_set_tlsext_host_name(ssl_, "localhost");
    SSL_set1_host(ssl_, "localhost");
    if (SSL_connect(ssl_) != 1) {
        return false;
    }
    if (alpn != nullptr) {
        const uint8_t* p = nullptr;
        unsigned len = 0;
        SSL_get0_alpn_selected(ssl_, &p, &len);
        alpn->assign(reinterpret_cast<const char*>(p), len);
    }
    return true;
}

bool Client::send(const std::string& bytes) {
    size_t off = 0;
    while (off < bytes.size()) {
        long n = ssl_ != nullptr
                     ? SSL_write(ssl_, bytes.data() + off, static_cast<int>(bytes.size() - off))
                     : ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
        if (n <= 0) {
            return false;
        }
        off += static_cast<size_t>(n);
    }
    return true;
}

int Client::read_raw(char* buf, size_t n, int timeout_ms, int* err) {
    if (ssl_ != nullptr && SSL_pending(ssl_) > 0) {
        return SSL_read(ssl_, buf, static_cast<int>(n));
    }
    pollfd p{fd_, POLLIN, 0};
    int rc = poll(&p, 1, timeout_ms);
    if (rc == 0) {
        return -1;
    }
    if (ssl_ != nullptr) {
        int r = SSL_read(ssl_, buf, static_cast<int>(n));
        if (r > 0) {
            return r;
        }
        int e = SSL_get_error(ssl_, r);
        if (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && errno == 0)) {
            return 0;
        }
        if (e == SSL_ERROR_WANT_READ) {
            return read_raw(buf, n, timeout_ms, err);
        }
        if (err != nullptr) {
            *err = errno != 0 ? errno : EPROTO;
        }
        return -2;
    }
    ssize_t r = ::recv(fd_, buf, n, 0);
    if (r < 0) {
        if (err != nullptr) {
            *err = errno;
        }
        return -2;
    }
    return static_cast<int>(r);
}

int Client::read_some(std::string* out, int timeout_ms, int* err) {
    char buf[16384];
    errno = 0;
    int n = read_raw(buf, sizeof(buf), timeout_ms, err);
    if (n > 0) {
        out->append(buf, static_cast<size_t>(n));
    }
    return n;
}

bool Client::read_until(const std::string& needle, int timeout_ms) {
    uint64_t deadline = now_ms() + static_cast<uint64_t>(timeout_ms);
    while (raw_.find(needle, pos_) == std::string::npos) {
        uint64_t now = now_ms();
        if (now >= deadline || read_some(&raw_, static_cast<int>(deadline - now)) <= 0) {
            return false;
        }
    }
    return true;
}

// Ensures raw_ holds `want` bytes past pos_ (or a head / chunk line when want == 0 is
// handled by callers); false on EOF, timeout or error, recorded in *r.
bool Client::fill(size_t want, int timeout_ms, Response* r) {
    while (raw_.size() - pos_ < want) {
        int err = 0;
        int n = read_some(&raw_, timeout_ms, &err);
        if (n == 0) {
            r->eof = true;
            return false;
        }
        if (n == -1) {
            r->timed_out = true;
            return false;
        }
        if (n == -2) {
            r->sys_errno = err;
            return false;
        }
    }
    return true;
}

Response Client::read_response(int timeout_ms) {
    Response r;
    uint64_t start = now_ms();
    size_t head_end;
    while ((head_end = raw_.find("\r\n\r\n", pos_)) == std::string::npos) {
        if (!fill(raw_.size() - pos_ + 1, timeout_ms, &r)) {
            return r;
        }
    }
    r.head_ms = now_ms() - start;
    std::istringstream head(raw_.substr(pos_, head_end - pos_));
    pos_ = head_end + 4;
    std::string line;
    std::getline(head, line);
    r.status = std::atoi(line.c_str() + 9);
    while (std::getline(head, line)) {
        size_t colon = line.find(':');
        if (colon == std::string::npos) {
            continue;
        }
        std::string name = line.substr(0, colon);
        for (char& c : name) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        if (!value.empty() && value.back() == '\r') {
            value.pop_back();
        }
        r.headers[name] = value;
    }
    if (r.status == 100) {
        return read_response(timeout_ms);
    }
    r.chunked = r.header("transfer-encoding") == "chunked";
    if (!r.chunked) {
        size_t len = static_cast<size_t>(std::atoll(r.header("content-length").c_str()));
        bool ok = fill(len, timeout_ms, &r);
        size_t got = std::min(len, raw_.size() - pos_);
        r.body = raw_.substr(pos_, got);
        pos_ += got;
        r.complete = ok;
        return r;
    }
    for (;;) {
        size_t eol;
        while ((eol = raw_.find("\r\n", pos_)) == std::string::npos) {
            if (!fill(raw_.size() - pos_ + 1, timeout_ms, &r)) {
                return r;
            }
        }
        size_t size = std::strtoul(raw_.c_str() + pos_, nullptr, 16);
        if (!fill(eol - pos_ + 2 + size + 2, timeout_ms, &r)) {
            return r;
        }
        pos_ = eol + 2;
        r.body.append(raw_, pos_, size);
        pos_ += size + 2;
        if (size == 0) {
            r.complete = true;
            return r;
        }
    }
}

void Client::close() {
    if (ssl_ != nullptr) {
        SSL_free(ssl_);
        ssl_ = nullptr;
    }
    if (ctx_ != nullptr) {
        SSL_CTX_free(ctx_);
        ctx_ = nullptr;
    }
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    raw_.clear();
    pos_ = 0;
}

std::string build_request(const std::string& method, const std::string& path,
                          const Headers& headers, const std::string& body) {
    std::string req = method + " " + path + " HTTP/1.1\r\nhost: 127.0.0.1\r\n";
    for (const auto& [name, value] : headers) {
        req += name + ": " + value + "\r\n";
    }
    if (!body.empty() || method == "POST") {
        req += "content-type: application/json\r\ncontent-length: " + std::to_string(body.size()) +
               "\r\n";
    }
    return req + "\r\n" + body;
}

Response http(uint16_t port, const std::string& method, const std::string& path,
              const Headers& headers, const std::string& body, int timeout_ms) {
    Client c;
    if (!c.connect(port) || !c.send(build_request(method, path, headers, body))) {
        Response r;
        r.sys_errno = errno;
        return r;
    }
    return c.read_response(timeout_ms);
}

std::vector<SseEvent> parse_sse(const std::string& body, bool* framing_ok) {
    std::vector<SseEvent> events;
    bool ok = true;
    size_t pos = 0;
    while (pos < body.size()) {
        size_t end = body.find("\n\n", pos);
        if (end == std::string::npos) {
            ok = false;  // trailing bytes without the blank line
            break;
        }
        SseEvent ev;
        std::istringstream block(body.substr(pos, end - pos));
        std::string line;
        while (std::getline(block, line)) {
            if (line.rfind("event: ", 0) == 0) {
                ev.event = line.substr(7);
            } else if (line.rfind("data: ", 0) == 0) {
                ev.data = line.substr(6);
            } else {
                ok = false;
            }
        }
        events.push_back(ev);
        pos = end + 2;
    }
    if (framing_ok != nullptr) {
        *framing_ok = ok;
    }
    return events;
}

bool make_test_certs(const std::string& dir) {
    std::string d = dir;
    std::ofstream(d + "/ext.cnf") << "subjectAltName=DNS:localhost,IP:127.0.0.1\n";
    std::string cmd =
        "cd " + d +
        " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
        " -keyout ca.key -out ca.pem -days 1 -subj /CN=ringgate-mock-test-ca"
        " && openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
        " -keyout server.key -out server.csr -subj /CN=localhost"
        " && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial"
        " -out server.pem -days 1 -extfile ext.cnf";
    return std::system((cmd + " >/dev/null 2>&1").c_str()) == 0;
}

}  // namespace rg::mock::test
