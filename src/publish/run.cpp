// publish-due's run: a bounded pool of workers, one account each at a time.

#include "worker.hpp"

#include <thread>

namespace looppost::publish {

Summary publish_due(Env& env, const Options& options, const std::vector<std::int64_t>& accounts,
                    Reporter& reporter) {
    Shared shared;
    shared.limits = Limits::from(env.ctx.settings());
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        std::unique_ptr<Worker> worker;
        for (std::size_t i = next++; i < accounts.size(); i = next++) {
            try {
                if (!worker)
                    worker = std::make_unique<Worker>(env, options, reporter, shared);
                worker->account(accounts[i]);
            } catch (const std::exception& e) {
                // The account's claimed post, if any, keeps its lease until it runs out.
                const auto* err = dynamic_cast<const Error*>(&e);
                Exit exit = err ? err->exit() : Exit::failed;
                shared.fold(exit);
                reporter.event({.kind = "failed", .message = e.what(), .human = true, .exit = exit});
            }
        }
    };
    std::size_t n = std::min<std::size_t>(std::max(1U, options.jobs), accounts.size());
    if (n <= 1) {
        work();
    } else {
        std::vector<std::jthread> threads;
        for (std::size_t i = 0; i < n; ++i)
            threads.emplace_back(work);
    }
    return shared.summary();
}

} // namespace looppost::publish
