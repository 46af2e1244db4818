// The pure arithmetic of stats: days, daily gains, sparklines, age alignment, medians, the
// grouping behind --best-times, and CSV fields.

#include <algorithm>
#include <charconv>
#include <date/date.h>
#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/stats/stats.hpp>

namespace looppost::stats {
namespace {

date::sys_days parse_day(std::string_view day) {
    int y = 0;
    unsigned m = 0, d = 0;
    auto num = [&](std::size_t at, std::size_t len, auto& out) {
        if (day.size() < at + len)
            return false;
        auto r = std::from_chars(day.data() + at, day.data() + at + len, out);
        return r.ec == std::errc() && r.ptr == day.data() + at + len;
    };
    if (day.size() != 10 || day[4] != '-' || day[7] != '-' || !num(0, 4, y) || !num(5, 2, m) ||
        !num(8, 2, d))
        throw Error(Exit::bad_input, fmt::format("\"{}\" is not a day (YYYY-MM-DD)", day));
    date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
    if (!ymd.ok())
        throw Error(Exit::bad_input, fmt::format("\"{}\" is not a day of the calendar", day));
    return date::sys_days(ymd);
}

} // namespace

int days_between(std::string_view from, std::string_view to) {
    return static_cast<int>((parse_day(to) - parse_day(from)).count());
}

std::string add_days(std::string_view day, int n) {
    return date::format("%F", parse_day(day) + date::days(n));
}

std::vector<Point> daily_gains(const std::vector<store::SnapshotRow>& series,
                               std::string_view create_day) {
    std::vector<Point> out;
    std::optional<std::int64_t> previous;
    for (const auto& s : series) {
        if (!s.views)
            continue;
        if (previous) {
            out.push_back({s.day, std::max<std::int64_t>(0, *s.views - *previous)});
        } else if (!create_day.empty() && days_between(create_day, s.day) <= 1) {
            out.push_back({s.day, *s.views});
        }
        previous = s.views;
    }
    return out;
}

std::string sparkline(const std::vector<std::int64_t>& values) {
    static constexpr const char* k_blocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    std::int64_t top = 0;
    for (auto v : values)
        top = std::max(top, v);
    std::string out;
    for (auto v : values) {
        std::size_t level = 0;
        if (top > 0 && v > 0)
            level = static_cast<std::size_t>((static_cast<double>(v) * 7.0) / top + 0.5);
        out += k_blocks[std::min<std::size_t>(level, 7)];
    }
    return out;
}

std::optional<std::int64_t> delta(std::optional<std::int64_t> now,
                                  std::optional<std::int64_t> before) {
    if (!now || !before)
        return std::nullopt;
    return *now - *before;
}

std::optional<std::int64_t> views_at_age(const std::vector<store::SnapshotRow>& series,
                                         std::string_view create_day, int age) {
    if (series.empty())
        return std::nullopt;
    return views_at_age(series, create_day, age, series.back().day);
}

std::optional<std::int64_t> views_at_age(const std::vector<store::SnapshotRow>& series,
                                         std::string_view create_day, int age,
                                         std::string_view last_day) {
    std::string target = add_days(create_day, age);
    if (last_day < target)
        return std::nullopt; // not that old yet (as far as the store knows)
    std::optional<std::int64_t> found;
    for (const auto& s : series) {
        if (s.day > target)
            break;
        if (s.views)
            found = s.views;
    }
    return found;
}

std::optional<double> median(std::vector<std::int64_t> values) {
    if (values.empty())
        return std::nullopt;
    std::sort(values.begin(), values.end());
    auto n = values.size();
    if (n % 2 == 1)
        return static_cast<double>(values[n / 2]);
    return (static_cast<double>(values[n / 2 - 1]) + static_cast<double>(values[n / 2])) / 2.0;
}

BestTimes group_best_times(const std::vector<FirstDay>& posts) {
    std::vector<std::vector<std::int64_t>> by_hour(24), by_weekday(7);
    for (const auto& p : posts) {
        by_hour.at(static_cast<std::size_t>(p.hour)).push_back(p.views);
        by_weekday.at(static_cast<std::size_t>(p.weekday)).push_back(p.views);
    }
    auto groups = [](const std::vector<std::vector<std::int64_t>>& all) {
        std::vector<TimeGroup> out;
        for (std::size_t k = 0; k < all.size(); ++k) {
            if (!all[k].empty())
                out.push_back(
                    {static_cast<int>(k), static_cast<int>(all[k].size()), *median(all[k])});
        }
        std::stable_sort(out.begin(), out.end(), [](const TimeGroup& a, const TimeGroup& b) {
            if (a.median_views != b.median_views)
                return a.median_views > b.median_views;
            return a.posts > b.posts;
        });
        return out;
    };
    BestTimes bt;
    bt.posts = static_cast<int>(posts.size());
    bt.hours = groups(by_hour);
    bt.weekdays = groups(by_weekday);
    bool big_group = std::any_of(bt.hours.begin(), bt.hours.end(),
                                 [](const TimeGroup& g) { return g.posts >= 3; });
    bt.enough = bt.posts >= k_best_times_min && big_group;
    return bt;
}

std::string_view weekday_name(int weekday) {
    static constexpr std::string_view k_names[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    return k_names[static_cast<std::size_t>(std::clamp(weekday, 0, 6))];
}

std::string csv_field(std::string_view text) {
    bool quote = text.find_first_of(",\"\r\n") != std::string_view::npos ||
                 (!text.empty() && (text.front() == ' ' || text.back() == ' '));
    if (!quote)
        return std::string(text);
    std::string out = "\"";
    for (char c : text) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string csv_record(const std::vector<std::string>& fields) {
    std::string out;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i > 0)
            out += ',';
        out += csv_field(fields[i]);
    }
    out += "\r\n";
    return out;
}

} // namespace looppost::stats
