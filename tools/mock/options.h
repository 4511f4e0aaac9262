// Command-line options of ringgate-mock. Parsed once by main() before any worker starts;
// read-only afterwards (shared by all workers without locks).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "mock/limits.h"

namespace rg::mock {

struct Options {
    std::string listen;      // "host:port" for plain HTTP; empty: none
    std::string tls_listen;  // "host:port" for HTTPS; empty: none
    std::string cert_file;
    std::string key_file;
    std::string port_file;
    uint32_t threads = 1;
    uint32_t tokens = 16;
    uint32_t token_delay_ms = 0;
    size_t attempts_max = limits::attempts_per_thread_default;
};

// Parses argv; on error returns false with a one-line reason in *error.
bool parse_options(int argc, char** argv, Options* out, std::string* error);
const char* usage_text();

}  // namespace rg::mock
