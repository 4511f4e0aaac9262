#include "harness/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <strings.h>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace rg::test {

std::string Response::header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
        if (k.size() == name.size() && strncasecmp(k.data(), name.data(), k.size()) == 0) {
            return v;
        }
    }
    return "";
}

HttpClient::~HttpClient() {
    close();
}

void HttpClient::close() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    buf_.clear();
    eof_ = false;
}

bool HttpClient::connect(int port, int timeout_ms) {
    close();
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
}

void HttpClient::set_recv_buffer(int bytes) {
    setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
}

bool HttpClient::send(std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0) {
            return false;
        }
        bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

bool HttpClient::fill(int timeout_ms) {
    if (eof_) {
        return false;
    }
    pollfd pfd{fd_, POLLIN, 0};
    if (::poll(&pfd, 1, timeout_ms) <= 0) {
        return false;
    }
    char tmp[65536];
    ssize_t n = ::recv(fd_, tmp, sizeof(tmp), 0);
    if (n <= 0) {
        eof_ = true;
        return false;
    }
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
}

bool HttpClient::read_line(std::string* line, int timeout_ms) {
    while (true) {
        size_t pos = buf_.find("\r\n");
        if (pos != std::string::npos) {
            *line = buf_.substr(0, pos);
            buf_.erase(0, pos + 2);
            return true;
        }
        if (!fill(timeout_ms)) {
            return false;
        }
    }
}

bool HttpClient::read_exact(size_t n, std::string* out, int timeout_ms) {
    while (buf_.size() < n) {
        if (!fill(timeout_ms)) {
            return false;
        }
    }
    out->append(buf_, 0, n);
    buf_.erase(0, n);
    return true;
}

bool HttpClient::read_response(Response* out, int timeout_ms, bool head_only) {
    *out = Response{};
    std::string line;
    if (!read_line(&line, timeout_ms) || line.size() < 12 || line.rfind("HTTP/1.", 0) != 0) {
        return false;
    }
    out->status = std::atoi(line.c_str() + 9);
    while (read_line(&line, timeout_ms)) {
        if (line.empty()) {
            break;
        }
        size_t colon = line.find(':');
        if (colon == std::string::npos) {
            return false;
        }
        size_t v = line.find_first_not_of(' ', colon + 1);
        out->headers.emplace_back(line.substr(0, colon),
                                  v == std::string::npos ? "" : line.substr(v));
    }
    if (out->status == 100 || head_only || out->status == 204 || out->status == 304) {
        return true;
    }
    std::string te = out->header("Transfer-Encoding");
    std::string cl = out->header("Content-Length");
    if (te == "chunked") {
        while (true) {
            if (!read_line(&line, timeout_ms)) {
                return false;
            }
            size_t size = std::strtoul(line.c_str(), nullptr, 16);
            if (size == 0) {
                read_line(&line, timeout_ms);  // final CRLF (no trailers from ringgate)
                return true;
            }
            std::string crlf;
            if (!read_exact(size, &out->body, timeout_ms) || !read_exact(2, &crlf, timeout_ms)) {
                return false;
            }
        }
    }
    if (!cl.empty()) {
        return read_exact(std::strtoul(cl.c_str(), nullptr, 10), &out->body, timeout_ms);
    }
    while (fill(timeout_ms)) {
    }
    out->body = buf_;
    buf_.clear();
    return eof_;
}

bool HttpClient::wait_closed(int timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!eof_) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - std::chrono::steady_clock::now())
                        .count();
        if (left <= 0 || (!fill(static_cast<int>(left)) && !eof_)) {
            return eof_;
        }
    }
    return true;
}

bool HttpClient::read_until(std::string_view needle, int timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (buf_.find(needle) == std::string::npos) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - std::chrono::steady_clock::now())
                        .count();
        if (left <= 0 || !fill(static_cast<int>(left))) {
            return false;
        }
    }
    return true;
}

bool HttpClient::silent_for(int timeout_ms) {
    pollfd pfd{fd_, POLLIN, 0};
    return ::poll(&pfd, 1, timeout_ms) == 0;
}

bool HttpClient::get(const std::string& path, Response* out, int timeout_ms) {
    return send("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n") &&
           read_response(out, timeout_ms);
}

Response http_get(int port, const std::string& path, int timeout_ms) {
    HttpClient c;
    Response r;
    if (c.connect(port)) {
        c.get(path, &r, timeout_ms);
    }
    return r;
}

}  // namespace rg::test
