#include "harness/tls_client.h"

#include <poll.h>
#include <sys/socket.h>

#include <chrono>

namespace rg::test {

std::shared_ptr<tls::ClientContext> client_context(const std::string& ca_file) {
    tls::ClientOptions o;
    o.verify = true;
    o.ca_file = ca_file;
    o.alpn = {"http/1.1"};
    auto ctx = tls::ClientContext::create(o);
    return ctx.ok() ? *ctx : nullptr;
}

bool TlsClient::connect_tls(int port, const std::string& host, int timeout_ms) {
    error_.clear();
    close_notify_ = false;
    if (!connect(port, timeout_ms)) {
        error_ = "connect failed";
        return false;
    }
    engine_ = tls::Engine::client(ctx_, host, nullptr, static_cast<uint16_t>(port));
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!engine_->handshake_done()) {
        if (!flush()) {
            return false;
        }
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - std::chrono::steady_clock::now())
                        .count();
        if (left <= 0 || !receive(static_cast<int>(left))) {
            if (error_.empty()) {
                error_ = "handshake did not finish";
            }
            return false;
        }
    }
    return flush();
}

bool TlsClient::flush() {
    for (std::string_view out = engine_->pending_output(); !out.empty();
         out = engine_->pending_output()) {
        ssize_t n = ::send(fd_, out.data(), out.size(), MSG_NOSIGNAL);
        if (n <= 0) {
            error_ = "send failed";
            return false;
        }
        engine_->consume_output(static_cast<size_t>(n));
    }
    return true;
}

bool TlsClient::receive(int timeout_ms) {
    pollfd pfd{fd_, POLLIN, 0};
    if (::poll(&pfd, 1, timeout_ms) <= 0) {
        return false;
    }
    char tmp[65536];
    ssize_t n = ::recv(fd_, tmp, sizeof(tmp), 0);
    if (n <= 0) {
        eof_ = true;
        error_ = "connection closed by the server";
        return false;
    }
    if (engine_->feed(tmp, static_cast<size_t>(n)) == tls::Status::error) {
        eof_ = true;
        error_ = engine_->error_reason();
        return false;
    }
    return true;
}

bool TlsClient::send(std::string_view bytes) {
    return engine_ != nullptr && engine_->write(bytes.data(), bytes.size()) == tls::Status::ok &&
           flush();
}

bool TlsClient::fill(int timeout_ms) {
    if (eof_ || engine_ == nullptr) {
        return false;
    }
    while (true) {
        char tmp[16384];
        size_t n = 0;
        tls::Status st = engine_->read(tmp, sizeof(tmp), &n);
        if (n > 0) {
            buf_.append(tmp, n);
            return true;
        }
        if (st == tls::Status::closed || st == tls::Status::error) {
            close_notify_ = st == tls::Status::closed;
            eof_ = true;
            return false;
        }
        if (!flush() || !receive(timeout_ms)) {
            return false;
        }
    }
}

}  // namespace rg::test
