// looppost purge (issue 7, DESIGN §6): each scope deletes for real — nothing of it left in the
// database file or its WAL, revoked at the sandbox, hosted objects gone from the dir host and a
// real S3 server — and a dry run changes nothing.

#include "test_cli_publish.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <SQLiteCpp/SQLiteCpp.h>

using namespace publish_test;

namespace {

/// The bytes of the database file and its WAL.
std::string db_bytes(const World& w) {
    const fs::path db = w.home.path() / "data" / "looppost.db";
    std::string wal = db.string() + "-wal";
    return harness::read_file(db) + (fs::exists(wal) ? harness::read_file(wal) : "");
}

/// A sealed column of an account, as stored.
std::string sealed(const World& w, const std::string& account, const std::string& column) {
    SQLite::Database db((w.home.path() / "data" / "looppost.db").string(), SQLite::OPEN_READONLY);
    SQLite::Statement q(db, fmt::format("SELECT {} FROM accounts WHERE name = ?", column));
    q.bind(1, account);
    REQUIRE(q.executeStep());
    const auto* p = static_cast<const char*>(q.getColumn(0).getBlob());
    return std::string(p, static_cast<std::size_t>(q.getColumn(0).getBytes()));
}

/// sha256 of every regular file under `dir`, by path: equal maps mean nothing changed.
std::map<std::string, std::string> checksums(const fs::path& dir) {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (e.is_regular_file())
            out[e.path().string()] = harness::sha256_of(e.path());
    }
    return out;
}

std::size_t files_in(const fs::path& dir) {
    std::size_t n = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        n += e.is_regular_file() ? 1 : 0;
    return n;
}

std::string open_id_of(const World& w, const std::string& name) {
    for (const auto& a : w.ok({"auth", "list", "--json"})) {
        if (a["name"] == name)
            return a["open_id"];
    }
    FAIL("no account " << name);
    return {};
}

/// A carousel TikTok is still pulling (the sandbox processes slowly): its photos stay hosted.
std::int64_t carousel_in_flight(World& w, const std::string& account, const std::string& caption) {
    w.sbx.post("config", {{"processing", "realistic"}});
    w.set("poll_seconds", "0");
    auto id =
        w.enqueue({"--account", account, "--photo", w.in("a.jpg").string(), w.in("b.jpg").string(),
                   "--caption", caption, "--mode", "direct", "--privacy", "private"})["id"]
            .get<std::int64_t>();
    auto r = w.publish({"--account", account});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    REQUIRE(w.post(id)["state"] == "publishing");
    return id;
}

} // namespace

TEST_CASE("purge --account: revoked at TikTok; its posts, media, hosted photos and tokens gone "
          "from the file and its WAL; the other account intact; --dry-run changes nothing") {
    World w({"alice", "bob"});
    w.unlimited();
    w.use_dir_host();
    const auto published =
        w.enqueue_video(w.in("clip.mp4"), "alice first secret words", "inbox", "", "alice");
    REQUIRE(w.publish().exit_code == 0);
    REQUIRE(w.post(published)["state"] == "in_inbox");
    const auto later_post =
        w.enqueue({"--account", "alice", "--video", w.video_of_size(20000).string(), "--caption",
                   "alice queued secret words", "--at", "+2d"});
    const auto bob_post = w.enqueue({"--account", "bob", "--video", w.video_of_size(21000).string(),
                                     "--caption", "bob keeps these words", "--at", "+2d"});
    carousel_in_flight(w, "alice", "alice carousel secret words");
    REQUIRE(files_in(w.www.path()) == 2);
    const std::string alice_open_id = open_id_of(w, "alice");
    const std::string alice_access = sealed(w, "alice", "access_token");
    const std::string alice_refresh = sealed(w, "alice", "refresh_token");
    const fs::path alice_copy = w.home.path() / "data" / "media" /
                                later_post["media"][0]["sha256"].get<std::string>().substr(0, 2);

    // Without a terminal, no --yes: refused, nothing touched. (A command that reads first: the
    // reads above, read-only, left the WAL for the next writer to fold in.)
    w.ok({"queue", "list", "--json"});
    auto before = checksums(w.home.path());
    auto refused = w.run({"purge", "--account", "alice"});
    CHECK(refused.exit_code == 2);
    CHECK(contains(refused.err, "--yes"));

    auto plan = w.run({"purge", "--account", "alice", "--dry-run", "--json"});
    REQUIRE_MESSAGE(plan.exit_code == 0, plan.err);
    CHECK(plan.json()["dry_run"] == true);
    CHECK(plan.json()["deleted"]["posts"] == 3);
    CHECK(plan.json()["deleted"]["tiktok_grants"] == 1);
    CHECK(plan.json()["deleted"]["hosted_objects"] == 2);
    CHECK(plan.json()["hosted_objects"].size() == 2);
    CHECK(checksums(w.home.path()) == before);
    CHECK(files_in(w.www.path()) == 2);
    CHECK(w.state()["revokes"] == 0);

    auto r = w.run({"purge", "--account", "alice", "--yes", "--json"});
    INFO("stderr: ", r.err, "\nout: ", r.out);
    REQUIRE(r.exit_code == 0);
    const json receipt = r.json();
    CHECK(receipt["scope"] == "account");
    CHECK(receipt["dry_run"] == false);
    CHECK(receipt["deleted"]["posts"] == 3);
    CHECK(receipt["deleted"]["accounts"] == 1);
    CHECK(receipt["deleted"]["tiktok_grants"] == 1);
    CHECK(receipt["deleted"]["hosted_objects"] == 2);
    // The queued video and the carousel's two photos (the published video's copy was released).
    CHECK(receipt["deleted"]["local_copies"] == 3);
    CHECK(receipt["remaining"].empty());
    CHECK(w.state()["revokes"] == 1);
    CHECK(files_in(w.www.path()) == 0);
    CHECK_FALSE(
        fs::exists(alice_copy / (later_post["media"][0]["sha256"].get<std::string>() + ".mp4")));

    const std::string bytes = db_bytes(w);
    for (const char* gone :
         {"alice first secret words", "alice queued secret words", "alice carousel secret words"})
        CHECK_MESSAGE(bytes.find(gone) == std::string::npos, gone);
    CHECK(bytes.find(alice_open_id) == std::string::npos);
    CHECK(bytes.find(alice_access) == std::string::npos);
    CHECK(bytes.find(alice_refresh) == std::string::npos);
    CHECK(bytes.find("bob keeps these words") != std::string::npos);
    auto accounts = w.ok({"auth", "list", "--json"});
    REQUIRE(accounts.size() == 1);
    CHECK(accounts[0]["name"] == "bob");
    CHECK(w.post(bob_post["id"])["caption"] == "bob keeps these words");
}

TEST_CASE("purge --older-than: finished posts, their events and old snapshots go; queued work "
          "stays") {
    World w;
    const std::int64_t now = w.state()["now"].get<std::int64_t>();
    json alice = {{"username", "alice"},
                  {"videos", {{"count", 3}, {"start", now - 3 * 3600}, {"every", 3600}}}};
    w.sbx.post("config", {{"users", json::array({alice})}});
    const auto done = w.enqueue_video(w.in("clip.mp4"), "finished long ago words");
    REQUIRE(w.publish().exit_code == 0);
    REQUIRE(w.post(done)["state"] == "in_inbox");
    const auto queued = w.enqueue({"--video", w.video_of_size(20000).string(), "--caption",
                                   "queued for later words", "--at", "+200d"})["id"]
                            .get<std::int64_t>();
    auto snap = w.run({"snapshot-stats"});
    REQUIRE_MESSAGE(snap.exit_code == 0, snap.err);
    const json stats = w.ok({"stats", "--json"});
    REQUIRE(!stats["videos"].empty());
    const std::string title = stats["videos"][0]["title"];

    auto plan =
        harness::later(w.home, "+100d", {"purge", "--older-than", "90d", "--dry-run", "--json"});
    REQUIRE_MESSAGE(plan.exit_code == 0, plan.err);
    CHECK(plan.json()["deleted"]["posts"] == 1);
    auto r = harness::later(w.home, "+100d", {"purge", "--older-than", "90d", "--yes", "--json"});
    INFO("stderr: ", r.err, "\nout: ", r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(r.json()["scope"] == "older-than");
    CHECK(r.json()["older_than"] == "90d");
    CHECK(r.json()["deleted"]["posts"] == 1);
    CHECK(r.json()["deleted"]["snapshots"] == 3); // the three seeded videos' only day
    CHECK(r.json()["deleted"]["videos"] == 3);
    const std::string bytes = db_bytes(w);
    CHECK(bytes.find("finished long ago words") == std::string::npos);
    CHECK(bytes.find(title) == std::string::npos);
    CHECK(bytes.find("queued for later words") != std::string::npos);
    CHECK(w.post(queued)["state"] == "queued");
    CHECK(w.run({"queue", "show", std::to_string(done)}).exit_code != 0);

    auto bad = w.run({"purge", "--older-than", "90 days", "--yes"});
    CHECK(bad.exit_code == 2);
    CHECK(contains(bad.err, "90d"));
}

TEST_CASE("an unreachable S3 host: the local purge completes, the receipt names the leftovers, "
          "and purge --hosted-media finishes later") {
    const std::string key_id = "S3RVER";
    const std::string secret = "s3cr3t/Key+ForThePurgeTest0123456789abcdef";
    harness::S3Server s3("photos", "eu-central-1", key_id, secret);
    World w;
    w.use_s3_host(s3, key_id, secret);
    w.set("http_attempts", "1");
    carousel_in_flight(w, "alice", "hosted while unreachable words");
    auto plan = w.ok({"purge", "--account", "alice", "--dry-run", "--json"});
    REQUIRE(plan["hosted_objects"].size() == 2);
    std::vector<std::string> paths;
    for (const auto& key : plan["hosted_objects"]) {
        paths.push_back("/photos/" + key.get<std::string>());
        CHECK(s3.get_status(paths.back()) == 200);
    }

    s3.set_down(true);
    auto r = w.run({"purge", "--account", "alice", "--yes", "--json"});
    INFO("stderr: ", r.err, "\nout: ", r.out);
    CHECK(r.exit_code == 69);
    const json receipt = r.json();
    CHECK(receipt["deleted"]["posts"] == 1);
    CHECK(receipt["deleted"]["hosted_objects"] == 0);
    REQUIRE(receipt["remaining"].size() == 2);
    for (const auto& left : receipt["remaining"])
        CHECK(contains(left["why"], "purge --hosted-media"));
    CHECK(w.state()["revokes"] == 1);
    CHECK(db_bytes(w).find("hosted while unreachable words") == std::string::npos);
    CHECK(w.ok({"auth", "list", "--json"}).empty());

    s3.set_down(false);
    for (const auto& p : paths)
        CHECK(s3.get_status(p) == 200); // still there: the host was unreachable
    // doctor points at the way to finish.
    const json doctor = w.run({"doctor", "--json"}).json();
    bool told = false;
    for (const auto& c : doctor["checks"])
        told = told || (c["name"] == "media" && contains(c["detail"], "purge --hosted-media"));
    CHECK(told);
    auto finish = w.run({"purge", "--hosted-media", "--yes", "--json"});
    INFO("finish: ", finish.err, finish.out);
    REQUIRE(finish.exit_code == 0);
    CHECK(finish.json()["deleted"]["hosted_objects"] == 2);
    CHECK(finish.json()["remaining"].empty());
    for (const auto& p : paths)
        CHECK(s3.get_status(p) == 404);
    auto again = w.ok({"purge", "--hosted-media", "--yes", "--json"});
    CHECK(again["deleted"]["hosted_objects"] == 0);
}

TEST_CASE("purge --everything: every account revoked, hosted photos, database and local media "
          "gone; the key file only with --including-key") {
    World w({"alice", "bob"});
    w.unlimited();
    w.use_dir_host();
    carousel_in_flight(w, "bob", "everything goes words");
    const fs::path data = w.home.path() / "data";
    const fs::path key = w.home.path() / "config" / "key";
    REQUIRE(fs::exists(key));
    auto r = w.run({"purge", "--everything", "--yes", "--json"});
    INFO("stderr: ", r.err, "\nout: ", r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(r.json()["deleted"]["tiktok_grants"] == 2);
    CHECK(r.json()["deleted"]["hosted_objects"] == 2);
    CHECK(w.state()["revokes"] == 2);
    CHECK(files_in(w.www.path()) == 0);
    CHECK_FALSE(fs::exists(data / "looppost.db"));
    CHECK_FALSE(fs::exists(data / "looppost.db-wal"));
    CHECK_FALSE(fs::exists(data / "media"));
    CHECK(fs::exists(key));
    auto with_key = w.run({"purge", "--everything", "--including-key", "--yes"});
    INFO("with key: ", with_key.err);
    CHECK(with_key.exit_code == 0);
    CHECK_FALSE(fs::exists(key));
    CHECK_FALSE(fs::exists(data / "looppost.db"));
    auto misuse = w.run({"purge", "--account", "alice", "--including-key", "--yes"});
    CHECK(misuse.exit_code == 2);
}

TEST_CASE("purge_on_revoke: an account TikTok revoked is purged and said so; an expired refresh "
          "token never purges") {
    World w({"alice", "bob"});
    w.set("purge_on_revoke", "true");
    w.enqueue_video(w.in("clip.mp4"), "revoked account words", "inbox", "", "alice");
    // The creator removed looppost in the TikTok app: the grant is revoked at TikTok.
    std::string access;
    const json state = w.state();
    const std::string open_id = open_id_of(w, "alice");
    for (const auto& t : state["tokens"]) {
        if (t["open_id"] == open_id)
            access = t["access_token"];
    }
    REQUIRE(!access.empty());
    httplib::Client c("127.0.0.1", w.sbx.port());
    auto res = c.Post("/v2/oauth/revoke/",
                      "client_key=sbx_client_key&client_secret=sbx_client_secret&token=" + access,
                      "application/x-www-form-urlencoded");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    auto r = harness::later(w.home, "+2d", {"auth", "refresh", "alice"});
    INFO("stderr: ", r.err);
    CHECK(r.exit_code == 77);
    CHECK(contains(r.err, "account \"alice\" was revoked: its data was purged"));
    auto accounts = w.ok({"auth", "list", "--json"});
    REQUIRE(accounts.size() == 1);
    CHECK(accounts[0]["name"] == "bob");
    CHECK(db_bytes(w).find("revoked account words") == std::string::npos);

    // Past the refresh token's own expiry, invalid_grant is an expiry: nothing is purged.
    auto expired = harness::later(w.home, "+400d", {"auth", "refresh", "bob"});
    CHECK(expired.exit_code == 77);
    CHECK_FALSE(contains(expired.err, "purged"));
    CHECK(w.ok({"auth", "list", "--json"}).size() == 1);
}

TEST_CASE("purge_on_revoke from cron: publish-due finds the revocation, posts nothing and "
          "purges the account") {
    World w;
    w.set("purge_on_revoke", "true");
    w.enqueue_video(w.in("clip.mp4"), "due but revoked words");
    const json state = w.state();
    REQUIRE(state["tokens"].size() == 1);
    httplib::Client c("127.0.0.1", w.sbx.port());
    auto res = c.Post("/v2/oauth/revoke/",
                      "client_key=sbx_client_key&client_secret=sbx_client_secret&token=" +
                          state["tokens"][0]["access_token"].get<std::string>(),
                      "application/x-www-form-urlencoded");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    auto r = harness::later(w.home, "+2d", {"publish-due"});
    INFO("stderr: ", r.err);
    CHECK(r.exit_code == 77);
    CHECK(contains(r.err, "account \"alice\" was revoked: its data was purged"));
    CHECK(w.state()["posts"].empty());
    CHECK(w.ok({"auth", "list", "--json"}).empty());
    CHECK(w.queue().empty());
    CHECK(db_bytes(w).find("due but revoked words") == std::string::npos);
}

TEST_CASE("retention_days: a cron run purges finished history older than that, once a day") {
    World w;
    w.set("retention_days", "30");
    const auto done = w.enqueue_video(w.in("clip.mp4"), "kept a month words");
    REQUIRE(w.publish().exit_code == 0);
    REQUIRE(w.post(done)["state"] == "in_inbox");
    auto soon = harness::later(w.home, "+10d", {"publish-due"});
    CHECK(soon.exit_code == 0);
    CHECK(w.post(done)["state"] == "in_inbox");
    auto r = harness::later(w.home, "+40d", {"publish-due"});
    INFO("stderr: ", r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty()); // cron stays silent
    CHECK(w.run({"queue", "show", std::to_string(done)}).exit_code != 0);
    CHECK(db_bytes(w).find("kept a month words") == std::string::npos);
}
