#pragma once
// TikTok's per-token rate limits (reference §4.13 and §5.5): a sliding one-minute window per
// access token and endpoint family, scaled by the profile's rate_limit_multiplier (0 turns limits
// off). Endpoint handlers call enforce() once they know the caller's token:
//
//     services.limits.enforce(token, RateFamily::init);               // 6 a minute
//     services.limits.enforce(token, RateFamily::display, "/v2/video/list/");
//
// A refused call is not counted, as with TikTok, so a client that backs off gets through again once
// the oldest call leaves the window.

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sandbox {

class Clock;
class State;

/// The endpoint groups TikTok limits separately.
enum class RateFamily {
    init,         // video/init, inbox/video/init, content/init: 6 a minute per token
    creator_info, // creator_info/query: 20 a minute per token
    status,       // status/fetch: 30 a minute per token
    display,      // user/info, video/list, video/query: 600 a minute per token and endpoint
};

class RateLimiter {
public:
    static constexpr std::int64_t k_window_ms = 60000;

    /// Reads the time from `clock` and the multiplier from the profile in `state`.
    RateLimiter(const Clock& clock, const State& state) : m_clock(clock), m_state(state) {}

    /// TikTok's calls per minute for `family` before the multiplier.
    static int base_limit(RateFamily family);
    /// The limit in force now: base × multiplier rounded up (at least 1), or 0 for no limit.
    int limit(RateFamily family) const;

    /// Counts one call for `token` in `family` (and `endpoint`, where the limit is per endpoint)
    /// and returns true, or returns false without counting when the window is full.
    bool admit(std::string_view token, RateFamily family, std::string_view endpoint = {});
    /// Like admit, but throws ApiError 429 rate_limit_exceeded when the call is refused.
    void enforce(std::string_view token, RateFamily family, std::string_view endpoint = {});
    /// Forgets every window.
    void reset();

private:
    const Clock& m_clock;
    const State& m_state;
    std::mutex m_mutex;
    std::unordered_map<std::string, std::deque<std::int64_t>> m_windows; // key → call times (ms)
};

} // namespace sandbox
