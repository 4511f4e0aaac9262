#include "pgexport/settings.h"

#include <gtest/gtest.h>

#include <map>

namespace rg::pgexport {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars](std::string_view name) -> std::optional<std::string> {
        auto it = vars.find(std::string(name));
        if (it == vars.end()) {
            return std::nullopt;
        }
        return it->second;
    };
}

TEST(Settings, ReadsStorageKeysWithVariables) {
    Settings s;
    std::string error = load_config_text(
        "server:\n  listen: [\"0.0.0.0:8080\"]\n"
        "storage:\n  traces: \"postgresql://rg:${PG_PASSWORD}@db/${PG_DB:-traces}\"\n"
        "  spool: /srv/spool\n  retention: 14d\n",
        env_of({{"PG_PASSWORD", "pw"}}), &s);
    EXPECT_EQ(error, "");
    EXPECT_EQ(s.dsn, "postgresql://rg:pw@db/traces");
    EXPECT_EQ(s.spool_dir, "/srv/spool");
    EXPECT_EQ(s.retention_s, 14u * 86400);
}

TEST(Settings, UnsetVariableOutsideStorageIsNotAnError) {
    Settings s;
    std::string error = load_config_text(
        "providers:\n  - {name: p, type: openai, keys: [{id: k, key: ${OPENAI_KEY}}]}\n"
        "storage: {traces: \"postgresql://h/db\"}\n",
        env_of({}), &s);
    EXPECT_EQ(error, "");
    EXPECT_EQ(s.dsn, "postgresql://h/db");
    EXPECT_EQ(s.spool_dir, "/var/lib/ringgate/spool");  // default
    EXPECT_EQ(s.retention_s, 30u * 86400);              // storage.retention's default
}

TEST(Settings, UnsetVariableInStorageIsNamed) {
    Settings s;
    std::string error = load_config_text("storage:\n  traces: \"${PG_URL}\"\n", env_of({}), &s);
    EXPECT_NE(error.find("storage.traces"), std::string::npos) << error;
    EXPECT_NE(error.find("PG_URL"), std::string::npos) << error;
}

TEST(Settings, DollarDollarBraceIsLiteral) {
    Settings s;
    EXPECT_EQ(load_config_text("storage: {spool: \"/a/$${x}\"}\n", env_of({}), &s), "");
    EXPECT_EQ(s.spool_dir, "/a/${x}");
}

TEST(Settings, RefusesBadRetentionAndMissingStorage) {
    Settings s;
    EXPECT_NE(load_config_text("storage: {retention: forever}\n", env_of({}), &s), "");
    EXPECT_NE(load_config_text("server: {}\n", env_of({}), &s), "");
    EXPECT_NE(load_config_text("storage: {traces: [1]}\n", env_of({}), &s), "");
    EXPECT_NE(load_config_text("storage: {traces: \"x\"\n", env_of({}), &s), "");  // YAML
}

TEST(Settings, ParsesRetentionUnits) {
    EXPECT_EQ(parse_retention("90s"), 90u);
    EXPECT_EQ(parse_retention("15m"), 900u);
    EXPECT_EQ(parse_retention("12h"), 43200u);
    EXPECT_EQ(parse_retention("30d"), 2592000u);
    EXPECT_FALSE(parse_retention("0d"));
    EXPECT_FALSE(parse_retention("d"));
    EXPECT_FALSE(parse_retention("3w"));
    EXPECT_FALSE(parse_retention("-1d"));
}

TEST(Settings, FlagsWithoutConfigFile) {
    Settings s;
    const char* argv[] = {"ringgate-pgexport", "--spool",     "/s", "--dsn",
                          "postgres://h/d",    "--retention", "1h"};
    EXPECT_EQ(parse_args(7, const_cast<char**>(argv), env_of({}), &s), "");
    EXPECT_EQ(s.spool_dir, "/s");
    EXPECT_EQ(s.dsn, "postgres://h/d");
    EXPECT_EQ(s.retention_s, 3600u);
}

TEST(Settings, RefusesSqliteTracesAndUnknownFlags) {
    Settings s;
    const char* bad_dsn[] = {"ringgate-pgexport", "--spool", "/s", "--dsn", "sqlite:///x.db"};
    EXPECT_NE(parse_args(5, const_cast<char**>(bad_dsn), env_of({}), &s), "");
    const char* unknown[] = {"ringgate-pgexport", "--frobnicate"};
    EXPECT_NE(parse_args(2, const_cast<char**>(unknown), env_of({}), &s), "");
    const char* missing[] = {"ringgate-pgexport", "--dsn"};
    EXPECT_NE(parse_args(2, const_cast<char**>(missing), env_of({}), &s), "");
}

}  // namespace
}  // namespace rg::pgexport
