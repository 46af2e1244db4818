#pragma once
// Enqueueing: every post checked first (fields, media, time, what TikTok allows the creator),
// media normalised into the local store, then all posts stored in one transaction — or, when any
// post is bad, nothing at all (DESIGN §2, issue 4).

#include <cstdint>
#include <functional>
#include <looppost/media/local_store.hpp>
#include <looppost/queue/post.hpp>
#include <looppost/store/db.hpp>
#include <looppost/tiktok/api.hpp>
#include <optional>
#include <string>
#include <vector>

namespace looppost::queue {

struct EnqueueOptions {
    bool fix = true;             ///< false (--no-fix): refuse media that would need changing
    bool dry_run = false;        ///< check and normalise, store nothing
    unsigned jobs = 0;           ///< media worker threads; 0: one per core
    std::size_t max_errors = 20; ///< bad lines reported before "… and N more"
    bool bulk = false;           ///< report every bad line (BatchError), not the first problem
    std::vector<LineError> unreadable; ///< bulk lines that could not be read, reported along
};

/// What enqueueing needs from outside the queue: TikTok and the human.
struct EnqueueHooks {
    /// The creator's current settings for direct posts; nullopt when they could not be asked
    /// (the hook has said why). Unset: not asked.
    std::function<std::optional<tiktok::CreatorInfo>(const store::AccountRow&)> creator_info;
    /// Shown before direct posts are stored (the declaration TikTok requires); throws to stop.
    std::function<void(const store::AccountRow&, const std::optional<tiktok::CreatorInfo>&,
                       const std::vector<const Draft*>&)>
        consent;
    /// A note for the human: what was changed, what TikTok will ignore.
    std::function<void(const std::string&)> note;
};

/// One media file of an enqueued post.
struct StoredMedia {
    std::filesystem::path original;
    std::string original_sha256;
    store::MediaRow row; ///< id 0 in a dry run
    std::vector<std::string> changes;
    bool reused = false; ///< the same original was checked before: nothing was redone
};

/// One enqueued post: the new or existing id, and what was (or would be) stored.
struct Enqueued {
    std::size_t line = 0;
    std::int64_t id = 0; ///< 0 in a dry run
    bool existing = false;
    Draft draft;
    std::string key;
    std::int64_t due_at = 0;
    std::vector<StoredMedia> media;
};

/// Enqueues `inputs` (one from the command line, or a bulk file's lines) as of `now`. Throws
/// Error (single post) or BatchError (bulk: every bad line) and then writes nothing.
std::vector<Enqueued> enqueue(store::Db& db, media::LocalStore& store,
                              const std::vector<PostInput>& inputs, std::int64_t now,
                              const EnqueueOptions& options, const EnqueueHooks& hooks);

/// What TikTok's current settings for the creator (creator_info) say about a direct post:
/// privacy among the offered levels, interactions the creator has not turned off, a video no
/// longer than the creator may post. Error(bad_input) naming what is not allowed.
/// `video` names the video in the message.
void check_creator(const Draft& d, const tiktok::CreatorInfo& info,
                   std::optional<std::int64_t> duration_ms, std::string_view video);

/// A video's cover frame (cover_ms) must lie within it; an unknown length is not checked.
void check_cover(const Draft& d, std::optional<std::int64_t> duration_ms);

/// Deletes the local copies no post may still need (DESIGN §4); returns how many.
std::size_t release_media(store::Db& db, media::LocalStore& store);

} // namespace looppost::queue
