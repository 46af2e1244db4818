#pragma once
// `looppost stats` (DESIGN §2): growth curves read from the store only. The pure parts (daily
// gains, sparklines, age alignment, medians, best-times grouping, CSV and SVG text) are free
// functions that the unit tests call; overview(), curve() and best_times() read the Db.

#include <cstdint>
#include <looppost/store/db.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace looppost::stats {

// ---- pure parts -------------------------------------------------------------------------------

/// One point of a daily series: the day (YYYY-MM-DD) and a value.
struct Point {
    std::string day;
    std::int64_t value = 0;
};

/// The days between two YYYY-MM-DD days (`to` − `from`); Error(bad_input) for a malformed day.
int days_between(std::string_view from, std::string_view to);
/// `day` moved by `n` days.
std::string add_days(std::string_view day, int n);

/// Daily views from cumulative snapshots in day order: each snapshot's views minus the
/// previous one's (never below 0). The first snapshot counts in full only when it is within a
/// day of `create_day` (the video was seen from its start); otherwise its gain is unknown and
/// the first point is left out. Snapshots without views are skipped.
std::vector<Point> daily_gains(const std::vector<store::SnapshotRow>& series,
                               std::string_view create_day);

/// Unicode blocks ▁▂▃▄▅▆▇█, one per value, scaled to the largest; all zero: all ▁.
std::string sparkline(const std::vector<std::int64_t>& values);

/// `now` − `before` when both are known.
std::optional<std::int64_t> delta(std::optional<std::int64_t> now,
                                  std::optional<std::int64_t> before);

/// The ages (days after the posting day) that stats compares: 1, 3, 7 and 30.
inline constexpr int k_ages[] = {1, 3, 7, 30};

/// Cumulative views at `age` days after `create_day`: the newest snapshot on or before that
/// day, provided the video has been seen on or after it (it has reached that age).
std::optional<std::int64_t> views_at_age(const std::vector<store::SnapshotRow>& series,
                                         std::string_view create_day, int age);
/// The same for a series cut short after the ages that matter: `last_day` is the day of the
/// video's newest snapshot, which says whether it has reached the age.
std::optional<std::int64_t> views_at_age(const std::vector<store::SnapshotRow>& series,
                                         std::string_view create_day, int age,
                                         std::string_view last_day);

/// The median (the mean of the middle two for an even count); nullopt for none.
std::optional<double> median(std::vector<std::int64_t> values);

/// One post's first day: its local posting hour (0–23) and weekday (0 = Monday) and its views
/// 24 hours on (views_at_age 1).
struct FirstDay {
    int hour = 0;
    int weekday = 0;
    std::int64_t views = 0;
};

/// A group of posts (an hour or a weekday) and how fast they grew.
struct TimeGroup {
    int key = 0; ///< hour 0–23 or weekday 0 (Monday)–6
    int posts = 0;
    double median_views = 0;
};

/// Posts grouped by hour and by weekday, each list fastest first (median first-day views,
/// then more posts, then the earlier key). Empty groups are left out.
struct BestTimes {
    int posts = 0;
    bool enough = false; ///< at least k_best_times_min posts, and a group of 3 or more
    std::vector<TimeGroup> hours;
    std::vector<TimeGroup> weekdays;
};
inline constexpr int k_best_times_min = 10;
BestTimes group_best_times(const std::vector<FirstDay>& posts);

/// "Mon" … "Sun".
std::string_view weekday_name(int weekday);

/// One CSV field as RFC 4180 writes it: quoted (with "" for ") when it holds a comma, quote,
/// CR or LF, or starts or ends with a space.
std::string csv_field(std::string_view text);
/// A record: the fields joined by commas, ended by CRLF.
std::string csv_record(const std::vector<std::string>& fields);

/// A line of the SVG chart.
struct SvgLine {
    std::string label;
    std::vector<Point> points; ///< in day order
};
/// A self-contained SVG chart (no scripts, no external references): axes with dates and values,
/// a polyline and a circle (with a <title> "day: value") per point for each line, a legend.
std::string render_svg(std::string_view title, std::string_view y_label,
                       const std::vector<SvgLine>& lines);
/// `text` with &, <, >, " and ' escaped for XML.
std::string xml_escape(std::string_view text);

// ---- reading the store ------------------------------------------------------------------------

/// What `--since` says: a YYYY-MM-DD day, or "30d" (that many days before today). Days are
/// in the account's zone.
struct Since {
    std::optional<std::string> day;
    std::optional<int> days_back;
};
/// Error(usage) for anything else.
Since parse_since(std::string_view text);

/// One video of the overview.
struct VideoLine {
    store::VideoRow video;
    std::string account;
    std::string create_day;
    std::optional<store::SnapshotRow> latest;
    std::optional<std::int64_t> views_1d;
    std::optional<std::int64_t> views_7d;
    std::vector<Point> daily; ///< daily views over the sparkline's window (the last 14 days)
};

/// An account's totals and their change since the start of the window.
struct AccountLine {
    store::AccountRow account;
    std::optional<store::AccountSnapshotRow> latest;
    std::optional<std::int64_t> followers_change;
};

struct Overview {
    std::vector<AccountLine> accounts;
    std::vector<VideoLine> videos;
};

struct OverviewQuery {
    std::vector<store::AccountRow> accounts;
    Since since{std::nullopt, 30};
    std::string sort = "date"; ///< views | likes | growth | date
    int limit = 20;            ///< 0: every video
    std::int64_t now = 0;
};

/// The videos posted in the window, newest first unless sorted otherwise, cut to the limit.
Overview overview(const store::Db& db, const OverviewQuery& q);

/// One video's curve and its age-aligned figures against its account's other videos.
struct AgeFigure {
    int age = 0;
    std::optional<std::int64_t> views;
    std::optional<double> median; ///< of the account's other videos that reached this age
    int median_of = 0;            ///< how many videos the median rests on
};
struct Curve {
    store::VideoRow video;
    store::AccountRow account;
    std::string create_day;
    std::vector<store::SnapshotRow> series;   ///< from the window's first day, in day order
    std::optional<store::SnapshotRow> latest; ///< the newest snapshot of all
    std::optional<std::int64_t> views_1d;     ///< growth since the newest a day before it
    std::optional<std::int64_t> views_7d;     ///< and a week before it
    std::vector<Point> daily;
    std::vector<AgeFigure> ages;
};
/// Error(bad_input) when the store has no such video.
Curve curve(const store::Db& db, std::string_view video_id, const std::optional<Since>& since,
            std::int64_t now);
/// The video a post became (the oldest linked one); Error(bad_input) saying why there is none.
std::string video_of_post(const store::Db& db, std::int64_t post_id);

/// Best posting times from every video of `account` (all its history).
BestTimes best_times(const store::Db& db, const store::AccountRow& account);

/// The first day of the window for `account` at `now`; nullopt: from the beginning.
std::optional<std::string> since_day(const Since& since, const store::AccountRow& account,
                                     std::int64_t now);

// ---- exports ----------------------------------------------------------------------------------

/// The snapshots of the overview's videos within the window, by video id.
using SeriesByVideo = std::map<std::string, std::vector<store::SnapshotRow>>;
SeriesByVideo overview_series(const store::Db& db, const Overview& o, const OverviewQuery& q);

/// CSV with a header row: video_id, account, title, create_time, day, views, likes, comments,
/// shares, daily_views; one record per video per day.
std::string overview_csv(const Overview& o, const SeriesByVideo& series);
std::string curve_csv(const Curve& c);

/// The SVG charts: cumulative views of each video of the overview, or one video's cumulative
/// and daily views.
std::string overview_svg(const Overview& o, const SeriesByVideo& series);
std::string curve_svg(const Curve& c);

} // namespace looppost::stats
