#pragma once
// The sandbox's notion of time: real time plus an offset that tests move forward with
// POST /_sandbox/clock/advance, so token expiry, rate windows and processing progression can be
// exercised without waiting. Everything time-dependent in the sandbox reads this clock.

#include <atomic>
#include <chrono>
#include <cstdint>

namespace sandbox {

class Clock {
public:
    using TimePoint = std::chrono::system_clock::time_point;

    /// Sandbox time: the system clock shifted by the current offset.
    TimePoint now() const;
    /// Sandbox time in whole Unix seconds.
    std::int64_t now_seconds() const;
    /// Sandbox time in Unix milliseconds (rate windows need sub-second precision).
    std::int64_t now_millis() const;
    /// Sandbox seconds since this clock was made (the server's start), advances included.
    std::int64_t elapsed_seconds() const { return now_seconds() - m_started_s; }
    /// Moves sandbox time by `seconds` (may be fractional or negative); returns the new now.
    std::int64_t advance(double seconds);
    /// The accumulated offset in milliseconds.
    std::int64_t offset_millis() const { return m_offset_ms.load(); }
    /// Back to real time.
    void reset() { m_offset_ms.store(0); }

private:
    std::atomic<std::int64_t> m_offset_ms{0};
    const std::int64_t m_started_s = std::chrono::duration_cast<std::chrono::seconds>(
                                         std::chrono::system_clock::now().time_since_epoch())
                                         .count();
};

} // namespace sandbox
