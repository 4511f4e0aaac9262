// UTC calendar periods for quotas and budgets: the day (00:00 UTC to 00:00 UTC) and the
// month a wall-clock instant falls in, and how long until the next one starts. POSIX time:
// a day is exactly 86 400 000 ms (leap seconds are smeared by the system clock). Pure.
#pragma once

#include <chrono>
#include <cstdint>

namespace rg::limits {

inline constexpr int64_t ms_per_day = 86'400'000;

// Days since 1970-01-01 (floor division: instants before 1970 stay consistent).
constexpr int64_t utc_day(int64_t wall_ms) {
    return wall_ms >= 0 ? wall_ms / ms_per_day : -((-wall_ms + ms_per_day - 1) / ms_per_day);
}

// Months since January 1970.
constexpr int64_t utc_month(int64_t wall_ms) {
    using namespace std::chrono;
    const year_month_day ymd{sys_days{days{utc_day(wall_ms)}}};
    return (static_cast<int>(ymd.year()) - 1970) * 12 +
           static_cast<int64_t>(static_cast<unsigned>(ymd.month())) - 1;
}

constexpr uint64_t ms_until_next_day(int64_t wall_ms) {
    return static_cast<uint64_t>((utc_day(wall_ms) + 1) * ms_per_day - wall_ms);
}

constexpr uint64_t ms_until_next_month(int64_t wall_ms) {
    using namespace std::chrono;
    const int64_t m = utc_month(wall_ms) + 1;
    const year_month_day first{year{static_cast<int>(1970 + m / 12)},
                               month{static_cast<unsigned>(m % 12 + 1)}, day{1}};
    const int64_t start_ms = sys_days{first}.time_since_epoch().count() * ms_per_day;
    return static_cast<uint64_t>(start_ms - wall_ms);
}

}  // namespace rg::limits
