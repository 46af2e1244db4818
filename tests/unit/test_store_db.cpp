#include "store_support.hpp"
#include "unit_support.hpp"

#include <doctest/doctest.h>
#include <looppost/core/errors.hpp>
#include <looppost/store/db.hpp>
#include <looppost/store/migrations.hpp>
#include <looppost/util/fs.hpp>
#include <SQLiteCpp/SQLiteCpp.h>

using namespace looppost;
namespace fs = std::filesystem;

TEST_CASE("a new database is migrated from empty to the latest schema") {
    test::TempDir dir;
    auto db = store::Db::open(dir.path() / "looppost.db");
    CHECK(db->schema_version() == store::Db::latest_version());
    CHECK(store::Db::latest_version() == static_cast<int>(store::migrations().size()));
    auto t = test::tables(dir.path() / "looppost.db");
    for (const char* want : {"meta", "settings", "app", "accounts", "events"}) {
        CHECK(std::find(t.begin(), t.end(), want) != t.end());
    }
}

TEST_CASE("migrations are numbered in order from one") {
    int expected = 1;
    for (const auto& m : store::migrations()) {
        CHECK(m.version == expected++);
        CHECK_FALSE(m.description.empty());
    }
}

TEST_CASE("a database at each older version migrates to the latest and keeps its data") {
    for (int from = 1; from < store::Db::latest_version(); ++from) {
        CAPTURE(from);
        test::TempDir dir;
        auto file = dir.path() / "looppost.db";
        {
            auto old = store::Db::open_at_version(file, from);
            CHECK(old->schema_version() == from);
            old->setting_set("api_base", "https://example.test");
            old->meta_put("marker", {1, 2, 3});
        }
        auto db = store::Db::open(file);
        CHECK(db->schema_version() == store::Db::latest_version());
        CHECK(db->setting_get("api_base") == "https://example.test");
        CHECK(db->meta_get("marker") == store::Blob{1, 2, 3});
    }
}

TEST_CASE("a database from a newer looppost is refused and left untouched") {
    test::TempDir dir;
    auto file = dir.path() / "looppost.db";
    store::Db::open(file).reset();
    {
        SQLite::Database raw(file.string(), SQLite::OPEN_READWRITE);
        raw.exec("PRAGMA user_version = 99");
    }
    auto before = test::snapshot(dir.path());
    try {
        store::Db::open(file);
        FAIL("a newer schema was accepted");
    } catch (const Error& e) {
        CHECK(e.exit() == Exit::config_missing);
        CHECK(std::string(e.what()).find("newer looppost") != std::string::npos);
    }
    CHECK(test::snapshot(dir.path()) == before);
}

TEST_CASE("opening a second connection keeps this process's locks: another process cannot "
          "delete the WAL it writes to") {
    // fcntl locks belong to the process: closing any descriptor of the file drops them all. Had
    // opening a connection read the file through a descriptor of its own, the `sqlite3` below
    // would find the file unlocked, take it as its last user, checkpoint and delete the WAL, and
    // the first connection's next commit would go to a deleted file (and be lost).
    test::TempDir dir;
    auto file = dir.path() / "looppost.db";
    auto first = store::Db::open(file);
    first->setting_set("jobs", "3"); // first holds the WAL open
    auto second = store::Db::open(file);
    const std::string quoted = "'" + file.string() + "'";
    REQUIRE(std::system(
                ("sqlite3 " + quoted + " 'SELECT count(*) FROM settings' >/dev/null").c_str()) ==
            0);
    CHECK(fs::exists(file.string() + "-wal")); // still in use: nobody deleted it
    first->setting_set("poll_seconds", "30");
    second.reset();
    const std::string out = (dir.path() / "seen").string();
    REQUIRE(std::system(("sqlite3 " + quoted +
                         " \"SELECT value FROM settings WHERE name = "
                         "'poll_seconds'\" > '" +
                         out + "'")
                            .c_str()) == 0);
    CHECK(test::slurp(out) == "30\n");
}

TEST_CASE("the database file is created with mode 0600") {
    test::TempDir dir;
    auto file = dir.path() / "looppost.db";
    auto db = store::Db::open(file);
    CHECK(util::file_mode(file) == mode_t{0600});
}

TEST_CASE("every connection has WAL, foreign keys, secure_delete and a busy timeout") {
    test::TempDir dir;
    auto file = dir.path() / "looppost.db";
    auto db = store::Db::open(file);
    SQLite::Database raw(file.string(), SQLite::OPEN_READONLY);
    CHECK(raw.execAndGet("PRAGMA journal_mode").getString() == "wal");
    // foreign_keys and secure_delete are per connection: check through the Db's own behaviour.
    db->transaction([&] { db->event_add("test", "detail"); });
    CHECK_THROWS(db->transaction([&] {
        db->event_add("test", "dangling account", int64_t{12345}); // no such account
    }));
    CHECK(db->events(10).size() == 1);
}

TEST_CASE("settings are stored, listed and removed") {
    test::TempDir dir;
    auto db = store::Db::open(dir.path() / "looppost.db");
    CHECK_FALSE(db->setting_get("http_timeout"));
    db->setting_set("http_timeout", "30");
    db->setting_set("http_timeout", "45");
    CHECK(db->setting_get("http_timeout") == "45");
    CHECK(db->settings_all().size() == 1);
    CHECK(db->setting_unset("http_timeout"));
    CHECK_FALSE(db->setting_unset("http_timeout"));
    CHECK_FALSE(db->setting_get("http_timeout"));
}

TEST_CASE("the app row round-trips with its scopes") {
    test::TempDir dir;
    auto db = store::Db::open(dir.path() / "looppost.db");
    CHECK_FALSE(db->app_get());
    store::AppRow a;
    a.client_key = "key";
    a.client_secret_sealed = {9, 8, 7};
    a.scopes = {"user.info.basic", "video.upload"};
    db->app_put(a);
    auto b = db->app_get();
    REQUIRE(b);
    CHECK(b->client_key == "key");
    CHECK(b->client_secret_sealed == store::Blob{9, 8, 7});
    CHECK(b->scopes == a.scopes);
}

TEST_CASE("a failed transaction leaves nothing behind") {
    test::TempDir dir;
    auto db = store::Db::open(dir.path() / "looppost.db");
    CHECK_THROWS_AS(db->transaction([&] {
        db->setting_set("http_timeout", "10");
        throw std::runtime_error("boom");
    }),
                    std::runtime_error);
    CHECK_FALSE(db->setting_get("http_timeout"));
}

TEST_CASE("a deleted value is gone from the database file (secure_delete)") {
    test::TempDir dir;
    auto file = dir.path() / "looppost.db";
    const std::string marker = "caption-marker-7f3a9c-should-vanish";
    store::Db::open(file)->setting_set("log_file", marker);
    CHECK(test::slurp(file).find(marker) != std::string::npos); // checkpointed on close
    store::Db::open(file)->setting_unset("log_file");
    CHECK(test::slurp(file).find(marker) == std::string::npos);
}

TEST_CASE("migration 4 moves a paused state into the paused column") {
    test::TempDir dir;
    auto file = dir.path() / "looppost.db";
    {
        auto old = store::Db::open_at_version(file, 3);
        store::AccountRow a;
        a.name = "alice";
        a.open_id = "oid-1";
        auto id = old->account_insert(a);
        old->account_set_state(id, "paused");
    }
    auto db = store::Db::open(file);
    auto a = db->account_by_name("alice");
    REQUIRE(a);
    CHECK(a->paused);
    CHECK(a->state == "active");
}
