#include "schedule_support.hpp"

#include <chrono>
#include <date/tz.h>
#include <doctest/doctest.h>
#include <looppost/core/errors.hpp>
#include <looppost/schedule/slots.hpp>
#include <looppost/schedule/time.hpp>
#include <string>
#include <vector>

using namespace looppost;
using namespace looppost::schedule;
using test::utc;

namespace {

std::string bad_input(std::string_view spec) {
    try {
        parse_slot_spec(spec);
    } catch (const Error& e) {
        CHECK(e.exit() == Exit::bad_input);
        return e.what();
    }
    return "(no error)";
}

constexpr std::uint8_t k_mon = 1, k_tue = 2, k_wed = 4, k_thu = 8, k_fri = 16, k_sat = 32,
                       k_sun = 64;

// The slots of one spec.
std::vector<Slot> slots(std::string_view spec) {
    const SlotSpec s = parse_slot_spec(spec);
    std::vector<Slot> out;
    for (int m : s.minutes) {
        out.push_back({s.days, m});
    }
    return out;
}

} // namespace

TEST_CASE("schedule: slot specs name days and times of day") {
    SlotSpec s = parse_slot_spec("mon,wed,fri 18:00");
    CHECK(s.days == (k_mon | k_wed | k_fri));
    CHECK(s.minutes == std::vector<int>{18 * 60});

    s = parse_slot_spec("mon-fri 09:00,18:30");
    CHECK(s.days == (k_mon | k_tue | k_wed | k_thu | k_fri));
    CHECK(s.minutes == std::vector<int>{9 * 60, 18 * 60 + 30});

    CHECK(parse_slot_spec("daily 12:00").days == k_all_days);
    CHECK(parse_slot_spec("sat,sun 10:00").days == (k_sat | k_sun));
    CHECK(parse_slot_spec("weekends 10:00").days == (k_sat | k_sun));
    CHECK(parse_slot_spec("weekdays 10:00").days == 0x1f);
    CHECK(parse_slot_spec("Monday,WED,friday 18:00").days == (k_mon | k_wed | k_fri));
    CHECK(parse_slot_spec("fri-mon 10:00").days == (k_fri | k_sat | k_sun | k_mon));
    CHECK(parse_slot_spec("sun-sun 10:00").days == k_sun);
    CHECK(parse_slot_spec("mon,mon-tue 10:00").days == (k_mon | k_tue));
}

TEST_CASE("schedule: slot times are sorted, unique and may be spaced") {
    CHECK(parse_slot_spec("daily 18:30,09:00,18:30").minutes == std::vector<int>{540, 1110});
    CHECK(parse_slot_spec("  daily 9:00, 18:30  ").minutes == std::vector<int>{540, 1110});
    CHECK(parse_slot_spec("daily 00:00 23:59").minutes == std::vector<int>{0, 1439});
}

TEST_CASE("schedule: bad slot specs quote the offending part") {
    CHECK(bad_input("") == "slot \"\" needs days and a time, like \"mon,wed,fri 18:00\"");
    CHECK(bad_input("mon,wed") ==
          "slot \"mon,wed\" needs days and a time, like \"mon,wed,fri 18:00\"");
    CHECK(bad_input("mon ,") == "slot \"mon ,\" has no time; add one like \"18:00\"");
    CHECK(bad_input("fr 18:00") ==
          "unknown day \"fr\" in slot \"fr 18:00\" (did you mean \"fri\"?); use day names (mon "
          "or monday), ranges like \"mon-fri\", \"daily\", \"weekdays\" or \"weekends\"");
    CHECK(bad_input("mon-xyz 18:00").find("unknown day \"xyz\"") != std::string::npos);
    CHECK(bad_input("mon,,fri 18:00").find("unknown day \"\"") != std::string::npos);
    CHECK(bad_input("mon 25:00") ==
          "\"25:00\" in slot \"mon 25:00\" is not a time of day; use HH:MM from 00:00 to 23:59");
    CHECK(bad_input("mon 18:60").find("\"18:60\" in slot") != std::string::npos);
    CHECK(bad_input("mon 1800").find("\"1800\" in slot") != std::string::npos);
    CHECK(bad_input("mon 18:0").find("\"18:0\" in slot") != std::string::npos);
    CHECK(bad_input("mon 6pm").find("\"6pm\" in slot") != std::string::npos);
    CHECK(bad_input("mon 18:00,x").find("\"x\" in slot") != std::string::npos);
}

TEST_CASE("schedule: day sets are spelled compactly and read back the same") {
    CHECK(format_days(k_mon | k_wed | k_fri) == "mon,wed,fri");
    CHECK(format_days(k_all_days) == "daily");
    CHECK(format_days(0x1f) == "mon-fri");
    CHECK(format_days(k_sat | k_sun) == "sat,sun");
    CHECK(format_days(k_mon | k_sun) == "mon,sun");
    CHECK(format_days(k_fri | k_sat | k_sun | k_mon) == "fri-mon");
    CHECK(format_days(k_wed | k_sat | k_sun | k_mon) == "wed,sat-mon");
    CHECK(format_days(k_mon | k_tue | k_thu) == "mon,tue,thu");
    CHECK(format_days(0x7e) == "tue-sun");
    CHECK(format_days(0) == "");
    for (unsigned days = 1; days <= k_all_days; ++days) {
        CAPTURE(days);
        CHECK(parse_slot_spec(format_days(static_cast<std::uint8_t>(days)) + " 10:00").days ==
              days);
    }
}

TEST_CASE("schedule: the next slot is the earliest one strictly after the given time") {
    const auto& berlin = zone("Europe/Berlin");
    const auto s = slots("mon,wed,fri 18:00");
    // Monday 2026-11-23 17:00 CET.
    CHECK(next_slot(s, berlin, utc(2026, 11, 23, 16, 0)) == utc(2026, 11, 23, 17, 0));
    CHECK(next_slot(s, berlin, utc(2026, 11, 23, 17, 0)) == utc(2026, 11, 25, 17, 0));
    CHECK(next_slot(s, berlin, utc(2026, 11, 27, 17, 0)) == utc(2026, 11, 30, 17, 0));
    // A week ahead when only one weekday is set and it has just passed.
    CHECK(next_slot(slots("mon 09:00"), berlin, utc(2026, 11, 23, 8, 0)) ==
          utc(2026, 11, 30, 8, 0));
    // Several slots: the earliest wins whatever their order.
    std::vector<Slot> mixed = {{k_fri, 20 * 60}, {k_tue, 7 * 60}, {k_mon, 23 * 60 + 59}};
    CHECK(next_slot(mixed, berlin, utc(2026, 11, 23, 16, 0)) == utc(2026, 11, 23, 22, 59));
    CHECK(next_slot(mixed, berlin, utc(2026, 11, 23, 22, 59)) == utc(2026, 11, 24, 6, 0));
}

TEST_CASE("schedule: no slots, or slots without days, have no next slot") {
    CHECK_FALSE(next_slot({}, zone("UTC"), 0).has_value());
    CHECK_FALSE(next_slot({{0, 600}}, zone("UTC"), 0).has_value());
}

TEST_CASE("schedule: the next slot crosses a year end in local time") {
    const auto& berlin = zone("Europe/Berlin");
    // 2027-01-01 00:00 CET is a Friday; it is still 2026 in UTC.
    CHECK(next_slot(slots("fri 09:00"), berlin, utc(2026, 12, 31, 23, 0)) == utc(2027, 1, 1, 8, 0));
    CHECK(next_slot(slots("thu 10:00"), berlin, utc(2026, 12, 31, 11, 0)) == utc(2027, 1, 7, 9, 0));
    CHECK(next_slot(slots("daily 00:30"), berlin, utc(2026, 12, 31, 22, 0)) ==
          utc(2026, 12, 31, 23, 30));
}

TEST_CASE("schedule: a slot the clocks skip happens when they jump") {
    const auto& berlin = zone("Europe/Berlin");
    // 2027-03-28: clocks jump from 02:00 to 03:00; a 02:30 slot happens at 03:00 CEST.
    const auto next = next_slot(slots("sun 02:30"), berlin, utc(2027, 3, 27, 12, 0));
    REQUIRE(next.has_value());
    CHECK(*next == utc(2027, 3, 28, 1, 0));
    CHECK(format_local(*next, berlin) == "2027-03-28 03:00 CEST");
    // Right after the jump it is next Sunday's 02:30, which exists.
    CHECK(next_slot(slots("sun 02:30"), berlin, *next) == utc(2027, 4, 4, 0, 30));
    // Slots on either side of the gap are untouched.
    CHECK(next_slot(slots("sun 01:59"), berlin, utc(2027, 3, 27, 12, 0)) ==
          utc(2027, 3, 28, 0, 59));
    CHECK(next_slot(slots("sun 03:00"), berlin, utc(2027, 3, 27, 12, 0)) == utc(2027, 3, 28, 1, 0));
}

TEST_CASE("schedule: a slot the clocks pass twice happens once") {
    const auto& berlin = zone("Europe/Berlin");
    const auto s = slots("sun 02:30");
    // 2026-10-25 02:30 happens at 00:30Z (CEST) and again at 01:30Z (CET): only the first.
    CHECK(next_slot(s, berlin, utc(2026, 10, 24, 12, 0)) == utc(2026, 10, 25, 0, 30));
    CHECK(next_slot(s, berlin, utc(2026, 10, 25, 0, 30)) == utc(2026, 11, 1, 1, 30));
    CHECK(next_slot(s, berlin, utc(2026, 10, 25, 1, 0)) == utc(2026, 11, 1, 1, 30));
}

TEST_CASE("schedule: next slots follow Lord Howe's half-hour clock changes") {
    const auto& lord_howe = zone("Australia/Lord_Howe");
    // 2026-10-04 (Sunday): 02:00 +10:30 → 02:30 +11:00, at 2026-10-03 15:30Z.
    CHECK(next_slot(slots("sun 02:15"), lord_howe, utc(2026, 10, 3, 0, 0)) ==
          utc(2026, 10, 3, 15, 30));
    CHECK(next_slot(slots("sun 02:30"), lord_howe, utc(2026, 10, 3, 0, 0)) ==
          utc(2026, 10, 3, 15, 30));
    CHECK(next_slot(slots("sun 03:00"), lord_howe, utc(2026, 10, 3, 0, 0)) ==
          utc(2026, 10, 3, 16, 0));
    // 2027-04-04 (Sunday): 02:00 +11:00 → 01:30 +10:30; 01:45 happens once, at +11:00.
    const auto s = slots("sun 01:45");
    CHECK(next_slot(s, lord_howe, utc(2027, 4, 3, 0, 0)) == utc(2027, 4, 3, 14, 45));
    CHECK(next_slot(s, lord_howe, utc(2027, 4, 3, 14, 45)) == utc(2027, 4, 10, 15, 15));
}

TEST_CASE("schedule: next slots survive Samoa skipping a whole day") {
    const auto& apia = zone("Pacific/Apia");
    // Thursday 2011-12-29 12:00 -10:00; Friday 2011-12-30 never happened there, so its slot
    // falls at the jump (2011-12-31 00:00 +14:00); Saturday's is on Saturday.
    const auto thursday_noon = utc(2011, 12, 29, 22, 0);
    CHECK(next_slot(slots("fri 12:00"), apia, thursday_noon) == utc(2011, 12, 30, 10, 0));
    CHECK(next_slot(slots("sat 09:00"), apia, thursday_noon) == utc(2011, 12, 30, 19, 0));
    CHECK(next_slot(slots("thu 12:00"), apia, thursday_noon) == utc(2012, 1, 4, 22, 0));
    // Today Samoa keeps +13:00 all year.
    CHECK(next_slot(slots("mon 09:00"), apia, utc(2026, 11, 23, 0, 0)) == utc(2026, 11, 29, 20, 0));
}

TEST_CASE("schedule: a slot minute out of range is looppost's own bug") {
    CHECK_THROWS_AS(next_slot({{k_all_days, 1440}}, zone("UTC"), 0), Fatal);
}
