// What `stats` shows, read from the store: the overview of recent videos, one video's curve with
// its age-aligned figures, and the best posting times.

#include <algorithm>
#include <charconv>
#include <date/tz.h>
#include <fmt/format.h>
#include <iterator>
#include <looppost/core/errors.hpp>
#include <looppost/schedule/time.hpp>
#include <looppost/stats/stats.hpp>
#include <map>

namespace looppost::stats {
namespace {

/// The sparkline's window: the last two weeks.
constexpr int k_spark_days = 14;

const date::time_zone& zone_of(const store::AccountRow& a) {
    return schedule::zone_or_system(a.time_zone);
}

std::string today(const store::AccountRow& a, std::int64_t now) {
    return schedule::format_local_day(now, zone_of(a));
}

/// Unix seconds of the local midnight that starts `day` in the account's zone.
std::int64_t day_start(const std::string& day, const store::AccountRow& a) {
    auto days = date::days(days_between("1970-01-01", day));
    auto local = date::local_days(days);
    auto sys = zone_of(a).to_sys(local, date::choose::earliest);
    return std::chrono::duration_cast<std::chrono::seconds>(sys.time_since_epoch()).count();
}

/// Splits the account's series (by video, then day) into one series per video.
std::map<std::string, std::vector<store::SnapshotRow>>
by_video(std::vector<store::SnapshotRow> rows) {
    std::map<std::string, std::vector<store::SnapshotRow>> out;
    for (auto& r : rows) {
        auto id = r.video_id;
        out[id].push_back(std::move(r));
    }
    return out;
}

std::int64_t sort_value(const VideoLine& v, const std::string& sort) {
    if (sort == "views")
        return v.latest && v.latest->views ? *v.latest->views : -1;
    if (sort == "likes")
        return v.latest && v.latest->likes ? *v.latest->likes : -1;
    if (sort == "growth")
        return v.views_7d ? *v.views_7d : (v.views_1d ? *v.views_1d : -1);
    return v.video.create_time;
}

} // namespace

Since parse_since(std::string_view text) {
    if (text.size() >= 2 && text.back() == 'd') {
        int n = 0;
        auto body = text.substr(0, text.size() - 1);
        auto r = std::from_chars(body.data(), body.data() + body.size(), n);
        if (r.ec == std::errc() && r.ptr == body.data() + body.size() && n >= 0)
            return {std::nullopt, n};
    } else {
        try {
            (void)days_between(text, text);
            return {std::string(text), std::nullopt};
        } catch (const Error&) {
        }
    }
    throw UsageError(fmt::format("--since \"{}\": give a day (2026-11-01) or a number of days "
                                 "back (30d)",
                                 text));
}

std::optional<std::string> since_day(const Since& since, const store::AccountRow& account,
                                     std::int64_t now) {
    if (since.day)
        return since.day;
    if (since.days_back)
        return add_days(today(account, now), -*since.days_back);
    return std::nullopt;
}

Overview overview(const store::Db& db, const OverviewQuery& q) {
    Overview out;
    for (const auto& account : q.accounts) {
        auto first_day = since_day(q.since, account, q.now);
        AccountLine al{account, std::nullopt, std::nullopt};
        auto totals = db.account_series(account.id, first_day);
        if (!totals.empty()) {
            al.latest = totals.back();
            al.followers_change = delta(totals.back().followers, totals.front().followers);
        }
        out.accounts.push_back(std::move(al));

        std::optional<std::int64_t> since_t;
        if (first_day)
            since_t = day_start(*first_day, account);
        auto latest = db.videos_latest(account.id, since_t);
        if (latest.empty())
            continue;
        // The sparkline needs the days of the window and the one before (for the first gain).
        auto spark_from = add_days(today(account, q.now), -k_spark_days);
        auto series = by_video(db.account_video_series(account.id, spark_from));
        for (auto& l : latest) {
            VideoLine v;
            v.account = account.name;
            v.create_day = schedule::format_local_day(l.video.create_time, zone_of(account));
            v.latest = l.latest;
            if (l.latest) {
                v.views_1d =
                    delta(l.latest->views, l.day_before ? l.day_before->views : std::nullopt);
                v.views_7d =
                    delta(l.latest->views, l.week_before ? l.week_before->views : std::nullopt);
            }
            if (auto it = series.find(l.video.id); it != series.end())
                v.daily = daily_gains(it->second, v.create_day);
            // Only the days of the window itself (the day before served the first gain).
            std::erase_if(v.daily, [&](const Point& p) { return p.day <= spark_from; });
            v.video = std::move(l.video);
            out.videos.push_back(std::move(v));
        }
    }
    std::stable_sort(out.videos.begin(), out.videos.end(),
                     [&](const VideoLine& a, const VideoLine& b) {
                         auto va = sort_value(a, q.sort), vb = sort_value(b, q.sort);
                         if (va != vb)
                             return va > vb;
                         return a.video.create_time > b.video.create_time;
                     });
    if (q.limit > 0 && out.videos.size() > static_cast<std::size_t>(q.limit))
        out.videos.resize(static_cast<std::size_t>(q.limit));
    return out;
}

std::string video_of_post(const store::Db& db, std::int64_t post_id) {
    auto post = db.post(post_id);
    if (!post)
        throw Error(Exit::bad_input, fmt::format("no post {}; see looppost queue list", post_id));
    auto videos = db.videos_of_post(post_id);
    if (!videos.empty())
        return videos.front().id;
    if (post->privacy && *post->privacy != "PUBLIC_TO_EVERYONE")
        throw Error(Exit::bad_input,
                    fmt::format("post {} is {}: TikTok lists public videos only, so it has no "
                                "stats",
                                post_id, *post->privacy));
    throw Error(Exit::bad_input,
                fmt::format("post {} ({}) has no video in the store yet; looppost snapshot-stats "
                            "links it once TikTok lists it",
                            post_id, post->state));
}

Curve curve(const store::Db& db, std::string_view video_id, const std::optional<Since>& since,
            std::int64_t now) {
    auto video = db.video(video_id);
    if (!video)
        throw Error(Exit::bad_input,
                    fmt::format("no video \"{}\" in the store; looppost stats lists them (run "
                                "looppost snapshot-stats first)",
                                video_id));
    Curve c;
    c.video = *video;
    for (const auto& a : db.accounts()) {
        if (a.id == video->account_id)
            c.account = a;
    }
    c.create_day = schedule::format_local_day(video->create_time, zone_of(c.account));
    std::optional<std::string> first_day;
    if (since)
        first_day = since_day(*since, c.account, now);
    // From the window's first day, with the earlier snapshots the growth figures need.
    auto all = db.video_growth_series(video_id, first_day);
    c.daily = daily_gains(all, c.create_day);
    if (!all.empty()) {
        c.latest = all.back();
        auto newest_on_or_before = [&](const std::string& day) -> std::optional<std::int64_t> {
            std::optional<std::int64_t> found;
            for (const auto& s : all) {
                if (s.day > day)
                    break;
                found = s.views;
            }
            return found;
        };
        c.views_1d = delta(c.latest->views, newest_on_or_before(add_days(c.latest->day, -1)));
        c.views_7d = delta(c.latest->views, newest_on_or_before(add_days(c.latest->day, -7)));
    }
    for (const auto& s : all) {
        if (!first_day || s.day >= *first_day)
            c.series.push_back(s);
    }
    if (first_day)
        std::erase_if(c.daily, [&](const Point& p) { return p.day < *first_day; });

    // Every video of the account (this one too), each aligned on its own posting day: only its
    // first days count. The local posting day is at most a day after the UTC one.
    constexpr int k_max_age = k_ages[std::size(k_ages) - 1];
    auto early = db.account_early_series(c.account.id, k_max_age + 1);
    std::vector<std::string> create_days;
    for (const auto& e : early)
        create_days.push_back(schedule::format_local_day(e.create_time, zone_of(c.account)));
    for (int age : k_ages) {
        AgeFigure f;
        f.age = age;
        std::vector<std::int64_t> peers;
        for (std::size_t i = 0; i < early.size(); ++i) {
            auto v = views_at_age(early[i].snapshots, create_days[i], age, early[i].last_day);
            if (early[i].video_id == c.video.id)
                f.views = v;
            else if (v)
                peers.push_back(*v);
        }
        f.median_of = static_cast<int>(peers.size());
        f.median = median(std::move(peers));
        c.ages.push_back(f);
    }
    return c;
}

BestTimes best_times(const store::Db& db, const store::AccountRow& account) {
    const auto& tz = zone_of(account);
    std::vector<FirstDay> posts;
    // Only each video's first day counts (with a day of slack for the zone, as in curve()).
    for (const auto& e : db.account_early_series(account.id, 2)) {
        auto create_day = schedule::format_local_day(e.create_time, tz);
        auto views = views_at_age(e.snapshots, create_day, 1, e.last_day);
        if (!views)
            continue;
        auto local = tz.to_local(date::sys_seconds(std::chrono::seconds(e.create_time)));
        auto midnight = date::floor<date::days>(local);
        auto hour = std::chrono::duration_cast<std::chrono::hours>(local - midnight).count();
        int weekday = static_cast<int>(date::weekday(midnight).iso_encoding()) - 1;
        posts.push_back({static_cast<int>(hour), weekday, *views});
    }
    return group_best_times(posts);
}

} // namespace looppost::stats
