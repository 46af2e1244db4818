#include <ctime>
#include <fmt/format.h>
#include <looppost/core/clock.hpp>
#include <sodium.h>
#include <thread>

namespace looppost::core {

void SystemClock::sleep_for(std::chrono::milliseconds d) {
    std::this_thread::sleep_for(d);
}

std::uint64_t Random::below(std::uint64_t bound) {
    if (bound == 0) {
        return 0;
    }
    // Rejection sampling: no modulo bias.
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    std::uint64_t v = 0;
    do {
        fill({reinterpret_cast<unsigned char*>(&v), sizeof v});
    } while (v >= limit);
    return v % bound;
}

std::string Random::hex(std::size_t bytes) {
    std::string raw(bytes, '\0');
    fill({reinterpret_cast<unsigned char*>(raw.data()), raw.size()});
    std::string out;
    out.reserve(bytes * 2);
    for (unsigned char c : raw) {
        out += fmt::format("{:02x}", c);
    }
    return out;
}

void SodiumRandom::fill(std::span<unsigned char> out) {
    if (sodium_init() < 0) {
        std::abort(); // libsodium cannot run without an entropy source; nothing safe to do.
    }
    randombytes_buf(out.data(), out.size());
}

std::string format_utc(TimePoint t) {
    std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

} // namespace looppost::core
