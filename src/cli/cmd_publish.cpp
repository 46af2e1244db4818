// looppost publish-due | quota

#include <fmt/format.h>
#include <looppost/cli/accounts_view.hpp>
#include <looppost/cli/app.hpp>
#include <looppost/cli/posts_view.hpp>
#include <looppost/core/clock.hpp>
#include <looppost/publish/notify.hpp>
#include <looppost/publish/publish.hpp>
#include <looppost/schedule/time.hpp>
#include <mutex>
#include <unistd.h>

namespace looppost::cli {
namespace {

using namespace std::chrono_literals;

struct PublishFlags {
    std::size_t limit = 0;
    bool dry_run = false;
    std::optional<unsigned> jobs;
};

/// Prints what needs a human (and, with -v, everything), runs notify_command for the same
/// events, and draws upload progress on a terminal. Called from the workers.
class CliReporter final : public publish::Reporter {
public:
    CliReporter(const Output& out, bool verbose, std::string notify)
        : m_out(out), m_verbose(verbose), m_notify(std::move(notify)),
          m_bar(::isatty(2) == 1 && !out.json() && !out.quiet()) {}

    void event(const publish::Event& e) override {
        {
            std::lock_guard lock(m_mutex);
            end_bar();
            if (e.post_id && e.human)
                m_messages[*e.post_id] = e.message; // what stderr said about it
            if (e.human || m_verbose)
                fmt::print(stderr, "looppost: {}\n", e.message);
        }
        if (e.human && !m_notify.empty()) {
            std::lock_guard lock(m_notify_mutex);
            publish::Notice n{e.kind, e.post_id, e.account, e.message, e.caption};
            if (auto problem = publish::run_notify(m_notify, n, 30s))
                m_out.warning(*problem);
        }
    }

    void progress(std::int64_t post_id, std::uint64_t sent, std::uint64_t total) override {
        if (!m_bar)
            return;
        std::lock_guard lock(m_mutex);
        constexpr int width = 30;
        int filled = total == 0 ? width : static_cast<int>(sent * width / total);
        fmt::print(stderr, "\rpost {} [{}{}] {:3}% {:.1f}/{:.1f} MB", post_id,
                   std::string(static_cast<std::size_t>(filled), '#'),
                   std::string(static_cast<std::size_t>(width - filled), '.'),
                   total == 0 ? 100 : sent * 100 / total, static_cast<double>(sent) / 1e6,
                   static_cast<double>(total) / 1e6);
        m_bar_open = sent < total;
        if (!m_bar_open)
            fmt::print(stderr, "\n");
    }

    void step(const std::string& line) override {
        if (!m_verbose)
            return;
        std::lock_guard lock(m_mutex);
        end_bar();
        fmt::print(stderr, "looppost: {}\n", line);
    }

    std::optional<std::string> message(std::int64_t post_id) const {
        auto it = m_messages.find(post_id);
        if (it == m_messages.end())
            return std::nullopt;
        return it->second;
    }

private:
    void end_bar() {
        if (m_bar_open)
            fmt::print(stderr, "\n");
        m_bar_open = false;
    }

    const Output& m_out;
    bool m_verbose;
    std::string m_notify;
    bool m_bar;
    bool m_bar_open = false;
    std::mutex m_mutex;
    std::mutex m_notify_mutex;
    std::map<std::int64_t, std::string> m_messages;
};

std::optional<std::int64_t> chosen_account(Session& s) {
    if (const auto& name = s.ctx().options().account)
        return oauth::resolve_account(s.db(), name).id;
    return std::nullopt;
}

Exit dry_run(Session& s, std::optional<std::int64_t> account_id) {
    auto host = media::describe_host(s.db());
    auto posts =
        publish::dry_run(s.db(), s.now(), account_id,
                         host ? std::optional<std::string>(host->public_base_url) : std::nullopt);
    if (s.out().json()) {
        s.out().document({{"dry_run", true}, {"posts", posts}});
        return Exit::ok;
    }
    if (posts.empty())
        s.out().note("nothing is due");
    for (const auto& p : posts) {
        s.out().line(fmt::format("post {} ({}, {} {}):", p["id"].get<std::int64_t>(),
                                 p["account"].get<std::string>(), p["mode"].get<std::string>(),
                                 p["kind"].get<std::string>()));
        for (const auto& r : p["requests"])
            s.out().line(fmt::format("  {} {} {}", r["method"].get<std::string>(),
                                     r["path"].get<std::string>(), r["body"].dump()));
    }
    return Exit::ok;
}

Exit publish_due_now(Session& s, const PublishFlags& flags,
                     std::optional<std::int64_t> account_id) {
    // The idle tick: one query, no network library, no secrets.
    auto accounts = publish::accounts_with_work(s.db(), s.now(), account_id);
    if (accounts.empty()) {
        if (s.out().json())
            s.out().document({{"dry_run", false}, {"posts", nlohmann::json::array()}});
        return Exit::ok;
    }
    auto& settings = s.ctx().settings();
    publish::Options options;
    options.account_id = account_id;
    options.limit = flags.limit;
    options.jobs = flags.jobs ? *flags.jobs : static_cast<unsigned>(settings.get_int("jobs"));
    options.poll = std::chrono::seconds(settings.get_int("poll_seconds"));
    CliReporter reporter(s.out(), s.ctx().options().verbose > 0,
                         settings.get_string("notify_command"));
    publish::Summary summary;
    try {
        auto& auth = s.auth(); // exit 78 without app credentials; loads libcurl
        publish::Env env{s.ctx(), s.vault(), auth.app, s.ctx().paths().db_file(),
                         s.ctx().paths().media_dir()};
        summary = publish::publish_due(env, options, accounts, reporter);
    } catch (const Error& e) {
        if (e.exit() != Exit::config_missing)
            throw;
        reporter.event({.kind = "config_missing",
                        .message = e.what(),
                        .human = true,
                        .exit = Exit::config_missing});
        summary.exit = Exit::config_missing;
    }
    if (s.out().json()) {
        nlohmann::json posts = nlohmann::json::array();
        for (auto id : summary.touched) {
            if (auto p = s.db().post(id)) {
                auto j = post_json(*p);
                auto m = reporter.message(id);
                j["message"] = m ? nlohmann::json(*m) : nlohmann::json();
                posts.push_back(std::move(j));
            }
        }
        s.out().document({{"dry_run", false}, {"posts", posts}});
    }
    return summary.exit;
}

Exit publish_due(Session& s, const PublishFlags& flags) {
    auto account_id = chosen_account(s);
    if (flags.dry_run)
        return dry_run(s, account_id);
    Exit exit = publish_due_now(s, flags, account_id);
    apply_retention(s);
    return exit;
}

Exit quota(Session& s, const std::optional<std::string>& name) {
    std::vector<store::AccountRow> accounts;
    if (name || s.ctx().options().account)
        accounts.push_back(oauth::resolve_account(s.db(), name ? name : s.ctx().options().account));
    else
        accounts = s.db().accounts();
    auto limits = publish::Limits::from(s.ctx().settings());
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& a : accounts) {
        auto r = publish::quota_report(s.db(), a, limits, s.now());
        nlohmann::json lines = nlohmann::json::object();
        std::vector<std::vector<std::string>> rows = {{"LIMIT", "USED", "REMAINING", "RESETS"}};
        for (const auto& l : r.lines) {
            int remaining = std::max(0, l.limit - l.used);
            lines[l.name] = {
                {"limit", l.limit},
                {"used", l.used},
                {"remaining", remaining},
                {"resets_at", l.resets_at ? utc_or_null(*l.resets_at) : nlohmann::json()}};
            rows.push_back({l.name, std::to_string(l.used),
                            fmt::format("{}/{}", remaining, l.limit),
                            l.resets_at ? local_time(*l.resets_at, a.time_zone) : "-"});
        }
        nlohmann::json holds = nlohmann::json::array();
        for (const auto& h : r.holds) {
            holds.push_back({{"what", h.account_id ? h.kind : "app"},
                             {"until", utc_or_null(h.until)},
                             {"reason", h.reason}});
        }
        arr.push_back({{"name", a.name}, {"limits", lines}, {"holds", holds}});
        if (!s.out().json()) {
            s.out().line(fmt::format("{}{}", a.name, a.paused ? " (paused)" : ""));
            s.out().table(rows);
            for (const auto& h : r.holds)
                s.out().line(fmt::format("waiting until {}: {}", local_time(h.until, a.time_zone),
                                         h.reason));
        }
    }
    if (s.out().json())
        s.out().document({{"accounts", arr}});
    else if (accounts.empty())
        s.out().note("no accounts; log in with looppost auth login");
    return Exit::ok;
}

} // namespace

void add_publish_command(CLI::App& app, Action& action) {
    auto flags = std::make_shared<PublishFlags>();
    auto* cmd = app.add_subcommand(
        "publish-due", "the cron job: publish every due post once, resume anything in flight");
    cmd->add_option("--limit", flags->limit, "work on at most N posts in this run")
        ->type_name("N")
        ->check(CLI::PositiveNumber);
    cmd->add_flag("--dry-run", flags->dry_run,
                  "show what would be sent, request bodies included; change nothing");
    cmd->add_option("--jobs", flags->jobs, "accounts worked on at once (default: the jobs setting)")
        ->type_name("N")
        ->check(CLI::Range(1, 64));
    cmd->callback(
        [&action, flags] { action = [flags](Session& s) { return publish_due(s, *flags); }; });
}

void add_quota_command(CLI::App& app, Action& action) {
    auto name = std::make_shared<std::optional<std::string>>();
    auto* cmd = app.add_subcommand(
        "quota", "what TikTok will still accept now: inits this minute, direct posts today, "
                 "pending inbox shares, cool-downs");
    cmd->add_option("name", *name, "the account (default: every account)")->type_name("NAME");
    cmd->callback([&action, name] { action = [name](Session& s) { return quota(s, *name); }; });
}

} // namespace looppost::cli
