// looppost snapshot-stats

#include <fmt/format.h>
#include <looppost/cli/app.hpp>
#include <looppost/publish/publish.hpp>
#include <looppost/stats/snapshot.hpp>
#include <mutex>

namespace looppost::cli {
namespace {

Exit snapshot_stats(Session& s) {
    std::vector<std::int64_t> ids;
    if (const auto& name = s.ctx().options().account) {
        ids.push_back(oauth::resolve_account(s.db(), name).id);
    } else {
        for (const auto& a : s.db().accounts())
            ids.push_back(a.id);
    }
    if (ids.empty()) {
        if (s.out().json())
            s.out().document({{"accounts", nlohmann::json::array()}});
        return Exit::ok;
    }
    bool verbose = s.ctx().options().verbose > 0;
    std::mutex lines;
    std::function<void(const std::string&)> step = [&](const std::string& line) {
        if (!verbose)
            return;
        std::lock_guard lock(lines);
        fmt::print(stderr, "looppost: {}\n", line);
    };
    auto jobs = static_cast<unsigned>(s.ctx().settings().get_int("jobs"));
    auto& auth = s.auth(); // exit 78 without app credentials; loads libcurl
    stats::SnapshotEnv env{s.ctx(), s.vault(), auth.app, s.ctx().paths().db_file(),
                           publish::Limits::from(s.ctx().settings()).display()};
    auto results = stats::snapshot(env, ids, jobs, step);

    Exit exit = Exit::ok;
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& r : results) {
        exit = more_urgent(exit, r.exit);
        const auto& said = r.skipped ? r.skipped : r.problem;
        // Silent when all is well (DESIGN §3): only what a human must act on, unless -v.
        if (said && (r.human || verbose))
            fmt::print(stderr, "looppost: {}\n", *said);
        if (verbose && !r.skipped) {
            fmt::print(stderr, "looppost: account {}: {} videos on {} ({} pages){}{}\n", r.account,
                       r.videos, r.day, r.pages, r.totals ? ", totals" : "",
                       r.linked ? fmt::format(", {} linked to their posts", r.linked) : "");
        }
        arr.push_back({{"name", r.account},
                       {"day", r.day},
                       {"pages", r.pages},
                       {"videos", r.videos},
                       {"totals", r.totals},
                       {"linked", r.linked},
                       {"private_posts", r.private_posts},
                       {"skipped", r.skipped ? nlohmann::json(*r.skipped) : nlohmann::json()},
                       {"problem", r.problem ? nlohmann::json(*r.problem) : nlohmann::json()}});
    }
    if (s.out().json())
        s.out().document({{"accounts", arr}});
    apply_retention(s);
    return exit;
}

} // namespace

void add_snapshot_stats_command(CLI::App& app, Action& action) {
    auto* cmd = app.add_subcommand(
        "snapshot-stats", "the daily cron job: today's views, likes, comments and shares of every "
                          "public video, and the accounts' totals");
    cmd->callback([&action] { action = [](Session& s) { return snapshot_stats(s); }; });
}

} // namespace looppost::cli
