#pragma once
// Weekly posting slots (`slots add --account A "mon,wed,fri 18:00"`, `enqueue --next-slot`),
// kept in an account's local time so 18:00 stays 18:00 across clock changes.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace date {
class time_zone;
}

namespace looppost::schedule {

/// Days of the week as bits: bit 0 = Monday … bit 6 = Sunday.
constexpr std::uint8_t k_all_days = 0x7f;

/// A parsed slot spec: which days, and at which local times on each of them.
struct SlotSpec {
    std::uint8_t days = 0;    ///< bit 0 = Monday … bit 6 = Sunday; never 0 once parsed
    std::vector<int> minutes; ///< minutes after local midnight, sorted, unique, never empty
};

/// "mon,wed,fri 18:00", "mon-fri 09:00,18:30", "daily 12:00", "fri-mon 10:00": day names
/// (three letters or in full, any case), ranges (which may wrap past Sunday), "daily",
/// "weekdays" or "weekends", then one or more HH:MM. Error(bad_input) quoting the bad part.
SlotSpec parse_slot_spec(std::string_view spec);

/// The shortest stable spelling of `days` that parse_slot_spec reads back: "daily",
/// "mon-fri", "mon,wed,fri", "sat-mon" (runs of three or more days become ranges); "" for 0.
std::string format_days(std::uint8_t days);

/// One weekly slot: a local time of day on some days of the week.
struct Slot {
    std::uint8_t days = 0; ///< bit 0 = Monday … bit 6 = Sunday
    int minute = 0;        ///< minutes after local midnight, 0…1439
};

/// The earliest slot occurrence strictly after `after` (unix seconds), reading the slots as
/// local times in `tz`. A slot time the clocks skip (02:30 when they jump from 02:00 to 03:00)
/// happens at the jump itself, the first instant after the gap (03:00 local); a slot time that
/// happens twice (a jump back) happens at its first occurrence only. nullopt when no slot has
/// a day; Fatal for a minute outside 0…1439. Scans at most ten local days.
std::optional<std::int64_t> next_slot(const std::vector<Slot>& slots, const date::time_zone& tz,
                                      std::int64_t after);

} // namespace looppost::schedule
