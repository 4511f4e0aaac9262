#include "traces/trace_json.h"

#include <charconv>

#include "observe/utf8.h"

namespace rg::traces {
namespace {

void u64(std::string& out, uint64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof(buf), v);
    out.append(buf, static_cast<size_t>(r.ptr - buf));
}

void key(std::string& out, const char* k, bool first = false) {
    if (!first) {
        out.push_back(',');
    }
    out.push_back('"');
    out.append(k);
    out.append("\":");
}

void str_field(std::string& out, const char* k, std::string_view v) {
    key(out, k);
    append_json_string(out, v);
}

// An empty string is absent: null.
void nullable_field(std::string& out, const char* k, std::string_view v) {
    key(out, k);
    if (v.empty()) {
        out.append("null");
    } else {
        append_json_string(out, v);
    }
}

void u64_field(std::string& out, const char* k, uint64_t v, bool present = true) {
    key(out, k);
    if (present) {
        u64(out, v);
    } else {
        out.append("null");
    }
}

void attempts(std::string& out, const TraceSlot& s) {
    key(out, "attempts");
    out.push_back('[');
    for (uint8_t i = 0; i < s.attempt_count && i < attempts_max; ++i) {
        const TraceAttempt& a = s.attempts[i];
        if (i > 0) {
            out.push_back(',');
        }
        out.push_back('{');
        key(out, "provider", true);
        append_json_string(out, a.provider.view());
        str_field(out, "key", a.key.view());
        str_field(out, "model", a.model.view());
        u64_field(out, "status", a.status);
        str_field(out, "class", a.cls.view());
        u64_field(out, "start_us", a.start_us);
        u64_field(out, "duration_us", a.duration_us);
        out.push_back('}');
    }
    out.push_back(']');
}

}  // namespace

void append_json_string(std::string& out, std::string_view v) {
    static const char hex[] = "0123456789abcdef";
    out.push_back('"');
    const auto* p = reinterpret_cast<const unsigned char*>(v.data());
    size_t i = 0;
    while (i < v.size()) {
        unsigned char c = p[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x7f) {
            out.push_back(static_cast<char>(c));
            ++i;
        } else if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
            ++i;
        } else if (c < 0x80) {
            out.append("\\u00");
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
            ++i;
        } else if (size_t len = observe::utf8_sequence(p + i, v.size() - i); len != 0) {
            out.append(v.substr(i, len));
            i += len;
        } else {
            out.append("\\ufffd");
            ++i;
        }
    }
    out.push_back('"');
}

void append_trace_json(const TraceSlot& s, std::string& out) {
    out.push_back('{');
    key(out, "id", true);
    append_json_string(out, s.id.view());
    u64_field(out, "ts_us", s.ts_us);
    nullable_field(out, "client", s.client.view());
    str_field(out, "route", s.route.view());
    str_field(out, "format", s.format.view());
    nullable_field(out, "model", s.model.view());
    nullable_field(out, "model_served", s.model_served.view());
    nullable_field(out, "provider", s.provider.view());
    nullable_field(out, "key", s.key.view());
    u64_field(out, "status", s.status);
    key(out, "stream");
    out.append(s.stream ? "true" : "false");
    attempts(out, s);
    u64_field(out, "input_tokens", s.input_tokens, s.has_usage);
    u64_field(out, "cached_tokens", s.cached_tokens, s.has_usage);
    u64_field(out, "cache_creation_tokens", s.cache_creation_tokens, s.has_usage);
    u64_field(out, "output_tokens", s.output_tokens, s.has_usage);
    u64_field(out, "reasoning_tokens", s.reasoning_tokens, s.has_usage);
    u64_field(out, "cost_usd_micro", s.cost_usd_micro, s.has_cost);
    u64_field(out, "duration_us", s.duration_us);
    u64_field(out, "ttft_us", s.ttft_us, s.has_ttft);
    u64_field(out, "bytes_in", s.bytes_in);
    u64_field(out, "bytes_out", s.bytes_out);
    nullable_field(out, "error", s.error.view());
    out.push_back('}');
}

}  // namespace rg::traces
