// /metrics on the real binary after known traffic: every labelled family's series have the
// exact values the requests imply (across both workers' blocks), the whole text is valid
// Prometheus text format 0.0.4, and no upstream or client secret appears in it.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "harness/fixture.h"

namespace rg::test {
namespace {

std::string config(int port) {
    std::string base = "\"http://127.0.0.1:" + std::to_string(port);
    return server_config(2, "") + "providers:\n" +
           mock_provider("oa", "openai", port, "o1", "sk-metrics-oa-secret") +
           mock_provider("an", "anthropic", port, "a1", "sk-metrics-an-secret") +
           "  - {name: lim, type: openai, base_url: " + base +
           "/v1\",\n"
           "     keys: [{id: r1, key: \"sk-metrics-lim-secret~429~retry_after=30\"}]}\n"
           "  - {name: lim2, type: openai, base_url: " +
           base +
           "/v1\",\n"
           "     keys: [{id: r2, key: \"sk-metrics-lim2-secret~429~retry_after=30\"}]}\n"
           "  - {name: fl, type: openai, base_url: " +
           base +
           "/v1\",\n"
           "     keys: [{id: f1, key: \"sk-metrics-fl-secret~500~count=1\"}],\n"
           "     backoff: {base: 10ms, max: 50ms}}\n"
           "models:\n"
           "  - {name: gpt-4o, targets: [{provider: oa}]}\n"
           "  - {name: claude-sonnet-4-5, targets: [{provider: an}]}\n"
           "  - {name: slow-model, targets: [{provider: lim, model: gpt-4o-mini}]}\n"
           "  - {name: fo, targets: [{provider: lim2}], fallbacks: [gpt-4o]}\n"
           "  - {name: flaky, targets: [{provider: fl, model: gpt-4o}]}\n"
           "client_keys:\n"
           "  - {name: team-a, key: ck-metrics-team-secret}\n"
           "  - {name: tight, key: ck-metrics-tight-secret,\n"
           "     rate_limit: {requests_per_second: 0, burst: 1}}\n"
           "pricing:\n"
           "  gpt-4o: {input: 2.5, output: 10}\n";
}

std::string post(const std::string& body, const std::string& key) {
    return "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
           "Authorization: Bearer " +
           key + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string chat(const std::string& model, bool stream = false) {
    return "{\"model\":\"" + model + "\",\"stream\":" + (stream ? "true" : "false") +
           ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
}

// --- A Prometheus text format 0.0.4 checker -----------------------------------------------

struct Sample {
    std::string name;
    std::vector<std::pair<std::string, std::string>> labels;
    std::string value;
};

bool valid_name(const std::string& s, bool metric) {
    if (s.empty()) {
        return false;
    }
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                  (metric && c == ':') || (i > 0 && c >= '0' && c <= '9');
        if (!ok) {
            return false;
        }
    }
    return true;
}

// Parses `name{a="b",...} value`; false with *why on anything malformed.
bool parse_sample(const std::string& line, Sample* s, std::string* why) {
    size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') {
        ++i;
    }
    s->name = line.substr(0, i);
    if (!valid_name(s->name, true)) {
        *why = "bad metric name";
        return false;
    }
    if (i < line.size() && line[i] == '{') {
        ++i;
        while (i < line.size() && line[i] != '}') {
            size_t eq = line.find('=', i);
            if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"') {
                *why = "bad label pair";
                return false;
            }
            std::string lname = line.substr(i, eq - i);
            std::string value;
            size_t j = eq + 2;
            for (; j < line.size() && line[j] != '"'; ++j) {
                if (line[j] == '\\') {
                    ++j;
                    if (j >= line.size() || (line[j] != '\\' && line[j] != '"' && line[j] != 'n')) {
                        *why = "bad escape";
                        return false;
                    }
                }
                value += line[j];
            }
            if (j >= line.size() || !valid_name(lname, false) || lname.rfind("__", 0) == 0) {
                *why = "bad label";
                return false;
            }
            s->labels.emplace_back(lname, value);
            i = j + 1;
            if (i < line.size() && line[i] == ',') {
                ++i;
            }
        }
        if (i >= line.size()) {
            *why = "unterminated labels";
            return false;
        }
        ++i;
    }
    if (i >= line.size() || line[i] != ' ') {
        *why = "no value";
        return false;
    }
    s->value = line.substr(i + 1);
    char* end = nullptr;
    std::strtod(s->value.c_str(), &end);
    if (s->value.empty() || (*end != '\0' && s->value != "+Inf")) {
        *why = "bad value";
        return false;
    }
    return true;
}

std::string series_key(const std::string& name,
                       const std::vector<std::pair<std::string, std::string>>& labels,
                       const std::string& skip = "") {
    std::map<std::string, std::string> sorted;
    for (const auto& [k, v] : labels) {
        if (k != skip) {
            sorted[k] = v;
        }
    }
    std::string key = name + "{";
    for (const auto& [k, v] : sorted) {
        key += k + "=\"" + v + "\",";
    }
    return key + "}";
}

struct Histogram {
    std::vector<std::pair<double, double>> buckets;  // le, cumulative count
    double count = -1;
};

// Checks the whole exposition; returns the problems found (empty: valid).
std::vector<std::string> check_exposition(const std::string& text) {
    std::vector<std::string> problems;
    std::map<std::string, std::string> types;  // family -> type
    std::set<std::string> helps, done_families, series;
    std::map<std::string, Histogram> histograms;
    std::string current;  // the family whose samples are being read
    size_t start = 0;
    if (text.empty() || text.back() != '\n') {
        problems.push_back("text does not end with a newline");
    }
    while (start < text.size()) {
        size_t nl = text.find('\n', start);
        std::string line = text.substr(start, nl - start);
        start = nl == std::string::npos ? text.size() : nl + 1;
        if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
            bool help = line[2] == 'H';
            std::string rest = line.substr(7);
            std::string name = rest.substr(0, rest.find(' '));
            if (!(help ? helps : done_families).insert(name).second &&
                (help || types.count(name))) {
                problems.push_back("HELP/TYPE twice for " + name);
            }
            if (!help) {
                std::string type = rest.substr(rest.find(' ') + 1);
                if (type != "counter" && type != "gauge" && type != "histogram") {
                    problems.push_back("unknown type " + type);
                }
                if (types.count(name)) {
                    problems.push_back("TYPE twice for " + name);
                }
                types[name] = type;
                current = name;
            }
            continue;
        }
        Sample s;
        std::string why;
        if (!parse_sample(line, &s, &why)) {
            problems.push_back(why + ": " + line);
            continue;
        }
        std::string family = s.name;
        for (const char* suffix : {"_bucket", "_sum", "_count"}) {
            size_t n = std::char_traits<char>::length(suffix);
            if (family.size() > n && family.compare(family.size() - n, n, suffix) == 0 &&
                types.count(family.substr(0, family.size() - n)) &&
                types[family.substr(0, family.size() - n)] == "histogram") {
                family = family.substr(0, family.size() - n);
            }
        }
        if (family != current) {
            problems.push_back("sample outside its family's block: " + line);
        }
        if (!series.insert(series_key(s.name, s.labels)).second) {
            problems.push_back("duplicate series: " + line);
        }
        if (types[family] != "histogram") {
            continue;
        }
        Histogram& h = histograms[series_key(family, s.labels, "le")];
        double v = std::strtod(s.value.c_str(), nullptr);
        if (s.name == family + "_bucket") {
            std::string le;
            for (const auto& [k, val] : s.labels) {
                le = k == "le" ? val : le;
            }
            double bound = le == "+Inf" ? HUGE_VAL : std::strtod(le.c_str(), nullptr);
            if (!h.buckets.empty() &&
                (bound <= h.buckets.back().first || v < h.buckets.back().second)) {
                problems.push_back("buckets out of order: " + line);
            }
            h.buckets.emplace_back(bound, v);
        } else if (s.name == family + "_count") {
            h.count = v;
        }
    }
    for (const auto& [key, h] : histograms) {
        if (h.buckets.empty() || h.buckets.back().first != HUGE_VAL ||
            h.buckets.back().second != h.count) {
            problems.push_back("histogram without +Inf == _count: " + key);
        }
    }
    return problems;
}

// The value of one rendered series (`name{labels}` exactly as written), or "" if absent.
std::string value_of(const std::string& text, const std::string& series) {
    size_t p = text.find("\n" + series + " ");
    if (p == std::string::npos) {
        return "";
    }
    size_t start = p + series.size() + 2;
    return text.substr(start, text.find('\n', start) - start);
}

std::string requests(const std::string& provider, const std::string& model,
                     const std::string& status_class) {
    return "ringgate_requests_total{route=\"chat_completions\",format=\"openai\",provider=\"" +
           provider + "\",model=\"" + model + "\",status_class=\"" + status_class + "\"}";
}

class MetricsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        mock_ = std::make_unique<MockUpstream>(std::vector<std::string>{"--tokens", "3"});
        ASSERT_TRUE(mock_->started());
        gw_ = std::make_unique<Gateway>(config(mock_->port()));
        ASSERT_TRUE(gw_->started()) << gw_->log();
    }
    Response call(const std::string& request) { return rg::test::call(gw_->port(), request); }
    // Scrapes until `ready` holds on the text (the control thread mirrors key states every
    // 50 ms; workers record as exchanges end), or a deadline passes.
    std::string scrape_until(const std::function<bool(const std::string&)>& ready) {
        std::string text;
        poll_until(
            [&] {
                text = http_get(gw_->admin_port(), "/metrics").body;
                return ready(text);
            },
            5000);
        return text;
    }

    std::unique_ptr<MockUpstream> mock_;
    std::unique_ptr<Gateway> gw_;
};

TEST_F(MetricsTest, KnownTrafficGivesExactSeriesInValidTextWithoutSecrets) {
    const std::string team = "ck-metrics-team-secret";
    const std::string tight = "ck-metrics-tight-secret";
    ASSERT_EQ(call(post(chat("gpt-4o"), team)).status, 200);
    ASSERT_EQ(call(post(chat("gpt-4o"), team)).status, 200);
    ASSERT_EQ(call(post(chat("slow-model"), team)).status, 429);         // the mock's 429
    ASSERT_EQ(call(post(chat("claude-sonnet-4-5"), team)).status, 200);  // translated
    Response stream = call(post(chat("gpt-4o", true), team));
    ASSERT_EQ(stream.status, 200);
    ASSERT_NE(stream.body.find("[DONE]"), std::string::npos);
    ASSERT_EQ(call(post(chat("fo"), team)).status, 200);     // 429, then the fallback
    ASSERT_EQ(call(post(chat("flaky"), team)).status, 200);  // 500, then a retry
    ASSERT_EQ(call(post(chat("gpt-4o"), tight)).status, 200);
    ASSERT_EQ(call(post(chat("gpt-4o"), tight)).status, 429);  // over its burst
    HttpClient bad;
    ASSERT_TRUE(bad.connect(gw_->port()));
    ASSERT_TRUE(
        bad.send("POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\n"
                 "Content-Length: 12x\r\n\r\n"));
    Response refused;
    ASSERT_TRUE(bad.read_response(&refused, 5000));
    ASSERT_EQ(refused.status, 400);

    const std::string cooling =
        "ringgate_upstream_key_state{provider=\"lim\",key=\"r1\",state=\"cooling\"}";
    std::string text = scrape_until([&](const std::string& t) {
        // The control tick writes states, then cooldown counts: wait for both.
        return value_of(t, cooling) == "1" &&
               value_of(t, "ringgate_upstream_key_cooldowns_total{provider=\"lim\",key=\"r1\"}") ==
                   "1" &&
               value_of(t, "ringgate_streams_active") == "0" &&
               value_of(t, "ringgate_client_requests_total{client=\"team-a\"}") == "7" &&
               value_of(t, "ringgate_client_requests_total{client=\"tight\"}") == "2";
    });

    std::vector<std::string> problems = check_exposition(text);
    EXPECT_TRUE(problems.empty()) << problems.front() << "\n" << text;

    // Requests by route, format, provider, model, status class.
    EXPECT_EQ(value_of(text, requests("oa", "gpt-4o", "2xx")), "4");
    EXPECT_EQ(value_of(text, requests("lim", "slow-model", "4xx")), "1");
    EXPECT_EQ(value_of(text, requests("an", "claude-sonnet-4-5", "2xx")), "1");
    EXPECT_EQ(value_of(text, requests("oa", "fo", "2xx")), "1");  // served by the fallback
    EXPECT_EQ(value_of(text, requests("fl", "flaky", "2xx")), "1");
    EXPECT_EQ(value_of(text, requests("none", "gpt-4o", "4xx")), "1");  // refused by the limit
    EXPECT_EQ(value_of(text,
                       "ringgate_request_duration_seconds_count{route=\"chat_completions\","
                       "format=\"openai\"}"),
              "9");
    // Per attempt: upstream latency, per key status classes, retries and failovers.
    EXPECT_EQ(value_of(text,
                       "ringgate_upstream_latency_seconds_count{provider=\"oa\","
                       "model=\"gpt-4o\"}"),
              "5");  // 3 team-a, 1 fallback of fo, 1 tight
    EXPECT_EQ(value_of(text,
                       "ringgate_upstream_key_requests_total{provider=\"oa\",key=\"o1\","
                       "status_class=\"2xx\"}"),
              "5");
    EXPECT_EQ(value_of(text,
                       "ringgate_upstream_key_requests_total{provider=\"lim\",key=\"r1\","
                       "status_class=\"4xx\"}"),
              "1");
    EXPECT_EQ(value_of(text,
                       "ringgate_upstream_key_requests_total{provider=\"fl\",key=\"f1\","
                       "status_class=\"5xx\"}"),
              "1");
    EXPECT_EQ(value_of(text,
                       "ringgate_upstream_key_requests_total{provider=\"fl\",key=\"f1\","
                       "status_class=\"2xx\"}"),
              "1");
    EXPECT_EQ(value_of(text,
                       "ringgate_upstream_retries_total{provider=\"lim2\","
                       "reason=\"rate_limited\"}"),
              "1");
    EXPECT_EQ(value_of(text,
                       "ringgate_upstream_failovers_total{provider=\"lim2\","
                       "reason=\"rate_limited\"}"),
              "1");
    EXPECT_EQ(value_of(text, "ringgate_upstream_retries_total{provider=\"fl\",reason=\"server\"}"),
              "1");
    EXPECT_EQ(value_of(text,
                       "ringgate_upstream_failovers_total{provider=\"fl\","
                       "reason=\"server\"}"),
              "");  // the same key again: a retry, not a failover
    EXPECT_EQ(gw_->metric("ringgate_upstream_retries_total"), 2);
    // Streams: time to first token, and nothing left active.
    EXPECT_EQ(value_of(text,
                       "ringgate_time_to_first_token_seconds_count{provider=\"oa\","
                       "model=\"gpt-4o\"}"),
              "1");
    EXPECT_EQ(value_of(text, "ringgate_streams_active"), "0");
    // Tokens (the mock: 1 prompt word, 3 completion tokens) and cost (gpt-4o priced: 33
    // micro-USD per answer, billed rounded).
    EXPECT_EQ(value_of(text,
                       "ringgate_tokens_total{kind=\"input\",provider=\"oa\","
                       "model=\"gpt-4o\"}"),
              "5");
    EXPECT_EQ(value_of(text,
                       "ringgate_tokens_total{kind=\"output\",provider=\"oa\","
                       "model=\"gpt-4o\"}"),
              "15");
    EXPECT_EQ(value_of(text,
                       "ringgate_tokens_total{kind=\"output\",provider=\"an\","
                       "model=\"claude-sonnet-4-5\"}"),
              "3");
    EXPECT_EQ(value_of(text, "ringgate_cost_usd_total{provider=\"oa\",model=\"gpt-4o\"}"),
              "0.000132");  // 4 answers asked for gpt-4o (fo's is priced as fo: none)
    EXPECT_EQ(value_of(text,
                       "ringgate_upstream_key_tokens_total{provider=\"oa\",key=\"o1\","
                       "kind=\"output\"}"),
              "15");
    // Per client key (issue 6).
    EXPECT_EQ(value_of(text, "ringgate_client_tokens_total{client=\"team-a\",kind=\"output\"}"),
              "18");  // 2 + stream + fo on oa, claude, flaky: 6 answers x 3
    EXPECT_EQ(value_of(text, "ringgate_client_tokens_total{client=\"tight\",kind=\"input\"}"), "1");
    EXPECT_EQ(value_of(text, "ringgate_client_cost_usd_total{client=\"team-a\"}"), "0.000099");
    EXPECT_EQ(value_of(text, "ringgate_client_cost_usd_total{client=\"tight\"}"), "0.000033");
    EXPECT_EQ(value_of(text,
                       "ringgate_rate_limited_total{client=\"tight\","
                       "limit=\"requests_per_second\"}"),
              "1");
    // Key health, mirrored by the control thread.
    EXPECT_EQ(value_of(text, cooling), "1");
    EXPECT_EQ(value_of(text,
                       "ringgate_upstream_key_state{provider=\"lim\",key=\"r1\","
                       "state=\"healthy\"}"),
              "0");
    EXPECT_EQ(value_of(text,
                       "ringgate_upstream_key_state{provider=\"oa\",key=\"o1\","
                       "state=\"healthy\"}"),
              "1");
    EXPECT_EQ(value_of(text,
                       "ringgate_upstream_key_cooldowns_total{provider=\"lim\","
                       "key=\"r1\"}"),
              "1");
    // The server's own counters stay, once each; the bad request is a parse error.
    EXPECT_EQ(value_of(text, "ringgate_http_parse_errors_total{kind=\"invalid_content_length\"}"),
              "1");
    EXPECT_NE(value_of(text, "ringgate_connections_active"), "");
    EXPECT_NE(text.find("ringgate_build_info{version=\""), std::string::npos);
    EXPECT_NE(value_of(text, "ringgate_upstream_pool_connections{state=\"idle\"}"), "");
    EXPECT_EQ(value_of(text, "ringgate_metrics_series_overflow_total"), "0");
    // No secret, upstream or client, anywhere in the text.
    for (const char* secret : {"sk-metrics", "ck-metrics", "secret"}) {
        EXPECT_EQ(text.find(secret), std::string::npos) << secret;
    }
}

TEST_F(MetricsTest, AReloadKeepsCountsAndZeroesTheStatesOfRemovedKeys) {
    const std::string team = "ck-metrics-team-secret";
    ASSERT_EQ(call(post(chat("gpt-4o"), team)).status, 200);
    const std::string r1 =
        "ringgate_upstream_key_state{provider=\"lim\",key=\"r1\",state=\"healthy\"}";
    ASSERT_EQ(
        value_of(scrape_until([&](const std::string& t) { return value_of(t, r1) == "1"; }), r1),
        "1");
    // The same config without provider lim (and its model).
    std::string yaml = config(mock_->port());
    size_t from = yaml.find("  - {name: lim, ");
    size_t to = yaml.find("  - {name: lim2, ");
    ASSERT_NE(from, std::string::npos);
    yaml.erase(from, to - from);
    from = yaml.find("  - {name: slow-model");
    yaml.erase(from, yaml.find('\n', from) + 1 - from);
    ASSERT_TRUE(gw_->reload(yaml)) << gw_->log();
    ASSERT_EQ(call(post(chat("gpt-4o"), team)).status, 200);
    const std::string ok = requests("oa", "gpt-4o", "2xx");
    const std::string o1 =
        "ringgate_upstream_key_state{provider=\"oa\",key=\"o1\",state=\"healthy\"}";
    // The control tick mirrors the new snapshot's keys one by one: wait for the whole picture.
    std::string text = scrape_until([&](const std::string& t) {
        return value_of(t, r1) == "0" && value_of(t, ok) == "2" && value_of(t, o1) == "1";
    });
    EXPECT_EQ(value_of(text, r1), "0");  // gone with its provider: in no state
    EXPECT_EQ(value_of(text, ok), "2");  // counted on across the reload
    EXPECT_EQ(value_of(text,
                       "ringgate_upstream_key_state{provider=\"oa\",key=\"o1\","
                       "state=\"healthy\"}"),
              "1");
    std::vector<std::string> problems = check_exposition(text);
    EXPECT_TRUE(problems.empty()) << problems.front();
}

TEST(MetricsFormat, CheckerRejectsBrokenText) {
    EXPECT_FALSE(check_exposition("# TYPE a counter\na 1\n# TYPE a counter\na 2\n").empty());
    EXPECT_FALSE(check_exposition("# TYPE a counter\na{x=\"1\"} 1\na{x=\"1\"} 2\n").empty());
    EXPECT_FALSE(check_exposition("# TYPE h histogram\nh_bucket{le=\"2\"} 1\n"
                                  "h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\n"
                                  "h_count 1\n")
                     .empty());
    EXPECT_FALSE(check_exposition("# TYPE h histogram\nh_bucket{le=\"1\"} 1\n"
                                  "h_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n")
                     .empty());
    EXPECT_FALSE(check_exposition("# TYPE a counter\nb 1\n").empty());
    EXPECT_TRUE(check_exposition("# HELP a x\n# TYPE a counter\na{k=\"v\\\"\"} 1\n"
                                 "# TYPE h histogram\nh_bucket{le=\"1\"} 1\n"
                                 "h_bucket{le=\"+Inf\"} 2\nh_sum 1.5\nh_count 2\n")
                    .empty());
}

}  // namespace
}  // namespace rg::test
