#include "mock/http_writer.h"

#include "http/date_cache.h"
#include "http/response_writer.h"

#include <cstdio>

namespace rg::mock {
namespace {

struct Civil {
    int64_t year;
    unsigned month, day, hour, minute, second, weekday;
};

// Days-from-civil inverse (H. Hinnant's public-domain algorithm): no locale, no tz.
Civil civil_from_unix(uint64_t unix_s) {
    int64_t days = static_cast<int64_t>(unix_s / 86400);
    uint64_t rem = unix_s % 86400;
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    auto doe = static_cast<unsigned>(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    Civil c{};
    c.day = doy - (153 * mp + 2) / 5 + 1;
    c.month = mp < 10 ? mp + 3 : mp - 9;
    c.year = static_cast<int64_t>(yoe) + era * 400 + (c.month <= 2 ? 1 : 0);
    c.hour = static_cast<unsigned>(rem / 3600);
    c.minute = static_cast<unsigned>(rem / 60 % 60);
    c.second = static_cast<unsigned>(rem % 60);
    c.weekday = static_cast<unsigned>((days % 7 + 11) % 7);  // 1970-01-01 was a Thursday
    return c;
}

void header(ByteBuffer& out, std::string_view name, std::string_view value) {
    out.append(name);
    out.append(": ", 2);
    out.append(value);
    out.append("\r\n", 2);
}

void header_num(ByteBuffer& out, std::string_view name, uint64_t value) {
    out.append(name);
    out.append(": ", 2);
    out.append_decimal(value);
    out.append("\r\n", 2);
}

// Reset duration in OpenAI's Go-duration style: "1s", "250ms".
void append_reset(ByteBuffer& out, const Head& h) {
    if (h.retry_after_ms != unset) {
        out.append_decimal(h.retry_after_ms);
        out.append("ms", 2);
    } else {
        out.append_decimal(h.retry_after_s != unset ? h.retry_after_s : 1);
        out.append_char('s');
    }
}

uint64_t reset_seconds(const Head& h) {
    if (h.retry_after_ms != unset) {
        return (h.retry_after_ms + 999) / 1000;
    }
    return h.retry_after_s != unset ? h.retry_after_s : 1;
}

void openai_rate_headers(const Head& h, ByteBuffer& out) {
    bool empty = h.rate == RateHeaders::exhausted || h.rate == RateHeaders::low;
    header_num(out, "x-ratelimit-limit-requests", 10000);
    header_num(out, "x-ratelimit-limit-tokens", 2000000);
    header_num(out, "x-ratelimit-remaining-requests", empty ? 0 : 9999);
    header_num(out, "x-ratelimit-remaining-tokens", h.rate == RateHeaders::low ? 0 : 1999000);
    if (empty) {
        out.append("x-ratelimit-reset-requests: ");
        append_reset(out, h);
        out.append("\r\nx-ratelimit-reset-tokens: ");
        append_reset(out, h);
        out.append("\r\n", 2);
    } else {
        out.append("x-ratelimit-reset-requests: 6ms\r\nx-ratelimit-reset-tokens: 30ms\r\n");
    }
}

void anthropic_rate_headers(const Head& h, uint64_t now_s, DateCache& dates, ByteBuffer& out) {
    bool empty = h.rate == RateHeaders::exhausted || h.rate == RateHeaders::low;
    std::string_view reset = dates.rfc3339(now_s + (empty ? reset_seconds(h) : 1));
    struct Bucket {
        const char* name;
        uint64_t limit;
        bool drained;
    };
    const Bucket buckets[] = {
        {"requests", 4000, empty},
        {"tokens", 400000, h.rate == RateHeaders::low},
        {"input-tokens", 300000, h.rate == RateHeaders::low},
        {"output-tokens", 100000, h.rate == RateHeaders::low},
    };
    for (const Bucket& b : buckets) {
        out.append("anthropic-ratelimit-");
        out.append(b.name);
        out.append("-limit: ");
        out.append_decimal(b.limit);
        out.append("\r\nanthropic-ratelimit-");
        out.append(b.name);
        out.append("-remaining: ");
        out.append_decimal(b.drained ? 0 : b.limit - 1);
        out.append("\r\nanthropic-ratelimit-");
        out.append(b.name);
        out.append("-reset: ");
        out.append(reset);
        out.append("\r\n", 2);
    }
}

void provider_headers(const Head& h, uint64_t now_s, DateCache& dates, ByteBuffer& out) {
    if (h.format == Format::openai) {
        out.append("x-request-id: req_");
        out.append(h.request_id);
        out.append("\r\nopenai-version: 2020-10-01\r\nopenai-processing-ms: 1\r\n");
        if (h.rate != RateHeaders::none) {
            openai_rate_headers(h, out);
        }
    } else if (h.format == Format::anthropic) {
        out.append("request-id: req_");
        out.append(h.request_id);
        out.append("\r\n", 2);
        if (h.rate != RateHeaders::none) {
            anthropic_rate_headers(h, now_s, dates, out);
        }
        if (h.should_retry >= 0) {
            header(out, "x-should-retry", h.should_retry != 0 ? "true" : "false");
        }
    }
    // Gemini sends no rate-limit or retry headers: its hint is RetryInfo in the body.
    if (h.format != Format::gemini) {
        if (h.retry_after_s != unset) {
            header_num(out, "retry-after", h.retry_after_s);
        }
        if (h.retry_after_ms != unset) {
            header_num(out, "retry-after-ms", h.retry_after_ms);
        }
    }
}

}  // namespace

std::string_view DateCache::rfc3339(uint64_t unix_s) {
    if (unix_s != rfc_s_ || rfc_[0] == '\0') {
        Civil c = civil_from_unix(unix_s);
        std::snprintf(rfc_, sizeof(rfc_), "%04lld-%02u-%02uT%02u:%02u:%02uZ",
                      static_cast<long long>(c.year), c.month, c.day, c.hour, c.minute, c.second);
        rfc_s_ = unix_s;
    }
    return rfc_;
}

void write_head(const Head& h, uint64_t now_s, DateCache& dates, ByteBuffer& out) {
    out.append("HTTP/1.1 ");
    out.append_decimal(h.status);
    out.append_char(' ');
    out.append(http::status_reason(h.status));
    out.append("\r\ndate: ");
    out.append(http::http_date());
    out.append("\r\ncontent-type: ");
    out.append(h.content_type);
    out.append("\r\n", 2);
    if (h.content_length >= 0) {
        header_num(out, "content-length", static_cast<uint64_t>(h.content_length));
    } else {
        out.append("transfer-encoding: chunked\r\n");
    }
    if (h.event_stream) {
        out.append("cache-control: no-cache\r\n");
    }
    if (!h.request_id.empty()) {
        provider_headers(h, now_s, dates, out);
    }
    if (h.close) {
        out.append("connection: close\r\n");
    }
    out.append("\r\n", 2);
}

JsonWriter& EventSink::data(std::string_view event_name) {
    scratch_.clear();
    writer_.reset();
    if (json_array_) {
        scratch_.append(*events_ == 0 ? "[" : ",\r\n");
    } else {
        if (!event_name.empty()) {
            scratch_.append("event: ");
            scratch_.append(event_name);
            scratch_.append_char('\n');
        }
        scratch_.append("data: ");
    }
    return writer_;
}

void EventSink::end() {
    if (!json_array_) {
        scratch_.append("\n\n", 2);
    }
    ++*events_;
    http::write_chunk(out_, scratch_.view());
}

void EventSink::literal(std::string_view event_name, std::string_view payload) {
    data(event_name);
    scratch_.append(payload);
    end();
}

}  // namespace rg::mock
