#pragma once
// What every endpoint family works with: the sandbox clock, the ledger, fault rules, rate limits,
// bearer-token checks and the table of connections to drop. One instance lives as long as the
// server; handlers capture a reference to it.

#include "auth.hpp"
#include "clock.hpp"
#include "faults.hpp"
#include "rate_limit.hpp"
#include "relay.hpp"
#include "state.hpp"

#include <atomic>
#include <cstdint>

namespace sandbox {

struct Services {
    explicit Services(Config loaded)
        : state(std::move(loaded)), limits(clock, state), auth(clock, state) {}
    Services(const Services&) = delete;
    Services& operator=(const Services&) = delete;

    Clock clock;
    State state;
    FaultTable faults;
    RateLimiter limits;
    Auth auth;
    DropTable drops;
    /// Client connections the relay accepted since start: shows whether clients reuse them.
    std::atomic<std::uint64_t> connections{0};
    /// The port clients connect to (the relay's), for the upload_url of an init.
    std::atomic<int> public_port{0};

    /// POST /_sandbox/reset: the loaded profile, an empty ledger, no faults, no rate windows and
    /// real time again.
    void reset() {
        state.reset();
        faults.clear();
        limits.reset();
        clock.reset();
    }
};

} // namespace sandbox
