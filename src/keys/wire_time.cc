#include "keys/wire_time.h"

#include <array>

namespace rg::keys {
namespace {

constexpr int64_t ns_per_ms = 1'000'000;
// Fraction digits kept; Go keeps nanosecond precision too and ignores the rest.
constexpr int fraction_digits_max = 9;

int64_t saturating_add(int64_t a, int64_t b) {
    return a > wire_time_ns_max - b ? wire_time_ns_max : a + b;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// A byte cursor over one header value; every read checks bounds.
struct Cursor {
    std::string_view s;
    size_t pos = 0;

    bool at_end() const { return pos >= s.size(); }
    char peek() const { return at_end() ? '\0' : s[pos]; }
    bool lit(char c) {
        if (peek() != c) {
            return false;
        }
        ++pos;
        return true;
    }
    bool lit(std::string_view word) {
        if (s.substr(pos, word.size()) != word) {
            return false;
        }
        pos += word.size();
        return true;
    }
    // Exactly `n` digits.
    bool digits(int n, unsigned* out) {
        unsigned v = 0;
        for (int i = 0; i < n; ++i) {
            if (!is_digit(peek())) {
                return false;
            }
            v = v * 10 + static_cast<unsigned>(s[pos++] - '0');
        }
        *out = v;
        return true;
    }
};

// Digits with an optional fraction ("12", "1.5", ".5", "5."), at least one digit. The whole
// part saturates; the fraction keeps fraction_digits_max digits as frac / frac_scale.
struct Decimal {
    int64_t whole = 0;
    int64_t frac = 0;
    int64_t frac_scale = 1;
};

bool read_decimal(Cursor& c, Decimal* d) {
    bool any = false;
    while (is_digit(c.peek())) {
        const int64_t digit = c.s[c.pos++] - '0';
        d->whole =
            d->whole > (wire_time_ns_max - digit) / 10 ? wire_time_ns_max : d->whole * 10 + digit;
        any = true;
    }
    if (c.peek() == '.') {
        const size_t dot = c.pos++;
        int kept = 0;
        bool frac_any = false;
        while (is_digit(c.peek())) {
            if (kept < fraction_digits_max) {
                d->frac = d->frac * 10 + (c.s[c.pos] - '0');
                d->frac_scale *= 10;
                ++kept;
            }
            ++c.pos;
            frac_any = true;
        }
        if (!any && !frac_any) {
            c.pos = dot;  // a lone '.' is not a number
            return false;
        }
        any = true;
    }
    return any;
}

// d * unit_ns, saturating. frac < frac_scale <= 10^9 and unit_ns <= 3.6e12, so neither
// product below can overflow.
int64_t scale(const Decimal& d, int64_t unit_ns) {
    const int64_t whole =
        d.whole > wire_time_ns_max / unit_ns ? wire_time_ns_max : d.whole * unit_ns;
    const int64_t frac =
        d.frac * (unit_ns / d.frac_scale) + d.frac * (unit_ns % d.frac_scale) / d.frac_scale;
    return saturating_add(whole, frac);
}

struct Unit {
    std::string_view name;
    int64_t ns;
};
// "ms" before "m"; U+00B5 (micro sign) and U+03BC (Greek mu) as Go accepts both.
constexpr std::array<Unit, 8> go_units = {{
    {"ns", 1},
    {"us", 1000},
    {"\xC2\xB5s", 1000},
    {"\xCE\xBCs", 1000},
    {"ms", ns_per_ms},
    {"s", 1'000'000'000},
    {"m", 60'000'000'000},
    {"h", 3'600'000'000'000},
}};

std::optional<int64_t> read_unit(Cursor& c) {
    for (const Unit& u : go_units) {
        if (c.lit(u.name)) {
            return u.ns;
        }
    }
    return std::nullopt;
}

// Sign and components; `whole` requires every byte to be used.
std::optional<int64_t> go_duration(std::string_view text, bool whole, size_t* used) {
    Cursor c{text};
    const bool negative = c.lit('-');
    if (!negative) {
        c.lit('+');
    }
    if (whole && text.substr(c.pos) == "0") {
        *used = text.size();
        return 0;
    }
    int64_t total = 0;
    int parts = 0;
    while (!c.at_end()) {
        const size_t start = c.pos;
        Decimal d;
        std::optional<int64_t> unit;
        if (!read_decimal(c, &d) || !(unit = read_unit(c))) {
            if (whole || parts == 0) {
                return std::nullopt;
            }
            c.pos = start;
            break;
        }
        total = saturating_add(total, scale(d, *unit));
        ++parts;
    }
    if (parts == 0) {
        return std::nullopt;
    }
    *used = c.pos;
    return negative ? -total : total;
}

bool is_leap(unsigned y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned days_in_month(unsigned y, unsigned m) {
    constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

struct CivilTime {
    unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    int64_t ms = 0;  // sub-second part
};

// Unix ms of a UTC civil time; nullopt when a field is out of range. A leap second (60)
// reads as the next second's start, which is what a retry hint needs.
std::optional<int64_t> unix_ms(const CivilTime& t) {
    if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > days_in_month(t.year, t.month) ||
        t.hour > 23 || t.minute > 59 || t.second > 60) {
        return std::nullopt;
    }
    const int64_t days = days_from_civil(t.year, t.month, t.day);
    const int64_t seconds = days * 86400 + t.hour * 3600 + t.minute * 60 + t.second;
    return seconds * 1000 + t.ms;
}

bool read_clock(Cursor& c, CivilTime* t) {
    return c.digits(2, &t->hour) && c.lit(':') && c.digits(2, &t->minute) && c.lit(':') &&
           c.digits(2, &t->second);
}

bool read_month_name(Cursor& c, unsigned* month) {
    constexpr std::string_view names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (unsigned i = 0; i < 12; ++i) {
        if (c.lit(names[i])) {
            *month = i + 1;
            return true;
        }
    }
    return false;
}

// The day name: short ("Sun") for IMF-fixdate and asctime, long ("Sunday") for RFC 850.
// Returns 3 or the long name's length, 0 when none matches.
size_t read_day_name(Cursor& c) {
    constexpr std::string_view long_names[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                               "Friday", "Saturday", "Sunday"};
    for (std::string_view name : long_names) {
        if (c.lit(name)) {
            return name.size();
        }
    }
    for (std::string_view name : long_names) {
        if (c.lit(name.substr(0, 3))) {
            return 3;
        }
    }
    return 0;
}

// After "Sun, ": "06 Nov 1994 08:49:37 GMT".
bool read_imf_fixdate(Cursor& c, CivilTime* t) {
    return c.digits(2, &t->day) && c.lit(' ') && read_month_name(c, &t->month) && c.lit(' ') &&
           c.digits(4, &t->year) && c.lit(' ') && read_clock(c, t) && c.lit(" GMT");
}

// After "Sunday, ": "06-Nov-94 08:49:37 GMT". RFC 9110 wants a year more than 50 years
// ahead read as the past; without a clock here, 70-99 are 19xx and 00-69 are 20xx.
bool read_rfc850_date(Cursor& c, CivilTime* t) {
    unsigned yy = 0;
    if (!(c.digits(2, &t->day) && c.lit('-') && read_month_name(c, &t->month) && c.lit('-') &&
          c.digits(2, &yy) && c.lit(' ') && read_clock(c, t) && c.lit(" GMT"))) {
        return false;
    }
    t->year = yy >= 70 ? 1900 + yy : 2000 + yy;
    return true;
}

// After "Sun ": "Nov  6 08:49:37 1994".
bool read_asctime_date(Cursor& c, CivilTime* t) {
    if (!(read_month_name(c, &t->month) && c.lit(' '))) {
        return false;
    }
    bool day_ok = c.lit(' ') ? c.digits(1, &t->day) : c.digits(2, &t->day);
    return day_ok && c.lit(' ') && read_clock(c, t) && c.lit(' ') && c.digits(4, &t->year);
}

}  // namespace

std::optional<int64_t> parse_go_duration_ns(std::string_view text) {
    size_t used = 0;
    return go_duration(text, true, &used);
}

std::optional<int64_t> parse_go_duration_prefix_ns(std::string_view text, size_t* used) {
    return go_duration(text, false, used);
}

std::optional<int64_t> parse_decimal_ns(std::string_view text, int64_t unit_ns) {
    Cursor c{text};
    Decimal d;
    if (unit_ns <= 0 || !read_decimal(c, &d) || !c.at_end()) {
        return std::nullopt;
    }
    return scale(d, unit_ns);
}

std::optional<int64_t> parse_rfc3339_ms(std::string_view text) {
    Cursor c{text};
    CivilTime t;
    if (!(c.digits(4, &t.year) && c.lit('-') && c.digits(2, &t.month) && c.lit('-') &&
          c.digits(2, &t.day) && (c.lit('T') || c.lit('t') || c.lit(' ')) && read_clock(c, &t))) {
        return std::nullopt;
    }
    if (c.lit('.')) {
        int kept = 0;
        if (!is_digit(c.peek())) {
            return std::nullopt;
        }
        while (is_digit(c.peek())) {
            if (kept++ < 3) {
                t.ms = t.ms * 10 + (c.s[c.pos] - '0');
            }
            ++c.pos;
        }
        for (; kept < 3; ++kept) {
            t.ms *= 10;
        }
    }
    int64_t offset_min = 0;
    if (!c.lit('Z') && !c.lit('z')) {
        const char sign = c.peek();
        unsigned oh = 0;
        unsigned om = 0;
        if ((sign != '+' && sign != '-') || !(c.lit(sign) && c.digits(2, &oh) && c.lit(':') &&
                                              c.digits(2, &om) && oh <= 23 && om <= 59)) {
            return std::nullopt;
        }
        offset_min = (sign == '-' ? -1 : 1) * static_cast<int64_t>(oh * 60 + om);
    }
    std::optional<int64_t> ms = unix_ms(t);
    if (!c.at_end() || !ms) {
        return std::nullopt;
    }
    return *ms - offset_min * 60'000;  // local time minus its offset is UTC
}

std::optional<int64_t> parse_http_date_ms(std::string_view text) {
    Cursor c{text};
    CivilTime t;
    const size_t day_name = read_day_name(c);
    bool ok = false;
    if (day_name == 3 && c.lit(", ")) {
        ok = read_imf_fixdate(c, &t);
    } else if (day_name > 3 && c.lit(", ")) {
        ok = read_rfc850_date(c, &t);
    } else if (day_name == 3 && c.lit(' ')) {
        ok = read_asctime_date(c, &t);
    }
    if (!ok || !c.at_end()) {
        return std::nullopt;
    }
    return unix_ms(t);
}

}  // namespace rg::keys
