#pragma once
// Time zones and the times users write: `at` values (DESIGN §2) parsed to unix seconds, and
// unix seconds shown in UTC (the JSON contract) or in an account's zone. The zone database
// (DESIGN §9) is read on the first call that needs a zone, never at start-up.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace date {
class time_zone;
}

namespace looppost::schedule {

/// The IANA zone `name` ("Europe/Berlin"); Error(bad_input) naming it, with a did-you-mean,
/// when the system's zoneinfo has no such zone. The reference lives for the whole process.
const date::time_zone& zone(std::string_view name);

/// The zone an account's local times are in: `name` when it is set, else the system's
/// (system_zone_name). Looked up once per name and process: listings and bulk input ask for
/// every post.
const date::time_zone& zone_or_system(const std::optional<std::string>& name);

/// The zone this machine runs in: `TZ` when it names a zone (a leading ':' is allowed), else
/// the zone of /etc/localtime, else "UTC". Never throws.
std::string system_zone_name();

/// The instant an `at` value stands for, in unix seconds:
///   "now";
///   "+90m", "+2h", "+1d", "+45s" or combinations in the order d, h, m, s ("+1d2h30m"),
///   counted from `now` in elapsed time (a day is 24 hours, even across a clock change);
///   ISO 8601 with "Z" or an offset ("2026-12-01T18:00+01:00", "2026-12-01 17:00:00Z");
///   "YYYY-MM-DD HH:MM[:SS]" (or with "T") with no offset: local time in `tz`.
/// Seconds are optional; fractional seconds are accepted and dropped. Error(bad_input) for
/// anything else, for an impossible date or time, and for a local time that does not exist
/// (a clock jump forward) or happens twice (a clock jump back), each with a time that works.
/// Times in the past are returned as they are: whether they are allowed is the caller's call.
std::int64_t parse_at(std::string_view text, const date::time_zone& tz, std::int64_t now);

/// "2026-11-23T16:00:00Z": the form of every time in --json output.
std::string format_utc(std::int64_t t);

/// "2026-11-23 17:00 CET": the local time in `tz` with its abbreviation, to the minute;
/// seconds are shown ("17:00:45 CET") only when they are not zero, so nothing is hidden.
std::string format_local(std::int64_t t, const date::time_zone& tz);

/// "2026-11-23": the local calendar day in `tz` (the `day` of stats series).
std::string format_local_day(std::int64_t t, const date::time_zone& tz);

} // namespace looppost::schedule
