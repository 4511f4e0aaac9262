#include "http/date_cache.h"

#include <time.h>

namespace rg::http {

namespace {

struct CivilDate {
    int64_t year;
    unsigned month;  // 1..12
    unsigned day;    // 1..31
};

// Days since 1970-01-01 to a proleptic Gregorian date: shift the year to start in March
// so the leap day comes last, then split into 400-year eras of 146097 days.
CivilDate civil_from_days(int64_t days) {
    const int64_t z = days + 719468;  // days since 0000-03-01
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;                                       // [0, 146096]
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
    const int64_t mp = (5 * doy + 2) / 153;                                     // March = 0
    const auto day = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
    const auto month = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
    return CivilDate{yoe + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

void put2(char* out, unsigned v) {
    out[0] = static_cast<char>('0' + v / 10);
    out[1] = static_cast<char>('0' + v % 10);
}

struct DateCache {
    int64_t second = -1;
    char text[http_date_bytes];
};

thread_local DateCache t_date;

}  // namespace

void format_http_date(int64_t unix_seconds, char* out) {
    static constexpr char weekdays[] = "SunMonTueWedThuFriSat";
    static constexpr char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    const int64_t days = unix_seconds / 86400;
    const auto secs = static_cast<unsigned>(unix_seconds % 86400);
    const CivilDate date = civil_from_days(days);
    const auto weekday = static_cast<unsigned>((days + 4) % 7);  // 1970-01-01 was a Thursday
    const auto year = static_cast<unsigned>(date.year);
    char* p = out;
    p[0] = weekdays[weekday * 3];
    p[1] = weekdays[weekday * 3 + 1];
    p[2] = weekdays[weekday * 3 + 2];
    p[3] = ',';
    p[4] = ' ';
    put2(p + 5, date.day);
    p[7] = ' ';
    p[8] = months[(date.month - 1) * 3];
    p[9] = months[(date.month - 1) * 3 + 1];
    p[10] = months[(date.month - 1) * 3 + 2];
    p[11] = ' ';
    put2(p + 12, year / 100);
    put2(p + 14, year % 100);
    p[16] = ' ';
    put2(p + 17, secs / 3600);
    p[19] = ':';
    put2(p + 20, secs / 60 % 60);
    p[22] = ':';
    put2(p + 23, secs % 60);
    p[25] = ' ';
    p[26] = 'G';
    p[27] = 'M';
    p[28] = 'T';
}

std::string_view http_date() {
    timespec ts;
    // The coarse clock is a vDSO read of the last tick: a second's precision is all we need.
    clock_gettime(CLOCK_REALTIME_COARSE, &ts);
    const int64_t now = ts.tv_sec;
    if (now != t_date.second) {
        format_http_date(now < 0 ? 0 : now, t_date.text);
        t_date.second = now;
    }
    return {t_date.text, http_date_bytes};
}

}  // namespace rg::http
