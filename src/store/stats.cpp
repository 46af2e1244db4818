// Db: the SQL of stats (DESIGN §4): the creator's public videos, one snapshot per video per day,
// the account's totals per day, and the reads `stats` needs for growth over a day and a week.

#include "columns.hpp"

#include <fmt/format.h>
#include <looppost/store/db.hpp>
#include <SQLiteCpp/SQLiteCpp.h>

namespace looppost::store {
namespace {

using detail::bind_opt;
using detail::opt_int;
using detail::opt_text;

constexpr const char* k_video_columns =
    "v.id, v.account_id, v.post_id, v.title, v.description, v.create_time, v.duration, "
    "v.share_url, v.first_seen, v.last_seen";

VideoRow read_video(SQLite::Statement& q) {
    VideoRow v;
    v.id = q.getColumn(0).getString();
    v.account_id = q.getColumn(1).getInt64();
    v.post_id = opt_int(q.getColumn(2));
    v.title = opt_text(q.getColumn(3));
    v.description = opt_text(q.getColumn(4));
    v.create_time = q.getColumn(5).getInt64();
    v.duration = opt_int(q.getColumn(6));
    v.share_url = opt_text(q.getColumn(7));
    v.first_seen = q.getColumn(8).getInt64();
    v.last_seen = q.getColumn(9).getInt64();
    return v;
}

/// "video_id, day, views, likes, comments, shares, taken_at" from column `first` on; nothing when
/// a LEFT JOIN found no row.
std::optional<SnapshotRow> read_snapshot(SQLite::Statement& q, int first) {
    if (q.getColumn(first + 1).isNull()) {
        return std::nullopt;
    }
    SnapshotRow s;
    s.video_id = q.getColumn(first).getString();
    s.day = q.getColumn(first + 1).getString();
    s.views = opt_int(q.getColumn(first + 2));
    s.likes = opt_int(q.getColumn(first + 3));
    s.comments = opt_int(q.getColumn(first + 4));
    s.shares = opt_int(q.getColumn(first + 5));
    s.taken_at = q.getColumn(first + 6).getInt64();
    return s;
}

} // namespace

void Db::video_upsert(const VideoRow& v, std::int64_t now) {
    auto& q =
        cached("INSERT INTO videos (id, account_id, title, description, create_time, duration, "
               "share_url, first_seen, last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8) "
               "ON CONFLICT (id) DO UPDATE SET account_id = excluded.account_id, "
               "title = excluded.title, description = excluded.description, "
               "create_time = excluded.create_time, duration = excluded.duration, "
               "share_url = excluded.share_url, last_seen = max(last_seen, excluded.last_seen)");
    q.bind(1, v.id);
    q.bind(2, v.account_id);
    bind_opt(q, 3, v.title);
    bind_opt(q, 4, v.description);
    q.bind(5, v.create_time);
    bind_opt(q, 6, v.duration);
    bind_opt(q, 7, v.share_url);
    q.bind(8, now);
    q.exec();
}

std::optional<VideoRow> Db::video(std::string_view id) const {
    auto& q = cached("SELECT v.id, v.account_id, v.post_id, v.title, v.description, "
                     "v.create_time, v.duration, v.share_url, v.first_seen, v.last_seen "
                     "FROM videos v WHERE v.id = ?");
    q.bind(1, std::string(id));
    std::optional<VideoRow> out;
    if (q.executeStep()) {
        out = read_video(q);
    }
    q.reset();
    return out;
}

std::vector<VideoRow> Db::videos_of_post(std::int64_t post_id) const {
    SQLite::Statement q(*m_db, fmt::format("SELECT {} FROM videos v WHERE v.post_id = ? "
                                           "ORDER BY v.create_time, v.id",
                                           k_video_columns));
    q.bind(1, post_id);
    std::vector<VideoRow> out;
    while (q.executeStep()) {
        out.push_back(read_video(q));
    }
    return out;
}

bool Db::video_link_post(std::string_view video_id, std::int64_t post_id) {
    SQLite::Statement q(*m_db, "UPDATE videos SET post_id = ?2 WHERE id = ?1 AND account_id = "
                               "(SELECT account_id FROM posts WHERE id = ?2)");
    q.bind(1, std::string(video_id));
    q.bind(2, post_id);
    return q.exec() == 1;
}

int Db::videos_link_by_post_ids(std::int64_t account_id) {
    // post_ids is a JSON array of TikTok's ids as strings (DESIGN §2); the earliest post wins
    // should two ever name the same video.
    SQLite::Statement q(*m_db, "UPDATE videos SET post_id = ("
                               "  SELECT min(p.id) FROM posts p, json_each(p.post_ids) j "
                               "  WHERE p.account_id = videos.account_id AND j.value = videos.id) "
                               "WHERE account_id = ?1 AND post_id IS NULL AND EXISTS ("
                               "  SELECT 1 FROM posts p, json_each(p.post_ids) j "
                               "  WHERE p.account_id = ?1 AND j.value = videos.id)");
    q.bind(1, account_id);
    return q.exec();
}

void Db::snapshot_upsert(const SnapshotRow& s) {
    auto& q = cached("INSERT INTO snapshots (video_id, day, views, likes, comments, shares, "
                     "taken_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                     "ON CONFLICT (video_id, day) DO UPDATE SET "
                     "views = coalesce(excluded.views, views), "
                     "likes = coalesce(excluded.likes, likes), "
                     "comments = coalesce(excluded.comments, comments), "
                     "shares = coalesce(excluded.shares, shares), taken_at = excluded.taken_at");
    q.bind(1, s.video_id);
    q.bind(2, s.day);
    bind_opt(q, 3, s.views);
    bind_opt(q, 4, s.likes);
    bind_opt(q, 5, s.comments);
    bind_opt(q, 6, s.shares);
    q.bind(7, s.taken_at);
    q.exec();
}

void Db::account_snapshot_upsert(const AccountSnapshotRow& s) {
    auto& q = cached("INSERT INTO account_snapshots (account_id, day, followers, following, "
                     "likes, videos, taken_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                     "ON CONFLICT (account_id, day) DO UPDATE SET "
                     "followers = coalesce(excluded.followers, followers), "
                     "following = coalesce(excluded.following, following), "
                     "likes = coalesce(excluded.likes, likes), "
                     "videos = coalesce(excluded.videos, videos), taken_at = excluded.taken_at");
    q.bind(1, s.account_id);
    q.bind(2, s.day);
    bind_opt(q, 3, s.followers);
    bind_opt(q, 4, s.following);
    bind_opt(q, 5, s.likes);
    bind_opt(q, 6, s.videos);
    q.bind(7, s.taken_at);
    q.exec();
}

std::vector<SnapshotRow> Db::video_series(std::string_view video_id,
                                          const std::optional<std::string>& since_day) const {
    SQLite::Statement q(*m_db, "SELECT video_id, day, views, likes, comments, shares, taken_at "
                               "FROM snapshots WHERE video_id = ?1 AND (?2 IS NULL OR day >= ?2) "
                               "ORDER BY day");
    q.bind(1, std::string(video_id));
    bind_opt(q, 2, since_day);
    std::vector<SnapshotRow> out;
    while (q.executeStep()) {
        out.push_back(*read_snapshot(q, 0));
    }
    return out;
}

std::vector<SnapshotRow>
Db::account_video_series(std::int64_t account_id,
                         const std::optional<std::string>& since_day) const {
    SQLite::Statement q(*m_db, "SELECT s.video_id, s.day, s.views, s.likes, s.comments, s.shares, "
                               "s.taken_at FROM videos v JOIN snapshots s ON s.video_id = v.id "
                               "WHERE v.account_id = ?1 AND (?2 IS NULL OR s.day >= ?2) "
                               "ORDER BY s.video_id, s.day");
    q.bind(1, account_id);
    bind_opt(q, 2, since_day);
    std::vector<SnapshotRow> out;
    while (q.executeStep()) {
        out.push_back(*read_snapshot(q, 0));
    }
    return out;
}

std::vector<AccountSnapshotRow>
Db::account_series(std::int64_t account_id, const std::optional<std::string>& since_day) const {
    SQLite::Statement q(
        *m_db, "SELECT account_id, day, followers, following, likes, videos, taken_at "
               "FROM account_snapshots WHERE account_id = ?1 AND (?2 IS NULL OR day >= ?2) "
               "ORDER BY day");
    q.bind(1, account_id);
    bind_opt(q, 2, since_day);
    std::vector<AccountSnapshotRow> out;
    while (q.executeStep()) {
        AccountSnapshotRow s;
        s.account_id = q.getColumn(0).getInt64();
        s.day = q.getColumn(1).getString();
        s.followers = opt_int(q.getColumn(2));
        s.following = opt_int(q.getColumn(3));
        s.likes = opt_int(q.getColumn(4));
        s.videos = opt_int(q.getColumn(5));
        s.taken_at = q.getColumn(6).getInt64();
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<VideoLatest> Db::videos_latest(std::int64_t account_id,
                                           std::optional<std::int64_t> since) const {
    // Each lookup is a max() over one video's primary-key range: a seek, not a scan.
    constexpr const char* k_snap = "{0}.video_id, {0}.day, {0}.views, {0}.likes, {0}.comments, "
                                   "{0}.shares, {0}.taken_at";
    SQLite::Statement q(
        *m_db, fmt::format("SELECT {}, {}, {}, {} FROM videos v "
                           "LEFT JOIN snapshots s ON s.video_id = v.id AND s.day = "
                           "  (SELECT max(day) FROM snapshots WHERE video_id = v.id) "
                           "LEFT JOIN snapshots d ON d.video_id = v.id AND d.day = "
                           "  (SELECT max(day) FROM snapshots WHERE video_id = v.id "
                           "   AND day <= date(s.day, '-1 day')) "
                           "LEFT JOIN snapshots w ON w.video_id = v.id AND w.day = "
                           "  (SELECT max(day) FROM snapshots WHERE video_id = v.id "
                           "   AND day <= date(s.day, '-7 day')) "
                           "WHERE v.account_id = ?1 AND (?2 IS NULL OR v.create_time >= ?2) "
                           "ORDER BY v.create_time DESC, v.id DESC",
                           k_video_columns, fmt::format(fmt::runtime(k_snap), "s"),
                           fmt::format(fmt::runtime(k_snap), "d"),
                           fmt::format(fmt::runtime(k_snap), "w")));
    q.bind(1, account_id);
    bind_opt(q, 2, since);
    std::vector<VideoLatest> out;
    while (q.executeStep()) {
        VideoLatest l;
        l.video = read_video(q);
        l.latest = read_snapshot(q, 10);
        l.day_before = read_snapshot(q, 17);
        l.week_before = read_snapshot(q, 24);
        out.push_back(std::move(l));
    }
    return out;
}

std::vector<SnapshotRow>
Db::video_growth_series(std::string_view video_id,
                        const std::optional<std::string>& since_day) const {
    // The window starts at the earliest of: since_day, the newest snapshot with views before it,
    // and the newest on or before a week (else a day) before the newest snapshot (else that one).
    SQLite::Statement q(
        *m_db, "WITH l AS (SELECT max(day) AS last FROM snapshots WHERE video_id = ?1), "
               "b AS (SELECT coalesce("
               "  (SELECT max(day) FROM snapshots, l WHERE video_id = ?1 "
               "   AND day <= date(l.last, '-7 day')), "
               "  (SELECT max(day) FROM snapshots, l WHERE video_id = ?1 "
               "   AND day <= date(l.last, '-1 day')), "
               "  (SELECT last FROM l)) AS growth_from, "
               "  (SELECT max(day) FROM snapshots WHERE video_id = ?1 AND day < ?2 "
               "   AND views IS NOT NULL) AS gain_from) "
               "SELECT video_id, day, views, likes, comments, shares, taken_at "
               "FROM snapshots, b WHERE video_id = ?1 "
               "AND (?2 IS NULL OR day >= min(?2, b.growth_from, coalesce(b.gain_from, ?2))) "
               "ORDER BY day");
    q.bind(1, std::string(video_id));
    bind_opt(q, 2, since_day);
    std::vector<SnapshotRow> out;
    while (q.executeStep()) {
        out.push_back(*read_snapshot(q, 0));
    }
    return out;
}

std::vector<EarlySeries> Db::account_early_series(std::int64_t account_id, int days) const {
    // The newest day is one primary-key seek per video, made once per video (MATERIALIZED), and
    // each video's early rows are one range of the primary key.
    SQLite::Statement q(
        *m_db, "WITH v AS MATERIALIZED (SELECT id, create_time, "
               "  (SELECT max(day) FROM snapshots WHERE video_id = videos.id) AS last_day "
               "  FROM videos WHERE account_id = ?1) "
               "SELECT s.video_id, s.day, s.views, s.likes, s.comments, s.shares, s.taken_at, "
               "v.create_time, v.last_day FROM v JOIN snapshots s ON s.video_id = v.id "
               "AND s.day <= date(v.create_time, 'unixepoch', '+' || ?2 || ' days') "
               "ORDER BY s.video_id, s.day");
    q.bind(1, account_id);
    q.bind(2, days);
    std::vector<EarlySeries> out;
    while (q.executeStep()) {
        auto s = *read_snapshot(q, 0);
        if (out.empty() || out.back().video_id != s.video_id) {
            out.push_back({s.video_id, q.getColumn(7).getInt64(), q.getColumn(8).getString(), {}});
        }
        out.back().snapshots.push_back(std::move(s));
    }
    return out;
}

} // namespace looppost::store
