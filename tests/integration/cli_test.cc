// The command line of the real binary: --version, --check-config, hash-key, start-up
// failures with a one-line cause.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include "harness/gateway.h"

namespace rg::test {
namespace {

struct RunResult {
    int code = -1;
    std::string output;
};

RunResult run(const std::string& args, const std::string& stdin_text = "") {
    TempDir d;
    d.write("in.txt", stdin_text);
    std::string cmd = ringgate_binary() + " " + args + " < " + d.file("in.txt") + " 2>&1";
    RunResult r;
    FILE* p = popen(cmd.c_str(), "r");
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) {
        r.output.append(buf.data(), n);
    }
    int status = pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

TEST(Cli, VersionPrintsNameAndVersion) {
    RunResult r = run("--version");
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(r.output.rfind("ringgate ", 0), 0u) << r.output;
}

TEST(Cli, CheckConfigAcceptsValidFileWithSummary) {
    TempDir d;
    d.write("ok.yaml", server_config(2, "    max_connections: 10\n"));
    RunResult r = run("--check-config " + d.file("ok.yaml"));
    EXPECT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("configuration is valid"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("127.0.0.1:0"), std::string::npos) << r.output;
}

TEST(Cli, CheckConfigReportsEveryErrorWithLineAndColumn) {
    TempDir d;
    d.write("bad.yaml",
            "server:\n"
            "  listen: [\"127.0.0.1:0\"]\n"
            "  workerz: 2\n"
            "  shutdown_grace: forever\n");
    RunResult r = run("--check-config " + d.file("bad.yaml"));
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.output.find(d.file("bad.yaml") + ":3:3"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("workerz"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(d.file("bad.yaml") + ":4:"), std::string::npos) << r.output;
}

TEST(Cli, HashKeyPrintsSha256OfStdinWithoutTrailingNewline) {
    RunResult r = run("hash-key", "sk-test\n");
    EXPECT_EQ(r.code, 0);
    // printf 'sk-test' | sha256sum
    EXPECT_EQ(r.output, "f3abf2a6cc4f00987743db5f544ba345b4899ae31f326d8ee9c4816de153c9e0\n");
}

TEST(Cli, StartFailsWithOneLineCauseWhenThePortIsTaken) {
    Gateway first(server_config(1, "    max_connections: 10\n"));
    ASSERT_TRUE(first.started()) << first.log();
    std::string cfg = server_config(1, "    max_connections: 10\n");
    cfg.replace(cfg.find("127.0.0.1:0"), 11, "127.0.0.1:" + std::to_string(first.admin_port()));
    Gateway second(cfg);
    EXPECT_FALSE(second.started());
    EXPECT_EQ(second.process().wait_exit(5000), 1);
    EXPECT_NE(second.log().find("Address already in use"), std::string::npos) << second.log();
}

TEST(Cli, UnknownArgumentIsRejected) {
    RunResult r = run("--frobnicate");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.output.find("unknown argument"), std::string::npos);
}

}  // namespace
}  // namespace rg::test
