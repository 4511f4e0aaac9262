// Test harness for ringgate-mock: starts the real binary on port 0 (waiting for its port
// file by bounded polling), a small blocking HTTP/1.1 client over loopback (plain or TLS
// via BoringSSL), an SSE splitter and a throwaway CA generated with the openssl CLI.
// Used by one test thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

namespace rg::mock::test {

using Headers = std::vector<std::pair<std::string, std::string>>;

class MockProcess {
  public:
    MockProcess() = default;
    MockProcess(const MockProcess&) = delete;
    MockProcess& operator=(const MockProcess&) = delete;
    ~MockProcess() { stop(); }

    // Starts ringgate-mock with `args` plus --port-file; false if it did not report its
    // ports within 10 s.
    bool start(const std::vector<std::string>& args = {});
    // SIGTERM and wait (bounded); returns the exit status, or -1.
    int stop();

    uint16_t http_port() const { return http_port_; }
    uint16_t https_port() const { return https_port_; }
    const std::string& dir() const { return dir_; }

  private:
    int pid_ = -1;
    int pidfd_ = -1;  // readable once the mock has exited
    uint16_t http_port_ = 0;
    uint16_t https_port_ = 0;
    std::string dir_;
};

struct Response {
    int status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;                            // de-chunked
    bool chunked = false;
    bool complete = false;  // full content-length read, or the last chunk seen
    bool eof = false;       // the server closed the connection
    bool timed_out = false;
    int sys_errno = 0;     // a read error (ECONNRESET) before or during the reply
    uint64_t head_ms = 0;  // time from request sent to the end of the head

    std::string header(const std::string& name) const {
        auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
};

class Client {
  public:
    Client() = default;
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;
    ~Client() { close(); }

    bool connect(uint16_t port);
    // TLS to 127.0.0.1 verifying the server certificate against `ca_file`.
    bool connect_tls(uint16_t port, const std::string& ca_file, std::string* alpn = nullptr);
    bool send(const std::string& bytes);
    // Reads one response; gives up after `timeout_ms` without progress.
    Response read_response(int timeout_ms = 5000);
    // Reads whatever arrives within `timeout_ms` (0 bytes: timed out). Returns bytes read,
    // 0 on EOF, -1 on timeout, -2 on error (errno in *err).
    int read_some(std::string* out, int timeout_ms, int* err = nullptr);
    // Reads until `needle` appears in the raw bytes (or timeout/EOF); true if found.
    bool read_until(const std::string& needle, int timeout_ms);
    const std::string& raw() const { return raw_; }
    void close();
    int fd() const { return fd_; }

  private:
    int read_raw(char* buf, size_t n, int timeout_ms, int* err);
    bool fill(size_t want, int timeout_ms, Response* r);

    int fd_ = -1;
    SSL_CTX* ctx_ = nullptr;
    SSL* ssl_ = nullptr;
    std::string raw_;  // unconsumed received bytes
    size_t pos_ = 0;   // read position in raw_
};

std::string build_request(const std::string& method, const std::string& path,
                          const Headers& headers, const std::string& body);

// One request on a fresh connection.
Response http(uint16_t port, const std::string& method, const std::string& path,
              const Headers& headers = {}, const std::string& body = {}, int timeout_ms = 5000);

struct SseEvent {
    std::string event;
    std::string data;
};
// Splits an SSE body into events; *framing_ok is false if any block is not "\n\n"-framed
// or has a line other than event:/data:.
std::vector<SseEvent> parse_sse(const std::string& body, bool* framing_ok = nullptr);

// Writes ca.pem, server.pem and server.key (SAN localhost, 127.0.0.1) into `dir`.
bool make_test_certs(const std::string& dir);

uint64_t now_ms();

}  // namespace rg::mock::test
