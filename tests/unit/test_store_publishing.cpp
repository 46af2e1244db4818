// The store's side of publish-due: claims under a lease (one post per account at a time, due
// order, in-flight posts first, dead owners taken over), writes only by the lease holder, the
// steps of a publish, and quota counting with holds.

#include "store_support.hpp"

#include <doctest/doctest.h>
#include <looppost/publish/publish.hpp>
#include <looppost/store/db.hpp>

using namespace looppost;
using test::Fresh;

namespace {

constexpr std::int64_t k_now = 1'800'000'000;

bool never_gone(const std::string&) {
    return false;
}

std::optional<std::pair<std::int64_t, std::string>>
claim(Fresh& f, std::int64_t account, const std::string& owner, std::int64_t now = k_now,
      const std::vector<std::int64_t>& skip = {},
      const std::function<bool(const std::string&)>& gone = never_gone) {
    std::optional<std::pair<std::int64_t, std::string>> c;
    f.db->transaction([&] { c = f.db->post_claim(account, owner, now, now + 300, gone, skip); });
    return c;
}

} // namespace

TEST_CASE("store: a claim takes the account's first due post and holds the account") {
    Fresh f;
    auto later = f.add_post(f.alice, "b", k_now - 10);
    auto first = f.add_post(f.alice, "a", k_now - 100);
    auto future = f.add_post(f.alice, "c", k_now + 100);
    auto bobs = f.add_post(f.bob, "d", k_now - 50);

    auto c = claim(f, f.alice, "p1");
    REQUIRE(c);
    CHECK(c->first == first);
    CHECK(c->second == "queued");
    auto p = f.db->post(first);
    CHECK(p->state == "publishing");
    CHECK(p->lease_owner == "p1");
    CHECK(p->lease_until == k_now + 300);
    CHECK(p->attempts == 1);

    // Another process gets nothing of alice's while p1 holds one of her posts…
    CHECK_FALSE(claim(f, f.alice, "p2"));
    // …but bob's posts are free.
    auto b = claim(f, f.bob, "p2");
    REQUIRE(b);
    CHECK(b->first == bobs);

    // p1 finishes; the next due post follows; the future one is not due.
    CHECK(f.db->post_finish(first, "p1", {.state = "published"}, k_now));
    auto next = claim(f, f.alice, "p2");
    REQUIRE(next);
    CHECK(next->first == later);
    CHECK(f.db->post_finish(later, "p2", {.state = "published"}, k_now));
    CHECK_FALSE(claim(f, f.alice, "p2"));
    CHECK(f.db->post(future)->state == "queued");
}

TEST_CASE("store: an expired lease or a gone owner lets another process resume the post") {
    Fresh f;
    auto id = f.add_post(f.alice, "a", k_now - 100);
    f.add_post(f.alice, "b", k_now - 50);
    REQUIRE(claim(f, f.alice, "dead:1:x"));

    CHECK_FALSE(claim(f, f.alice, "p2"));
    auto gone = [](const std::string& owner) { return owner == "dead:1:x"; };
    auto c = claim(f, f.alice, "p2", k_now, {}, gone);
    REQUIRE(c);
    CHECK(c->first == id); // in flight first, before anything new
    CHECK(c->second == "publishing");
    CHECK(f.db->post(id)->attempts == 1); // resuming is not a new attempt

    // The old owner lost it: its writes change nothing.
    CHECK_FALSE(f.db->post_init_sent(id, "dead:1:x", k_now));
    CHECK_FALSE(f.db->post_finish(id, "dead:1:x", {.state = "failed"}, k_now));
    CHECK(f.db->post_init_sent(id, "p2", k_now));

    // After the lease runs out, anyone may take it.
    auto again = claim(f, f.alice, "p3", k_now + 301);
    REQUIRE(again);
    CHECK(again->first == id);
}

TEST_CASE("store: deferred posts wait for their time; skipped posts are left to the next run") {
    Fresh f;
    auto d = f.add_post(f.alice, "a", k_now - 100);
    auto q = f.add_post(f.alice, "b", k_now - 50);
    REQUIRE(claim(f, f.alice, "p1"));
    CHECK(f.db->post_finish(d, "p1",
                            {.state = "deferred",
                             .error_code = "quota",
                             .error_message = "limit",
                             .next_attempt_at = k_now + 60},
                            k_now));
    auto c = claim(f, f.alice, "p1");
    REQUIRE(c);
    CHECK(c->first == q);
    CHECK(f.db->post_finish(q, "p1", {.state = "publishing"}, k_now)); // still processing
    // Released in flight: resumed first — unless this run already worked on it.
    CHECK(claim(f, f.alice, "p1", k_now, {q}) == std::nullopt);
    auto resumed = claim(f, f.alice, "p1", k_now + 61);
    REQUIRE(resumed);
    CHECK(resumed->first == q);
    CHECK(f.db->post_finish(q, "p1", {.state = "published"}, k_now));
    auto deferred = claim(f, f.alice, "p1", k_now + 61);
    REQUIRE(deferred);
    CHECK(deferred->first == d);
    CHECK(deferred->second == "deferred");
    CHECK(f.db->post(d)->attempts == 2);
}

TEST_CASE("store: the steps of a publish are stored, and forgetting clears them") {
    Fresh f;
    auto id = f.add_post(f.alice, "a", k_now - 100);
    REQUIRE(claim(f, f.alice, "p1"));
    CHECK(f.db->post_init_sent(id, "p1", k_now));
    store::Blob url = {1, 2, 3};
    CHECK(f.db->post_set_publish(id, "p1", "v_pub_file~1", url, k_now + 3600));
    CHECK(f.db->post_set_upload_offset(id, "p1", 10'000'000, k_now + 600));
    auto p = f.db->post(id);
    CHECK(p->init_sent_at == k_now);
    CHECK(p->publish_id == "v_pub_file~1");
    CHECK(p->upload_url == url);
    CHECK(p->upload_offset == 10'000'000);
    CHECK(p->lease_until == k_now + 600);
    CHECK(f.db->post_set_uploaded(id, "p1", k_now));
    CHECK(f.db->post(id)->upload_url.empty()); // no longer needed: not kept

    CHECK(f.db->post_forget_publish(id, "p1"));
    p = f.db->post(id);
    CHECK_FALSE(p->publish_id);
    CHECK_FALSE(p->init_sent_at);
    CHECK(p->upload_offset == 0);

    CHECK(f.db->post_finish(
        id, "p1", {.state = "published", .post_ids = R"(["7300000000000000001"])"}, k_now));
    p = f.db->post(id);
    CHECK(p->state == "published");
    CHECK(p->post_ids == R"(["7300000000000000001"])");
    CHECK(p->finished_at == k_now);
    CHECK_FALSE(p->lease_owner);
    auto events = f.db->post_events(id);
    CHECK(events.back().kind == "published");
}

TEST_CASE("store: queue retry clears a lost init's mark but keeps a publish id") {
    Fresh f;
    auto lost = f.add_post(f.alice, "a", k_now - 100);
    REQUIRE(claim(f, f.alice, "p1"));
    CHECK(f.db->post_init_sent(lost, "p1", k_now));
    CHECK(f.db->post_finish(lost, "p1", {.state = "needs_attention"}, k_now));
    CHECK(f.db->post_set_state(lost, {"needs_attention"}, "queued"));
    CHECK_FALSE(f.db->post(lost)->init_sent_at);

    auto known = f.add_post(f.alice, "b", k_now - 50);
    REQUIRE(claim(f, f.alice, "p1", k_now, {lost}));
    CHECK(f.db->post_init_sent(known, "p1", k_now));
    CHECK(f.db->post_set_publish(known, "p1", "p_pub_url~2", {}, std::nullopt));
    CHECK(f.db->post_finish(known, "p1", {.state = "failed"}, k_now));
    CHECK(f.db->post_set_state(known, {"failed"}, "queued"));
    auto p = f.db->post(known);
    CHECK(p->publish_id == "p_pub_url~2");
    CHECK(p->init_sent_at);
}

TEST_CASE("store: quotas count calls per window and refuse past the limit with when it frees") {
    Fresh f;
    publish::Limits limits; // TikTok's: 6 inits a minute, 5 inbox shares a day
    for (int i = 0; i < 5; ++i) {
        std::optional<std::pair<std::int64_t, std::string>> r;
        f.db->transaction([&] { r = f.db->quota_take(f.alice, limits.init("inbox"), k_now + i); });
        CHECK_FALSE(r);
    }
    std::optional<std::pair<std::int64_t, std::string>> r;
    f.db->transaction([&] { r = f.db->quota_take(f.alice, limits.init("inbox"), k_now + 10); });
    REQUIRE(r);
    CHECK(r->first == k_now + 86400); // the first share leaves the 24-hour window
    // Nothing was counted for the refused call, and bob is not affected.
    CHECK(f.db->quota_used(f.alice, "init", k_now - 60).first == 5);
    f.db->transaction([&] { r = f.db->quota_take(f.bob, limits.init("direct"), k_now); });
    CHECK_FALSE(r);

    // A hold from TikTok (429) blocks its kind until it ends.
    f.db->transaction([&] { f.db->quota_hold({f.bob, "init", k_now + 60, "TikTok throttled"}); });
    f.db->transaction([&] { r = f.db->quota_take(f.bob, limits.init("direct"), k_now + 1); });
    REQUIRE(r);
    CHECK(r->first == k_now + 60);
    CHECK(r->second == "TikTok throttled");
    f.db->transaction([&] { r = f.db->quota_take(f.bob, limits.init("direct"), k_now + 61); });
    CHECK_FALSE(r);

    // The app-wide cap (reached_active_user_cap) holds every account's posts.
    f.db->transaction([&] { f.db->quota_hold({std::nullopt, "app", k_now + 3600, "app cap"}); });
    f.db->transaction([&] { r = f.db->quota_take(f.bob, limits.init("direct"), k_now + 120); });
    REQUIRE(r);
    CHECK(r->second == "app cap");
    CHECK(f.db->quota_holds(f.alice, k_now + 120).size() == 1);
}

TEST_CASE("store: due() is what an idle tick reads; accounts_with_work leaves out paused ones") {
    Fresh f;
    f.add_post(f.alice, "a", k_now - 100);
    f.add_post(f.bob, "b", k_now - 100);
    f.add_post(f.bob, "c", k_now + 100);
    CHECK(f.db->due(k_now, std::nullopt).size() == 2);
    CHECK(publish::accounts_with_work(*f.db, k_now, std::nullopt) ==
          std::vector<std::int64_t>{f.alice, f.bob});
    f.db->account_set_paused(f.bob, true);
    CHECK(publish::accounts_with_work(*f.db, k_now, std::nullopt) ==
          std::vector<std::int64_t>{f.alice});
    CHECK(publish::accounts_with_work(*f.db, k_now, f.bob).empty());
    // A live claim elsewhere: that process has the account.
    REQUIRE(claim(f, f.alice, "elsewhere:1:x"));
    CHECK(publish::accounts_with_work(*f.db, k_now, std::nullopt).empty());
}

TEST_CASE("publish: a lease owner on this host whose process is gone is recognised") {
    CHECK_FALSE(publish::owner_gone(publish::lease_owner()));
    std::string host = publish::lease_owner().substr(0, publish::lease_owner().find(':'));
    CHECK(publish::owner_gone(host + ":999999999:ab"));
    CHECK_FALSE(publish::owner_gone("other-host.example:999999999:ab"));
    CHECK_FALSE(publish::owner_gone(host + ":1:ab")); // init is alive
    CHECK_FALSE(publish::owner_gone("garbage"));
}

TEST_CASE("store: an event without a post is not given the previous event's post") {
    Fresh f;
    auto id = f.add_post(f.alice, "a", k_now);
    f.db->event_add("one", "", f.alice, id);
    f.db->event_add("two", "");
    auto events = f.db->events(10);
    auto two =
        std::find_if(events.begin(), events.end(), [](const auto& e) { return e.kind == "two"; });
    REQUIRE(two != events.end());
    CHECK_FALSE(two->post_id);
    CHECK_FALSE(two->account_id);
}
