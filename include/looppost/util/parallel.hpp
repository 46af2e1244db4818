#pragma once
// A bounded pool for work items that do their own I/O: at most `jobs` threads take items in
// order until none is left.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace looppost::util {

/// Runs items [0, count) on at most `jobs` threads (the calling one when one is enough). Each
/// thread calls `make_worker()` once and then the worker it returned with each index it takes,
/// so a worker may keep state of its own (a connection). Workers must not throw.
template <class MakeWorker>
void parallel_for(std::size_t count, unsigned jobs, MakeWorker make_worker) {
    std::atomic<std::size_t> next{0};
    auto run = [&] {
        auto worker = make_worker();
        for (std::size_t i = next++; i < count; i = next++)
            worker(i);
    };
    std::size_t n = std::min<std::size_t>(std::max(1U, jobs), count);
    if (n <= 1) {
        run();
        return;
    }
    std::vector<std::jthread> threads;
    for (std::size_t i = 0; i < n; ++i)
        threads.emplace_back(run);
}

} // namespace looppost::util
