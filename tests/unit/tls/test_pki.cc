#include "test_pki.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace rg::tls::test {
namespace {

void run(const std::string& cmd) {
    const std::string quiet = cmd + " >/dev/null 2>&1";
    if (std::system(quiet.c_str()) != 0) {
        std::fprintf(stderr, "test PKI: command failed: %s\n", cmd.c_str());
        std::abort();
    }
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
}

std::string ec_key(const std::string& path) {
    run("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + path);
    return path;
}

void make_ca(const std::string& dir, const std::string& name) {
    run("openssl req -x509 -new -key " + ec_key(dir + "/" + name + ".key") + " -out " + dir + "/" +
        name + ".crt -subj /CN=ringgate-test-" + name + " -days 2");
}

// A leaf for `key` signed by `ca`, valid for `days` (negative: already expired).
void make_leaf(const std::string& dir, const std::string& ca, const std::string& key,
               const std::string& out, int days) {
    const std::string csr = dir + "/" + out + ".csr";
    run("openssl req -new -key " + key + " -out " + csr + " -subj /CN=localhost");
    run("openssl x509 -req -in " + csr + " -CA " + dir + "/" + ca + ".crt -CAkey " + dir + "/" +
        ca + ".key -days " + std::to_string(days) + " -extfile " + dir + "/leaf.ext -out " + dir +
        "/" + out + ".crt");
}

class PkiCleanup : public ::testing::Environment {
  public:
    explicit PkiCleanup(std::string dir) : dir_(std::move(dir)) {}
    void TearDown() override { std::filesystem::remove_all(dir_); }

  private:
    std::string dir_;
};

Pki generate() {
    char templ[] = "/tmp/rg_tls_test_XXXXXX";
    if (mkdtemp(templ) == nullptr) {
        std::abort();
    }
    const std::string d = templ;
    ::testing::AddGlobalTestEnvironment(new PkiCleanup(d));
    write_file(d + "/leaf.ext",
               "basicConstraints=CA:FALSE\n"
               "keyUsage=critical,digitalSignature\n"
               "extendedKeyUsage=serverAuth\n"
               "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n");
    make_ca(d, "ca");
    make_ca(d, "other_ca");
    make_leaf(d, "ca", ec_key(d + "/server.key"), "server", 2);
    make_leaf(d, "other_ca", ec_key(d + "/other.key"), "other", 2);
    make_leaf(d, "ca", ec_key(d + "/expired.key"), "expired", -1);
    ec_key(d + "/unrelated.key");
    write_file(d + "/garbage.pem", "this is not a certificate\n");
    return Pki{d,
               d + "/ca.crt",
               d + "/server.crt",
               d + "/server.key",
               d + "/other_ca.crt",
               d + "/other.crt",
               d + "/other.key",
               d + "/expired.crt",
               d + "/expired.key",
               d + "/unrelated.key",
               d + "/garbage.pem"};
}

}  // namespace

const Pki& pki() {
    static const Pki generated = generate();
    return generated;
}

}  // namespace rg::tls::test
