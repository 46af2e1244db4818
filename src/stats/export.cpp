// `stats --csv` and `stats --svg`: the same data as the terminal views, for spreadsheets and
// charts.

#include <fmt/format.h>
#include <looppost/schedule/time.hpp>
#include <looppost/stats/stats.hpp>

namespace looppost::stats {
namespace {

std::string opt(const std::optional<std::int64_t>& v) {
    return v ? std::to_string(*v) : std::string();
}

const std::vector<std::string> k_header = {"video_id", "account",    "title", "create_time",
                                           "day",      "views",      "likes", "comments",
                                           "shares",   "daily_views"};

void append_rows(std::string& out, const store::VideoRow& v, const std::string& account,
                 const std::vector<store::SnapshotRow>& series, const std::vector<Point>& daily) {
    std::map<std::string, std::int64_t> gain;
    for (const auto& p : daily)
        gain[p.day] = p.value;
    for (const auto& s : series) {
        auto g = gain.find(s.day);
        out += csv_record({v.id, account, v.title.value_or(""), schedule::format_utc(v.create_time),
                           s.day, opt(s.views), opt(s.likes), opt(s.comments), opt(s.shares),
                           g == gain.end() ? "" : std::to_string(g->second)});
    }
}

std::vector<Point> cumulative(const std::vector<store::SnapshotRow>& series) {
    std::vector<Point> out;
    for (const auto& s : series) {
        if (s.views)
            out.push_back({s.day, *s.views});
    }
    return out;
}

std::string label_of(const store::VideoRow& v) {
    return v.title && !v.title->empty() ? *v.title : v.id;
}

} // namespace

SeriesByVideo overview_series(const store::Db& db, const Overview& o, const OverviewQuery& q) {
    SeriesByVideo out;
    for (const auto& a : o.accounts) {
        bool listed = false;
        for (const auto& v : o.videos)
            listed = listed || v.video.account_id == a.account.id;
        if (!listed)
            continue;
        for (auto& s : db.account_video_series(a.account.id, since_day(q.since, a.account, q.now)))
            out[s.video_id].push_back(std::move(s));
    }
    // Only the videos the overview shows.
    SeriesByVideo shown;
    for (const auto& v : o.videos) {
        if (auto it = out.find(v.video.id); it != out.end())
            shown[v.video.id] = std::move(it->second);
    }
    return shown;
}

std::string overview_csv(const Overview& o, const SeriesByVideo& series) {
    std::string out = csv_record(k_header);
    for (const auto& v : o.videos) {
        auto it = series.find(v.video.id);
        if (it == series.end())
            continue;
        append_rows(out, v.video, v.account, it->second, daily_gains(it->second, v.create_day));
    }
    return out;
}

std::string curve_csv(const Curve& c) {
    std::string out = csv_record(k_header);
    append_rows(out, c.video, c.account.name, c.series, c.daily);
    return out;
}

std::string overview_svg(const Overview& o, const SeriesByVideo& series) {
    std::vector<SvgLine> lines;
    for (const auto& v : o.videos) {
        auto it = series.find(v.video.id);
        if (it != series.end())
            lines.push_back({label_of(v.video), cumulative(it->second)});
    }
    return render_svg("Views per video (cumulative)", "views", lines);
}

std::string curve_svg(const Curve& c) {
    std::vector<SvgLine> lines = {{"views (cumulative)", cumulative(c.series)},
                                  {"daily views", c.daily}};
    return render_svg(fmt::format("{} — views since {}", label_of(c.video), c.create_day), "views",
                      lines);
}

} // namespace looppost::stats
