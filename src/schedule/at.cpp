// `at` values (DESIGN §2): "now", "+2h", ISO 8601 with an offset, or local "YYYY-MM-DD HH:MM".

#include "civil.hpp"

#include <array>
#include <cctype>
#include <date/tz.h>
#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/schedule/time.hpp>
#include <looppost/util/strings.hpp>
#include <optional>

namespace looppost::schedule {

namespace {

constexpr std::string_view k_forms = "use ISO 8601 (\"2026-12-01T18:00+01:00\"), \"YYYY-MM-DD "
                                     "HH:MM\" in the account's zone, \"+2h\" or \"now\"";

[[noreturn]] void invalid(std::string_view text, std::string_view reason) {
    throw Error(Exit::bad_input,
                fmt::format("\"{}\" is not a valid time: {}; {}", text, reason, k_forms));
}

/// Reads `text` left to right.
class Cursor {
public:
    explicit Cursor(std::string_view text) : m_text(text) {}

    bool done() const { return m_pos == m_text.size(); }
    char peek() const { return done() ? '\0' : m_text[m_pos]; }
    std::string_view rest() const { return m_text.substr(m_pos); }
    bool take(char c) {
        if (peek() != c) {
            return false;
        }
        ++m_pos;
        return true;
    }
    /// Between `min` and `max` digits as a number; nullopt (nothing consumed) if fewer.
    std::optional<std::int64_t> number(std::size_t min, std::size_t max) {
        std::size_t n = 0;
        std::int64_t v = 0;
        while (n < max && std::isdigit(static_cast<unsigned char>(peek()))) {
            v = v * 10 + (peek() - '0');
            ++m_pos;
            ++n;
        }
        if (n < min) {
            m_pos -= n;
            return std::nullopt;
        }
        return v;
    }

private:
    std::string_view m_text;
    std::size_t m_pos = 0;
};

// "+1d2h30m": each unit at most once, largest first, counted in elapsed seconds.
std::int64_t parse_relative(std::string_view text, std::int64_t now) {
    struct Unit {
        char name;
        std::int64_t seconds;
    };
    constexpr std::array<Unit, 4> k_units{{{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}}};
    Cursor c(text);
    c.take('+');
    if (c.done()) {
        invalid(text, "no amount after \"+\"");
    }
    std::int64_t total = 0;
    std::size_t next_unit = 0;
    while (!c.done()) {
        auto amount = c.number(1, 9);
        if (!amount) {
            invalid(text, fmt::format("expected a number at \"{}\"", c.rest()));
        }
        if (c.done()) {
            invalid(text, fmt::format("{} has no unit (d, h, m or s)", *amount));
        }
        const char unit = static_cast<char>(std::tolower(static_cast<unsigned char>(c.peek())));
        std::size_t u = 0;
        while (u < k_units.size() && k_units[u].name != unit) {
            ++u;
        }
        if (u == k_units.size()) {
            invalid(text, fmt::format("\"{}\" is not a unit (d, h, m or s)", c.peek()));
        }
        if (u < next_unit) {
            invalid(text, "give each unit once, largest first (\"+1d2h30m\")");
        }
        c.take(c.peek());
        total += *amount * k_units[u].seconds;
        next_unit = u + 1;
    }
    return now + total;
}

struct Parsed {
    date::local_seconds local;                  // the wall-clock time as written
    std::optional<std::chrono::seconds> offset; // east of UTC; none: local time in the zone
    char sep = ' ';                             // how the user separated date and time
};

Parsed parse_absolute(std::string_view text) {
    Cursor c(text);
    auto y = c.number(4, 4);
    if (!y) {
        invalid(text, "not a date, a relative time or \"now\"");
    }
    std::optional<std::int64_t> mo;
    std::optional<std::int64_t> d;
    if (!c.take('-') || !(mo = c.number(2, 2)) || !c.take('-') || !(d = c.number(2, 2))) {
        invalid(text, "expected a date as YYYY-MM-DD");
    }
    Parsed p;
    if (c.done()) {
        invalid(text, "it has a date but no time");
    }
    p.sep = c.peek() == 't' ? 'T' : c.peek();
    if (!c.take('T') && !c.take('t') && !c.take(' ')) {
        invalid(text, fmt::format("unexpected \"{}\" after the date", c.rest()));
    }
    auto h = c.number(1, 2);
    std::optional<std::int64_t> mi;
    if (!h || !c.take(':') || !(mi = c.number(2, 2))) {
        invalid(text, "expected HH:MM after the date");
    }
    std::int64_t s = 0;
    if (c.take(':')) {
        auto sec = c.number(2, 2);
        if (!sec) {
            invalid(text, "expected two digits of seconds after HH:MM:");
        }
        s = *sec;
        if (c.take('.') || c.take(',')) {
            if (!c.number(1, 9)) {
                invalid(text, "expected digits after the decimal point");
            }
        }
    }
    if (c.take('Z') || c.take('z')) {
        p.offset = std::chrono::seconds{0};
    } else if (c.peek() == '+' || c.peek() == '-') {
        const int sign = c.peek() == '-' ? -1 : 1;
        c.take(c.peek());
        auto oh = c.number(2, 2);
        std::optional<std::int64_t> om = std::int64_t{0};
        if (c.take(':') || !c.done()) {
            om = c.number(2, 2);
        }
        if (!oh || !om) {
            invalid(text, "expected an offset like +01:00 after the time");
        }
        if (*oh > 18 || *om > 59 || *oh * 60 + *om > 18 * 60) {
            invalid(text, "the offset is out of range (-18:00 to +18:00)");
        }
        p.offset = std::chrono::seconds{sign * (*oh * 3600 + *om * 60)};
    }
    if (!c.done()) {
        invalid(text, fmt::format("unexpected \"{}\" after the time", c.rest()));
    }

    if (*mo < 1 || *mo > 12) {
        invalid(text, fmt::format("month {:02} is out of range (01-12)", *mo));
    }
    const date::year_month ym{date::year{static_cast<int>(*y)},
                              date::month{static_cast<unsigned>(*mo)}};
    const date::year_month_day ymd{ym / date::day{static_cast<unsigned>(*d)}};
    if (!ymd.ok()) {
        const auto last = static_cast<unsigned>(date::year_month_day_last{ym / date::last}.day());
        invalid(text,
                fmt::format("{:04}-{:02} has days 01 to {:02}, not {:02}", *y, *mo, last, *d));
    }
    if (*h > 23) {
        invalid(text, fmt::format("hour {:02} is out of range (00-23)", *h));
    }
    if (*mi > 59) {
        invalid(text, fmt::format("minute {:02} is out of range (00-59)", *mi));
    }
    if (s > 59) {
        invalid(text, fmt::format("second {:02} is out of range (00-59)", s));
    }
    p.local = date::local_days{ymd} + std::chrono::hours{*h} + std::chrono::minutes{*mi} +
              std::chrono::seconds{s};
    return p;
}

// The local time `p.local` in `tz`, refusing times the clocks skip or pass twice.
std::int64_t resolve_local(std::string_view text, const Parsed& p, const date::time_zone& tz) {
    const date::local_info info = tz.get_info(p.local);
    const auto local_seconds = p.local.time_since_epoch();
    if (info.result == date::local_info::unique) {
        return (local_seconds - info.first.offset).count();
    }
    if (info.result == date::local_info::nonexistent) {
        const auto jump = info.second.begin.time_since_epoch();
        const date::local_seconds from{jump + info.first.offset};
        const date::local_seconds to{jump + info.second.offset};
        const auto day = date::floor<date::days>(p.local);
        const bool same_day =
            date::floor<date::days>(from) == day && date::floor<date::days>(to) == day;
        auto spell = [&](date::local_seconds t) {
            return same_day ? format_clock(t - date::floor<date::days>(t)) : format_date_time(t);
        };
        throw Error(Exit::bad_input,
                    fmt::format("\"{}\" does not exist in {}: clocks jump from {} to {} ({} → {}); "
                                "use \"{}\" or give an offset",
                                text, tz.name(), spell(from), spell(to),
                                format_offset(info.first.offset), format_offset(info.second.offset),
                                format_date_time(p.local + (info.second.offset - info.first.offset),
                                                 p.sep)));
    }
    const std::string written = format_date_time(p.local, 'T');
    throw Error(Exit::bad_input,
                fmt::format("\"{}\" happens twice in {}; give an offset: \"{}{}\" (first) or "
                            "\"{}{}\" (second)",
                            text, tz.name(), written, format_offset(info.first.offset), written,
                            format_offset(info.second.offset)));
}

} // namespace

std::int64_t parse_at(std::string_view text, const date::time_zone& tz, std::int64_t now) {
    const std::string_view t = util::trim(text);
    if (t.empty()) {
        invalid(t, "it is empty");
    }
    if (util::to_lower(t) == "now") {
        return now;
    }
    if (t.front() == '+') {
        return parse_relative(t, now);
    }
    const Parsed p = parse_absolute(t);
    if (p.offset) {
        return (p.local.time_since_epoch() - *p.offset).count();
    }
    return resolve_local(t, p, tz);
}

} // namespace looppost::schedule
