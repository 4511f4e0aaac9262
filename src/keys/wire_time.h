// Parsers for the time formats upstreams put in rate-limit and retry hints: Go-style
// durations (OpenAI x-ratelimit-reset-*), RFC 3339 timestamps (Anthropic
// anthropic-ratelimit-*-reset), HTTP-dates and delta-seconds (retry-after) and protobuf
// Duration text (Gemini RetryInfo.retryDelay, a subset of Go durations).
// Pure functions: no allocation, no locale, safe on any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace rg::keys {

// Durations saturate here (10^18 ns, about 31.7 years): far past the one-day clamp callers
// apply, and small enough that sums of a few saturated parts cannot overflow int64.
inline constexpr int64_t wire_time_ns_max = 1'000'000'000'000'000'000;

// A Go time.ParseDuration string: an optional sign, then one or more decimal numbers (with
// an optional fraction) each followed by a unit: ns, us, µs, μs, ms, s, m, h. "0" alone is
// valid. Examples: "1s", "6m0s", "20ms", "1h2m3.5s", "1.24s", ".5s". Nanoseconds, negative
// for a leading '-'.
std::optional<int64_t> parse_go_duration_ns(std::string_view text);

// The longest Go duration at the start of `text` (for "Please try again in 1.24s." in a
// message); *used is how many bytes it took. nullopt when `text` does not start with one.
std::optional<int64_t> parse_go_duration_prefix_ns(std::string_view text, size_t* used);

// A non-negative decimal number with an optional fraction ("17", "1.5") times `unit_ns`:
// retry-after delta-seconds (RFC 9110 §10.2.3 allows only digits; a fraction is accepted
// because some servers send one) and retry-after-ms.
std::optional<int64_t> parse_decimal_ns(std::string_view text, int64_t unit_ns);

// RFC 3339 date-time (§5.6): "2025-01-01T00:00:17Z", "2025-01-01t00:00:17.25+05:30", also
// with a space for 'T' (§5.6 note). Unix milliseconds; fractions below 1 ms truncate.
std::optional<int64_t> parse_rfc3339_ms(std::string_view text);

// HTTP-date (RFC 9110 §5.6.7) in any of its three forms: IMF-fixdate
// "Sun, 06 Nov 1994 08:49:37 GMT", obsolete RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT" and
// asctime "Sun Nov  6 08:49:37 1994". Unix milliseconds.
std::optional<int64_t> parse_http_date_ms(std::string_view text);

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
constexpr int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2 ? 1 : 0;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace rg::keys
