#include "rate_limit.hpp"

#include "clock.hpp"
#include "exchange.hpp"
#include "state.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace sandbox {

int RateLimiter::base_limit(RateFamily family) {
    switch (family) {
    case RateFamily::init:
        return 6;
    case RateFamily::creator_info:
        return 20;
    case RateFamily::status:
        return 30;
    case RateFamily::display:
        return 600;
    }
    return 6;
}

int RateLimiter::limit(RateFamily family) const {
    const double multiplier = m_state.config().rate_limit_multiplier;
    if (multiplier <= 0.0) {
        return 0;
    }
    const double scaled = std::ceil(base_limit(family) * multiplier);
    return scaled >= 1e9 ? 1000000000 : std::max(1, static_cast<int>(scaled));
}

bool RateLimiter::admit(std::string_view token, RateFamily family, std::string_view endpoint) {
    const int allowed = limit(family);
    if (allowed == 0) {
        return true;
    }
    const std::int64_t now = m_clock.now_millis();
    std::string key = fmt::format("{}\n{}\n{}", static_cast<int>(family), endpoint, token);
    std::lock_guard<std::mutex> lock(m_mutex);
    auto& calls = m_windows[std::move(key)];
    while (!calls.empty() && calls.front() <= now - k_window_ms) {
        calls.pop_front();
    }
    if (calls.size() >= static_cast<std::size_t>(allowed)) {
        return false;
    }
    calls.push_back(now);
    return true;
}

void RateLimiter::enforce(std::string_view token, RateFamily family, std::string_view endpoint) {
    if (!admit(token, family, endpoint)) {
        throw ApiError(429, "rate_limit_exceeded",
                       "API rate limit exceeded, please retry after some time.");
    }
}

void RateLimiter::reset() {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_windows.clear();
}

} // namespace sandbox
