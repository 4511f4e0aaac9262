#include "observe/log_records.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "log_test_util.h"

namespace rg::observe {
namespace {

constexpr uint64_t new_year_2026_us = 1767225600ull * 1000000 + 123456;

std::string access_line(const AccessRecord& r) {
    auto slot = std::make_unique<AccessSlot>();
    slot->fill(r);
    char out[limits::log_line_bytes_max];
    return std::string(out, format_access(*slot, out, sizeof(out)));
}

std::string audit_line(const AuditRecord& r) {
    auto slot = std::make_unique<AuditSlot>();
    slot->fill(r);
    char out[limits::log_line_bytes_max];
    return std::string(out, format_audit(*slot, out, sizeof(out)));
}

AccessRecord sample() {
    AccessRecord r;
    r.time_unix_us = new_year_2026_us;
    r.request_id = "req_01";
    r.client_key = "team-a";
    r.route = "/v1/chat/completions";
    r.format = "openai";
    r.model = "gpt-4o";
    r.model_served = "gpt-4o-2024-08-06";
    r.provider = "openai";
    r.key_id = "oa-1";
    r.status = 200;
    r.attempts = 2;
    r.stream = true;
    r.tokens_input = 12;
    r.tokens_output = 34;
    r.tokens_cached = 5;
    r.cost_nano_usd = 1'234'500;
    r.duration_us = 120'000;
    r.upstream_us = 80'000;
    r.ttft_us = 95'000;
    r.bytes_in = 512;
    r.bytes_out = 2048;
    return r;
}

TEST(AccessLine, GoldenJson) {
    EXPECT_EQ(access_line(sample()),
              "{\"ts\":\"2026-01-01T00:00:00.123456Z\",\"type\":\"access\","
              "\"request_id\":\"req_01\",\"client_key\":\"team-a\","
              "\"route\":\"/v1/chat/completions\",\"format\":\"openai\",\"model\":\"gpt-4o\","
              "\"model_served\":\"gpt-4o-2024-08-06\",\"provider\":\"openai\","
              "\"key_id\":\"oa-1\",\"stream\":true,\"attempts\":2,\"status\":200,\"error\":\"\","
              "\"tokens_input\":12,\"tokens_output\":34,\"tokens_cached\":5,"
              "\"cost_usd\":0.0012345,\"duration_us\":120000,\"upstream_us\":80000,"
              "\"ttft_us\":95000,\"bytes_in\":512,\"bytes_out\":2048}\n");
}

TEST(AuditLine, KeyStateChangeGoldenJson) {
    AuditRecord r;
    r.time_unix_us = new_year_2026_us;
    r.event = AuditEvent::key_state_change;
    r.request_id = "req-1";
    r.provider = "openai";
    r.key_id = "oa-1";
    r.from = "healthy";
    r.to = "cooling";
    r.reason = "rate_limited";
    r.cooldown_ms = 2000;
    r.actor = "ignored";  // fields of other events are not written
    EXPECT_EQ(audit_line(r),
              "{\"ts\":\"2026-01-01T00:00:00.123456Z\",\"type\":\"audit\","
              "\"event\":\"key_state_change\",\"request_id\":\"req-1\",\"provider\":\"openai\","
              "\"key_id\":\"oa-1\",\"from\":\"healthy\",\"to\":\"cooling\","
              "\"reason\":\"rate_limited\",\"cooldown_ms\":2000}\n");
}

TEST(AuditLine, AuthFailureGoldenJson) {
    AuditRecord r;
    r.time_unix_us = new_year_2026_us;
    r.event = AuditEvent::auth_failure;
    r.request_id = "req-2";
    r.route = "chat_completions";
    r.remote = "127.0.0.1:5555";
    r.key_source = "authorization";
    r.status = 401;
    r.suppressed = 7;
    EXPECT_EQ(audit_line(r),
              "{\"ts\":\"2026-01-01T00:00:00.123456Z\",\"type\":\"audit\","
              "\"event\":\"auth_failure\",\"request_id\":\"req-2\",\"route\":\"chat_completions\","
              "\"remote\":\"127.0.0.1:5555\",\"key_source\":\"authorization\",\"status\":401,"
              "\"suppressed\":7}\n");
}

TEST(AuditLine, ConfigReloadAndAdminGoldenJson) {
    AuditRecord r;
    r.time_unix_us = new_year_2026_us;
    r.event = AuditEvent::config_reload_refused;
    r.actor = "control";
    r.subject = "/etc/ringgate/ringgate.yaml";
    r.config_version = 3;
    r.errors = 2;
    EXPECT_EQ(audit_line(r),
              "{\"ts\":\"2026-01-01T00:00:00.123456Z\",\"type\":\"audit\","
              "\"event\":\"config_reload_refused\",\"actor\":\"control\","
              "\"subject\":\"/etc/ringgate/ringgate.yaml\",\"config_version\":3,\"errors\":2,"
              "\"result\":\"refused\"}\n");
    AuditRecord a;
    a.time_unix_us = new_year_2026_us;
    a.event = AuditEvent::admin_action;
    a.actor = "admin";
    a.subject = "/admin/keys/reset?provider=p";
    a.detail = "reset 2 keys";
    a.status = 200;
    EXPECT_EQ(audit_line(a),
              "{\"ts\":\"2026-01-01T00:00:00.123456Z\",\"type\":\"audit\","
              "\"event\":\"admin_action\",\"request_id\":\"\",\"actor\":\"admin\","
              "\"subject\":\"/admin/keys/reset?provider=p\",\"detail\":\"reset 2 keys\","
              "\"remote\":\"\",\"status\":200,\"result\":\"ok\"}\n");
}

TEST(AccessLine, HostileStringsStillGiveValidJson) {
    AccessRecord r = sample();
    std::string model = std::string("a\"b\\c\nd\x01\x7f") + "\xff\xfe" + "\xc3\xa9" +
                        "\xed\xa0\x80" /* surrogate */ + "\xe2\x82";  // cut 3-byte seq
    r.model = model;
    r.request_id = std::string_view("nul\0byte", 8);
    std::string line = access_line(r);
    ASSERT_EQ(line.back(), '\n');
    line.pop_back();
    simdjson::dom::parser parser;
    simdjson::dom::object o;
    ASSERT_TRUE(test::parse_object(parser, line, &o)) << line;
    EXPECT_EQ(test::get_string(o, "model"),
              "a\"b\\c\nd\x01\x7f\xef\xbf\xbd\xef\xbf\xbd\xc3\xa9"
              "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
              "\xef\xbf\xbd\xef\xbf\xbd");
    EXPECT_EQ(test::get_string(o, "request_id"), std::string("nul\0byte", 8));
    EXPECT_EQ(test::get_u64(o, "status"), 200u);
}

TEST(AccessLine, LongStringsAreCutToTheirLimitAtACharacterBoundary) {
    AccessRecord r = sample();
    std::string model(limits::model_bytes - 1, 'm');
    model += "\xc3\xa9";  // would end one byte past the limit
    r.model = model;
    std::string route(1000, 'r');
    r.route = route;
    std::string line = access_line(r);
    line.pop_back();
    simdjson::dom::parser parser;
    simdjson::dom::object o;
    ASSERT_TRUE(test::parse_object(parser, line, &o));
    EXPECT_EQ(test::get_string(o, "model"), std::string(limits::model_bytes - 1, 'm'));
    EXPECT_EQ(test::get_string(o, "route"), std::string(limits::route_bytes, 'r'));
}

TEST(AccessLine, WorstCaseRecordFitsTheLineBuffer) {
    // Every string at its limit and every byte escaped to \u00XX (6 bytes).
    std::string ctl(1000, '\x01');
    AccessRecord r;
    r.request_id = r.client_key = r.route = r.format = r.model = r.model_served = r.provider =
        r.key_id = r.error = ctl;
    r.time_unix_us = UINT64_MAX / 1000;  // a year far away still formats
    r.tokens_input = r.tokens_output = r.tokens_cached = r.cost_nano_usd = UINT64_MAX;
    r.duration_us = r.upstream_us = r.ttft_us = r.bytes_in = r.bytes_out = UINT64_MAX;
    std::string line = access_line(r);
    ASSERT_EQ(line.back(), '\n');
    EXPECT_EQ(line[line.size() - 2], '}');
    line.pop_back();
    simdjson::dom::parser parser;
    simdjson::dom::object o;
    EXPECT_TRUE(test::parse_object(parser, line, &o));
}

}  // namespace
}  // namespace rg::observe
