#pragma once
// Steering queued posts (`queue edit | cancel | retry | reschedule`): each change checked like
// enqueue and applied only in the states DESIGN §5 allows, in one short transaction.

#include <cstdint>
#include <looppost/media/local_store.hpp>
#include <looppost/queue/enqueue.hpp>
#include <looppost/queue/input.hpp>
#include <looppost/store/db.hpp>
#include <string>

namespace looppost::queue {

/// The post `id`; Error(bad_input) "no post 12" when there is none.
store::PostRow post_or_throw(const store::Db& db, std::int64_t id);

/// Applies the options set in `changes` (media and key cannot change) to a post that has not
/// started publishing; re-checks the whole post as enqueue would (for a direct post whose
/// settings change, creator_info and the consent through `hooks`). Returns the updated post.
store::PostRow edit(store::Db& db, std::int64_t id, const PostInput& changes, std::int64_t now,
                    const EnqueueHooks& hooks = {});

/// Cancels a post that is not being published and releases media no post needs any more.
store::PostRow cancel(store::Db& db, media::LocalStore& store, std::int64_t id);

/// Queues a failed or needs_attention post again; returns it and a sentence saying what the
/// next publish-due will do with it.
std::pair<store::PostRow, std::string> retry(store::Db& db, std::int64_t id, std::int64_t now);

} // namespace looppost::queue
