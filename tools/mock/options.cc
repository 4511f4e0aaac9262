#include "mock/options.h"

#include <charconv>
#include <string_view>

namespace rg::mock {
namespace {

bool parse_number(std::string_view s, uint64_t max, uint64_t* out) {
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty() || v > max) {
        return false;
    }
    *out = v;
    return true;
}

}  // namespace

const char* usage_text() {
    return "usage: ringgate-mock [--listen HOST:PORT] [--tls-listen HOST:PORT --cert FILE "
           "--key FILE]\n"
           "                     [--threads N] [--tokens N] [--token-delay-ms MS]\n"
           "                     [--port-file PATH] [--attempts-max N]\n"
           "Defaults: --listen 127.0.0.1:0 (when no --tls-listen), --threads 1, --tokens 16,\n"
           "--token-delay-ms 0, --attempts-max 100000 (per thread; 0 disables the log).\n"
           "Prints {\"http\":PORT,\"https\":PORT} once listening. See tools/mock/README.md.\n";
}

bool parse_options(int argc, char** argv, Options* o, std::string* error) {
    for (int i = 1; i < argc; ++i) {
        std::string_view flag = argv[i];
        if (flag == "--help" || flag == "-h") {
            *error = "help";
            return false;
        }
        if (i + 1 >= argc) {
            *error = "missing value for " + std::string(flag);
            return false;
        }
        std::string_view value = argv[++i];
        uint64_t n = 0;
        bool ok = true;
        if (flag == "--listen") {
            o->listen = value;
        } else if (flag == "--tls-listen") {
            o->tls_listen = value;
        } else if (flag == "--cert") {
            o->cert_file = value;
        } else if (flag == "--key") {
            o->key_file = value;
        } else if (flag == "--port-file") {
            o->port_file = value;
        } else if (flag == "--threads") {
            ok = parse_number(value, limits::threads_max, &n) && n > 0;
            o->threads = static_cast<uint32_t>(n);
        } else if (flag == "--tokens") {
            ok = parse_number(value, limits::tokens_max, &n);
            o->tokens = static_cast<uint32_t>(n);
        } else if (flag == "--token-delay-ms") {
            ok = parse_number(value, limits::delay_ms_max, &n);
            o->token_delay_ms = static_cast<uint32_t>(n);
        } else if (flag == "--attempts-max") {
            ok = parse_number(value, 100000000, &n);
            o->attempts_max = n;
        } else {
            *error = "unknown flag " + std::string(flag);
            return false;
        }
        if (!ok) {
            *error = "bad value for " + std::string(flag) + ": " + std::string(value);
            return false;
        }
    }
    if (o->listen.empty() && o->tls_listen.empty()) {
        o->listen = "127.0.0.1:0";
    }
    if (!o->tls_listen.empty() && (o->cert_file.empty() || o->key_file.empty())) {
        *error = "--tls-listen needs --cert and --key";
        return false;
    }
    return true;
}

}  // namespace rg::mock
