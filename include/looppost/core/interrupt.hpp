#pragma once
// Ctrl-C for long waits (a login polling TikTok): the handler only sets a flag; the waiting code
// checks it between short sleeps and stops cleanly.

#include <chrono>
#include <looppost/core/clock.hpp>

namespace looppost::core {

/// Installs a SIGINT/SIGTERM handler that records the interruption instead of killing the process.
void catch_interrupts();
bool interrupted();
/// Back to the default: Ctrl-C ends the process again (once a wait is over, finishing the work
/// or dying mid-way inside a transaction are both safe).
void release_interrupts();

/// Sleeps `d` in short steps; returns false as soon as an interrupt arrives.
bool sleep_unless_interrupted(Clock& clock, std::chrono::milliseconds d);

} // namespace looppost::core
