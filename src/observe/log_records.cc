#include "observe/log_records.h"

#include <time.h>

#include <cstring>

#include "observe/utf8.h"

namespace rg::observe {
namespace {

// Appends into a fixed buffer; stops (and drops the rest) at cap, which the limits make
// unreachable for a well-formed record.
struct Line {
    char* out;
    size_t cap;
    size_t n = 0;

    void raw(std::string_view s) {
        size_t k = s.size() < cap - n ? s.size() : cap - n;
        std::memcpy(out + n, s.data(), k);
        n += k;
    }
    void ch(char c) {
        if (n < cap) {
            out[n++] = c;
        }
    }
    void u64(uint64_t v) {
        char d[20];
        int k = 0;
        do {
            d[k++] = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v != 0);
        while (k > 0) {
            ch(d[--k]);
        }
    }
    // v / 10^decimals, trailing fractional zeros dropped (a JSON number).
    void fixed(uint64_t v, int decimals) {
        uint64_t scale = 1;
        for (int i = 0; i < decimals; ++i) {
            scale *= 10;
        }
        u64(v / scale);
        uint64_t frac = v % scale;
        if (frac == 0) {
            return;
        }
        ch('.');
        for (uint64_t s = scale / 10; s > 0 && frac > 0; s /= 10) {
            ch(static_cast<char>('0' + frac / s));
            frac %= s;
        }
    }
    void str(std::string_view s);
    void key(const char* k) {
        ch(',');
        ch('"');
        raw(k);
        ch('"');
        ch(':');
    }
    void field(const char* k, std::string_view v) {
        key(k);
        str(v);
    }
    void field(const char* k, uint64_t v) {
        key(k);
        u64(v);
    }
};

void Line::str(std::string_view s) {
    static const char hex[] = "0123456789abcdef";
    ch('"');
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    size_t i = 0;
    while (i < s.size()) {
        unsigned char c = p[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x7f) {
            ch(static_cast<char>(c));
            ++i;
        } else if (c == '"' || c == '\\') {
            ch('\\');
            ch(static_cast<char>(c));
            ++i;
        } else if (c < 0x80) {  // control characters and DEL
            raw("\\u00");
            ch(hex[c >> 4]);
            ch(hex[c & 15]);
            ++i;
        } else if (size_t len = utf8_sequence(p + i, s.size() - i); len != 0) {
            raw(s.substr(i, len));
            i += len;
        } else {
            raw("\\ufffd");
            ++i;
        }
    }
    ch('"');
}

// "2026-11-05T12:34:56.123456Z" from microseconds since the epoch.
void timestamp(Line& line, uint64_t unix_us) {
    time_t sec = static_cast<time_t>(unix_us / 1000000);
    tm utc;
    gmtime_r(&sec, &utc);
    char text[40];
    size_t k = strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &utc);
    line.raw(std::string_view(text, k));
    line.ch('.');
    uint64_t us = unix_us % 1000000;
    for (uint64_t s = 100000; s > 0; s /= 10) {
        line.ch(static_cast<char>('0' + us / s % 10));
    }
    line.ch('Z');
}

void head(Line& line, uint64_t unix_us, const char* type) {
    line.raw("{\"ts\":\"");
    timestamp(line, unix_us);
    line.raw("\",\"type\":\"");
    line.raw(type);
    line.ch('"');
}

}  // namespace

const char* audit_event_name(AuditEvent e) {
    switch (e) {
        case AuditEvent::auth_failure:
            return "auth_failure";
        case AuditEvent::config_reload:
            return "config_reload";
        case AuditEvent::config_reload_refused:
            return "config_reload_refused";
        case AuditEvent::key_state_change:
            return "key_state_change";
        case AuditEvent::admin_action:
            return "admin_action";
        case AuditEvent::admin_auth_failure:
            return "admin_auth_failure";
    }
    return "unknown";
}

void AccessSlot::fill(const AccessRecord& r) {
    time_unix_us = r.time_unix_us;
    tokens_input = r.tokens_input;
    tokens_output = r.tokens_output;
    tokens_cached = r.tokens_cached;
    cost_nano_usd = r.cost_nano_usd;
    duration_us = r.duration_us;
    upstream_us = r.upstream_us;
    ttft_us = r.ttft_us;
    bytes_in = r.bytes_in;
    bytes_out = r.bytes_out;
    status = r.status;
    attempts = r.attempts;
    stream = r.stream;
    request_id.assign(r.request_id);
    client_key.assign(r.client_key);
    route.assign(r.route);
    format.assign(r.format);
    model.assign(r.model);
    model_served.assign(r.model_served);
    provider.assign(r.provider);
    key_id.assign(r.key_id);
    error.assign(r.error);
}

void AuditSlot::fill(const AuditRecord& r) {
    time_unix_us = r.time_unix_us;
    config_version = r.config_version;
    cooldown_ms = r.cooldown_ms;
    suppressed = r.suppressed;
    errors = r.errors;
    status = r.status;
    event = r.event;
    request_id.assign(r.request_id);
    actor.assign(r.actor);
    subject.assign(r.subject);
    detail.assign(r.detail);
    remote.assign(r.remote);
    route.assign(r.route);
    key_source.assign(r.key_source);
    provider.assign(r.provider);
    key_id.assign(r.key_id);
    from.assign(r.from);
    to.assign(r.to);
    reason.assign(r.reason);
}

size_t format_access(const AccessSlot& s, char* out, size_t cap) {
    Line line{out, cap - 1};  // room for the newline
    head(line, s.time_unix_us, "access");
    line.field("request_id", s.request_id.view());
    line.field("client_key", s.client_key.view());
    line.field("route", s.route.view());
    line.field("format", s.format.view());
    line.field("model", s.model.view());
    line.field("model_served", s.model_served.view());
    line.field("provider", s.provider.view());
    line.field("key_id", s.key_id.view());
    line.key("stream");
    line.raw(s.stream ? "true" : "false");
    line.field("attempts", s.attempts);
    line.field("status", s.status);
    line.field("error", s.error.view());
    line.field("tokens_input", s.tokens_input);
    line.field("tokens_output", s.tokens_output);
    line.field("tokens_cached", s.tokens_cached);
    line.key("cost_usd");
    line.fixed(s.cost_nano_usd, 9);
    line.field("duration_us", s.duration_us);
    line.field("upstream_us", s.upstream_us);
    line.field("ttft_us", s.ttft_us);
    line.field("bytes_in", s.bytes_in);
    line.field("bytes_out", s.bytes_out);
    line.ch('}');
    out[line.n] = '\n';
    return line.n + 1;
}

size_t format_audit(const AuditSlot& s, char* out, size_t cap) {
    Line line{out, cap - 1};
    head(line, s.time_unix_us, "audit");
    line.field("event", audit_event_name(s.event));
    switch (s.event) {
        case AuditEvent::auth_failure:
            line.field("request_id", s.request_id.view());
            line.field("route", s.route.view());
            line.field("remote", s.remote.view());
            line.field("key_source", s.key_source.view());
            line.field("status", s.status);
            line.field("suppressed", s.suppressed);
            break;
        case AuditEvent::config_reload:
        case AuditEvent::config_reload_refused:
            line.field("actor", s.actor.view());
            line.field("subject", s.subject.view());
            line.field("config_version", s.config_version);
            line.field("errors", s.errors);
            line.field("result", s.event == AuditEvent::config_reload ? "applied" : "refused");
            break;
        case AuditEvent::key_state_change:
            line.field("request_id", s.request_id.view());
            line.field("provider", s.provider.view());
            line.field("key_id", s.key_id.view());
            line.field("from", s.from.view());
            line.field("to", s.to.view());
            line.field("reason", s.reason.view());
            line.field("cooldown_ms", s.cooldown_ms);
            break;
        case AuditEvent::admin_action:
        case AuditEvent::admin_auth_failure:
            line.field("request_id", s.request_id.view());
            line.field("actor", s.actor.view());
            line.field("subject", s.subject.view());
            line.field("detail", s.detail.view());
            line.field("remote", s.remote.view());
            line.field("status", s.status);
            line.field("result",
                       s.event == AuditEvent::admin_action && s.status < 400 ? "ok" : "failed");
            break;
    }
    line.ch('}');
    out[line.n] = '\n';
    return line.n + 1;
}

}  // namespace rg::observe
