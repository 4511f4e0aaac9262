#include "app/cli.h"

#ifndef OPENSSL_IS_BORINGSSL
#include <openssl/base.h>
#endif
#include <openssl/sha.h>
#ifndef OPENSSL_IS_BORINGSSL
#error "BoringSSL headers expected (-I/usr/include/android); OpenSSL 3 must not be used"
#endif

#include <cstdio>
#include <cstring>
#include <iostream>
#include <iterator>
#include <string>

#include "app/gateway.h"
#include "base/log.h"
#include "config/config.h"

#ifndef RG_VERSION
#define RG_VERSION "unknown"
#endif

namespace rg::app {
namespace {

constexpr const char* default_config = "/etc/ringgate/ringgate.yaml";

void usage(FILE* out) {
    std::fprintf(
        out,
        "usage: ringgate [--config FILE] [--ready-file FILE]\n"
        "       ringgate --check-config FILE\n"
        "       ringgate --version\n"
        "       ringgate hash-key < key\n"
        "\n"
        "  --config FILE       run the gateway (default %s)\n"
        "  --check-config FILE validate FILE, print a summary, exit 0 (valid) or 1\n"
        "  --ready-file FILE   once listening, write {\"pid\",\"listen\":[ports],\"admin\"}\n"
        "                      to FILE (for scripts and tests using port 0)\n"
        "  hash-key            read a client key on stdin, print its key_sha256\n",
        default_config);
}

int check_config(const std::string& path) {
    config::LoadResult r = config::load_file(path, config::process_env());
    for (const config::Diagnostic& d : r.errors) {
        std::fprintf(stderr, "%s\n", config::format_diagnostic(path, d).c_str());
    }
    if (!r.ok()) {
        std::fprintf(stderr, "%s: %zu error(s); configuration is invalid\n", path.c_str(),
                     r.errors.size());
        return 1;
    }
    if (r.snapshot->server.has_tls) {
        // The files are read as a start would read them: a config that cannot start is
        // not valid.
        std::string error;
        if (make_server_tls(r.snapshot->server, &error) == nullptr) {
            std::fprintf(stderr, "%s\n",
                         config::format_diagnostic(path, config::Diagnostic{0, 0, error}).c_str());
            std::fprintf(stderr, "%s: 1 error(s); configuration is invalid\n", path.c_str());
            return 1;
        }
    }
    std::fputs(config::summary(*r.snapshot).c_str(), stdout);
    std::printf("%s: configuration is valid\n", path.c_str());
    return 0;
}

int hash_key() {
    std::string key((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) {
        key.pop_back();
    }
    if (key.empty()) {
        std::fprintf(stderr, "hash-key: no key on stdin\n");
        return 1;
    }
    uint8_t digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const uint8_t*>(key.data()), key.size(), digest);
    for (uint8_t b : digest) {
        std::printf("%02x", b);
    }
    std::printf("\n");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    GatewayOptions options;
    options.config_path = default_config;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        auto value = [&](const char* name) -> const char* {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", name);
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--version" || arg == "-v") {
            std::printf("ringgate %s\n", RG_VERSION);
            return 0;
        } else if (arg == "--help" || arg == "-h") {
            usage(stdout);
            return 0;
        } else if (arg == "--check-config" || arg == "-t") {
            return check_config(value("--check-config"));
        } else if (arg == "hash-key") {
            return hash_key();
        } else if (arg == "--config" || arg == "-c") {
            options.config_path = value("--config");
        } else if (arg == "--ready-file") {
            options.ready_file = value("--ready-file");
        } else {
            std::fprintf(stderr, "unknown argument: %s\n\n", arg.c_str());
            usage(stderr);
            return 2;
        }
    }
    Gateway gateway(options);
    return gateway.run();
}

}  // namespace rg::app
