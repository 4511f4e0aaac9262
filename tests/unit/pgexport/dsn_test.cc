#include "pgexport/dsn.h"

#include <gtest/gtest.h>

namespace rg::pgexport {
namespace {

TEST(Dsn, AcceptsPostgresqlAndPostgresSchemes) {
    EXPECT_EQ(check_dsn("postgresql://u@h/db"), "");
    EXPECT_EQ(check_dsn("postgres://u:p@h:5433/db?sslmode=require"), "");
}

TEST(Dsn, SchemeInAnyCaseIsLowered) {
    EXPECT_EQ(check_dsn("PostgreSQL://u@h/db"), "");
    EXPECT_EQ(normalize_dsn("PostgreSQL://U:P@H/Db"), "postgresql://U:P@H/Db");
    EXPECT_EQ(normalize_dsn("POSTGRES://h/d"), "postgres://h/d");
    EXPECT_EQ(describe_dsn("POSTGRES://u:p@h/d"), "postgres://u@h/d");
}

TEST(Dsn, RefusesOtherSchemesWithoutRepeatingTheRest) {
    std::string error = check_dsn("sqlite:///var/lib/ringgate/traces.db");
    EXPECT_NE(error.find("'sqlite'"), std::string::npos) << error;
    error = check_dsn("mysql://root:hunter2@db/x");
    EXPECT_EQ(error.find("hunter2"), std::string::npos) << error;
    EXPECT_NE(check_dsn(""), "");
}

TEST(Dsn, DescriptionDropsPasswordAndQuery) {
    EXPECT_EQ(describe_dsn("postgresql://ringgate:s3cret@db.internal:5433/traces"),
              "postgresql://ringgate@db.internal:5433/traces");
    EXPECT_EQ(describe_dsn("postgresql://db/traces?password=s3cret&sslmode=require"),
              "postgresql://db/traces");
    // '@' inside a password (percent-encoding forgotten): the last '@' ends the userinfo.
    EXPECT_EQ(describe_dsn("postgres://u:a@b@h/d"), "postgres://u@h/d");
    EXPECT_EQ(describe_dsn("postgresql://u@h/d"), "postgresql://u@h/d");
}

}  // namespace
}  // namespace rg::pgexport
