// Unix seconds as the UTC form of the JSON contract and as local times for people.

#include "civil.hpp"

#include <date/tz.h>
#include <fmt/format.h>
#include <looppost/schedule/time.hpp>

namespace looppost::schedule {

namespace {

date::sys_seconds to_sys(std::int64_t t) {
    return date::sys_seconds{std::chrono::seconds{t}};
}

} // namespace

std::string format_date(date::local_days day) {
    const date::year_month_day ymd{day};
    return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

std::string format_clock(std::chrono::seconds since_midnight) {
    const auto s = since_midnight.count();
    std::string out = fmt::format("{:02}:{:02}", s / 3600, s / 60 % 60);
    if (s % 60 != 0) {
        out += fmt::format(":{:02}", s % 60);
    }
    return out;
}

std::string format_date_time(date::local_seconds t, char sep) {
    const auto day = date::floor<date::days>(t);
    return format_date(day) + sep + format_clock(t - day);
}

std::string format_offset(std::chrono::seconds offset) {
    const char sign = offset < std::chrono::seconds{0} ? '-' : '+';
    const auto s = offset < std::chrono::seconds{0} ? -offset.count() : offset.count();
    std::string out = fmt::format("{}{:02}:{:02}", sign, s / 3600, s / 60 % 60);
    if (s % 60 != 0) {
        out += fmt::format(":{:02}", s % 60);
    }
    return out;
}

std::string format_utc(std::int64_t t) {
    const auto sys = to_sys(t);
    const auto day = date::floor<date::days>(sys);
    const date::year_month_day ymd{day};
    const date::hh_mm_ss hms{sys - day};
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                       hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

std::string format_local(std::int64_t t, const date::time_zone& tz) {
    const auto info = tz.get_info(to_sys(t));
    return format_date_time(date::local_seconds{(to_sys(t) + info.offset).time_since_epoch()}) +
           ' ' + info.abbrev;
}

std::string format_local_day(std::int64_t t, const date::time_zone& tz) {
    return format_date(date::floor<date::days>(tz.to_local(to_sys(t))));
}

} // namespace looppost::schedule
