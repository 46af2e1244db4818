// Steering posts around publish-due: a photo pull cancelled in flight, a failed post retried
// (re-initialised only because TikTok said it FAILED), posts left processing and resumed, and
// --limit, --account and paused accounts.

#include "test_cli_publish.hpp"

using namespace publish_test;

namespace {

/// publish_test::World with the dir media host, and the shorthands these tests use.
struct Stage : World {
    Stage() { use_dir_host(); }

    std::int64_t enqueue_id(const std::vector<std::string>& args) const {
        return enqueue(args)["id"].get<std::int64_t>();
    }

    json post(std::int64_t id) const { return ok({"queue", "show", std::to_string(id), "--json"}); }

    std::size_t served_files() const {
        std::size_t n = 0;
        for (const auto& e : fs::recursive_directory_iterator(www.path()))
            n += e.is_regular_file() ? 1 : 0;
        return n;
    }

    std::size_t ledger_posts() const { return sbx.get("state")["posts"].size(); }
};

} // namespace

TEST_CASE("publish-due: queue cancel stops a photo pull TikTok is still downloading") {
    Stage s;
    s.sbx.post("config", {{"processing", "realistic"}});
    s.set("poll_seconds", "0");
    auto id = s.enqueue_id(
        {"--photo", s.in("a.jpg").string(), s.in("b.jpg").string(), "--title", "two"});
    auto run = s.run({"publish-due"});
    CHECK(run.exit_code == 0);
    CHECK(run.err.empty()); // still processing: nothing for a human yet
    CHECK(s.post(id)["state"] == "publishing");
    CHECK(s.served_files() == 2); // TikTok is pulling them

    auto cancel = s.run({"queue", "cancel", std::to_string(id), "--json"});
    REQUIRE_MESSAGE(cancel.exit_code == 0, cancel.err);
    CHECK(cancel.json()["state"] == "cancelled");
    CHECK(s.served_files() == 0);
    auto posts = s.sbx.get("state")["posts"];
    REQUIRE(posts.size() == 1);
    CHECK(posts[0].dump().find("publish_cancelled") != std::string::npos);

    // Nothing is left for publish-due.
    auto after = s.run({"publish-due", "--json"});
    CHECK(after.exit_code == 0);
    CHECK(after.json()["posts"].empty());
}

TEST_CASE("publish-due: a video being processed can no longer be cancelled, and is resumed") {
    Stage s;
    s.sbx.post("config", {{"processing", "realistic"}});
    s.set("poll_seconds", "0");
    auto id = s.enqueue_id({"--video", s.in("clip.mp4").string(), "--caption", "slow"});
    CHECK(s.run({"publish-due"}).exit_code == 0);
    auto p = s.post(id);
    CHECK(p["state"] == "publishing");
    CHECK(p["publish_id"].is_string());

    auto cancel = s.run({"queue", "cancel", std::to_string(id)});
    CHECK(cancel.exit_code == 65);
    CHECK(cancel.err.find("can no longer stop it") != std::string::npos);

    // The next run asks TikTok again (never a second init) and finishes the post.
    s.sbx.post("clock/advance", {{"seconds", 30}});
    auto run = s.run({"publish-due", "--json"});
    CHECK(run.exit_code == 0);
    CHECK(run.err.find("is in your TikTok inbox") != std::string::npos);
    CHECK(run.err.find("Caption: slow") != std::string::npos);
    CHECK(s.post(id)["state"] == "in_inbox");
    CHECK(s.ledger_posts() == 1);
}

TEST_CASE("publish-due: a failed post says why; queue retry re-inits only after TikTok's FAILED") {
    Stage s;
    s.sbx.post("fail_next", {{"fail_reason", "spam_risk_text"}, {"user", "alice"}});
    auto id = s.enqueue_id({"--video", s.in("clip.mp4").string(), "--caption", "buy now"});
    auto run = s.run({"publish-due"});
    CHECK(run.exit_code == 1);
    CHECK(run.err.find("post " + std::to_string(id) + " (alice) failed") != std::string::npos);
    CHECK(run.err.find("failed:") != std::string::npos);
    CHECK(run.err.find("spam_risk_text") != std::string::npos);
    auto p = s.post(id);
    CHECK(p["state"] == "failed");
    CHECK(p["error"]["code"] == "spam_risk_text");
    const std::string first_publish = p["publish_id"].get<std::string>();
    CHECK(s.ledger_posts() == 1);

    // A failed post keeps its local copy, so it can be retried.
    auto retry = s.run({"queue", "retry", std::to_string(id)});
    REQUIRE_MESSAGE(retry.exit_code == 0, retry.err);
    CHECK(retry.out.find("first asks TikTok") != std::string::npos);
    auto again = s.run({"publish-due"});
    CHECK(again.exit_code == 0);
    p = s.post(id);
    CHECK(p["state"] == "in_inbox");
    CHECK(p["publish_id"] != first_publish);
    CHECK(s.ledger_posts() == 2); // the FAILED one and the new one: nothing else
}

TEST_CASE("publish-due: --limit, --account and a paused account") {
    Stage s;
    s.sbx.post("config", {{"pending_inbox_cap", 100}});
    s.set("limit_inbox_shares_per_day", "100");
    auto bob_login = harness::qr_login(s.home, s.sbx, "bob", {"--name", "bob"});
    REQUIRE_MESSAGE(bob_login.exit_code == 0, bob_login.err);
    auto a1 = s.enqueue_id({"--video", s.in("clip.mp4").string(), "--caption", "a1"});
    auto a2 = s.enqueue_id({"--video", s.in("clip.mp4").string(), "--caption", "a2"});
    auto b1 = s.enqueue_id(
        {"--account", "bob", "--video", s.in("clip.mp4").string(), "--caption", "b1"});

    auto one = s.run({"publish-due", "--limit", "1", "--json", "--account", "alice"});
    CHECK(one.exit_code == 0);
    REQUIRE(one.json()["posts"].size() == 1);
    CHECK(one.json()["posts"][0]["id"] == a1);
    CHECK(one.json()["posts"][0]["message"].get<std::string>().find("inbox") != std::string::npos);
    CHECK(s.post(a2)["state"] == "queued");
    CHECK(s.post(b1)["state"] == "queued");

    s.ok({"account", "pause", "bob", "--json"});
    auto rest = s.run({"publish-due", "--json"});
    CHECK(rest.exit_code == 0);
    CHECK(s.post(a2)["state"] == "in_inbox");
    CHECK(s.post(b1)["state"] == "queued"); // paused: it waits
    s.ok({"account", "resume", "bob", "--json"});
    CHECK(s.run({"publish-due"}).exit_code == 0);
    CHECK(s.post(b1)["state"] == "in_inbox");
    CHECK(s.ledger_posts() == 3);
}
