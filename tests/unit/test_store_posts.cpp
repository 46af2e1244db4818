#include "store_support.hpp"
#include "unit_support.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <looppost/store/db.hpp>
#include <SQLiteCpp/SQLiteCpp.h>

using namespace looppost;
namespace fs = std::filesystem;

using test::Fresh;

// --- migration 5 ------------------------------------------------------------------------------

TEST_CASE("store: migration 5 adds the queue tables to a version-4 database") {
    test::TempDir dir;
    auto file = dir.path() / "looppost.db";
    {
        auto old = store::Db::open_at_version(file, 4);
        CHECK(old->schema_version() == 4);
        store::AccountRow a;
        a.name = "alice";
        a.open_id = "open-alice";
        old->account_insert(a);
        auto t = test::tables(file);
        CHECK(std::find(t.begin(), t.end(), "posts") == t.end());
    }
    auto db = store::Db::open(file);
    CHECK(db->schema_version() >= 5);
    auto t = test::tables(file);
    for (const char* want : {"media", "media_origins", "posts", "post_media", "slots"}) {
        CAPTURE(want);
        CHECK(std::find(t.begin(), t.end(), want) != t.end());
    }
    auto a = db->account_by_name("alice");
    REQUIRE(a);
    // The migrated database takes posts for the account it already had.
    store::NewPost p;
    p.account_id = a->id;
    p.kind = "video";
    p.mode = "inbox";
    p.due_at = 100;
    p.at_text = "now";
    p.key = "k";
    std::int64_t id = 0;
    db->transaction([&] { id = db->post_insert(p); });
    CHECK(db->post(id)->account == "alice");
    CHECK(db->quick_check() == "ok");
}

// --- media ------------------------------------------------------------------------------------

TEST_CASE("store: media_put returns the existing row for the same sha256") {
    Fresh f;
    auto a = f.add_media("aaaa");
    auto b = f.add_media("bbbb", "video");
    CHECK(a != b);
    CHECK(f.add_media("aaaa") == a);
}

TEST_CASE("store: a media origin records what an original became") {
    Fresh f;
    auto m = f.add_media("normalised");
    CHECK_FALSE(f.db->media_origin("original"));
    f.db->media_origin_put("original", m, "converted PNG to JPEG");
    auto o = f.db->media_origin("original");
    REQUIRE(o);
    CHECK(o->media.id == m);
    CHECK(o->media.sha256 == "normalised");
    CHECK(o->media.width == 1080);
    CHECK(o->changes == "converted PNG to JPEG");
    // Checking the same original again replaces the record.
    auto m2 = f.add_media("renormalised");
    f.db->media_origin_put("original", m2, "");
    o = f.db->media_origin("original");
    REQUIRE(o);
    CHECK(o->media.id == m2);
    CHECK(o->changes.empty());
}

// --- posts ------------------------------------------------------------------------------------

TEST_CASE("store: an inserted post reads back with its media in order and an event") {
    Fresh f;
    auto m1 = f.add_media("m1");
    auto m2 = f.add_media("m2");
    store::NewPost p;
    p.account_id = f.alice;
    p.kind = "photo";
    p.mode = "direct";
    p.caption = "caption";
    p.title = "title";
    p.privacy = "SELF_ONLY";
    p.options = R"({"cover_index":1})";
    p.due_at = 5000;
    p.at_text = "+2h";
    p.key = "key-1";
    p.media_ids = {m2, m1};
    std::int64_t id = 0;
    f.db->transaction([&] { id = f.db->post_insert(p); });

    auto r = f.db->post(id);
    REQUIRE(r);
    CHECK(r->account_id == f.alice);
    CHECK(r->account == "alice");
    CHECK(r->kind == "photo");
    CHECK(r->mode == "direct");
    CHECK(r->state == "queued");
    CHECK(r->caption == "caption");
    CHECK(r->title == "title");
    CHECK(r->privacy == "SELF_ONLY");
    CHECK(r->options == R"({"cover_index":1})");
    CHECK(r->due_at == 5000);
    CHECK(r->at_text == "+2h");
    CHECK(r->key == "key-1");
    CHECK(r->attempts == 0);
    CHECK_FALSE(r->publish_id);
    CHECK(r->post_ids == "[]");
    CHECK_FALSE(r->error_code);
    CHECK(r->created_at > 0);
    REQUIRE(r->media.size() == 2);
    CHECK(r->media[0].position == 0);
    CHECK(r->media[0].media.id == m2);
    CHECK(r->media[1].position == 1);
    CHECK(r->media[1].media.sha256 == "m1");
    CHECK_FALSE(r->media[0].hosted_url);

    CHECK(f.db->post_id_by_key(f.alice, "key-1") == id);
    CHECK_FALSE(f.db->post_id_by_key(f.alice, "key-2"));
    auto events = f.db->post_events(id);
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == "enqueued");
    CHECK(events[0].post_id == id);
    CHECK_FALSE(f.db->post(id + 100));
}

TEST_CASE("store: a second post of one account with the same key is refused") {
    Fresh f;
    f.add_post(f.alice, "same", 10);
    CHECK_THROWS(f.add_post(f.alice, "same", 20));
    // Keys are the user's per account: another account may use the same one.
    CHECK_NOTHROW(f.add_post(f.bob, "same", 30));
    CHECK(f.db->post_id_by_key(f.bob, "same") != f.db->post_id_by_key(f.alice, "same"));
    CHECK(f.db->posts({}).size() == 2);
}

TEST_CASE("store: posts are listed by due time, then id") {
    Fresh f;
    auto late = f.add_post(f.alice, "late", 300);
    auto early1 = f.add_post(f.bob, "early1", 100);
    auto early2 = f.add_post(f.alice, "early2", 100);
    auto mid = f.add_post(f.alice, "mid", 200);
    CHECK(f.ids({}) == std::vector<std::int64_t>{early1, early2, mid, late});
}

TEST_CASE("store: posts filter by state, account, due time and limit") {
    Fresh f;
    auto m = f.add_media("shared");
    auto a1 = f.add_post(f.alice, "a1", 100, {m});
    auto a2 = f.add_post(f.alice, "a2", 200);
    auto b1 = f.add_post(f.bob, "b1", 150, {m});
    auto a3 = f.add_post(f.alice, "a3", 300);
    f.db->post_set_state(a2, {"queued"}, "failed");
    f.db->post_set_state(a3, {"queued"}, "published");

    store::PostFilter by_state;
    by_state.states = {"queued"};
    CHECK(f.ids(by_state) == std::vector<std::int64_t>{a1, b1});
    by_state.states = {"failed", "published"};
    CHECK(f.ids(by_state) == std::vector<std::int64_t>{a2, a3});

    store::PostFilter by_account;
    by_account.account_id = f.bob;
    CHECK(f.ids(by_account) == std::vector<std::int64_t>{b1});

    store::PostFilter due;
    due.due_before = 200; // strictly before
    CHECK(f.ids(due) == std::vector<std::int64_t>{a1, b1});

    store::PostFilter limited;
    limited.limit = 2;
    CHECK(f.ids(limited) == std::vector<std::int64_t>{a1, b1});

    store::PostFilter all;
    all.states = {"queued", "failed"};
    all.account_id = f.alice;
    all.due_before = 250;
    CHECK(f.ids(all) == std::vector<std::int64_t>{a1, a2});

    // The listed posts carry their media.
    auto listed = f.db->posts({});
    REQUIRE(listed.size() == 4);
    CHECK(listed[0].media.size() == 1);
    CHECK(listed[0].media[0].media.sha256 == "shared");
    CHECK(listed[1].media.size() == 1);
    CHECK(listed[2].media.empty());
}

TEST_CASE("store: last_pending_due is the latest due time of unfinished posts") {
    Fresh f;
    CHECK_FALSE(f.db->last_pending_due(f.alice));
    auto a = f.add_post(f.alice, "a", 100);
    auto b = f.add_post(f.alice, "b", 500);
    f.add_post(f.bob, "c", 900);
    CHECK(f.db->last_pending_due(f.alice) == 500);
    f.db->post_set_state(b, {"queued"}, "published");
    CHECK(f.db->last_pending_due(f.alice) == 100);
    f.db->post_set_state(a, {"queued"}, "needs_attention");
    CHECK(f.db->last_pending_due(f.alice) == 100);
    f.db->post_set_state(a, {"needs_attention"}, "cancelled");
    CHECK_FALSE(f.db->last_pending_due(f.alice));
}

TEST_CASE("store: post_edit changes the given fields of a post in an allowed state") {
    Fresh f;
    auto id = f.add_post(f.alice, "k", 100);
    store::PostEdit e;
    e.caption = "new caption";
    e.title = std::optional<std::string>("new title");
    e.privacy = std::optional<std::string>("SELF_ONLY");
    e.due_at = 900;
    e.at_text = "+1d";
    CHECK(f.db->post_edit(id, e, {"queued"}));
    auto p = f.db->post(id);
    CHECK(p->caption == "new caption");
    CHECK(p->title == "new title");
    CHECK(p->privacy == "SELF_ONLY");
    CHECK(p->due_at == 900);
    CHECK(p->at_text == "+1d");
    CHECK(p->mode == "inbox"); // not given: unchanged
    CHECK(p->options == R"({"allow_comments":false})");

    // A title or privacy set to nullopt is removed.
    store::PostEdit clear;
    clear.title = std::optional<std::string>();
    clear.privacy = std::optional<std::string>();
    CHECK(f.db->post_edit(id, clear, {"queued"}));
    CHECK_FALSE(f.db->post(id)->title);
    CHECK_FALSE(f.db->post(id)->privacy);
}

TEST_CASE("store: post_edit refuses posts in other states and posts TikTok already has") {
    Fresh f;
    auto publishing = f.add_post(f.alice, "publishing", 100);
    auto with_id = f.add_post(f.alice, "with-id", 100);
    f.db->post_set_state(publishing, {"queued"}, "publishing");
    f.raw("UPDATE posts SET publish_id = 'v_inbox_file~v2.1', state = 'needs_attention' "
          "WHERE key = 'with-id'");

    store::PostEdit e;
    e.caption = "changed";
    const std::vector<std::string> editable = {"queued", "deferred", "needs_attention", "failed"};
    CHECK_FALSE(f.db->post_edit(publishing, e, editable));
    CHECK_FALSE(f.db->post_edit(with_id, e, editable));
    CHECK(f.db->post(publishing)->caption == "caption publishing");
    CHECK(f.db->post(with_id)->caption == "caption with-id");
    CHECK_FALSE(f.db->post_edit(9999, e, editable));
}

TEST_CASE("store: post_set_state moves only from the states given") {
    Fresh f;
    auto id = f.add_post(f.alice, "k", 100);
    CHECK_FALSE(f.db->post_set_state(id, {"failed", "needs_attention"}, "queued"));
    CHECK(f.db->post(id)->state == "queued");
    CHECK(f.db->post_set_state(id, {"queued", "deferred"}, "cancelled"));
    CHECK(f.db->post(id)->state == "cancelled");
    CHECK_FALSE(f.db->post_set_state(id, {"queued"}, "cancelled"));
    CHECK_FALSE(f.db->post_set_state(9999, {"queued"}, "cancelled"));
}

TEST_CASE("store: re-queueing a post clears its error, attempts and retry time") {
    Fresh f;
    auto id = f.add_post(f.alice, "k", 100);
    f.raw("UPDATE posts SET state = 'failed', attempts = 3, next_attempt_at = 777, "
          "error_code = 'spam_risk_too_many_posts', error_message = 'too many', "
          "error_log_id = 'log-1', publish_id = 'p_1' WHERE key = 'k'");

    // Other moves keep the error: it says why.
    CHECK(f.db->post_set_state(id, {"failed"}, "needs_attention"));
    auto p = f.db->post(id);
    CHECK(p->error_code == "spam_risk_too_many_posts");
    CHECK(p->attempts == 3);

    CHECK(f.db->post_set_state(id, {"needs_attention"}, "queued"));
    p = f.db->post(id);
    CHECK(p->state == "queued");
    CHECK(p->attempts == 0);
    CHECK_FALSE(p->next_attempt_at);
    CHECK_FALSE(p->error_code);
    CHECK_FALSE(p->error_message);
    CHECK_FALSE(p->error_log_id);
    // The publish_id stays: publish-due asks TikTok about it before anything else.
    CHECK(p->publish_id == "p_1");
}

// --- media that may be released ---------------------------------------------------------------

TEST_CASE("store: media are releasable once no post may still need them") {
    Fresh f;
    auto lone = f.add_media("lone");
    auto shared = f.add_media("shared");
    auto failed = f.add_media("failed");
    auto orphan = f.add_media("orphan");
    (void)orphan;
    auto a = f.add_post(f.alice, "a", 100, {lone, shared});
    auto b = f.add_post(f.alice, "b", 100, {shared});
    auto c = f.add_post(f.bob, "c", 100, {failed});
    f.db->post_set_state(c, {"queued"}, "failed");

    auto releasable = [&] {
        std::vector<std::string> out;
        for (const auto& m : f.db->media_releasable())
            out.push_back(m.sha256);
        std::sort(out.begin(), out.end());
        return out;
    };
    CHECK(releasable() == std::vector<std::string>{"orphan"});

    f.db->post_set_state(a, {"queued"}, "cancelled");
    CHECK(releasable() == std::vector<std::string>{"lone", "orphan"});

    f.db->post_set_state(b, {"queued"}, "in_inbox");
    CHECK(releasable() == std::vector<std::string>{"lone", "orphan", "shared"});

    for (const char* state : {"publishing", "deferred", "needs_attention", "queued"}) {
        CAPTURE(state);
        f.raw(std::string("UPDATE posts SET state = '") + state + "' WHERE key = 'b'");
        CHECK(releasable() == std::vector<std::string>{"lone", "orphan"});
    }
    f.raw("UPDATE posts SET state = 'published' WHERE key = 'b'");
    CHECK(releasable() == std::vector<std::string>{"lone", "orphan", "shared"});

    // Failed posts keep theirs until purged (DESIGN §4).
    auto now_releasable = releasable();
    CHECK(std::find(now_releasable.begin(), now_releasable.end(), "failed") ==
          now_releasable.end());
}

// --- slots ------------------------------------------------------------------------------------

TEST_CASE("store: adding the same slot twice keeps one row") {
    Fresh f;
    auto id = f.db->slot_add(f.alice, 0b0010101, 18 * 60);
    CHECK(f.db->slot_add(f.alice, 0b0010101, 18 * 60) == id);
    CHECK(f.db->slots(f.alice).size() == 1);
    // Other days, another minute or another account make another slot.
    CHECK(f.db->slot_add(f.alice, 0b0000001, 18 * 60) != id);
    CHECK(f.db->slot_add(f.alice, 0b0010101, 9 * 60) != id);
    CHECK(f.db->slot_add(f.bob, 0b0010101, 18 * 60) != id);
    CHECK(f.db->slots(f.alice).size() == 3);
}

TEST_CASE("store: slots are listed per account or all, by account name then time") {
    Fresh f;
    auto b1 = f.db->slot_add(f.bob, 0x7f, 600);
    auto a2 = f.db->slot_add(f.alice, 0x1f, 1080);
    auto a1 = f.db->slot_add(f.alice, 0x60, 540);

    auto all = f.db->slots(std::nullopt);
    REQUIRE(all.size() == 3);
    CHECK(all[0].id == a1);
    CHECK(all[0].account == "alice");
    CHECK(all[0].account_id == f.alice);
    CHECK(all[0].days == 0x60);
    CHECK(all[0].minute == 540);
    CHECK(all[1].id == a2);
    CHECK(all[2].id == b1);
    CHECK(all[2].account == "bob");

    auto bob = f.db->slots(f.bob);
    REQUIRE(bob.size() == 1);
    CHECK(bob[0].id == b1);
}

TEST_CASE("store: a slot can be removed once") {
    Fresh f;
    auto id = f.db->slot_add(f.alice, 0x7f, 720);
    CHECK(f.db->slot_remove(id));
    CHECK_FALSE(f.db->slot_remove(id));
    CHECK(f.db->slots(std::nullopt).empty());
}

TEST_CASE("store: slots outside a week's days or a day's minutes are refused") {
    Fresh f;
    CHECK_THROWS(f.db->slot_add(f.alice, 0, 600));
    CHECK_THROWS(f.db->slot_add(f.alice, 128, 600));
    CHECK_THROWS(f.db->slot_add(f.alice, 1, 1440));
    CHECK_THROWS(f.db->slot_add(f.alice, 1, -1));
    CHECK(f.db->slots(std::nullopt).empty());
}
