// looppost stats [VIDEO_ID | --post ID] [--since D] [--sort S] [--limit N] [--csv] [--svg FILE]
// [--best-times]: growth curves read from the store (DESIGN §2), never from TikTok.

#include <fmt/format.h>
#include <looppost/cli/accounts_view.hpp>
#include <looppost/cli/app.hpp>
#include <looppost/oauth/auth.hpp>
#include <looppost/stats/stats.hpp>
#include <looppost/util/fs.hpp>

namespace looppost::cli {
namespace {

struct Flags {
    std::string video_id;
    std::int64_t post = 0;
    std::string since;
    std::string sort = "date";
    int limit = 20;
    bool csv = false;
    std::string svg;
    bool best_times = false;
};

nlohmann::json num(const std::optional<std::int64_t>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json();
}

std::string count(const std::optional<std::int64_t>& v) {
    if (!v)
        return "-";
    auto digits = std::to_string(*v < 0 ? -*v : *v);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return (*v < 0 ? "-" : "") + out;
}

std::string signed_count(const Output& out, const std::optional<std::int64_t>& v) {
    if (!v)
        return "-";
    auto text = (*v > 0 ? "+" : "") + count(v);
    return *v > 0 ? out.paint(text, "32") : text;
}

nlohmann::json video_json(const store::VideoRow& v, const std::string& account,
                          const std::optional<store::SnapshotRow>& latest,
                          std::optional<std::int64_t> d1, std::optional<std::int64_t> d7) {
    auto field = [&](auto member) { return latest ? num((*latest).*member) : nlohmann::json(); };
    return {{"id", v.id},
            {"account", account},
            {"title", v.title ? nlohmann::json(*v.title) : nlohmann::json()},
            {"create_time", utc_or_null(v.create_time)},
            {"views", field(&store::SnapshotRow::views)},
            {"likes", field(&store::SnapshotRow::likes)},
            {"comments", field(&store::SnapshotRow::comments)},
            {"shares", field(&store::SnapshotRow::shares)},
            {"views_1d", num(d1)},
            {"views_7d", num(d7)},
            {"post_id", num(v.post_id)},
            {"day", latest ? nlohmann::json(latest->day) : nlohmann::json()}};
}

void write_file(const std::string& path, const std::string& text) {
    util::AtomicFile f(path);
    f.write(text);
    f.commit();
}

std::string short_title(const std::optional<std::string>& t) {
    std::string s = t.value_or("");
    for (auto& c : s) {
        if (c == '\n' || c == '\r' || c == '\t')
            c = ' ';
    }
    if (s.size() <= 30)
        return s;
    std::size_t cut = 29;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
        --cut;
    return s.substr(0, cut) + "…";
}

Exit show_overview(Session& s, const Flags& f, const std::optional<stats::Since>& since) {
    stats::OverviewQuery q;
    if (const auto& name = s.ctx().options().account)
        q.accounts = {oauth::resolve_account(s.db(), name)};
    else
        q.accounts = s.db().accounts();
    if (since)
        q.since = *since;
    q.sort = f.sort;
    q.limit = f.limit;
    q.now = s.now();
    auto o = stats::overview(s.db(), q);
    if (f.csv || !f.svg.empty()) {
        auto series = stats::overview_series(s.db(), o, q);
        if (!f.svg.empty())
            write_file(f.svg, stats::overview_svg(o, series));
        if (f.csv) {
            s.out().raw(stats::overview_csv(o, series));
            return Exit::ok;
        }
    }
    if (s.out().json()) {
        nlohmann::json accounts = nlohmann::json::array(), videos = nlohmann::json::array();
        for (const auto& a : o.accounts) {
            const auto& l = a.latest;
            accounts.push_back({{"name", a.account.name},
                                {"totals",
                                 {{"followers", l ? num(l->followers) : nlohmann::json()},
                                  {"likes", l ? num(l->likes) : nlohmann::json()},
                                  {"videos", l ? num(l->videos) : nlohmann::json()}}},
                                {"followers_change", num(a.followers_change)},
                                {"day", l ? nlohmann::json(l->day) : nlohmann::json()}});
        }
        for (const auto& v : o.videos) {
            auto j = video_json(v.video, v.account, v.latest, v.views_1d, v.views_7d);
            nlohmann::json daily = nlohmann::json::array();
            for (const auto& p : v.daily)
                daily.push_back({{"day", p.day}, {"views", p.value}});
            j["daily"] = daily;
            videos.push_back(j);
        }
        s.out().document({{"accounts", accounts}, {"videos", videos}});
        return Exit::ok;
    }
    for (const auto& a : o.accounts) {
        const auto& l = a.latest;
        s.out().line(fmt::format(
            "{}  followers {} ({})  likes {}  videos {}", s.out().paint(a.account.name, "1"),
            count(l ? l->followers : std::nullopt), signed_count(s.out(), a.followers_change),
            count(l ? l->likes : std::nullopt), count(l ? l->videos : std::nullopt)));
    }
    if (o.videos.empty()) {
        s.out().note("no videos in this window; looppost snapshot-stats fills the store, --since "
                     "widens the window");
        return Exit::ok;
    }
    std::vector<std::vector<std::string>> rows = {{"VIDEO", "ACCOUNT", "POSTED", "VIEWS", "LIKES",
                                                   "COMMENTS", "SHARES", "1D", "7D", "DAILY VIEWS",
                                                   "TITLE"}};
    for (const auto& v : o.videos) {
        std::vector<std::int64_t> daily;
        for (const auto& p : v.daily)
            daily.push_back(p.value);
        const auto& l = v.latest;
        rows.push_back({v.video.id, v.account, v.create_day, count(l ? l->views : std::nullopt),
                        count(l ? l->likes : std::nullopt), count(l ? l->comments : std::nullopt),
                        count(l ? l->shares : std::nullopt), signed_count(s.out(), v.views_1d),
                        signed_count(s.out(), v.views_7d),
                        daily.empty() ? "-" : stats::sparkline(daily), short_title(v.video.title)});
    }
    s.out().table(rows);
    return Exit::ok;
}

std::string fmt_median(const std::optional<double>& m) {
    if (!m)
        return "-";
    return count(static_cast<std::int64_t>(*m + 0.5));
}

Exit show_curve(Session& s, const Flags& f, const std::string& id,
                const std::optional<stats::Since>& since) {
    auto c = stats::curve(s.db(), id, since, s.now());
    if (!f.svg.empty())
        write_file(f.svg, stats::curve_svg(c));
    if (f.csv) {
        s.out().raw(stats::curve_csv(c));
        return Exit::ok;
    }
    if (s.out().json()) {
        nlohmann::json series = nlohmann::json::array(), daily = nlohmann::json::array();
        for (const auto& p : c.series)
            series.push_back({{"day", p.day},
                              {"views", num(p.views)},
                              {"likes", num(p.likes)},
                              {"comments", num(p.comments)},
                              {"shares", num(p.shares)}});
        for (const auto& p : c.daily)
            daily.push_back({{"day", p.day}, {"views", p.value}});
        nlohmann::json age = nlohmann::json::object();
        for (const auto& a : c.ages)
            age[fmt::format("d{}", a.age)] = {
                {"views", num(a.views)},
                {"median", a.median ? nlohmann::json(*a.median) : nlohmann::json()},
                {"median_of", a.median_of}};
        s.out().document(
            {{"video", video_json(c.video, c.account.name, c.latest, c.views_1d, c.views_7d)},
             {"series", series},
             {"daily", daily},
             {"age", age}});
        return Exit::ok;
    }
    s.out().line(fmt::format("{}  {}  {}, posted {}", s.out().paint(c.video.id, "1"),
                             short_title(c.video.title), c.account.name, c.create_day));
    std::map<std::string, std::int64_t> gain;
    std::int64_t top = 1;
    for (const auto& p : c.daily) {
        gain[p.day] = p.value;
        top = std::max(top, p.value);
    }
    std::vector<std::vector<std::string>> rows = {{"DAY", "DAILY", "", "VIEWS"}};
    for (const auto& p : c.series) {
        auto g = gain.find(p.day);
        std::string bar;
        if (g != gain.end()) {
            auto n = static_cast<int>((g->second * 40 + top - 1) / top);
            for (int i = 0; i < n; ++i)
                bar += "█";
        }
        rows.push_back({p.day, g == gain.end() ? "-" : count(g->second), s.out().paint(bar, "36"),
                        count(p.views)});
    }
    s.out().table(rows);
    s.out().line("");
    std::vector<std::vector<std::string>> ages = {{"AGE", "VIEWS", "ACCOUNT MEDIAN", "OF"}};
    for (const auto& a : c.ages)
        ages.push_back({fmt::format("day {}", a.age), count(a.views), fmt_median(a.median),
                        fmt::format("{} videos", a.median_of)});
    s.out().table(ages);
    return Exit::ok;
}

Exit show_best_times(Session& s) {
    auto account = oauth::resolve_account(s.db(), s.ctx().options().account);
    auto bt = stats::best_times(s.db(), account);
    auto zone = account.time_zone.value_or("the system's zone");
    if (s.out().json()) {
        nlohmann::json hours = nlohmann::json::array(), days = nlohmann::json::array();
        for (const auto& g : bt.hours)
            hours.push_back(
                {{"hour", g.key}, {"posts", g.posts}, {"median_views_24h", g.median_views}});
        for (const auto& g : bt.weekdays)
            days.push_back({{"weekday", stats::weekday_name(g.key)},
                            {"posts", g.posts},
                            {"median_views_24h", g.median_views}});
        s.out().document({{"account", account.name},
                          {"time_zone", account.time_zone ? nlohmann::json(*account.time_zone)
                                                          : nlohmann::json()},
                          {"posts", bt.posts},
                          {"enough", bt.enough},
                          {"hours", hours},
                          {"weekdays", days}});
        return Exit::ok;
    }
    if (bt.posts == 0) {
        s.out().line(fmt::format("{}: no post with a first day on record yet; looppost "
                                 "snapshot-stats records it daily",
                                 account.name));
        return Exit::ok;
    }
    s.out().line(fmt::format("{}: median views in the first 24 h, from {} post{} ({})",
                             account.name, bt.posts, bt.posts == 1 ? "" : "s", zone));
    if (!bt.enough) {
        auto why = bt.posts < stats::k_best_times_min
                       ? fmt::format("{} post{}, and at least {} are needed", bt.posts,
                                     bt.posts == 1 ? "" : "s", stats::k_best_times_min)
                       : std::string("no hour has 3 posts or more");
        s.out().line(fmt::format("too few to go by: {}; treat this as a hint", why));
    }
    std::vector<std::vector<std::string>> rows = {{"HOUR", "POSTS", "MEDIAN 24H"}};
    for (std::size_t i = 0; i < bt.hours.size() && i < 5; ++i)
        rows.push_back({fmt::format("{:02}:00", bt.hours[i].key), std::to_string(bt.hours[i].posts),
                        fmt_median(bt.hours[i].median_views)});
    s.out().table(rows);
    std::vector<std::vector<std::string>> days = {{"WEEKDAY", "POSTS", "MEDIAN 24H"}};
    for (const auto& g : bt.weekdays)
        days.push_back({std::string(stats::weekday_name(g.key)), std::to_string(g.posts),
                        fmt_median(g.median_views)});
    s.out().table(days);
    return Exit::ok;
}

Exit run_stats(Session& s, const Flags& f) {
    std::optional<stats::Since> since;
    if (!f.since.empty())
        since = stats::parse_since(f.since);
    if (f.best_times)
        return show_best_times(s);
    if (f.csv && s.out().json())
        throw UsageError("--csv and --json each print a whole document; choose one");
    if (!f.video_id.empty() && f.post != 0)
        throw UsageError("give a video id or --post, not both");
    if (f.post != 0)
        return show_curve(s, f, stats::video_of_post(s.db(), f.post), since);
    if (!f.video_id.empty())
        return show_curve(s, f, f.video_id, since);
    return show_overview(s, f, since);
}

} // namespace

void add_stats_command(CLI::App& app, Action& action) {
    auto flags = std::make_shared<Flags>();
    auto* cmd = app.add_subcommand(
        "stats", "growth curves of your videos from the store: overview, one video, CSV/JSON/SVG");
    cmd->add_option("video", flags->video_id, "one video's curve (TikTok's video id)")
        ->type_name("VIDEO_ID");
    cmd->add_option("--post", flags->post, "the curve of the video a queued post became")
        ->type_name("ID");
    cmd->add_option("--since", flags->since,
                    "the window: a day (2026-11-01) or days back (30d; default 30d for the "
                    "overview, the whole life of one video)")
        ->type_name("D");
    cmd->add_option("--sort", flags->sort, "overview order: date (default), views, likes, growth")
        ->check(CLI::IsMember({"date", "views", "likes", "growth"}))
        ->type_name("KEY");
    cmd->add_option("--limit", flags->limit,
                    "at most N videos in the overview (0: all; default 20)")
        ->check(CLI::NonNegativeNumber)
        ->type_name("N");
    cmd->add_flag("--csv", flags->csv, "one CSV row per video per day, with a header row");
    cmd->add_option("--svg", flags->svg, "also write the chart as a self-contained SVG file")
        ->type_name("FILE");
    cmd->add_flag("--best-times", flags->best_times,
                  "the posting hours and weekdays whose posts grew fastest in their first 24 h");
    cmd->callback(
        [&action, flags] { action = [flags](Session& s) { return run_stats(s, *flags); }; });
}

} // namespace looppost::cli
