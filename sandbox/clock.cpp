#include "clock.hpp"

#include <cmath>

namespace sandbox {

Clock::TimePoint Clock::now() const {
    return std::chrono::system_clock::now() + std::chrono::milliseconds(m_offset_ms.load());
}

std::int64_t Clock::now_seconds() const {
    return std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
}

std::int64_t Clock::now_millis() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now().time_since_epoch()).count();
}

std::int64_t Clock::advance(double seconds) {
    m_offset_ms.fetch_add(std::llround(seconds * 1000.0));
    return now_seconds();
}

} // namespace sandbox
