#pragma once
// Helpers for the schedule tests.

#include <chrono>
#include <cstdint>
#include <date/date.h>

namespace test {

/// Unix seconds of a UTC date and time, computed by the date library rather than by parse_at.
inline std::int64_t utc(int y, unsigned mo, unsigned d, int h, int mi, int s = 0) {
    const auto day = date::sys_days{date::year{y} / date::month{mo} / date::day{d}};
    return (day + std::chrono::hours{h} + std::chrono::minutes{mi} + std::chrono::seconds{s})
        .time_since_epoch()
        .count();
}

} // namespace test
