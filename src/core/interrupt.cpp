#include <atomic>
#include <csignal>
#include <looppost/core/interrupt.hpp>

namespace looppost::core {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_signal(int) {
    g_interrupted.store(true);
}

} // namespace

void catch_interrupts() {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

bool interrupted() {
    return g_interrupted.load();
}

void release_interrupts() {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
}

bool sleep_unless_interrupted(Clock& clock, std::chrono::milliseconds d) {
    using namespace std::chrono;
    constexpr milliseconds k_step{100};
    while (d.count() > 0) {
        if (interrupted())
            return false;
        auto step = std::min(d, k_step);
        clock.sleep_for(step);
        d -= step;
    }
    return !interrupted();
}

} // namespace looppost::core
