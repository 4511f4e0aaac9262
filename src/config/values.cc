#include "config/values.h"

#include <arpa/inet.h>

#include <cstring>
#include <limits>

namespace rg::config {
namespace {

Error value_error(const char* message) {
    return Error::make(ErrorCode::config, message);
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Reads a run of decimal digits from text[*i]; false when there is none or more than
// `digits_max` (which keeps the later arithmetic free of overflow).
bool read_digits(std::string_view text, size_t* i, size_t digits_max, uint64_t* value,
                 size_t* count) {
    *value = 0;
    *count = 0;
    while (*i < text.size() && is_digit(text[*i])) {
        if (++*count > digits_max) {
            return false;
        }
        *value = *value * 10 + static_cast<uint64_t>(text[*i] - '0');
        ++*i;
    }
    return *count > 0;
}

// Milliseconds per unit, or 0 for an unknown unit.
uint64_t unit_ms(std::string_view unit) {
    if (unit == "ms") {
        return 1;
    }
    if (unit == "s") {
        return 1000;
    }
    if (unit == "m") {
        return 60 * 1000;
    }
    if (unit == "h") {
        return 60 * 60 * 1000;
    }
    return 0;
}

}  // namespace

Result<uint32_t> parse_duration_ms(std::string_view text) {
    if (text.empty()) {
        return value_error("empty duration; write e.g. 250ms, 5s, 2m or 1h");
    }
    if (text[0] == '-') {
        return value_error("a duration must not be negative");
    }
    size_t i = 0;
    uint64_t whole = 0;
    uint64_t fraction = 0;
    size_t digits = 0;
    size_t fraction_digits = 0;
    // 10 integer digits times 3.6e6 ms/h and 9 fraction digits stay far below 2^64.
    if (!read_digits(text, &i, 10, &whole, &digits)) {
        return value_error(digits > 0 ? "duration too large" : "a duration starts with a number");
    }
    if (i < text.size() && text[i] == '.') {
        ++i;
        if (!read_digits(text, &i, 9, &fraction, &fraction_digits)) {
            return value_error("bad fraction in duration");
        }
    }
    std::string_view unit = text.substr(i);
    if (unit.empty()) {
        return value_error("a duration needs a unit: ms, s, m or h (e.g. 30s)");
    }
    uint64_t per_unit = unit_ms(unit);
    if (per_unit == 0) {
        return value_error("unknown duration unit; use ms, s, m or h");
    }
    uint64_t scale = 1;
    for (size_t k = 0; k < fraction_digits; ++k) {
        scale *= 10;
    }
    if ((fraction * per_unit) % scale != 0) {
        return value_error("a duration must be a whole number of milliseconds");
    }
    uint64_t total = whole * per_unit + fraction * per_unit / scale;
    if (total > std::numeric_limits<uint32_t>::max()) {
        return value_error("duration too large (at most 4294967295ms, about 49 days)");
    }
    return static_cast<uint32_t>(total);
}

Result<uint64_t> parse_retention_s(std::string_view text) {
    size_t i = 0;
    uint64_t value = 0;
    size_t digits = 0;
    if (!read_digits(text, &i, 9, &value, &digits)) {
        return value_error("expected a whole number and a unit: d, h, m or s (e.g. 30d)");
    }
    std::string_view unit = text.substr(i);
    uint64_t per = unit == "d"   ? 86400
                   : unit == "h" ? 3600
                   : unit == "m" ? 60
                   : unit == "s" ? 1
                                 : 0;
    if (per == 0) {
        return value_error("expected a whole number and a unit: d, h, m or s (e.g. 30d)");
    }
    if (value == 0) {
        return value_error("the retention must be at least 1s");
    }
    return value * per;
}

std::string format_duration_ms(uint32_t ms) {
    static constexpr struct {
        uint32_t ms;
        const char* suffix;
    } units[] = {{3600000, "h"}, {60000, "m"}, {1000, "s"}};
    for (const auto& unit : units) {
        if (ms != 0 && ms % unit.ms == 0) {
            return std::to_string(ms / unit.ms) + unit.suffix;
        }
    }
    return std::to_string(ms) + "ms";
}

namespace {

Result<uint16_t> parse_port(std::string_view text) {
    uint64_t value = 0;
    size_t i = 0;
    size_t digits = 0;
    if (!read_digits(text, &i, 5, &value, &digits) || i != text.size() || value > 65535) {
        return value_error("the port must be a number 0..65535");
    }
    return static_cast<uint16_t>(value);
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] + 32) : a[i];
        if (x != b[i]) {
            return false;
        }
    }
    return true;
}

// Checks an IP literal with inet_pton and writes its canonical form (inet_ntop).
bool normalize_ip(std::string_view host, bool ipv6, std::string* out) {
    char input[INET6_ADDRSTRLEN + 1];
    if (host.empty() || host.size() >= sizeof(input)) {
        return false;
    }
    std::memcpy(input, host.data(), host.size());
    input[host.size()] = '\0';
    unsigned char binary[sizeof(in6_addr)];
    int family = ipv6 ? AF_INET6 : AF_INET;
    if (inet_pton(family, input, binary) != 1) {
        return false;
    }
    char canonical[INET6_ADDRSTRLEN];
    if (inet_ntop(family, binary, canonical, sizeof(canonical)) == nullptr) {
        return false;
    }
    *out = canonical;
    return true;
}

// Splits "host:port" or "[v6]:port"; host comes back without brackets.
Result<std::string_view> split_host(std::string_view text, bool* ipv6, std::string_view* port) {
    *ipv6 = !text.empty() && text[0] == '[';
    if (*ipv6) {
        size_t close = text.find(']');
        if (close == std::string_view::npos) {
            return value_error("missing ']' after an IPv6 address");
        }
        if (close + 1 >= text.size() || text[close + 1] != ':') {
            return value_error("missing port: write host:port, e.g. [::]:8080");
        }
        *port = text.substr(close + 2);
        return text.substr(1, close - 1);
    }
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
        return value_error("missing port: write host:port, e.g. 0.0.0.0:8080");
    }
    std::string_view host = text.substr(0, colon);
    if (host.find(':') != std::string_view::npos) {
        return value_error("an IPv6 address needs brackets, e.g. [::1]:8080");
    }
    *port = text.substr(colon + 1);
    return host;
}

}  // namespace

Result<server::ListenAddress> parse_listen_address(std::string_view text) {
    bool ipv6 = false;
    std::string_view port_text;
    auto host = split_host(text, &ipv6, &port_text);
    if (!host.ok()) {
        return host.error();
    }
    if (host->empty()) {
        return value_error("missing host: use 0.0.0.0 (all IPv4) or [::] (all IPv6)");
    }
    auto port = parse_port(port_text);
    if (!port.ok()) {
        return port.error();
    }
    server::ListenAddress address;
    address.port = *port;
    address.ipv6 = ipv6;
    address.text = std::string(text);
    if (!ipv6 && equals_ignoring_case(*host, "localhost")) {
        address.host = "127.0.0.1";
        return address;
    }
    if (!normalize_ip(*host, ipv6, &address.host)) {
        return value_error(ipv6 ? "bad IPv6 address"
                                : "the host must be an IP address or localhost (no DNS names)");
    }
    return address;
}

bool is_valid_name(std::string_view name) {
    if (name.empty() || name.size() > 64) {
        return false;
    }
    for (char c : name) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '.' ||
                  c == '_' || c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

bool is_valid_model_name(std::string_view name) {
    if (name.empty() || name.size() > 256) {
        return false;
    }
    for (char c : name) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f) {
            return false;
        }
    }
    return true;
}

bool is_header_name(std::string_view name) {
    static constexpr std::string_view tchar_symbols = "!#$%&'*+-.^_`|~";
    if (name.empty()) {
        return false;
    }
    for (char c : name) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
                  tchar_symbols.find(c) != std::string_view::npos;
        if (!ok) {
            return false;
        }
    }
    return true;
}

bool is_header_value(std::string_view value) {
    for (char c : value) {
        auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && u != '\t') || u == 0x7f) {
            return false;
        }
    }
    return true;
}

bool is_sha256_hex(std::string_view text) {
    if (text.size() != 64) {
        return false;
    }
    for (char c : text) {
        bool hex = is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (!hex) {
            return false;
        }
    }
    return true;
}

}  // namespace rg::config
