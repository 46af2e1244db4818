#include "store_support.hpp"
#include "unit_support.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <looppost/store/db.hpp>
#include <SQLiteCpp/SQLiteCpp.h>

using namespace looppost;

using test::Fresh;

namespace {

// A 19-digit id, beyond 2^53: a double would round it.
constexpr const char* k_big_id = "7412345678901234567";

store::VideoRow video(std::int64_t account, const std::string& id, std::int64_t create_time) {
    store::VideoRow v;
    v.id = id;
    v.account_id = account;
    v.title = "title " + id;
    v.description = "caption " + id;
    v.create_time = create_time;
    v.duration = 15;
    v.share_url = "https://www.tiktok.com/@alice/video/" + id;
    return v;
}

store::SnapshotRow snap(const std::string& id, const std::string& day, std::int64_t views,
                        std::int64_t taken_at = 1000) {
    store::SnapshotRow s;
    s.video_id = id;
    s.day = day;
    s.views = views;
    s.likes = views / 10;
    s.comments = views / 100;
    s.shares = views / 1000;
    s.taken_at = taken_at;
    return s;
}

std::int64_t count(const Fresh& f, const std::string& sql) {
    SQLite::Database raw(f.db->file().string(), SQLite::OPEN_READONLY);
    return raw.execAndGet(sql).getInt64();
}

} // namespace

TEST_CASE("store: migration 8 adds videos and snapshots to a version-7 database") {
    test::TempDir dir;
    auto file = dir.path() / "looppost.db";
    {
        auto old = store::Db::open_at_version(file, 7);
        store::AccountRow a;
        a.name = "alice";
        a.open_id = "open-alice";
        old->account_insert(a);
        auto t = test::tables(file);
        CHECK(std::find(t.begin(), t.end(), "videos") == t.end());
    }
    auto db = store::Db::open(file);
    CHECK(db->schema_version() >= 8);
    auto t = test::tables(file);
    for (const char* want : {"videos", "snapshots", "account_snapshots"}) {
        CAPTURE(want);
        CHECK(std::find(t.begin(), t.end(), want) != t.end());
    }
    db->video_upsert(video(db->account_by_name("alice")->id, k_big_id, 100), 200);
    CHECK(db->video(k_big_id)->id == k_big_id);
    CHECK(db->quick_check() == "ok");
}

TEST_CASE("store: a video keeps TikTok's id digit for digit and its first sighting") {
    Fresh f;
    f.db->video_upsert(video(f.alice, k_big_id, 1'700'000'000), 1'800'000'000);
    auto v = f.db->video(k_big_id);
    REQUIRE(v);
    CHECK(v->id == k_big_id);
    CHECK(v->account_id == f.alice);
    CHECK(v->title == "title " + std::string(k_big_id));
    CHECK(v->description == "caption " + std::string(k_big_id));
    CHECK(v->create_time == 1'700'000'000);
    CHECK(v->duration == 15);
    CHECK(v->first_seen == 1'800'000'000);
    CHECK(v->last_seen == 1'800'000'000);
    CHECK_FALSE(v->post_id);

    // Seen again: what TikTok says now replaces the texts; first_seen stays.
    auto changed = video(f.alice, k_big_id, 1'700'000'000);
    changed.title = "edited";
    changed.description.reset();
    f.db->video_upsert(changed, 1'800'086'400);
    v = f.db->video(k_big_id);
    CHECK(v->title == "edited");
    CHECK_FALSE(v->description);
    CHECK(v->first_seen == 1'800'000'000);
    CHECK(v->last_seen == 1'800'086'400);
    CHECK(count(f, "SELECT count(*) FROM videos") == 1);
    CHECK(count(f, "SELECT typeof(id) = 'text' FROM videos") == 1);
    CHECK_FALSE(f.db->video("7412345678901234568"));
}

TEST_CASE("store: a snapshot on the same day updates the row, never duplicates it") {
    Fresh f;
    f.db->video_upsert(video(f.alice, k_big_id, 100), 100);
    f.db->snapshot_upsert(snap(k_big_id, "2026-11-20", 100, 1000));
    f.db->snapshot_upsert(snap(k_big_id, "2026-11-20", 150, 2000));
    auto partial = snap(k_big_id, "2026-11-20", 0, 3000);
    partial.views = 170;
    partial.likes.reset(); // TikTok left it out: the earlier value stays
    f.db->snapshot_upsert(partial);
    f.db->snapshot_upsert(snap(k_big_id, "2026-11-21", 300, 4000));

    auto series = f.db->video_series(k_big_id);
    REQUIRE(series.size() == 2);
    CHECK(series[0].day == "2026-11-20");
    CHECK(series[0].views == 170);
    CHECK(series[0].likes == 15);
    CHECK(series[0].comments == 0);
    CHECK(series[0].taken_at == 3000);
    CHECK(series[1].day == "2026-11-21");
    CHECK(series[1].views == 300);
    CHECK(count(f, "SELECT count(*) FROM snapshots") == 2);

    auto since = f.db->video_series(k_big_id, std::string("2026-11-21"));
    REQUIRE(since.size() == 1);
    CHECK(since[0].views == 300);
}

TEST_CASE("store: a snapshot needs a known video and a YYYY-MM-DD day") {
    Fresh f;
    CHECK_THROWS(f.db->snapshot_upsert(snap("404", "2026-11-20", 1)));
    f.db->video_upsert(video(f.alice, "1", 100), 100);
    CHECK_THROWS(f.db->snapshot_upsert(snap("1", "2026-11-20T00:00:00Z", 1)));
    CHECK_THROWS(f.db->snapshot_upsert(snap("1", "20261120", 1)));
    CHECK(f.db->video_series("1").empty());
}

TEST_CASE("store: an account's totals are kept per day, the same day updated") {
    Fresh f;
    store::AccountSnapshotRow s;
    s.account_id = f.alice;
    s.day = "2026-11-20";
    s.followers = 100;
    s.following = 10;
    s.likes = 1000;
    s.videos = 3;
    s.taken_at = 1;
    f.db->account_snapshot_upsert(s);
    s.followers = 105;
    s.taken_at = 2;
    f.db->account_snapshot_upsert(s);
    s.day = "2026-11-21";
    s.followers = 110;
    s.videos.reset();
    f.db->account_snapshot_upsert(s);
    s.account_id = f.bob;
    f.db->account_snapshot_upsert(s);

    auto series = f.db->account_series(f.alice);
    REQUIRE(series.size() == 2);
    CHECK(series[0].day == "2026-11-20");
    CHECK(series[0].followers == 105);
    CHECK(series[0].taken_at == 2);
    CHECK(series[1].followers == 110);
    CHECK_FALSE(series[1].videos);
    CHECK(f.db->account_series(f.alice, std::string("2026-11-21")).size() == 1);
    CHECK(f.db->account_series(f.bob).size() == 1);
}

TEST_CASE("store: a video links to a post of its own account only") {
    Fresh f;
    auto alices = f.add_post(f.alice, "a", 100);
    auto bobs = f.add_post(f.bob, "b", 100);
    f.db->video_upsert(video(f.alice, k_big_id, 100), 100);
    CHECK_FALSE(f.db->video_link_post(k_big_id, bobs));
    CHECK_FALSE(f.db->video_link_post("404", alices));
    CHECK(f.db->video_link_post(k_big_id, alices));
    CHECK(f.db->video(k_big_id)->post_id == alices);
    auto linked = f.db->videos_of_post(alices);
    REQUIRE(linked.size() == 1);
    CHECK(linked[0].id == k_big_id);
    CHECK(f.db->videos_of_post(bobs).empty());

    // Seen again: the link stays.
    f.db->video_upsert(video(f.alice, k_big_id, 100), 200);
    CHECK(f.db->video(k_big_id)->post_id == alices);
}

TEST_CASE("store: videos link to the posts whose public post ids name them") {
    Fresh f;
    auto first = f.add_post(f.alice, "first", 100);
    auto second = f.add_post(f.alice, "second", 200);
    auto bobs = f.add_post(f.bob, "b", 100);
    f.raw(fmt::format("UPDATE posts SET post_ids = '[\"{}\"]' WHERE id = {}", k_big_id, first));
    // An inbox draft that became two videos.
    f.raw(fmt::format(
        R"(UPDATE posts SET post_ids = '["7000000000000000001", "7000000000000000002"]' WHERE id = {})",
        second));
    // Bob's post names one of alice's videos: never linked across accounts.
    f.raw(fmt::format(R"(UPDATE posts SET post_ids = '["7000000000000000003"]' WHERE id = {})",
                      bobs));
    for (const char* id :
         {k_big_id, "7000000000000000001", "7000000000000000002", "7000000000000000003"}) {
        f.db->video_upsert(video(f.alice, id, 100), 100);
    }
    CHECK(f.db->videos_link_by_post_ids(f.alice) == 3);
    CHECK(f.db->video(k_big_id)->post_id == first);
    CHECK(f.db->videos_of_post(second).size() == 2);
    CHECK_FALSE(f.db->video("7000000000000000003")->post_id);
    CHECK(f.db->videos_link_by_post_ids(f.alice) == 0); // nothing left to link

    // Deleting the post leaves the video and its history, unlinked.
    f.db->snapshot_upsert(snap(k_big_id, "2026-11-20", 5));
    f.raw(fmt::format("PRAGMA foreign_keys = ON; DELETE FROM posts WHERE id = {}", first));
    CHECK_FALSE(f.db->video(k_big_id)->post_id);
    CHECK(f.db->video_series(k_big_id).size() == 1);
}

TEST_CASE("store: removing an account removes its videos and snapshots") {
    Fresh f;
    f.db->video_upsert(video(f.alice, "1", 100), 100);
    f.db->video_upsert(video(f.bob, "2", 100), 100);
    f.db->snapshot_upsert(snap("1", "2026-11-20", 5));
    f.db->snapshot_upsert(snap("2", "2026-11-20", 5));
    store::AccountSnapshotRow s;
    s.account_id = f.alice;
    s.day = "2026-11-20";
    f.db->account_snapshot_upsert(s);
    f.raw(fmt::format("PRAGMA foreign_keys = ON; DELETE FROM accounts WHERE id = {}", f.alice));
    CHECK_FALSE(f.db->video("1"));
    CHECK(f.db->video("2"));
    CHECK(count(f, "SELECT count(*) FROM snapshots") == 1);
    CHECK(count(f, "SELECT count(*) FROM account_snapshots") == 0);
}

TEST_CASE("store: the latest snapshot per video comes with the ones a day and a week before") {
    Fresh f;
    f.db->video_upsert(video(f.alice, "10", 1000), 1);    // daily for ten days
    f.db->video_upsert(video(f.alice, "20", 2000), 1);    // a gap of several days
    f.db->video_upsert(video(f.alice, "30", 3000), 1);    // never snapshotted
    f.db->video_upsert(video(f.alice, k_big_id, 500), 1); // one day only
    f.db->video_upsert(video(f.bob, "40", 4000), 1);      // someone else's
    for (int d = 1; d <= 10; ++d) {
        f.db->snapshot_upsert(snap("10", fmt::format("2026-11-{:02}", d), d * 100));
    }
    f.db->snapshot_upsert(snap("20", "2026-10-30", 7));
    f.db->snapshot_upsert(snap("20", "2026-11-03", 50));
    f.db->snapshot_upsert(snap("20", "2026-11-10", 90));
    f.db->snapshot_upsert(snap(k_big_id, "2026-11-10", 3));
    f.db->snapshot_upsert(snap("40", "2026-11-10", 1));

    auto rows = f.db->videos_latest(f.alice);
    REQUIRE(rows.size() == 4);
    // Newest first.
    CHECK(rows[0].video.id == "30");
    CHECK(rows[1].video.id == "20");
    CHECK(rows[2].video.id == "10");
    CHECK(rows[3].video.id == k_big_id);

    CHECK_FALSE(rows[0].latest);
    CHECK_FALSE(rows[0].day_before);
    CHECK_FALSE(rows[0].week_before);

    // Across the month boundary; the gap takes the newest snapshot on or before each day.
    REQUIRE(rows[1].latest);
    CHECK(rows[1].latest->day == "2026-11-10");
    CHECK(rows[1].latest->views == 90);
    REQUIRE(rows[1].day_before);
    CHECK(rows[1].day_before->day == "2026-11-03");
    REQUIRE(rows[1].week_before);
    CHECK(rows[1].week_before->day == "2026-11-03");

    REQUIRE(rows[2].latest);
    CHECK(rows[2].latest->views == 1000);
    CHECK(rows[2].latest->likes == 100);
    CHECK(rows[2].day_before->day == "2026-11-09");
    CHECK(rows[2].day_before->views == 900);
    CHECK(rows[2].week_before->day == "2026-11-03");
    CHECK(rows[2].week_before->views == 300);

    CHECK(rows[3].latest->views == 3);
    CHECK_FALSE(rows[3].day_before);
    CHECK_FALSE(rows[3].week_before);

    auto recent = f.db->videos_latest(f.alice, 2000);
    REQUIRE(recent.size() == 2);
    CHECK(recent[1].video.id == "20");
}

TEST_CASE("store: an account's video series comes by video then day, from a day on") {
    Fresh f;
    f.db->video_upsert(video(f.alice, "1", 100), 1);
    f.db->video_upsert(video(f.alice, "2", 200), 1);
    f.db->video_upsert(video(f.bob, "3", 200), 1);
    f.db->snapshot_upsert(snap("2", "2026-11-02", 20));
    f.db->snapshot_upsert(snap("1", "2026-11-02", 10));
    f.db->snapshot_upsert(snap("1", "2026-11-01", 5));
    f.db->snapshot_upsert(snap("3", "2026-11-02", 1));
    auto all = f.db->account_video_series(f.alice);
    REQUIRE(all.size() == 3);
    CHECK(all[0].video_id == "1");
    CHECK(all[0].day == "2026-11-01");
    CHECK(all[1].video_id == "1");
    CHECK(all[1].day == "2026-11-02");
    CHECK(all[2].video_id == "2");
    CHECK(f.db->account_video_series(f.alice, std::string("2026-11-02")).size() == 2);
    CHECK(f.db->account_video_series(f.bob).size() == 1);
}

TEST_CASE("store: a video's growth series starts early enough for its gains and deltas") {
    Fresh f;
    f.db->video_upsert(video(f.alice, "1", 100), 1);
    auto blank = snap("1", "2026-11-03", 0);
    blank.views = std::nullopt;
    for (const auto& s :
         {snap("1", "2026-11-01", 10), blank, snap("1", "2026-11-05", 50),
          snap("1", "2026-11-20", 100), snap("1", "2026-11-25", 200), snap("1", "2026-11-26", 210)})
        f.db->snapshot_upsert(s);
    auto first_day = [&](const char* since) {
        auto s = f.db->video_growth_series("1", std::string(since));
        return s.empty() ? std::string() : s.front().day + " " + std::to_string(s.size());
    };
    CHECK(f.db->video_growth_series("1", std::nullopt).size() == 6);
    // The week before the newest day: on or before 2026-11-19, so 2026-11-05.
    CHECK(first_day("2026-11-26") == "2026-11-05 4");
    // The gain of 2026-11-05 needs the newest with views before it (2026-11-03 has none).
    CHECK(first_day("2026-11-04") == "2026-11-01 6");
    // A window after the newest snapshot still holds it and what it grew from.
    CHECK(first_day("2026-12-10") == "2026-11-05 4");
    CHECK(f.db->video_growth_series("2", std::string("2026-11-01")).empty());

    // A single snapshot without views, before the window: still the newest.
    f.db->video_upsert(video(f.alice, "2", 100), 1);
    auto lone = snap("2", "2026-11-01", 0);
    lone.views = std::nullopt;
    f.db->snapshot_upsert(lone);
    CHECK(f.db->video_growth_series("2", std::string("2026-11-10")).size() == 1);
}

TEST_CASE("store: each video's early series ends days after its create day, with its newest day") {
    Fresh f;
    constexpr std::int64_t k_nov1_10h = 1'793'527'200; // 2026-11-01T10:00:00Z
    f.db->video_upsert(video(f.alice, "1", k_nov1_10h), 1);
    f.db->video_upsert(video(f.alice, "2", k_nov1_10h), 1);              // never snapshotted
    f.db->video_upsert(video(f.alice, "3", k_nov1_10h - 90 * 86400), 1); // first seen late
    f.db->video_upsert(video(f.bob, "4", k_nov1_10h), 1);                // someone else's
    for (int d = 0; d < 50; ++d) {
        auto day = fmt::format("2026-{:02}-{:02}", d < 30 ? 11 : 12, d < 30 ? d + 1 : d - 29);
        f.db->snapshot_upsert(snap("1", day, 100 * d));
        f.db->snapshot_upsert(snap("3", day, 7));
        f.db->snapshot_upsert(snap("4", day, 1));
    }
    auto early = f.db->account_early_series(f.alice, 31);
    REQUIRE(early.size() == 1);
    CHECK(early[0].video_id == "1");
    CHECK(early[0].create_time == k_nov1_10h);
    CHECK(early[0].last_day == "2026-12-20");
    REQUIRE(early[0].snapshots.size() == 32);
    CHECK(early[0].snapshots.front().day == "2026-11-01");
    CHECK(early[0].snapshots.back().day == "2026-12-02");
    CHECK(early[0].snapshots.back().views == 3100);
    CHECK(f.db->account_early_series(f.bob, 0).at(0).snapshots.size() == 1);
}
