#pragma once
// publish-due (DESIGN §3, §5): due posts are claimed under a lease and driven through the
// publishing state machine — creator_info, init, upload or hosting, status — each step stored
// before the next begins, so a crash, a second process or a lost answer never posts twice.
// One account's posts go one at a time; accounts run in parallel, each worker with its own
// database connection and HTTP client.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <looppost/core/context.hpp>
#include <looppost/core/errors.hpp>
#include <looppost/media/host.hpp>
#include <looppost/media/local_store.hpp>
#include <looppost/oauth/auth.hpp>
#include <looppost/store/db.hpp>
#include <looppost/vault/vault.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace looppost::publish {

/// TikTok's limits as looppost counts them (settings limit_*; reference §4.13, §5.5).
struct Limits {
    int inits_per_minute = 6;
    int creator_info_per_minute = 20;
    int status_per_minute = 30;
    int direct_posts_per_day = 15;
    int inbox_shares_per_day = 5;
    int display_per_minute = 600;

    static Limits from(const core::Settings& settings);
    /// What an init of a post in `mode` counts against: the per-minute init limit and the
    /// daily direct-post cap or the pending inbox shares.
    std::vector<store::QuotaUse> init(std::string_view mode) const;
    std::vector<store::QuotaUse> creator_info() const;
    std::vector<store::QuotaUse> status() const;
    /// What one Display API call (user/info, video/list, video/query) counts against. TikTok
    /// allows 600 a minute per endpoint; looppost counts them together, within each.
    store::QuotaUse display() const;
};

/// Something that happened in a run. `human`: it is printed without -v and runs notify_command.
struct Event {
    std::string kind; ///< published | in_inbox | failed | needs_attention | deferred | processing
                      ///< | reauth_required | config_missing
    std::optional<std::int64_t> post_id;
    std::string account;
    std::string message; ///< one line, without "looppost: "
    std::string caption; ///< in_inbox: the caption to paste in the app
    bool human = false;
    Exit exit = Exit::ok; ///< what it adds to the run's exit status
};

/// Where a run tells what happens; called from worker threads, so implementations lock.
class Reporter {
public:
    virtual ~Reporter() = default;
    virtual void event(const Event& e) = 0;
    /// Upload progress of a post's video.
    virtual void progress(std::int64_t post_id, std::uint64_t sent, std::uint64_t total) = 0;
    /// A step, for -v.
    virtual void step(const std::string& line) = 0;
};

struct Options {
    std::optional<std::int64_t> account_id;
    std::size_t limit = 0; ///< posts claimed at most; 0: no limit
    unsigned jobs = 4;
    std::chrono::seconds poll{60};
};

/// What a worker needs to open its own connection, HTTP client and media host.
struct Env {
    core::Context& ctx; ///< clock, random, settings (all read before the workers start)
    const vault::Vault& vault;
    const oauth::AppCredentials& app;
    std::filesystem::path db_file;
    std::filesystem::path media_dir;
};

/// The lease a claim holds, renewed at every step.
inline constexpr std::int64_t k_lease_seconds = 300;

/// This process's lease owner name: "host:pid:random".
const std::string& lease_owner();
/// Whether the process named by `owner` is known to be gone (same host, no such pid): its
/// claims may be taken over before the lease runs out.
bool owner_gone(const std::string& owner);

/// The accounts with a post publish-due can work on now (the idle tick: one indexed query, no
/// network, no secrets). Paused accounts are left out.
std::vector<std::int64_t> accounts_with_work(const store::Db& db, std::int64_t now,
                                             std::optional<std::int64_t> account_id);
/// The same, from rows `Db::due` already read.
std::vector<std::int64_t>
accounts_with_work(const store::Db& db, const std::vector<store::DueRow>& due, std::int64_t now);

struct Summary {
    std::vector<std::int64_t> touched; ///< posts this run worked on, in order
    Exit exit = Exit::ok;
};

/// Publishes what is due for `accounts`: a worker per account, at most `options.jobs` at once.
Summary publish_due(Env& env, const Options& options, const std::vector<std::int64_t>& accounts,
                    Reporter& reporter);

/// `publish-due --dry-run`: for each post a run would work on now, the requests it would send
/// ({method, path, body}); nothing is claimed, sent or changed.
nlohmann::json dry_run(const store::Db& db, std::int64_t now,
                       std::optional<std::int64_t> account_id,
                       const std::optional<std::string>& public_base_url);

/// `queue cancel` of a publishing post (DESIGN §5): asks TikTok to stop a photo pull still
/// downloading, then cancels the post and deletes its hosted copies; otherwise Error(bad_input)
/// saying TikTok can no longer stop it. `host` opens the media host when needed.
store::PostRow cancel_in_flight(oauth::AuthEnv& auth, media::LocalStore& store,
                                const std::function<std::unique_ptr<media::MediaHost>()>& host,
                                std::int64_t post_id);

/// One line of `looppost quota`.
struct QuotaLine {
    std::string name; ///< inits_per_minute, …
    int limit = 0;
    int used = 0;
    std::optional<std::int64_t> resets_at; ///< when the oldest counted call leaves the window
};

struct QuotaReport {
    std::string account;
    std::vector<QuotaLine> lines;
    std::vector<store::QuotaHold> holds;
};

QuotaReport quota_report(const store::Db& db, const store::AccountRow& account,
                         const Limits& limits, std::int64_t now);

} // namespace looppost::publish
