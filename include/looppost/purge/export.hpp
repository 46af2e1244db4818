#pragma once
// `looppost export` (DESIGN §2, §6): everything looppost holds about the user except secrets,
// read in one consistent snapshot of the store, and the local media files copied out by content.
// Nothing here opens the vault: sealed tokens and secrets are never read into the result.

#include <filesystem>
#include <looppost/media/host.hpp>
#include <looppost/media/local_store.hpp>
#include <looppost/oauth/app.hpp>
#include <looppost/store/db.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace looppost::purge {

struct ExportAccount {
    store::AccountRow account; ///< its sealed tokens emptied
    bool logged_in = false;    ///< it held tokens, so its expiries mean something
    std::vector<store::SlotRow> slots;
};

struct ExportPost {
    store::PostRow post; ///< its sealed upload URL emptied
    std::vector<store::EventRow> events;
};

struct ExportMedia {
    store::MediaRow media;
    bool present = false;            ///< the local copy is there, whole
    std::optional<std::string> file; ///< its name in the --with-media folder
};

struct ExportVideo {
    store::VideoRow video;
    std::string account;
    std::vector<store::SnapshotRow> snapshots; ///< in day order
};

struct Export {
    std::optional<oauth::AppSummary> app;        ///< stored key and scopes; nullopt: no app set
    std::optional<media::HostConfig> media_host; ///< never its secret
    std::map<std::string, std::string> settings; ///< as stored by `config set`
    std::vector<ExportAccount> accounts;
    std::vector<ExportPost> posts; ///< in due order
    std::vector<ExportMedia> media;
    std::vector<ExportVideo> videos;
    std::vector<std::pair<std::string, store::AccountSnapshotRow>> account_snapshots; ///< by name
    std::vector<store::EventRow> events; ///< the ones tied to no post
    std::map<std::int64_t, std::string> account_names;
};

/// Reads everything but secrets in one read transaction; with `account_id`, only that account's
/// (app, media host and settings stay: they are the user's, not an account's).
Export collect(const store::Db& db, const media::LocalStore& local,
               std::optional<std::int64_t> account_id);

/// The media files of an export, copied to a folder as `<sha256>.<ext>`. All or nothing: unless
/// keep() is called, the destructor removes what was copied (and the folder, when it made it).
class MediaCopy {
public:
    /// Refuses with UsageError (exit 2), before anything is written, a `dir` that exists and is
    /// not an empty folder.
    explicit MediaCopy(std::filesystem::path dir);
    ~MediaCopy();
    MediaCopy(const MediaCopy&) = delete;
    MediaCopy& operator=(const MediaCopy&) = delete;

    /// Creates the folder (0700) and copies in each present file of `e.media`, checking that its
    /// bytes still hash to its name (one that does not is left out and marked absent); sets
    /// ExportMedia::file. Throws Error naming the file when a copy fails.
    void copy(Export& e, const media::LocalStore& local);
    /// The export was written: the copies stay.
    void keep() { m_keep = true; }

private:
    std::filesystem::path m_dir;
    bool m_created = false;
    bool m_keep = false;
    std::vector<std::filesystem::path> m_copied;
};

} // namespace looppost::purge
