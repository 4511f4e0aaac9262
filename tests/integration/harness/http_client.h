// A small blocking HTTP/1.1 client over loopback for integration tests: raw bytes out,
// whole responses in (Content-Length, chunked or close-delimited), every wait bounded by
// a poll() timeout. Test-only.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rg::test {

struct Response {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // Case-insensitive first header value, "" if absent.
    std::string header(std::string_view name) const;
};

class HttpClient {
  public:
    HttpClient() = default;
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;
    virtual ~HttpClient();

    bool connect(int port, int timeout_ms = 2000);
    virtual bool send(std::string_view bytes);
    // Reads one response. `head_only` for answers to HEAD (no body despite Content-Length).
    bool read_response(Response* out, int timeout_ms = 5000, bool head_only = false);
    // True when the peer closes (EOF or reset) within `timeout_ms` with no further bytes
    // (bytes received first are kept in pending()).
    bool wait_closed(int timeout_ms);
    // Reads until pending() holds `needle`; false on EOF or when `timeout_ms` pass first.
    bool read_until(std::string_view needle, int timeout_ms);
    // True when nothing at all arrives within `timeout_ms`.
    bool silent_for(int timeout_ms);
    void set_recv_buffer(int bytes);
    void close();
    int fd() const { return fd_; }
    const std::string& pending() const { return buf_; }

    // Convenience: GET `path` and read the answer.
    bool get(const std::string& path, Response* out, int timeout_ms = 5000);

  protected:
    // Reads more bytes into buf_; false on timeout/EOF (then eof_ tells which). A TLS
    // client (tls_client.h) overrides it and send() to carry the same HTTP over TLS.
    virtual bool fill(int timeout_ms);

    int fd_ = -1;
    std::string buf_;
    bool eof_ = false;

  private:
    bool read_line(std::string* line, int timeout_ms);
    bool read_exact(size_t n, std::string* out, int timeout_ms);
};

// One-shot GET on a fresh connection.
Response http_get(int port, const std::string& path, int timeout_ms = 5000);

}  // namespace rg::test
