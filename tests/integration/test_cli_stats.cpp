// `looppost stats` over a store seeded behind its back (as snapshot-stats would fill it), with
// looppost's clock fixed by faketime: the overview and one video's curve in --json, the CSV read
// back by looppost's own CSV reader, the SVG's data points, and --best-times.

#include "harness.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <looppost/store/db.hpp>
#include <looppost/util/csv.hpp>

using harness::Home;

namespace {

constexpr const char* k_now = "@2026-11-20 12:00:00";
constexpr const char* k_v1 = "7412345678901234567"; // beyond 2^53: must stay a string
constexpr const char* k_v2 = "7412345678901234568";
constexpr const char* k_old = "7300000000000000001";

std::int64_t utc(int month, int day, int hour) {
    // 2026-01-01T00:00:00Z is 1767225600; only November and September are used here.
    static const int k_month_start[] = {0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    return 1767225600LL + (k_month_start[month] + day - 1) * 86400LL + hour * 3600LL;
}

std::string day_of(int month, int day) {
    return fmt::format("2026-{:02}-{:02}", month, day);
}

/// alice (Europe/Berlin) with three videos: v1 posted 2026-11-01 gaining 1,000 views a day, v2
/// posted 2026-11-10 gaining 300 a day, and one posted in September, first seen on 2026-11-05.
void seed(const Home& home) {
    auto db = looppost::store::Db::open(home.path() / "data" / "looppost.db");
    looppost::store::AccountRow a;
    a.name = "alice";
    a.open_id = "open-alice";
    a.scopes = {"video.list", "user.info.stats"};
    a.time_zone = "Europe/Berlin";
    auto id = db->account_insert(a);
    auto video = [&](const std::string& vid, const std::string& title, std::int64_t created) {
        looppost::store::VideoRow v;
        v.id = vid;
        v.account_id = id;
        v.title = title;
        v.create_time = created;
        db->video_upsert(v, created);
    };
    auto snap = [&](const std::string& vid, const std::string& day, std::int64_t views) {
        looppost::store::SnapshotRow s;
        s.video_id = vid;
        s.day = day;
        s.views = views;
        s.likes = views / 10;
        s.comments = views / 100;
        s.shares = views / 1000;
        s.taken_at = 1;
        db->snapshot_upsert(s);
    };
    video(k_v1, "first", utc(11, 1, 10));
    video(k_v2, "Cats, \"dogs\"\nand more", utc(11, 10, 18));
    video(k_old, "old", utc(9, 1, 12));
    for (int d = 1; d <= 20; ++d)
        snap(k_v1, day_of(11, d), 1000LL * d);
    for (int d = 10; d <= 20; ++d)
        snap(k_v2, day_of(11, d), 300LL * (d - 9));
    for (int d = 5; d <= 20; ++d)
        snap(k_old, day_of(11, d), 50'000 + 10LL * d);
    for (auto [day, followers] : {std::pair{19, 100}, std::pair{20, 130}}) {
        looppost::store::AccountSnapshotRow s;
        s.account_id = id;
        s.day = day_of(11, day);
        s.followers = followers;
        s.likes = 5000;
        s.videos = 3;
        s.taken_at = 1;
        db->account_snapshot_upsert(s);
    }
}

} // namespace

TEST_CASE("stats on an empty store prints empty lists") {
    Home home;
    auto r = home.looppost({"stats", "--json"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto j = r.json();
    CHECK(j["accounts"].empty());
    CHECK(j["videos"].empty());
}

TEST_CASE("stats --json: totals, follower growth, day and week deltas and the sparkline data") {
    Home home;
    REQUIRE(home.looppost({"stats", "--json"}).exit_code == 0); // creates the store
    seed(home);
    auto r = harness::later(home, k_now, {"stats", "--json"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto j = r.json();
    REQUIRE(j["accounts"].size() == 1);
    CHECK(j["accounts"][0]["name"] == "alice");
    CHECK(j["accounts"][0]["totals"]["followers"] == 130);
    CHECK(j["accounts"][0]["totals"]["videos"] == 3);
    CHECK(j["accounts"][0]["followers_change"] == 30);
    auto videos = j["videos"];
    REQUIRE(videos.size() == 2);    // the September video is outside the default 30 days
    CHECK(videos[0]["id"] == k_v2); // newest first
    CHECK(videos[0]["id"].is_string());
    CHECK(videos[0]["views"] == 3300);
    CHECK(videos[0]["views_1d"] == 300);
    CHECK(videos[0]["views_7d"] == 2100);
    CHECK(videos[0]["post_id"].is_null());
    CHECK(videos[0]["create_time"] == "2026-11-10T18:00:00Z");
    CHECK(videos[1]["id"] == k_v1);
    CHECK(videos[1]["views"] == 20000);
    CHECK(videos[1]["likes"] == 2000);
    CHECK(videos[1]["views_1d"] == 1000);
    CHECK(videos[1]["views_7d"] == 7000);
    auto daily = videos[1]["daily"];
    REQUIRE(daily.size() == 14);
    CHECK(daily[0]["day"] == "2026-11-07");
    CHECK(daily[13]["day"] == "2026-11-20");
    for (const auto& p : daily)
        CHECK(p["views"] == 1000);

    auto wide = harness::later(
        home, k_now,
        {"stats", "--json", "--since", "2026-08-01", "--sort", "views", "--limit", "2"});
    REQUIRE_MESSAGE(wide.exit_code == 0, wide.err);
    auto w = wide.json()["videos"];
    REQUIRE(w.size() == 2);
    CHECK(w[0]["id"] == k_old);
    CHECK(w[1]["id"] == k_v1);

    auto text = harness::later(home, k_now, {"stats"});
    REQUIRE_MESSAGE(text.exit_code == 0, text.err);
    CHECK(text.out.find("██████████████") != std::string::npos); // v1: 14 equal days
    CHECK(text.out.find("\x1b[") == std::string::npos);          // NO_COLOR and no TTY: no colours
}

TEST_CASE("stats VIDEO_ID --json: the series, daily views and age-aligned medians") {
    Home home;
    REQUIRE(home.looppost({"stats", "--json"}).exit_code == 0);
    seed(home);
    auto r = harness::later(home, k_now, {"stats", k_v1, "--json"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto j = r.json();
    CHECK(j["video"]["id"] == k_v1);
    CHECK(j["video"]["views_7d"] == 7000);
    REQUIRE(j["series"].size() == 20);
    CHECK(j["series"][0] == nlohmann::json{{"day", "2026-11-01"},
                                           {"views", 1000},
                                           {"likes", 100},
                                           {"comments", 10},
                                           {"shares", 1}});
    CHECK(j["daily"][0]["views"] == 1000); // seen from its first day
    CHECK(j["age"]["d1"]["views"] == 2000);
    CHECK(j["age"]["d3"]["views"] == 4000);
    CHECK(j["age"]["d7"]["views"] == 8000);
    CHECK(j["age"]["d30"]["views"].is_null());
    // Only v2 was seen from its first day: the September video has no early figures.
    CHECK(j["age"]["d1"]["median"] == 600.0);
    CHECK(j["age"]["d1"]["median_of"] == 1);
    CHECK(j["age"]["d7"]["median"] == 2400.0);
    CHECK(j["age"]["d30"]["median_of"] == 0);

    auto since = harness::later(home, k_now, {"stats", k_v1, "--json", "--since", "3d"});
    REQUIRE(since.exit_code == 0);
    CHECK(since.json()["series"].size() == 4);

    auto text = harness::later(home, k_now, {"stats", k_v1});
    REQUIRE_MESSAGE(text.exit_code == 0, text.err);
    CHECK(text.out.find("2026-11-20") != std::string::npos);

    auto missing = harness::later(home, k_now, {"stats", "123", "--json"});
    CHECK(missing.exit_code == 65);
    CHECK(missing.json()["error"]["code"] == "bad_input");
    CHECK(harness::later(home, k_now, {"stats", "--post", "99"}).exit_code == 65);
    CHECK(harness::later(home, k_now, {"stats", "--since", "soon"}).exit_code == 2);
}

TEST_CASE("stats --csv round-trips through a CSV reader and --svg holds the data points") {
    Home home;
    REQUIRE(home.looppost({"stats", "--json"}).exit_code == 0);
    seed(home);
    auto svg = home.path() / "chart.svg";
    auto r = harness::later(home, k_now, {"stats", "--csv", "--svg", svg.string()});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto parsed = looppost::util::parse_csv(r.out);
    REQUIRE(parsed);
    const auto& rows = *parsed;
    REQUIRE(rows.size() == 1 + 20 + 11);
    CHECK(rows[0].fields == std::vector<std::string>{"video_id", "account", "title", "create_time",
                                                     "day", "views", "likes", "comments", "shares",
                                                     "daily_views"});
    CHECK(rows[1].fields[0] == k_v2);
    CHECK(rows[1].fields[2] == "Cats, \"dogs\"\nand more");
    CHECK(rows[1].fields[4] == "2026-11-10");
    CHECK(rows[1].fields[5] == "300");
    CHECK(rows.back().fields[0] == k_v1);
    CHECK(rows.back().fields[4] == "2026-11-20");
    CHECK(rows.back().fields[5] == "20000");
    CHECK(rows.back().fields[9] == "1000");
    for (const auto& row : rows)
        CHECK(row.fields.size() == 10);

    auto text = harness::read_file(svg);
    CHECK(text.rfind("<?xml", 0) == 0);
    CHECK(text.find("</svg>") != std::string::npos);
    CHECK(text.find("data-day=\"2026-11-20\" data-value=\"20000\"") != std::string::npos);
    CHECK(text.find("data-day=\"2026-11-10\" data-value=\"300\"") != std::string::npos);
    CHECK(text.find("Cats, &quot;dogs&quot;") != std::string::npos);

    auto one = home.path() / "one.svg";
    auto c = harness::later(home, k_now, {"stats", k_v1, "--svg", one.string(), "--json"});
    REQUIRE_MESSAGE(c.exit_code == 0, c.err);
    auto one_text = harness::read_file(one);
    CHECK(one_text.find("data-day=\"2026-11-01\" data-value=\"1000\"") != std::string::npos);
    CHECK(harness::later(home, k_now, {"stats", "--csv", "--json"}).exit_code == 2);
}

TEST_CASE("stats --best-times groups the first 24 h by local hour and weekday and says how few") {
    Home home;
    REQUIRE(home.looppost({"stats", "--json"}).exit_code == 0);
    seed(home);
    auto r = harness::later(home, k_now, {"stats", "--best-times", "--json"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto j = r.json();
    CHECK(j["account"] == "alice");
    CHECK(j["posts"] == 2); // the September video's first day is not on record
    CHECK(j["enough"] == false);
    REQUIRE(j["hours"].size() == 2);
    CHECK(j["hours"][0]["hour"] == 11); // 10:00 UTC is 11:00 in Berlin
    CHECK(j["hours"][0]["median_views_24h"] == 2000.0);
    CHECK(j["hours"][1]["hour"] == 19);
    CHECK(j["weekdays"][0]["weekday"] == "Sun"); // 2026-11-01
    CHECK(j["weekdays"][1]["weekday"] == "Tue"); // 2026-11-10

    auto text = harness::later(home, k_now, {"stats", "--best-times"});
    REQUIRE_MESSAGE(text.exit_code == 0, text.err);
    CHECK(text.out.find("too few") != std::string::npos);
}

TEST_CASE("stats --json shows the follower totals snapshot-stats took and their growth") {
    harness::Sandbox sbx;
    Home home(&sbx);
    harness::set_app(home);
    auto login = harness::qr_login(home, sbx, "alice");
    REQUIRE_MESSAGE(login.exit_code == 0, login.err);
    sbx.post("config", {{"access_token_ttl", 30 * 86400}});
    // Three days, both clocks moved together: the sandbox's followers grow every day.
    for (int day = 0; day < 3; ++day) {
        if (day > 0)
            sbx.post("clock/advance", {{"seconds", 86400}});
        auto r = harness::later(home, fmt::format("+{}d", day), {"snapshot-stats"});
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    }
    auto db = looppost::store::Db::open(home.path() / "data" / "looppost.db");
    auto totals = db->account_series(db->accounts().at(0).id);
    REQUIRE(totals.size() == 3);
    REQUIRE(totals.front().followers);
    REQUIRE(totals.back().followers);
    CHECK(*totals.front().followers < *totals[1].followers);
    CHECK(*totals[1].followers < *totals.back().followers);

    auto r = harness::later(home, "+2d", {"stats", "--json"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto j = r.json();
    REQUIRE(j["accounts"].size() == 1);
    CHECK(j["accounts"][0]["name"] == "alice");
    CHECK(j["accounts"][0]["totals"]["followers"] == *totals.back().followers);
    CHECK(j["accounts"][0]["totals"]["likes"] == *totals.back().likes);
    CHECK(j["accounts"][0]["followers_change"] ==
          *totals.back().followers - *totals.front().followers);
    CHECK(j["accounts"][0]["followers_change"] > 0);
}
