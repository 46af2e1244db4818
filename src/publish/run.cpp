// publish-due's run: a bounded pool of workers, one account each at a time.

#include "worker.hpp"

#include <looppost/util/parallel.hpp>

namespace looppost::publish {

Summary publish_due(Env& env, const Options& options, const std::vector<std::int64_t>& accounts,
                    Reporter& reporter) {
    Shared shared;
    shared.limits = Limits::from(env.ctx.settings());
    util::parallel_for(accounts.size(), options.jobs, [&] {
        return [&, worker = std::unique_ptr<Worker>()](std::size_t i) mutable {
            try {
                if (!worker)
                    worker = std::make_unique<Worker>(env, options, reporter, shared);
                worker->account(accounts[i]);
            } catch (const std::exception& e) {
                // The account's claimed post, if any, keeps its lease until it runs out.
                const auto* err = dynamic_cast<const Error*>(&e);
                Exit exit = err ? err->exit() : Exit::failed;
                shared.fold(exit);
                reporter.event(
                    {.kind = "failed", .message = e.what(), .human = true, .exit = exit});
            }
        };
    });
    return shared.summary();
}

} // namespace looppost::publish
