#pragma once
// The seams for time and randomness: passed in through the Context so unit tests can fake them.

#include <chrono>
#include <cstdint>
#include <span>
#include <string>

namespace looppost::core {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
public:
    virtual ~Clock() = default;
    virtual TimePoint now() const = 0;
    /// Waits; a fake clock advances its time instead.
    virtual void sleep_for(std::chrono::milliseconds d) = 0;
};

class SystemClock final : public Clock {
public:
    TimePoint now() const override { return std::chrono::system_clock::now(); }
    void sleep_for(std::chrono::milliseconds d) override;
};

class Random {
public:
    virtual ~Random() = default;
    virtual void fill(std::span<unsigned char> out) = 0;
    /// Uniform in [0, bound).
    std::uint64_t below(std::uint64_t bound);
    /// `bytes` random bytes as lowercase hex: unguessable names and tickets.
    std::string hex(std::size_t bytes);
};

/// libsodium's CSPRNG.
class SodiumRandom final : public Random {
public:
    void fill(std::span<unsigned char> out) override;
};

/// "2026-11-23T13:41:54Z".
std::string format_utc(TimePoint t);

} // namespace looppost::core
