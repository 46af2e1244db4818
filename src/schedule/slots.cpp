// Weekly slots: parsing "mon-fri 09:00,18:30", spelling day sets, finding the next occurrence.

#include <algorithm>
#include <array>
#include <cctype>
#include <date/tz.h>
#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/schedule/slots.hpp>
#include <looppost/util/strings.hpp>

namespace looppost::schedule {

namespace {

constexpr std::array<std::string_view, 7> k_short_days{"mon", "tue", "wed", "thu",
                                                       "fri", "sat", "sun"};
constexpr std::array<std::string_view, 7> k_long_days{"monday", "tuesday",  "wednesday", "thursday",
                                                      "friday", "saturday", "sunday"};
constexpr std::string_view k_days_help =
    "use day names (mon or monday), ranges like \"mon-fri\", \"daily\", \"weekdays\" or "
    "\"weekends\"";

// Bits from `first` to `last` inclusive, wrapping past Sunday ("fri-mon").
std::uint8_t day_range(int first, int last) {
    std::uint8_t bits = 0;
    for (int d = first;; d = (d + 1) % 7) {
        bits = static_cast<std::uint8_t>(bits | (1u << d));
        if (d == last) {
            return bits;
        }
    }
}

int day_index(std::string_view spec, std::string_view word) {
    const std::string lower = util::to_lower(word);
    for (int d = 0; d < 7; ++d) {
        if (lower == k_short_days[d] || lower == k_long_days[d]) {
            return d;
        }
    }
    std::vector<std::string> names(k_short_days.begin(), k_short_days.end());
    names.insert(names.end(), {"daily", "weekdays", "weekends"});
    throw Error(Exit::bad_input, fmt::format("unknown day \"{}\" in slot \"{}\"{}; {}", word, spec,
                                             util::did_you_mean(lower, names), k_days_help));
}

std::uint8_t parse_days(std::string_view spec, std::string_view days) {
    std::uint8_t bits = 0;
    for (const std::string& part : util::split(days, ',')) {
        const std::string lower = util::to_lower(part);
        if (lower == "daily") {
            bits |= k_all_days;
        } else if (lower == "weekdays") {
            bits |= day_range(0, 4);
        } else if (lower == "weekends") {
            bits |= day_range(5, 6);
        } else if (const auto dash = lower.find('-'); dash != std::string::npos) {
            bits |= day_range(day_index(spec, std::string_view(part).substr(0, dash)),
                              day_index(spec, std::string_view(part).substr(dash + 1)));
        } else {
            bits |= static_cast<std::uint8_t>(1u << day_index(spec, part));
        }
    }
    return bits;
}

int parse_minute(std::string_view spec, std::string_view time) {
    auto fail = [&] {
        throw Error(Exit::bad_input,
                    fmt::format("\"{}\" in slot \"{}\" is not a time of day; use HH:MM from 00:00 "
                                "to 23:59",
                                time, spec));
    };
    const auto colon = time.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 2 || time.size() != colon + 3) {
        fail();
    }
    int h = 0;
    int m = 0;
    for (std::size_t i = 0; i < time.size(); ++i) {
        if (i == colon) {
            continue;
        }
        if (!std::isdigit(static_cast<unsigned char>(time[i]))) {
            fail();
        }
        int& field = i < colon ? h : m;
        field = field * 10 + (time[i] - '0');
    }
    if (h > 23 || m > 59) {
        fail();
    }
    return h * 60 + m;
}

// The instant local time `t` stands for in `tz`: a skipped time at the jump, a repeated one
// at its first occurrence.
date::sys_seconds first_instant(date::local_seconds t, const date::time_zone& tz) {
    const date::local_info info = tz.get_info(t);
    if (info.result == date::local_info::nonexistent) {
        return info.second.begin;
    }
    return date::sys_seconds{t.time_since_epoch() - info.first.offset};
}

} // namespace

SlotSpec parse_slot_spec(std::string_view spec) {
    const std::string_view s = util::trim(spec);
    const auto space = s.find_first_of(" \t");
    if (s.empty() || space == std::string_view::npos) {
        throw Error(
            Exit::bad_input,
            fmt::format("slot \"{}\" needs days and a time, like \"mon,wed,fri 18:00\"", spec));
    }
    SlotSpec out;
    out.days = parse_days(s, s.substr(0, space));
    std::string times(s.substr(space + 1));
    std::replace_if(
        times.begin(), times.end(), [](char c) { return c == ' ' || c == '\t'; }, ',');
    for (const std::string& t : util::split(times, ',')) {
        if (!t.empty()) {
            out.minutes.push_back(parse_minute(s, t));
        }
    }
    if (out.minutes.empty()) {
        throw Error(Exit::bad_input,
                    fmt::format("slot \"{}\" has no time; add one like \"18:00\"", spec));
    }
    std::sort(out.minutes.begin(), out.minutes.end());
    out.minutes.erase(std::unique(out.minutes.begin(), out.minutes.end()), out.minutes.end());
    return out;
}

std::string format_days(std::uint8_t days) {
    days &= k_all_days;
    if (days == k_all_days) {
        return "daily";
    }
    if (days == 0) {
        return "";
    }
    // Runs of set days, found cyclically from a day that is not set so "sat-mon" is one run.
    struct Item {
        int start;
        std::string text;
    };
    std::vector<Item> items;
    int gap = 0;
    while (((days >> gap) & 1u) != 0) {
        ++gap;
    }
    for (int i = 1; i <= 7;) {
        const int start = (gap + i) % 7;
        if (((days >> start) & 1u) == 0) {
            ++i;
            continue;
        }
        int len = 0;
        while (i + len <= 7 && ((days >> ((gap + i + len) % 7)) & 1u) != 0) {
            ++len;
        }
        if (len >= 3) {
            items.push_back({start, fmt::format("{}-{}", k_short_days[start],
                                                k_short_days[(start + len - 1) % 7])});
        } else {
            for (int k = 0; k < len; ++k) {
                items.push_back({(start + k) % 7, std::string(k_short_days[(start + k) % 7])});
            }
        }
        i += len;
    }
    std::sort(items.begin(), items.end(),
              [](const Item& a, const Item& b) { return a.start < b.start; });
    std::string out;
    for (const Item& item : items) {
        out += (out.empty() ? "" : ",") + item.text;
    }
    return out;
}

std::optional<std::int64_t> next_slot(const std::vector<Slot>& slots, const date::time_zone& tz,
                                      std::int64_t after) {
    const date::sys_seconds after_sys{std::chrono::seconds{after}};
    const auto today = date::floor<date::days>(tz.to_local(after_sys));
    std::optional<date::sys_seconds> best;
    // From the day before (a clock jump back can replay its evening) to eight days on: every
    // weekday at least once after today, even when the zone skips a whole day (Pacific/Apia).
    for (auto day = today - date::days{1}; day <= today + date::days{8}; day += date::days{1}) {
        const unsigned bit = date::weekday{day}.iso_encoding() - 1;
        for (const Slot& slot : slots) {
            if (((slot.days >> bit) & 1u) == 0) {
                continue;
            }
            if (slot.minute < 0 || slot.minute >= 24 * 60) {
                throw Fatal(fmt::format("slot minute {} is out of range", slot.minute));
            }
            const auto at = first_instant(day + std::chrono::minutes{slot.minute}, tz);
            if (at > after_sys && (!best || at < *best)) {
                best = at;
            }
        }
    }
    if (!best) {
        return std::nullopt;
    }
    return best->time_since_epoch().count();
}

} // namespace looppost::schedule
