#pragma once
// Spelling dates, clock times and UTC offsets, shared by parsing messages and formatting.

#include <chrono>
#include <date/date.h>
#include <string>

namespace looppost::schedule {

/// "2026-03-29".
std::string format_date(date::local_days day);

/// "02:00", or "02:00:30" when the seconds are not zero.
std::string format_clock(std::chrono::seconds since_midnight);

/// "2026-03-29 02:30" (`sep` between date and time), seconds only when not zero.
std::string format_date_time(date::local_seconds t, char sep = ' ');

/// "+01:00", "-03:30", "+00:53:28" (seconds only when not zero).
std::string format_offset(std::chrono::seconds offset);

} // namespace looppost::schedule
