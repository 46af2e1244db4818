#include "schedule_support.hpp"

#include <chrono>
#include <cstdlib>
#include <date/tz.h>
#include <doctest/doctest.h>
#include <looppost/core/errors.hpp>
#include <looppost/schedule/time.hpp>
#include <optional>
#include <string>

using namespace looppost;
using namespace looppost::schedule;
using test::utc;

namespace {

// The message of the bad_input Error `f` throws, or "(no error)".
template <class F> std::string bad_input(F f) {
    try {
        f();
    } catch (const Error& e) {
        CHECK(e.exit() == Exit::bad_input);
        return e.what();
    }
    return "(no error)";
}

const std::int64_t k_now = utc(2026, 11, 23, 16, 0); // a Monday

const std::string k_forms = "use ISO 8601 (\"2026-12-01T18:00+01:00\"), \"YYYY-MM-DD HH:MM\" in "
                            "the account's zone, \"+2h\" or \"now\"";

// Sets TZ for one test and puts the old value back.
class ScopedTz {
public:
    explicit ScopedTz(const char* value) {
        if (const char* old = std::getenv("TZ")) {
            m_old = old;
        }
        if (value != nullptr) {
            ::setenv("TZ", value, 1);
        } else {
            ::unsetenv("TZ");
        }
    }
    ~ScopedTz() {
        if (m_old) {
            ::setenv("TZ", m_old->c_str(), 1);
        } else {
            ::unsetenv("TZ");
        }
    }
    ScopedTz(const ScopedTz&) = delete;
    ScopedTz& operator=(const ScopedTz&) = delete;

private:
    std::optional<std::string> m_old;
};

} // namespace

TEST_CASE("schedule: zone finds IANA zones by name") {
    CHECK(zone("Europe/Berlin").name() == "Europe/Berlin");
    CHECK(zone("UTC").name() == "UTC");
    CHECK(&zone("Asia/Kolkata") == &zone("Asia/Kolkata"));
}

TEST_CASE("schedule: an unknown zone is bad input, with a suggestion when one is close") {
    CHECK(bad_input([] { zone("Mars/Base"); }) ==
          "unknown time zone \"Mars/Base\"; use an IANA name such as Europe/Berlin or "
          "America/New_York (the tzdata package lists them)");
    CHECK(bad_input([] { zone("Europe/Berln"); }) ==
          "unknown time zone \"Europe/Berln\" (did you mean \"Europe/Berlin\"?); use an IANA "
          "name such as Europe/Berlin or America/New_York (the tzdata package lists them)");
    CHECK(bad_input([] { zone("europe/berlin"); }).find("(did you mean \"Europe/Berlin\"?)") !=
          std::string::npos);
    CHECK(bad_input([] { zone(""); }).rfind("unknown time zone \"\"", 0) == 0);
    CHECK(bad_input([] { zone("../../etc/passwd"); }).rfind("unknown time zone", 0) == 0);
    CHECK(bad_input([] { zone("zone.tab"); }).rfind("unknown time zone", 0) == 0);
}

TEST_CASE("schedule: system_zone_name follows TZ when it names a zone") {
    std::string fallback;
    {
        ScopedTz tz(nullptr);
        fallback = system_zone_name();
        CHECK(!fallback.empty());
        CHECK_NOTHROW(zone(fallback));
    }
    {
        ScopedTz tz("America/New_York");
        CHECK(system_zone_name() == "America/New_York");
    }
    {
        ScopedTz tz(":Asia/Kolkata");
        CHECK(system_zone_name() == "Asia/Kolkata");
    }
    {
        ScopedTz tz(":/usr/share/zoneinfo/Europe/Berlin");
        CHECK(system_zone_name() == "Europe/Berlin");
    }
    {
        ScopedTz tz("Mars/Base");
        CHECK(system_zone_name() == fallback);
    }
    {
        ScopedTz tz("CET-1CEST,M3.5.0,M10.5.0/3");
        CHECK(system_zone_name() == fallback);
    }
    {
        ScopedTz tz("");
        CHECK(system_zone_name() == fallback);
    }
}

TEST_CASE("schedule: now and relative times count from now") {
    const auto& berlin = zone("Europe/Berlin");
    CHECK(parse_at("now", berlin, k_now) == k_now);
    CHECK(parse_at(" NOW ", berlin, k_now) == k_now);
    CHECK(parse_at("+90m", berlin, k_now) == k_now + 90 * 60);
    CHECK(parse_at("+2h", berlin, k_now) == k_now + 2 * 3600);
    CHECK(parse_at("+1d", berlin, k_now) == k_now + 86400);
    CHECK(parse_at("+45s", berlin, k_now) == k_now + 45);
    CHECK(parse_at("+1h30m", berlin, k_now) == k_now + 5400);
    CHECK(parse_at("+1d2h30m15s", berlin, k_now) == k_now + 86400 + 7200 + 1800 + 15);
    CHECK(parse_at("+2H", berlin, k_now) == k_now + 7200);
    CHECK(parse_at("+0m", berlin, k_now) == k_now);
}

TEST_CASE("schedule: a relative day is 24 hours even across a clock change") {
    const auto before = utc(2026, 10, 24, 10, 0); // 12:00 CEST, the day before clocks go back
    CHECK(parse_at("+1d", zone("Europe/Berlin"), before) == before + 86400);
}

TEST_CASE("schedule: malformed relative times name the problem") {
    const auto& utc_zone = zone("UTC");
    CHECK(bad_input([&] { parse_at("+", utc_zone, k_now); }) ==
          "\"+\" is not a valid time: no amount after \"+\"; " + k_forms);
    CHECK(bad_input([&] { parse_at("+2", utc_zone, k_now); }) ==
          "\"+2\" is not a valid time: 2 has no unit (d, h, m or s); " + k_forms);
    CHECK(bad_input([&] { parse_at("+2x", utc_zone, k_now); }) ==
          "\"+2x\" is not a valid time: \"x\" is not a unit (d, h, m or s); " + k_forms);
    CHECK(bad_input([&] { parse_at("+30m1h", utc_zone, k_now); }) ==
          "\"+30m1h\" is not a valid time: give each unit once, largest first (\"+1d2h30m\"); " +
              k_forms);
    CHECK(bad_input([&] { parse_at("+1h1h", utc_zone, k_now); }).find("largest first") !=
          std::string::npos);
    CHECK(bad_input([&] { parse_at("+h", utc_zone, k_now); }) ==
          "\"+h\" is not a valid time: expected a number at \"h\"; " + k_forms);
}

TEST_CASE("schedule: ISO 8601 times with Z or an offset ignore the zone") {
    const auto& ny = zone("America/New_York");
    const auto expected = utc(2026, 12, 1, 17, 0);
    CHECK(parse_at("2026-12-01T18:00:00+01:00", ny, k_now) == expected);
    CHECK(parse_at("2026-12-01T18:00+01:00", ny, k_now) == expected);
    CHECK(parse_at("2026-12-01T18:00+0100", ny, k_now) == expected);
    CHECK(parse_at("2026-12-01T18:00+01", ny, k_now) == expected);
    CHECK(parse_at("2026-12-01T17:00Z", ny, k_now) == expected);
    CHECK(parse_at("2026-12-01T17:00:00Z", ny, k_now) == expected);
    CHECK(parse_at("2026-12-01t17:00z", ny, k_now) == expected);
    CHECK(parse_at("2026-12-01 17:00Z", ny, k_now) == expected);
    CHECK(parse_at("2026-12-01 17:00:00.250Z", ny, k_now) == expected);
    CHECK(parse_at("2026-12-01T12:00-05:00", ny, k_now) == expected);
    CHECK(parse_at("2026-12-01T22:30+05:30", ny, k_now) == expected);
    CHECK(parse_at("2026-12-01T17:00:45Z", ny, k_now) == expected + 45);
    CHECK(parse_at("2026-12-01T00:30+01:00", ny, k_now) == utc(2026, 11, 30, 23, 30));
}

TEST_CASE("schedule: local times are read in the given zone") {
    CHECK(parse_at("2026-12-01 18:00", zone("Europe/Berlin"), k_now) == utc(2026, 12, 1, 17, 0));
    CHECK(parse_at("2026-07-01 18:00", zone("Europe/Berlin"), k_now) == utc(2026, 7, 1, 16, 0));
    CHECK(parse_at("2026-12-01T18:00", zone("Europe/Berlin"), k_now) == utc(2026, 12, 1, 17, 0));
    CHECK(parse_at("2026-12-01 18:00:30", zone("Europe/Berlin"), k_now) ==
          utc(2026, 12, 1, 17, 0, 30));
    CHECK(parse_at("2026-07-04 09:15", zone("America/New_York"), k_now) == utc(2026, 7, 4, 13, 15));
    CHECK(parse_at("2026-12-04 09:15", zone("America/New_York"), k_now) ==
          utc(2026, 12, 4, 14, 15));
    CHECK(parse_at("2026-12-01 18:00", zone("Asia/Kolkata"), k_now) == utc(2026, 12, 1, 12, 30));
    CHECK(parse_at("2026-12-01 18:00", zone("UTC"), k_now) == utc(2026, 12, 1, 18, 0));
    CHECK(parse_at("2026-12-01 9:05", zone("UTC"), k_now) == utc(2026, 12, 1, 9, 5));
}

TEST_CASE("schedule: times in the past are returned, not refused") {
    CHECK(parse_at("2020-01-01 00:00", zone("UTC"), k_now) == utc(2020, 1, 1, 0, 0));
}

TEST_CASE("schedule: a local time the clocks skip is refused with one that works") {
    CHECK(bad_input([] { parse_at("2026-03-29 02:30", zone("Europe/Berlin"), k_now); }) ==
          "\"2026-03-29 02:30\" does not exist in Europe/Berlin: clocks jump from 02:00 to "
          "03:00 (+01:00 → +02:00); use \"2026-03-29 03:30\" or give an offset");
    CHECK(bad_input([] { parse_at("2026-03-29T02:00", zone("Europe/Berlin"), k_now); }) ==
          "\"2026-03-29T02:00\" does not exist in Europe/Berlin: clocks jump from 02:00 to "
          "03:00 (+01:00 → +02:00); use \"2026-03-29T03:00\" or give an offset");
    CHECK(bad_input([] {
              parse_at("2026-03-29t02:30", zone("Europe/Berlin"), k_now);
          }).find("use \"2026-03-29T03:30\"") != std::string::npos);
    CHECK(bad_input([] { parse_at("2026-03-08 02:30", zone("America/New_York"), k_now); }) ==
          "\"2026-03-08 02:30\" does not exist in America/New_York: clocks jump from 02:00 to "
          "03:00 (-05:00 → -04:00); use \"2026-03-08 03:30\" or give an offset");
    CHECK(bad_input([] { parse_at("2026-10-04 02:10", zone("Australia/Lord_Howe"), k_now); }) ==
          "\"2026-10-04 02:10\" does not exist in Australia/Lord_Howe: clocks jump from 02:00 "
          "to 02:30 (+10:30 → +11:00); use \"2026-10-04 02:40\" or give an offset");
    // Samoa skipped a whole day when it crossed the date line.
    CHECK(bad_input([] { parse_at("2011-12-30 12:00", zone("Pacific/Apia"), k_now); }) ==
          "\"2011-12-30 12:00\" does not exist in Pacific/Apia: clocks jump from 2011-12-30 "
          "00:00 to 2011-12-31 00:00 (-10:00 → +14:00); use \"2011-12-31 12:00\" or give an "
          "offset");
    // With an offset the same wall-clock text is an ordinary instant.
    CHECK(parse_at("2026-03-29T02:30+01:00", zone("Europe/Berlin"), k_now) ==
          utc(2026, 3, 29, 1, 30));
    CHECK(parse_at("2026-03-29 03:00", zone("Europe/Berlin"), k_now) == utc(2026, 3, 29, 1, 0));
}

TEST_CASE("schedule: a local time that happens twice is refused with both offsets") {
    CHECK(bad_input([] { parse_at("2026-10-25 02:30", zone("Europe/Berlin"), k_now); }) ==
          "\"2026-10-25 02:30\" happens twice in Europe/Berlin; give an offset: "
          "\"2026-10-25T02:30+02:00\" (first) or \"2026-10-25T02:30+01:00\" (second)");
    CHECK(bad_input([] { parse_at("2026-11-01 01:30:20", zone("America/New_York"), k_now); }) ==
          "\"2026-11-01 01:30:20\" happens twice in America/New_York; give an offset: "
          "\"2026-11-01T01:30:20-04:00\" (first) or \"2026-11-01T01:30:20-05:00\" (second)");
    CHECK(parse_at("2026-10-25T02:30+02:00", zone("Europe/Berlin"), k_now) ==
          utc(2026, 10, 25, 0, 30));
    CHECK(parse_at("2026-10-25T02:30+01:00", zone("Europe/Berlin"), k_now) ==
          utc(2026, 10, 25, 1, 30));
}

TEST_CASE("schedule: impossible dates and times are bad input") {
    const auto& z = zone("Europe/Berlin");
    auto message = [&](const char* text) { return bad_input([&] { parse_at(text, z, k_now); }); };
    CHECK(message("2026-02-30 10:00") ==
          "\"2026-02-30 10:00\" is not a valid time: 2026-02 has days 01 to 28, not 30; " +
              k_forms);
    CHECK(message("2028-02-30 10:00").find("2028-02 has days 01 to 29, not 30") !=
          std::string::npos);
    CHECK(message("2026-04-31 10:00").find("has days 01 to 30, not 31") != std::string::npos);
    CHECK(message("2026-13-01 10:00") ==
          "\"2026-13-01 10:00\" is not a valid time: month 13 is out of range (01-12); " + k_forms);
    CHECK(message("2026-12-00 10:00").find("has days 01 to 31, not 00") != std::string::npos);
    CHECK(message("2026-12-01 25:00") ==
          "\"2026-12-01 25:00\" is not a valid time: hour 25 is out of range (00-23); " + k_forms);
    CHECK(message("2026-12-01 24:00").find("hour 24 is out of range") != std::string::npos);
    CHECK(message("2026-12-01 10:60").find("minute 60 is out of range") != std::string::npos);
    CHECK(message("2026-12-01 10:00:60").find("second 60 is out of range") != std::string::npos);
    CHECK(message("2026-12-01T10:00+19:00").find("offset is out of range") != std::string::npos);
}

TEST_CASE("schedule: empty and garbage times are bad input") {
    const auto& z = zone("UTC");
    auto message = [&](const char* text) { return bad_input([&] { parse_at(text, z, k_now); }); };
    CHECK(message("") == "\"\" is not a valid time: it is empty; " + k_forms);
    CHECK(message("   ") == "\"\" is not a valid time: it is empty; " + k_forms);
    CHECK(message("tomorrow") ==
          "\"tomorrow\" is not a valid time: not a date, a relative time or \"now\"; " + k_forms);
    CHECK(message("-2h").find("not a date, a relative time") != std::string::npos);
    CHECK(message("2026-12-01") ==
          "\"2026-12-01\" is not a valid time: it has a date but no time; " + k_forms);
    CHECK(message("2026/12/01 10:00").find("expected a date as YYYY-MM-DD") != std::string::npos);
    CHECK(message("2026-12-1 10:00").find("expected a date as YYYY-MM-DD") != std::string::npos);
    CHECK(message("2026-12-01 10").find("expected HH:MM after the date") != std::string::npos);
    CHECK(message("2026-12-01_10:00").find("unexpected \"_10:00\" after the date") !=
          std::string::npos);
    CHECK(message("2026-12-01 10:00 CET") ==
          "\"2026-12-01 10:00 CET\" is not a valid time: unexpected \" CET\" after the time; " +
              k_forms);
    CHECK(message("2026-12-01 10:00+1").find("expected an offset like +01:00") !=
          std::string::npos);
    CHECK(message("2026-12-01 10:00+01:").find("expected an offset like +01:00") !=
          std::string::npos);
    CHECK(message("2026-12-01 10:00:5").find("expected two digits of seconds") !=
          std::string::npos);
    CHECK(message("2026-12-01 10:00:05.").find("expected digits after the decimal point") !=
          std::string::npos);
}

TEST_CASE("schedule: times are shown in UTC for JSON and locally for people") {
    const auto t = utc(2026, 11, 23, 16, 0);
    CHECK(format_utc(t) == "2026-11-23T16:00:00Z");
    CHECK(format_utc(0) == "1970-01-01T00:00:00Z");
    CHECK(format_utc(utc(2026, 12, 31, 23, 59, 59)) == "2026-12-31T23:59:59Z");
    CHECK(format_utc(-1) == "1969-12-31T23:59:59Z");
    CHECK(format_local(t, zone("Europe/Berlin")) == "2026-11-23 17:00 CET");
    CHECK(format_local(t + 45, zone("Europe/Berlin")) == "2026-11-23 17:00:45 CET");
    CHECK(format_local(utc(2026, 7, 1, 16, 0), zone("Europe/Berlin")) == "2026-07-01 18:00 CEST");
    CHECK(format_local(t, zone("America/New_York")) == "2026-11-23 11:00 EST");
    CHECK(format_local(t, zone("Asia/Kolkata")) == "2026-11-23 21:30 IST");
    CHECK(format_local(t, zone("UTC")) == "2026-11-23 16:00 UTC");
    CHECK(format_local_day(t, zone("Europe/Berlin")) == "2026-11-23");
    CHECK(format_local_day(utc(2026, 11, 23, 23, 30), zone("Europe/Berlin")) == "2026-11-24");
    CHECK(format_local_day(utc(2026, 11, 23, 3, 0), zone("America/New_York")) == "2026-11-22");
}

TEST_CASE("schedule: formatted UTC times parse back to the same instant") {
    for (std::int64_t t : {std::int64_t{0}, k_now, utc(2027, 3, 28, 1, 0, 59)}) {
        CHECK(parse_at(format_utc(t), zone("Asia/Kolkata"), k_now) == t);
    }
}
