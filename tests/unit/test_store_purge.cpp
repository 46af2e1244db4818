// The SQL of purge: what each scope covers, counted and deleted alike, and compaction.

#include "store_support.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <looppost/store/db.hpp>

using namespace looppost;
using Kind = store::PurgeScope::Kind;

namespace {

std::int64_t count_of(const std::vector<store::PurgeCount>& counts, const std::string& kind) {
    for (const auto& c : counts) {
        if (c.kind == kind)
            return c.count;
    }
    return -1;
}

std::int64_t rows(test::Fresh& f, const std::string& sql) {
    SQLite::Database conn(f.db->file().string(), SQLite::OPEN_READONLY);
    return conn.execAndGet(sql).getInt64();
}

} // namespace

TEST_CASE("purging an account takes its posts, events and media only it used; shared media stay") {
    test::Fresh f;
    auto own = f.add_media(std::string(64, 'a'));
    auto shared = f.add_media(std::string(64, 'b'));
    f.add_post(f.alice, "a1", 100, {own, shared});
    f.add_post(f.alice, "a2", 200, {own});
    f.add_post(f.bob, "b1", 300, {shared});
    f.db->event_add("auth.login", "scopes", f.alice);
    f.db->event_add("auth.login", "scopes", f.bob);
    store::PurgeScope scope{.kind = Kind::account, .account_id = f.alice};

    auto only = f.db->media_only_in(scope);
    REQUIRE(only.size() == 1);
    CHECK(only[0].id == own);
    auto planned = f.db->purge_counts(scope);
    CHECK(count_of(planned, "posts") == 2);
    CHECK(count_of(planned, "accounts") == 1);
    CHECK(count_of(planned, "media_records") == 1);
    CHECK(rows(f, "SELECT count(*) FROM posts") == 3); // counting changes nothing

    std::vector<store::PurgeCount> done;
    f.db->transaction([&] { done = f.db->purge_rows(scope); });
    CHECK(count_of(done, "posts") == 2);
    CHECK(count_of(done, "media_records") == 1);
    CHECK(rows(f, "SELECT count(*) FROM posts") == 1);
    CHECK(rows(f, "SELECT count(*) FROM accounts") == 1);
    CHECK(rows(f, "SELECT count(*) FROM media") == 1);
    CHECK(rows(f, fmt::format("SELECT count(*) FROM events WHERE account_id = {}", f.alice)) == 0);
    CHECK(rows(f, fmt::format("SELECT count(*) FROM events WHERE account_id = {}", f.bob)) > 0);
    CHECK(rows(f, "SELECT count(*) FROM post_media") == 1);
}

TEST_CASE("purging by age takes finished posts only, never queued work") {
    test::Fresh f;
    auto done_post = f.add_post(f.alice, "done", 100);
    auto queued = f.add_post(f.alice, "queued", 100);
    auto failed = f.add_post(f.bob, "failed", 100);
    f.raw(fmt::format("UPDATE posts SET state = 'published', finished_at = 1000 WHERE id = {}",
                      done_post));
    f.raw(
        fmt::format("UPDATE posts SET state = 'failed', finished_at = 5000 WHERE id = {}", failed));
    store::PurgeScope scope{.kind = Kind::older_than, .cutoff = 2000, .cutoff_day = "1970-01-01"};
    std::vector<store::PurgeCount> done;
    f.db->transaction([&] { done = f.db->purge_rows(scope); });
    CHECK(count_of(done, "posts") == 1);
    CHECK(f.db->post(done_post) == std::nullopt);
    CHECK(f.db->post(queued).has_value());
    CHECK(f.db->post(failed).has_value()); // finished after the cutoff
}

TEST_CASE("only an account whose latest auth event is a revocation counts as revoked") {
    test::Fresh f;
    f.db->account_set_state(f.alice, "reauth_required");
    f.db->account_set_state(f.bob, "reauth_required");
    f.db->event_add("auth.revoked", "invalid_grant", f.alice);
    f.db->event_add("auth.expired", "the refresh token expired", f.bob);
    CHECK(f.db->accounts_revoked() == std::vector<std::int64_t>{f.alice});
    f.db->event_add("auth.login", "scopes", f.alice);
    CHECK(f.db->accounts_revoked().empty());
}

TEST_CASE("compaction leaves no trace of deleted rows in the file and empties the WAL") {
    test::Fresh f;
    const std::string caption = "caption unmistakable-purged-words";
    auto id = f.add_post(f.alice, "unmistakable-purged-words", 100);
    CHECK(f.db->post(id)->caption == caption);
    f.db->transaction([&] { f.db->purge_rows({.kind = Kind::account, .account_id = f.alice}); });
    CHECK(f.db->compact());
    const auto file = f.db->file();
    std::string bytes = test::slurp(file) + test::slurp(file.string() + "-wal");
    CHECK(bytes.find("unmistakable-purged-words") == std::string::npos);
    CHECK(bytes.find("open-alice") == std::string::npos);
    CHECK(bytes.find("open-bob") != std::string::npos);
    CHECK(std::filesystem::file_size(file.string() + "-wal") == 0);
}
