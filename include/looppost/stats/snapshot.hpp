#pragma once
// snapshot-stats (issue 6): once a day (any frequency is safe) every public video of every
// account with video.list is listed and its counts stored as the day's snapshot; the account's
// totals too with user.info.stats. Accounts run in parallel, each on its own connection and
// HTTP client; each page is stored in its own short transaction, so a failure mid-way keeps
// what was read. Every Display API call is counted against the per-minute limit first (as
// publish-due counts its own): an account that reaches it stops, deferred, with what it read.

#include <cstdint>
#include <filesystem>
#include <looppost/core/context.hpp>
#include <looppost/core/errors.hpp>
#include <looppost/oauth/app.hpp>
#include <looppost/store/db.hpp>
#include <looppost/vault/vault.hpp>
#include <optional>
#include <string>
#include <vector>

namespace looppost::stats {

/// What one account's snapshot did.
struct AccountSnapshot {
    std::string account;
    std::string day; ///< YYYY-MM-DD in the account's zone
    int pages = 0;
    int videos = 0;
    bool totals = false;            ///< the account's totals were stored (user.info.stats)
    int linked = 0;                 ///< videos newly linked to the posts they came from
    std::vector<std::int64_t> private_posts; ///< published posts TikTok will never list
    std::optional<std::string> skipped;      ///< why nothing was read
    std::optional<std::string> problem;      ///< why it stopped early (what was read is kept)
    Exit exit = Exit::ok;
    bool human = false; ///< `problem`/`skipped` is for a human (printed without -v)
};

struct SnapshotEnv {
    core::Context& ctx; ///< settings all read before the workers start
    const vault::Vault& vault;
    const oauth::AppCredentials& app;
    std::filesystem::path db_file;
    store::QuotaUse display; ///< what each video/list or user/info call counts against
};

/// Snapshots `accounts` (ids) with at most `jobs` at once; `step` gets -v lines (from worker
/// threads: it must lock).
std::vector<AccountSnapshot> snapshot(SnapshotEnv& env, const std::vector<std::int64_t>& accounts,
                                      unsigned jobs,
                                      const std::function<void(const std::string&)>& step);

/// How many pages one account may take at most (20 videos each): a runaway cursor stops.
inline constexpr int k_max_pages = 5000;

} // namespace looppost::stats
