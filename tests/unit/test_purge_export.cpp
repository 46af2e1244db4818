// purge::collect and purge::MediaCopy over a real database and media store in a temp dir: what an
// export reads (and the sealed values it drops), --account, and the all-or-nothing media copy.

#include "store_support.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <looppost/core/errors.hpp>
#include <looppost/purge/export.hpp>
#include <looppost/util/digest.hpp>

namespace fs = std::filesystem;
using looppost::media::LocalStore;
using looppost::purge::MediaCopy;

namespace {

/// A file in the media store whose content is `text`; returns its media id.
std::int64_t stored_photo(test::Fresh& f, const LocalStore& local, const std::string& text) {
    auto sha = looppost::util::sha256_hex(text);
    auto path = local.path_of(sha, "image/jpeg");
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
    looppost::store::MediaRow m;
    m.sha256 = sha;
    m.kind = "photo";
    m.bytes = static_cast<std::int64_t>(text.size());
    m.mime = "image/jpeg";
    return f.db->media_put(m);
}

} // namespace

TEST_CASE("collect reads every account's posts, media and events, and drops the sealed tokens") {
    test::Fresh f;
    LocalStore local(f.dir.path() / "media");
    looppost::store::SealedTokens t;
    t.access_token = {1, 2, 3};
    t.refresh_token = {4, 5, 6};
    t.access_expires_at = 100;
    t.refresh_expires_at = 200;
    f.db->account_set_tokens(f.alice, t);
    auto photo = stored_photo(f, local, "jpeg bytes");
    auto a1 = f.add_post(f.alice, "a1", 10, {photo});
    auto b1 = f.add_post(f.bob, "b1", 20, {f.add_media(std::string(64, 'b'))});
    f.db->event_add("auth.login", "alice logged in", f.alice);
    f.db->event_add("auth.login", "bob logged in", f.bob);
    f.db->event_add("app.set", "client key k");
    f.db->setting_set("jobs", "2");

    auto e = looppost::purge::collect(*f.db, local, std::nullopt);
    REQUIRE(e.accounts.size() == 2);
    CHECK(e.accounts[0].account.name == "alice");
    CHECK(e.accounts[0].logged_in);
    CHECK(e.accounts[0].account.access_token.empty());
    CHECK(e.accounts[0].account.refresh_token.empty());
    CHECK(e.accounts[0].account.refresh_expires_at == 200);
    CHECK_FALSE(e.accounts[1].logged_in);
    REQUIRE(e.posts.size() == 2);
    CHECK(e.posts[0].post.id == a1);
    CHECK(e.posts[0].events.size() == 1); // enqueued
    CHECK(e.posts[1].post.id == b1);
    REQUIRE(e.media.size() == 2);
    CHECK(e.media[0].present); // the photo is in the store, whole
    CHECK_FALSE(e.media[1].present);
    CHECK(e.events.size() == 3); // the post events stay with their posts
    CHECK(e.settings.at("jobs") == "2");
    CHECK_FALSE(e.app);
    CHECK_FALSE(e.media_host);

    auto only_bob = looppost::purge::collect(*f.db, local, f.bob);
    REQUIRE(only_bob.accounts.size() == 1);
    CHECK(only_bob.accounts[0].account.name == "bob");
    REQUIRE(only_bob.posts.size() == 1);
    CHECK(only_bob.posts[0].post.id == b1);
    REQUIRE(only_bob.media.size() == 1);
    CHECK(only_bob.media[0].media.sha256 == std::string(64, 'b'));
    REQUIRE(only_bob.events.size() == 1);
    CHECK(only_bob.events[0].detail == "bob logged in");
    CHECK(only_bob.account_names.at(f.alice) == "alice"); // names for the events, still known
}

TEST_CASE("MediaCopy copies by content name, and removes its copies unless the export was kept") {
    test::Fresh f;
    LocalStore local(f.dir.path() / "media");
    auto photo = stored_photo(f, local, "jpeg bytes");
    f.add_post(f.alice, "a1", 10, {photo});
    const fs::path dir = f.dir.path() / "out";
    auto sha = looppost::util::sha256_hex("jpeg bytes");
    {
        auto e = looppost::purge::collect(*f.db, local, std::nullopt);
        MediaCopy copy(dir);
        copy.copy(e, local);
        REQUIRE(e.media[0].file);
        CHECK(*e.media[0].file == sha + ".jpg");
        CHECK(test::slurp(dir / (sha + ".jpg")) == "jpeg bytes");
    } // not kept: as if writing the document had failed
    CHECK_FALSE(fs::exists(dir));
    {
        auto e = looppost::purge::collect(*f.db, local, std::nullopt);
        MediaCopy copy(dir);
        copy.copy(e, local);
        copy.keep();
    }
    CHECK(fs::exists(dir / (sha + ".jpg")));
    CHECK((fs::status(dir).permissions() & fs::perms::all) == fs::perms::owner_all);
    // Now the folder is not empty: refused before anything is done.
    CHECK_THROWS_AS(MediaCopy{dir}, looppost::UsageError);
    CHECK_THROWS_AS(MediaCopy{dir / (sha + ".jpg")}, looppost::UsageError); // not a folder
    CHECK_THROWS_AS(MediaCopy{f.dir.path() / "no" / "such"}, looppost::UsageError);
}

TEST_CASE("MediaCopy leaves out a local copy rewritten since it was stored") {
    test::Fresh f;
    LocalStore local(f.dir.path() / "media");
    auto photo = stored_photo(f, local, "jpeg bytes");
    f.add_post(f.alice, "a1", 10, {photo});
    auto sha = looppost::util::sha256_hex("jpeg bytes");
    std::ofstream(local.path_of(sha, "image/jpeg"), std::ios::binary) << "JPEG BYTES"; // same size
    auto e = looppost::purge::collect(*f.db, local, std::nullopt);
    REQUIRE(e.media[0].present); // the size still matches
    const fs::path dir = f.dir.path() / "out";
    MediaCopy copy(dir);
    copy.copy(e, local);
    copy.keep();
    CHECK_FALSE(e.media[0].present);
    CHECK_FALSE(e.media[0].file);
    CHECK(fs::is_empty(dir));
}
