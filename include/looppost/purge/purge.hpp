#pragma once
// Hard deletion (DESIGN §6, issue 7): one scope at a time, planned, then applied, always ending
// with a receipt of what went and what could not and why. Deleted means gone from disk: rows go
// with secure_delete on, then the WAL is checkpointed and truncated and the file VACUUMed; hosted
// objects are deleted at the host and checked gone; local copies are unlinked.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <looppost/core/errors.hpp>
#include <looppost/media/host.hpp>
#include <looppost/media/local_store.hpp>
#include <looppost/oauth/auth.hpp>
#include <looppost/store/db.hpp>
#include <optional>
#include <string>
#include <vector>

namespace looppost::purge {

/// Something a purge could not delete, and why ("hosted object …", "the host did not answer").
struct Remaining {
    std::string what;
    std::string why;
};

struct Receipt {
    std::string scope; ///< account | hosted-media | older-than | everything
    std::optional<std::string> account;
    std::optional<std::string> older_than; ///< as given: "90d"
    bool dry_run = false;
    /// Kind → count, in the order they go; for a dry run, what would go.
    std::vector<store::PurgeCount> deleted;
    /// Hosted objects by name: deleted, or for a dry run to be deleted.
    std::vector<std::string> hosted;
    std::vector<Remaining> remaining;
    /// Ok, or why something remains: unavailable (TikTok or the host could not be reached) or
    /// failed (they refused).
    Exit exit = Exit::ok;

    std::int64_t count(std::string_view kind) const;
};

/// What a purge works with. The network parts are opened on first use and may throw Error
/// (no app credentials, no media host): a purge then completes locally and says what remains.
struct Env {
    store::Db& db;
    media::LocalStore& local;
    std::function<media::MediaHost&()> host;
    std::function<oauth::AuthEnv&()> auth;
    /// Whether a lease owner ("host:pid:random") is a process still running.
    std::function<bool(const std::string&)> owner_alive;
    std::int64_t now = 0;
};

/// Revokes the account's grant at TikTok (unless `revoke` is false: TikTok already ended it),
/// deletes its hosted objects, then its tokens, posts, media only it used, snapshots, slots,
/// quotas and events. Refuses (Error(deferred)) while a publish-due process is publishing one of
/// its posts.
Receipt account(Env& env, const store::AccountRow& account, bool dry_run, bool revoke = true);

/// Every hosted object TikTok no longer pulls: copies of posts not being published, and objects
/// whose rows an earlier purge removed before the host confirmed them gone.
Receipt hosted_media(Env& env, bool dry_run);

/// Finished posts (published, in_inbox, failed, cancelled) finished more than `age` ago, with
/// their events and media, and snapshots and other history older than that. Never queued work.
/// `label` is the age as the user gave it.
Receipt older_than(Env& env, std::chrono::seconds age, std::string label, bool dry_run);

/// Where `everything` deletes files.
struct Files {
    std::filesystem::path db;                 ///< with its -wal and -shm
    std::filesystem::path media_dir;          ///< the local copies
    std::optional<std::filesystem::path> key; ///< with --including-key
};

/// Every account (revoked at TikTok), every hosted object, then the database and local media
/// (and the key file when `files.key` is set). `close_db` is called before the files go. When a
/// hosted object could not be deleted, the database is kept holding only the media host and the
/// objects' names (and the key with it), so `purge --hosted-media` can finish.
Receipt everything(Env& env, const Files& files, const std::function<void()>& close_db,
                   bool dry_run);

/// "90d", "12w", "36h" → seconds. Throws UsageError naming the accepted forms.
std::chrono::seconds parse_age(std::string_view text);

/// The retention setting (`retention_days`, 0: keep everything) applied at most once a day by
/// the cron commands; nullopt when it was not due or is off.
std::optional<Receipt> apply_retention(Env& env, long days);

/// With `purge_on_revoke` on: purges each account TikTok revoked (DESIGN §6); one receipt each.
std::vector<Receipt> purge_revoked(Env& env);

} // namespace looppost::purge
