#pragma once
// Db owns the SQLite connection and all of looppost's SQL. Parameters are always bound.
// The file is created 0600 in a 0700 folder; WAL, foreign keys, secure_delete and a busy timeout
// are set on every connection; migrations run in order, each in its own transaction, and a
// database written by a newer looppost is refused untouched.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace SQLite {
class Database;
class Statement;
} // namespace SQLite

namespace looppost::store {

using Blob = std::vector<unsigned char>;

/// The user's TikTok app (DESIGN §2 `app set`). The secret stays sealed here.
struct AppRow {
    std::string client_key;
    Blob client_secret_sealed;
    std::vector<std::string> scopes;
    std::int64_t updated_at = 0; ///< unix seconds
};

/// The media host (DESIGN §1.3, `media set`). The S3 secret stays sealed here.
struct MediaHostRow {
    std::string kind; ///< s3 | dir
    std::string public_base_url;
    std::string path; ///< dir
    std::string endpoint;
    std::string bucket;
    std::string region;
    std::string access_key_id;
    Blob secret_key_sealed; ///< s3; empty for dir
    std::string prefix;
    bool path_style = false;
    std::int64_t updated_at = 0; ///< unix seconds
};

/// A connected TikTok account. Tokens stay sealed here (associated data names the row).
struct AccountRow {
    std::int64_t id = 0;
    std::string name;
    std::string open_id;
    std::optional<std::string> display_name;
    std::optional<std::string> username;
    std::vector<std::string> scopes; ///< as granted
    Blob access_token;               ///< sealed; empty after logout
    std::int64_t access_expires_at = 0;
    Blob refresh_token; ///< sealed; empty after logout
    std::int64_t refresh_expires_at = 0;
    std::optional<std::string> time_zone;
    std::string mode = "inbox";
    std::string state = "active"; ///< active | reauth_required: whether TikTok honours the login
    bool paused = false;          ///< the user's pause, kept across logins
    bool is_default = false;
    std::optional<std::string> refresh_lease_owner;
    std::optional<std::int64_t> refresh_lease_until;
    std::optional<std::string> refresh_warned_on;
    bool refresh_in_doubt = false;
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
};

/// A new token pair, sealed, with absolute expiries (unix seconds).
struct SealedTokens {
    Blob access_token;
    std::int64_t access_expires_at = 0;
    Blob refresh_token;
    std::int64_t refresh_expires_at = 0;
};

/// A stored media file (DESIGN §4): content-addressed by the sha256 of the stored bytes.
struct MediaRow {
    std::int64_t id = 0;
    std::string sha256;
    std::string kind; ///< video | photo
    std::int64_t bytes = 0;
    std::string mime;
    std::optional<int> width;
    std::optional<int> height;
    std::optional<std::int64_t> duration_ms;
};

/// One media file of a post, in carousel order.
struct PostMediaRow {
    int position = 0;
    MediaRow media;
    std::optional<std::string> hosted_key;
    std::optional<std::string> hosted_url;
    std::optional<std::string> hosted_state;
};

/// A queue item (DESIGN §4, §5).
struct PostRow {
    std::int64_t id = 0;
    std::int64_t account_id = 0;
    std::string account; ///< the account's name
    std::string kind;    ///< video | photo
    std::string mode;    ///< inbox | direct
    std::string state;
    std::string caption;
    std::optional<std::string> title;
    std::optional<std::string> privacy;
    std::string options = "{}"; ///< JSON object
    std::int64_t due_at = 0;
    std::string at_text;
    std::string key;
    int attempts = 0;
    std::optional<std::int64_t> next_attempt_at;
    std::optional<std::string> publish_id;
    std::int64_t upload_offset = 0;
    std::string post_ids = "[]"; ///< JSON array of strings
    std::optional<std::string> error_code;
    std::optional<std::string> error_message;
    std::optional<std::string> error_log_id;
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
    // The steps inside `publishing` (DESIGN §5).
    std::optional<std::int64_t> init_sent_at; ///< the init went out; with no publish_id: I3
    Blob upload_url;                          ///< sealed; empty when none
    std::optional<std::int64_t> upload_url_until;
    std::optional<std::int64_t> uploaded_at; ///< every byte arrived
    std::optional<std::int64_t> finished_at;
    std::optional<std::string> lease_owner;
    std::optional<std::int64_t> lease_until;
    std::vector<PostMediaRow> media;
};

/// A post publish-due may have to work on (the idle tick reads only these columns).
struct DueRow {
    std::int64_t id = 0;
    std::int64_t account_id = 0;
    std::string state;
    std::int64_t due_at = 0;
    std::optional<std::int64_t> next_attempt_at;
    std::optional<std::string> lease_owner;
    std::optional<std::int64_t> lease_until;
};

/// How a publish ends for now (Db::post_finish).
struct PostOutcome {
    std::string state; ///< published | in_inbox | failed | needs_attention | deferred | queued
    std::optional<std::string> error_code;
    std::optional<std::string> error_message;
    std::optional<std::string> error_log_id;
    std::optional<std::int64_t> next_attempt_at; ///< deferred
    std::optional<std::string> post_ids;         ///< JSON array, when TikTok gave them
    /// TikTok provably holds nothing of this attempt (it refused the init, or the post FAILED):
    /// the next attempt may initialise again, so the publish id and upload state are cleared.
    bool forget_publish = false;
};

/// A call to one of TikTok's limited endpoints, or a post counted against a daily cap.
struct QuotaUse {
    std::string kind;        ///< init | creator_info | status | direct | inbox | display
    int limit = 0;           ///< calls allowed per window
    std::int64_t window = 0; ///< seconds
};

struct QuotaHold {
    std::optional<std::int64_t> account_id; ///< nullopt: the whole app
    std::string kind;
    std::int64_t until = 0;
    std::string reason;
};

/// The fields a new post is stored with; media by id, in order.
struct NewPost {
    std::int64_t account_id = 0;
    std::string kind;
    std::string mode;
    std::string caption;
    std::optional<std::string> title;
    std::optional<std::string> privacy;
    std::string options = "{}";
    std::int64_t due_at = 0;
    std::string at_text;
    std::string key;
    std::vector<std::int64_t> media_ids;
};

/// What `queue edit` may change (unset fields stay).
struct PostEdit {
    std::optional<std::string> mode;
    std::optional<std::string> caption;
    std::optional<std::optional<std::string>> title;
    std::optional<std::optional<std::string>> privacy;
    std::optional<std::string> options;
    std::optional<std::int64_t> due_at;
    std::optional<std::string> at_text;
};

/// `queue list` filters; empty `states` means every state.
struct PostFilter {
    std::vector<std::string> states;
    std::optional<std::int64_t> account_id;
    std::optional<std::int64_t> due_before;
    std::size_t limit = 50;
};

struct SlotRow {
    std::int64_t id = 0;
    std::int64_t account_id = 0;
    std::string account;
    int days = 0; ///< bit 0 = Monday … bit 6 = Sunday
    int minute = 0;
};

/// A checked original file and what it became.
struct MediaOrigin {
    MediaRow media;
    std::string changes; ///< JSON array of what normalising changed; empty: stored as given
};

struct EventRow {
    std::int64_t id = 0;
    std::int64_t at = 0;
    std::optional<std::int64_t> account_id;
    std::optional<std::int64_t> post_id;
    std::string kind;
    std::string detail;
};

/// A public video of an account (reference §5.4), as last seen by snapshot-stats.
struct VideoRow {
    std::string id; ///< TikTok's video id: digits, kept as text (exceeds 2^53)
    std::int64_t account_id = 0;
    std::optional<std::int64_t> post_id; ///< the queue item it came from, once linked
    std::optional<std::string> title;
    std::optional<std::string> description;
    std::int64_t create_time = 0;         ///< unix seconds
    std::optional<std::int64_t> duration; ///< seconds
    std::optional<std::string> share_url;
    std::int64_t first_seen = 0; ///< unix seconds; set by the first upsert
    std::int64_t last_seen = 0;
};

/// A video's counts on one day (YYYY-MM-DD in the account's zone). Absent: TikTok did not say.
struct SnapshotRow {
    std::string video_id;
    std::string day;
    std::optional<std::int64_t> views;
    std::optional<std::int64_t> likes;
    std::optional<std::int64_t> comments;
    std::optional<std::int64_t> shares;
    std::int64_t taken_at = 0; ///< unix seconds
};

/// An account's totals on one day (user.info.stats).
struct AccountSnapshotRow {
    std::int64_t account_id = 0;
    std::string day;
    std::optional<std::int64_t> followers;
    std::optional<std::int64_t> following;
    std::optional<std::int64_t> likes;
    std::optional<std::int64_t> videos;
    std::int64_t taken_at = 0;
};

/// What a purge covers (DESIGN §6). Queued work is never in an `older_than` scope.
struct PurgeScope {
    enum class Kind { account, older_than, hosted_media, everything };
    Kind kind = Kind::account;
    std::int64_t account_id = 0; ///< account
    std::int64_t cutoff = 0;     ///< older_than: unix seconds; finished before it
    std::string cutoff_day;      ///< older_than: YYYY-MM-DD; snapshots of days before it
};

/// One kind of row a purge deletes and how many ("posts", 12).
struct PurgeCount {
    std::string kind;
    std::int64_t count = 0;
};

/// A copy of a post's photo on the media host that may still be there.
struct HostedCopy {
    std::int64_t post_id = 0;
    int position = 0;
    std::string key;
    std::optional<std::string> url;
};

/// A hosted object whose rows a purge removed before the host confirmed it gone.
struct HostedLeftover {
    std::string key;
    std::optional<std::string> url;
    std::int64_t since = 0;
    std::string reason;
};

/// A video with its newest snapshot and the snapshots to measure growth against: the newest on
/// or before the day before the newest one, and on or before the day a week before it.
struct VideoLatest {
    VideoRow video;
    std::optional<SnapshotRow> latest;
    std::optional<SnapshotRow> day_before;
    std::optional<SnapshotRow> week_before;
};

/// A video's first days: its snapshots up to some days after its create time, with the day of
/// its newest snapshot however late (whether it reached an age is known without the rest).
struct EarlySeries {
    std::string video_id;
    std::int64_t create_time = 0;
    std::string last_day;
    std::vector<SnapshotRow> snapshots; ///< in day order
};

class Db {
public:
    /// Opens (creating when missing) the database at `file` and migrates it to the latest schema.
    /// Throws Error(config_missing) for a newer schema or an unwritable folder.
    static std::unique_ptr<Db> open(const std::filesystem::path& file);

    /// Opens and migrates only up to `version` (tests of the migrations themselves).
    static std::unique_ptr<Db> open_at_version(const std::filesystem::path& file, int version);

    ~Db();
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;

    const std::filesystem::path& file() const { return m_file; }
    int schema_version() const;
    static int latest_version();

    /// Whether each commit waits for the disk (synchronous FULL, the default) or only for the
    /// WAL write (NORMAL: survives a killed process, may lose the last commits on power loss;
    /// the next FULL commit makes them durable too). Publishing workers relax it for the steps
    /// whose loss is safe (DESIGN §5) and keep it for the one that guards against a second
    /// init.
    void set_durable(bool full);
    /// transaction() whose commit waits for the disk whatever set_durable() said: for what must
    /// survive a power cut (the init-sent mark, a rotated refresh token).
    void durable_transaction(const std::function<void()>& f);

    /// Runs `f` inside BEGIN IMMEDIATE … COMMIT (rolled back when it throws). Never hold one
    /// across a network call.
    void transaction(const std::function<void()>& f);

    // meta: schema facts, the vault's mode, salt and key check
    std::optional<Blob> meta_get(std::string_view key) const;
    void meta_put(std::string_view key, const Blob& value);

    // settings (`config set`)
    std::optional<std::string> setting_get(std::string_view name) const;
    void setting_set(std::string_view name, std::string_view value);
    bool setting_unset(std::string_view name);
    std::map<std::string, std::string> settings_all() const;

    // app
    std::optional<AppRow> app_get() const;
    void app_put(const AppRow& app);

    std::optional<MediaHostRow> media_host_get() const;
    /// Replaces the one media host row.
    void media_host_put(const MediaHostRow& host);

    // accounts (src/store/accounts.cpp)
    std::vector<AccountRow> accounts() const;
    std::optional<AccountRow> account_by_id(std::int64_t id) const;
    std::optional<AccountRow> account_by_name(std::string_view name) const;
    std::optional<AccountRow> account_by_open_id(std::string_view open_id) const;
    std::optional<AccountRow> default_account() const;
    /// Inserts name, open_id, profile, scopes, mode and time zone (no tokens); returns the id.
    /// The first account becomes the default.
    std::int64_t account_insert(const AccountRow& a);
    void account_update_profile(std::int64_t id, const std::optional<std::string>& display_name,
                                const std::optional<std::string>& username,
                                const std::vector<std::string>& scopes);
    /// Stores a new pair, marks the login active, releases the refresh lease and clears
    /// refresh_in_doubt. With `lease_owner`, only while that owner still holds the lease
    /// (false when it lost it: nothing was written).
    bool account_set_tokens(std::int64_t id, const SealedTokens& t,
                            std::optional<std::string_view> lease_owner = std::nullopt);
    void account_set_paused(std::int64_t id, bool paused);
    /// Removes both tokens (logout); the account stays, needing a new login.
    void account_clear_tokens(std::int64_t id);
    void account_set_state(std::int64_t id, std::string_view state);
    /// Makes it the one default account. Call inside a transaction.
    void account_set_default(std::int64_t id);
    void account_rename(std::int64_t id, std::string_view name);
    void account_set_time_zone(std::int64_t id, std::string_view zone);
    void account_set_mode(std::int64_t id, std::string_view mode);
    void account_set_refresh_warned(std::int64_t id, std::string_view day);
    void account_set_refresh_in_doubt(std::int64_t id, bool in_doubt);
    /// Takes the refresh lease when it is free or expired at `now`; false when another process
    /// holds it. Call inside a short transaction. Does not start one.
    bool account_take_refresh_lease(std::int64_t id, std::string_view owner, std::int64_t now,
                                    std::int64_t until);
    void account_release_refresh_lease(std::int64_t id, std::string_view owner);

    // media and posts (src/store/posts.cpp)
    /// The media row with this sha256, inserting it when new; returns its id.
    std::int64_t media_put(const MediaRow& m);
    std::optional<MediaOrigin> media_origin(std::string_view original_sha256) const;
    void media_origin_put(std::string_view original_sha256, std::int64_t media_id,
                          std::string_view changes);
    /// Media no post may still need (none of their posts is queued, publishing, deferred,
    /// failed or needs_attention): their local copies may be deleted (DESIGN §4).
    std::vector<MediaRow> media_releasable() const;
    /// The account's post with idempotency key `key`.
    std::optional<std::int64_t> post_id_by_key(std::int64_t account_id, std::string_view key) const;
    /// Inserts the post and its media rows and records an "enqueued" event; returns the id.
    /// Call inside a transaction.
    std::int64_t post_insert(const NewPost& p);
    std::optional<PostRow> post(std::int64_t id) const;
    std::vector<PostRow> posts(const PostFilter& f) const;
    std::vector<EventRow> post_events(std::int64_t post_id) const;
    /// The latest due time of the account's unfinished posts (next-slot starts after it).
    std::optional<std::int64_t> last_pending_due(std::int64_t account_id) const;
    /// Applies `e` when the post is in one of `states` and has not started publishing (no
    /// publish_id); false otherwise (nothing written).
    bool post_edit(std::int64_t id, const PostEdit& e, const std::vector<std::string>& states);
    /// Moves the post to `to` when it is in one of `from`; clears the error, attempts and retry
    /// time when `to` is queued. False when its state was not one of `from`.
    bool post_set_state(std::int64_t id, const std::vector<std::string>& from, std::string_view to);

    // publishing (src/store/publishing.cpp): every write names the lease owner and happens only
    // while that owner still holds the post in `publishing` (false: it lost it, nothing written)

    /// Posts publish-due may have work on at `now`: queued or deferred and due, or publishing.
    /// One indexed query: this is the whole of an idle tick.
    std::vector<DueRow> due(std::int64_t now, std::optional<std::int64_t> account_id) const;
    /// Claims the account's next post for `owner` until `until`: a publishing post whose lease
    /// expired or whose owner is gone (`gone(owner)`) first, else the first due queued or
    /// deferred post, in due order. Nothing while another owner holds one of the account's posts
    /// (one at a time per account). Call inside a transaction.
    /// `skip`: posts this run already worked on. Returns the post and the state it was in.
    std::optional<std::pair<std::int64_t, std::string>>
    post_claim(std::int64_t account_id, std::string_view owner, std::int64_t now,
               std::int64_t until, const std::function<bool(const std::string&)>& gone,
               const std::vector<std::int64_t>& skip);
    /// TikTok provably holds nothing usable of the post's publish (status FAILED): clears the
    /// publish id and upload state so it can be initialised again, keeping the claim.
    bool post_forget_publish(std::int64_t id, std::string_view owner);
    bool post_renew(std::int64_t id, std::string_view owner, std::int64_t until);
    /// Records that the init request is about to go out (DESIGN I3).
    bool post_init_sent(std::int64_t id, std::string_view owner, std::int64_t now);
    /// Stores what init answered, before anything else is done (DESIGN I1).
    bool post_set_publish(std::int64_t id, std::string_view owner, std::string_view publish_id,
                          const Blob& upload_url, std::optional<std::int64_t> upload_url_until);
    bool post_set_upload_offset(std::int64_t id, std::string_view owner, std::int64_t offset,
                                std::int64_t lease_until);
    bool post_set_uploaded(std::int64_t id, std::string_view owner, std::int64_t now);
    /// Ends this attempt: the post leaves `publishing` (or stays in it with `state`
    /// "publishing", lease released, for the next run to resume). Records an event.
    bool post_finish(std::int64_t id, std::string_view owner, const PostOutcome& o,
                     std::int64_t now);
    /// Cancels a publishing post whose pull TikTok stopped (queue cancel in flight).
    bool post_cancel_publishing(std::int64_t id, std::int64_t now);
    void post_media_set_hosted(std::int64_t post_id, int position,
                               const std::optional<std::string>& key,
                               const std::optional<std::string>& url, std::string_view state);

    // quotas (src/store/publishing.cpp)
    /// Counts the calls of `uses` at `now` when each is within its limit and no hold of its kind
    /// (or of the app, for init kinds) lasts; otherwise records nothing and returns when the
    /// first blocked kind frees up, with why. Call inside a transaction.
    std::optional<std::pair<std::int64_t, std::string>>
    quota_take(std::int64_t account_id, const std::vector<QuotaUse>& uses, std::int64_t now);
    /// Calls of `kind` by the account since `since`, and the oldest of them.
    std::pair<int, std::optional<std::int64_t>> quota_used(std::int64_t account_id,
                                                           std::string_view kind,
                                                           std::int64_t since) const;
    void quota_hold(const QuotaHold& h);
    /// Holds lasting after `now` (the account's and the app's).
    std::vector<QuotaHold> quota_holds(std::int64_t account_id, std::int64_t now) const;

    // slots (src/store/posts.cpp)
    std::int64_t slot_add(std::int64_t account_id, int days, int minute);
    std::vector<SlotRow> slots(std::optional<std::int64_t> account_id) const;
    bool slot_remove(std::int64_t id);

    // videos and snapshots (src/store/stats.cpp)
    /// Inserts the video or updates what TikTok says of it (texts, create time, duration, share
    /// URL, account) and last_seen = `now`; first_seen and the post link stay.
    void video_upsert(const VideoRow& v, std::int64_t now);
    std::optional<VideoRow> video(std::string_view id) const;
    /// The videos linked to a post (an inbox draft can become several), oldest first.
    std::vector<VideoRow> videos_of_post(std::int64_t post_id) const;
    /// Links the video to the post when both belong to the same account; false otherwise.
    bool video_link_post(std::string_view video_id, std::int64_t post_id);
    /// Links the account's unlinked videos to the posts whose stored public post ids name them
    /// (status/fetch's publicaly_available_post_id); returns how many were linked.
    int videos_link_by_post_ids(std::int64_t account_id);
    /// Stores the day's counts; a second snapshot of the same video on the same day replaces
    /// the first (a count TikTok left out keeps the earlier value).
    void snapshot_upsert(const SnapshotRow& s);
    /// The same for an account's totals.
    void account_snapshot_upsert(const AccountSnapshotRow& s);
    /// A video's snapshots from `since_day` on (every one when unset), in day order.
    std::vector<SnapshotRow> video_series(std::string_view video_id,
                                          const std::optional<std::string>& since_day = {}) const;
    /// Every snapshot of the account's videos from `since_day` on, by video then day (sparklines,
    /// CSV export, age-aligned medians).
    std::vector<SnapshotRow>
    account_video_series(std::int64_t account_id,
                         const std::optional<std::string>& since_day = {}) const;
    /// The account's totals from `since_day` on, in day order.
    std::vector<AccountSnapshotRow>
    account_series(std::int64_t account_id, const std::optional<std::string>& since_day = {}) const;
    /// Each of the account's videos created at or after `since` (unix seconds) with its newest
    /// snapshot and the ones a day and a week before it; newest create_time first.
    std::vector<VideoLatest> videos_latest(std::int64_t account_id,
                                           std::optional<std::int64_t> since = {}) const;
    /// A video's snapshots from `since_day` on and, before it, the ones its growth is measured
    /// from: the newest with views before `since_day` (the first daily gain) and the newest on or
    /// before the days a day and a week before its newest snapshot. Every one when unset.
    std::vector<SnapshotRow> video_growth_series(std::string_view video_id,
                                                 const std::optional<std::string>& since_day) const;
    /// The account's videos by id, each with its snapshots of days up to `days` after the UTC
    /// day of its create time (callers align on the local day: leave a day of slack); a video
    /// without any is left out. One query, however long the history.
    std::vector<EarlySeries> account_early_series(std::int64_t account_id, int days) const;

    // events: the append-only audit trail
    void event_add(std::string_view kind, std::string_view detail,
                   std::optional<std::int64_t> account_id = std::nullopt,
                   std::optional<std::int64_t> post_id = std::nullopt);
    std::vector<EventRow> events(std::size_t limit) const;

    /// Purging (src/store/purge.cpp). The rows a purge of `scope` deletes, kind by kind; for
    /// hosted_media there are none (only hosted copies go).
    std::vector<PurgeCount> purge_counts(const PurgeScope& scope) const;
    /// Deletes them (inside a transaction: the caller's) and returns what purge_counts said.
    /// `everything` keeps only meta, the media host and the hosted leftovers.
    std::vector<PurgeCount> purge_rows(const PurgeScope& scope);
    /// Media that only posts in `scope` use: their local copies and rows go with the posts.
    std::vector<MediaRow> media_only_in(const PurgeScope& scope) const;
    /// Deletes media rows no post refers to any more; returns how many.
    std::int64_t media_forget_unused();
    /// Hosted copies not yet deleted of the posts in `scope`; for hosted_media, of every post
    /// TikTok no longer pulls from (any state but publishing).
    std::vector<HostedCopy> hosted_copies(const PurgeScope& scope) const;
    void hosted_leftover_add(const HostedLeftover& l);
    bool hosted_leftover_remove(std::string_view key);
    std::vector<HostedLeftover> hosted_leftovers() const;
    /// Accounts TikTok revoked (reauth_required, and their latest auth event says revoked).
    std::vector<std::int64_t> accounts_revoked() const;
    /// Makes deleted rows gone from disk: checkpoints the WAL (truncating it), VACUUMs, and
    /// checkpoints again. False when another connection kept the WAL from being emptied.
    bool compact();

    // export (src/store/export.cpp): whole-store reads for `looppost export`
    /// Runs `f` inside one read transaction (BEGIN … COMMIT): every read in it sees the same
    /// state of the database, while other processes keep writing (WAL).
    void read_transaction(const std::function<void()>& f) const;
    /// Every stored media row, or with `account_id` those of that account's posts; by id.
    std::vector<MediaRow> media_all(std::optional<std::int64_t> account_id) const;
    /// The events tied to no post (logins, refreshes, settings), oldest first; with
    /// `account_id`, only that account's.
    std::vector<EventRow> events_without_post(std::optional<std::int64_t> account_id) const;

    /// "ok", or what PRAGMA quick_check found.
    std::string quick_check() const;

private:
    Db(std::filesystem::path file, std::unique_ptr<SQLite::Database> db);
    std::optional<AccountRow>
    account_where(std::string_view where,
                  const std::function<void(SQLite::Statement&)>& bind) const;
    void migrate(int target);
    /// A prepared statement for `sql` (a string literal), kept for the connection's life and
    /// reset for reuse: bulk work does not prepare the same SQL thousands of times.
    SQLite::Statement& cached(const char* sql) const;

    std::filesystem::path m_file;
    std::unique_ptr<SQLite::Database> m_db;
    mutable std::map<const char*, std::unique_ptr<SQLite::Statement>> m_cache;
    bool m_durable = true;
};

} // namespace looppost::store
