// snapshot-stats against the sandbox: paging, one row per video per day however often it runs,
// several days under faketime, posts linked to their videos (by public post id and by caption
// and time), private posts named, an account without video.list skipped, faults mid-paging.

#include "test_cli_publish.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

using namespace publish_test;

namespace {

constexpr std::int64_t k_day = 86400;

std::int64_t sandbox_now(const Sandbox& sbx) {
    return sbx.get("state")["now"].get<std::int64_t>();
}

json seeded(const std::string& name, std::int64_t count, std::int64_t start) {
    return {{"username", name}, {"videos", {{"count", count}, {"start", start}, {"every", 3600}}}};
}

std::int64_t count(const World& w, const std::string& sql) {
    SQLite::Database db((w.home.path() / "data" / "looppost.db").string(), SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getInt64();
}

json account_of(const json& doc, const std::string& name) {
    for (const auto& a : doc["accounts"]) {
        if (a["name"] == name)
            return a;
    }
    FAIL("no account " << name << " in " << doc.dump());
    return {};
}

} // namespace

TEST_CASE("snapshot-stats pages every public video and stores one row per video per day") {
    World w;
    auto now = sandbox_now(w.sbx);
    w.sbx.post("config", {{"access_token_ttl", 30 * k_day},
                          {"refresh_token_ttl", 60 * k_day},
                          {"users", {seeded("alice", 45, now - 45 * 3600)}}});
    auto first = w.run({"snapshot-stats", "--json"});
    REQUIRE_MESSAGE(first.exit_code == 0, first.err);
    CHECK(first.err.empty()); // silent when all is well
    const json a = account_of(first.json(), "alice");
    CHECK(a["videos"] == 45);
    CHECK(a["pages"] == 3);
    CHECK(a["totals"] == true);
    CHECK(count(w, "SELECT count(*) FROM videos") == 45);
    CHECK(count(w, "SELECT count(*) FROM snapshots") == 45);
    CHECK(count(w, "SELECT count(*) FROM account_snapshots") == 1);
    auto views_before = count(w, "SELECT sum(views) FROM snapshots");

    // The same day again: the counts move, the rows do not multiply.
    w.sbx.post("clock/advance", {{"seconds", 3600}});
    REQUIRE(w.run({"snapshot-stats"}).exit_code == 0);
    CHECK(count(w, "SELECT count(*) FROM snapshots") == 45);
    CHECK(count(w, "SELECT sum(views) FROM snapshots") >= views_before);

    // Two days later (both clocks): a second row per video.
    w.sbx.post("clock/advance", {{"seconds", 2 * k_day}});
    auto later = harness::later(w.home, "+2d", {"snapshot-stats", "--json"});
    REQUIRE_MESSAGE(later.exit_code == 0, later.err);
    CHECK(count(w, "SELECT count(*) FROM snapshots") == 90);
    CHECK(count(w, "SELECT count(DISTINCT day) FROM snapshots") == 2);
    CHECK(count(w, "SELECT count(*) FROM account_snapshots") == 2);
}

TEST_CASE("snapshot-stats links published posts to their videos and names private ones") {
    World w;
    w.unlimited();
    w.sbx.post("config", {{"audited", true},
                          {"account_private", false},
                          {"moderation_seconds", 0},
                          {"access_token_ttl", 30 * k_day}});
    auto by_id = w.enqueue_video(w.in("clip.mp4"), "public with an id", "direct", "public");
    auto secret = w.enqueue_video(w.video_of_size(200'000), "only me", "direct", "private");
    auto pub = w.run({"publish-due"});
    REQUIRE_MESSAGE(pub.exit_code == 0, pub.err);
    auto posted = w.ok({"queue", "show", std::to_string(by_id), "--json"});
    REQUIRE(posted["post_ids"].size() == 1);

    // A public post whose id TikTok gives only after moderation: linked by caption and time.
    w.sbx.post("config", {{"moderation_seconds", 600}});
    auto by_caption = w.enqueue_video(w.video_of_size(300'000), "found by its caption", "direct",
                                      "public");
    REQUIRE(w.run({"publish-due"}).exit_code == 0);
    CHECK(w.ok({"queue", "show", std::to_string(by_caption), "--json"})["post_ids"].empty());
    w.sbx.post("clock/advance", {{"seconds", 700}});

    auto snap = w.run({"snapshot-stats", "--json"});
    REQUIRE_MESSAGE(snap.exit_code == 0, snap.err);
    const json a = account_of(snap.json(), "alice");
    CHECK(a["videos"] == 2); // the private post is never listed
    CHECK(a["linked"] == 2);
    CHECK(a["private_posts"] == json::array({secret}));
    CHECK(count(w, "SELECT post_id FROM videos WHERE id = '" +
                       posted["post_ids"][0].get<std::string>() + "'") == by_id);
    CHECK(count(w, "SELECT count(*) FROM videos WHERE post_id = " + std::to_string(by_caption)) ==
          1);
}

TEST_CASE("snapshot-stats skips an account without video.list and says so") {
    World w;
    harness::set_app(w.home, "user.info.basic,video.upload");
    auto bob = harness::qr_login(w.home, w.sbx, "bob", {"--name", "bob"});
    REQUIRE_MESSAGE(bob.exit_code == 0, bob.err);
    auto r = w.run({"snapshot-stats", "--json"});
    CHECK(r.exit_code == 0);
    CHECK(contains(r.err, "account bob did not grant video.list"));
    CHECK(account_of(r.json(), "bob")["skipped"].is_string());
    CHECK(account_of(r.json(), "alice")["skipped"].is_null());
}

TEST_CASE("snapshot-stats keeps the pages read before TikTok fails, and finishes later") {
    World w;
    auto now = sandbox_now(w.sbx);
    w.sbx.post("config", {{"users", {seeded("alice", 45, now - 45 * 3600)}}});
    w.set("http_attempts", "2");
    // The second page fails every time: 503 after the retries.
    w.sbx.post("faults", {{"path_prefix", "/v2/video/list/"},
                          {"kind", "status"},
                          {"http_status", 503},
                          {"skip", 1},
                          {"times", 2}});
    auto r = w.run({"snapshot-stats", "--json"});
    CHECK(r.exit_code == 69);
    CHECK(r.err.empty()); // TikTok being down is not for a human yet
    CHECK(account_of(r.json(), "alice")["videos"] == 20);
    CHECK(count(w, "SELECT count(*) FROM snapshots") == 20);

    // A 429 once mid-paging is waited out and retried.
    w.sbx.post("faults", {{"path_prefix", "/v2/video/list/"},
                          {"kind", "status"},
                          {"http_status", 429},
                          {"error_code", "rate_limit_exceeded"},
                          {"skip", 1},
                          {"times", 1}});
    auto again = w.run({"snapshot-stats", "--json"});
    REQUIRE_MESSAGE(again.exit_code == 0, again.err);
    CHECK(count(w, "SELECT count(*) FROM snapshots") == 45);
}

TEST_CASE("snapshot-stats over several days gives stats its deltas and daily views") {
    World w;
    auto now = sandbox_now(w.sbx);
    w.sbx.post("config", {{"access_token_ttl", 30 * k_day},
                          {"users", {seeded("alice", 3, now - 3 * 3600)}}});
    for (int day = 0; day < 3; ++day) {
        if (day > 0)
            w.sbx.post("clock/advance", {{"seconds", k_day}});
        auto r = harness::later(w.home, "+" + std::to_string(day) + "d", {"snapshot-stats"});
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    }
    auto stats = harness::later(w.home, "+2d", {"stats", "--json"});
    REQUIRE_MESSAGE(stats.exit_code == 0, stats.err);
    auto doc = stats.json();
    REQUIRE(doc["videos"].size() == 3);
    for (const auto& v : doc["videos"]) {
        const std::string id = v["id"].get<std::string>();
        auto views_on = [&](int nth) {
            return count(w, "SELECT views FROM snapshots WHERE video_id = '" + id +
                                "' ORDER BY day LIMIT 1 OFFSET " + std::to_string(nth));
        };
        CHECK(v["views"] == views_on(2));
        CHECK(v["views_1d"] == views_on(2) - views_on(1));
        REQUIRE(v["daily"].size() >= 2);
        CHECK(v["daily"].back()["views"] == views_on(2) - views_on(1));
        CHECK(v["daily"][v["daily"].size() - 2]["views"] == views_on(1) - views_on(0));
    }
    CHECK(doc["accounts"][0]["name"] == "alice");
    CHECK(doc["accounts"][0]["totals"]["followers"].is_number());
}

TEST_CASE("snapshot-stats counts its Display API calls and defers at the limit, silently") {
    World w;
    auto now = sandbox_now(w.sbx);
    w.sbx.post("config", {{"access_token_ttl", 30 * k_day},
                          {"users", {seeded("alice", 45, now - 45 * 3600)}}});
    // Three pages and the account's totals need four calls; two are allowed.
    w.set("limit_display_per_minute", "2");
    auto first = w.run({"snapshot-stats", "--json"});
    CHECK(first.exit_code == 75);
    CHECK(first.err.empty()); // deferred is not for a human
    const json a = account_of(first.json(), "alice");
    CHECK(a["pages"] == 2);
    CHECK(a["videos"] == 40);
    CHECK(a["totals"] == false);
    CHECK(a["problem"].is_string());
    CHECK(count(w, "SELECT count(*) FROM snapshots") == 40);
    auto quota = w.ok({"quota", "--json"});
    const json line = quota["accounts"][0]["limits"]["display_per_minute"];
    CHECK(line["limit"] == 2);
    CHECK(line["used"] == 2);
    CHECK(line["remaining"] == 0);

    // At once again: nothing is called, nothing changes.
    auto again = w.run({"snapshot-stats"});
    CHECK(again.exit_code == 75);
    CHECK(again.err.empty());
    CHECK(count(w, "SELECT count(*) FROM snapshots") == 40);

    // A minute on, with room for the whole account: the day completes, no row twice.
    w.set("limit_display_per_minute", "4");
    auto later = harness::later(w.home, "+61s", {"snapshot-stats", "--json"});
    REQUIRE_MESSAGE(later.exit_code == 0, later.err);
    CHECK(account_of(later.json(), "alice")["totals"] == true);
    CHECK(count(w, "SELECT count(*) FROM snapshots") == 45);
    CHECK(count(w, "SELECT count(DISTINCT video_id || day) FROM snapshots") == 45);
    CHECK(count(w, "SELECT count(*) FROM account_snapshots") == 1);
}

TEST_CASE("snapshot-stats holds the account's Display API calls when TikTok throttles") {
    World w;
    auto now = sandbox_now(w.sbx);
    w.sbx.post("config", {{"users", {seeded("alice", 45, now - 45 * 3600)}}});
    w.set("http_attempts", "1");
    w.sbx.post("faults", {{"path_prefix", "/v2/video/list/"},
                          {"kind", "status"},
                          {"http_status", 429},
                          {"error_code", "rate_limit_exceeded"},
                          {"skip", 1},
                          {"times", 1}});
    auto r = w.run({"snapshot-stats", "--json"});
    CHECK(r.exit_code == 75);
    CHECK(r.err.empty());
    CHECK(account_of(r.json(), "alice")["videos"] == 20);
    auto holds = w.ok({"quota", "--json"})["accounts"][0]["holds"];
    REQUIRE(holds.size() == 1);
    CHECK(holds[0]["what"] == "display");

    // While the hold lasts nothing is asked; after it, the day completes.
    CHECK(w.run({"snapshot-stats"}).exit_code == 75);
    CHECK(count(w, "SELECT count(*) FROM snapshots") == 20);
    auto later = harness::later(w.home, "+61s", {"snapshot-stats"});
    REQUIRE_MESSAGE(later.exit_code == 0, later.err);
    CHECK(count(w, "SELECT count(*) FROM snapshots") == 45);
}
