// Db: the SQL of purge (DESIGN §6): which rows a scope covers, counted and deleted by the same
// conditions, and the compaction that makes deleted rows gone from the file and its WAL.

#include "columns.hpp"

#include <fmt/format.h>
#include <looppost/store/db.hpp>
#include <SQLiteCpp/SQLiteCpp.h>

namespace looppost::store {
namespace {

using detail::bind_opt;
using detail::k_media_columns;
using detail::opt_text;
using detail::read_media;
using Kind = PurgeScope::Kind;

/// The posts of a scope, as a condition on `posts` (parameters ?1 account, ?2 cutoff).
const char* posts_in(Kind k) {
    switch (k) {
    case Kind::account:
        return "account_id = ?1";
    case Kind::older_than:
        // Finished work only: queued, deferred, publishing and needs_attention posts stay.
        return "state IN ('published', 'in_inbox', 'failed', 'cancelled') AND "
               "coalesce(finished_at, updated_at) < ?2";
    case Kind::hosted_media:
        return "0";
    case Kind::everything:
        return "1";
    }
    return "0";
}

/// One kind of row: its table and the condition per scope ("0": not in that scope). Listed in
/// the order they are deleted, so a condition may still read the rows it depends on.
struct Table {
    const char* kind;
    const char* table;
    std::string account;
    std::string older_than;
    std::string everything = "1";
};

const std::vector<Table>& tables() {
    static const std::vector<Table> all = {
        {"tokens", "accounts", "id = ?1 AND refresh_token IS NOT NULL", "0",
         "refresh_token IS NOT NULL"},
        // The events of the posts that go, and old ones of no post that stays.
        {"events", "events",
         "account_id = ?1 OR post_id IN (SELECT id FROM posts WHERE account_id = ?1)",
         fmt::format("post_id IN (SELECT id FROM posts WHERE {}) OR (at < ?2 AND (post_id IS "
                     "NULL OR post_id NOT IN (SELECT id FROM posts)))",
                     posts_in(Kind::older_than))},
        {"snapshots", "snapshots", "video_id IN (SELECT id FROM videos WHERE account_id = ?1)",
         "day < ?3"},
        {"videos", "videos", "account_id = ?1",
         "last_seen < ?2 AND NOT EXISTS (SELECT 1 FROM snapshots s WHERE s.video_id = videos.id "
         "AND s.day >= ?3)"},
        {"account_snapshots", "account_snapshots", "account_id = ?1", "day < ?3"},
        {"posts", "posts", posts_in(Kind::account), posts_in(Kind::older_than)},
        {"slots", "slots", "account_id = ?1", "0"},
        {"quota_records", "quota_calls", "account_id = ?1", "at < ?2"},
        {"quota_records", "quota_holds", "account_id = ?1", "until < ?2"},
        {"accounts", "accounts", "id = ?1", "0"},
        {"settings", "settings", "0", "0"},
        {"app", "app", "0", "0"},
    };
    return all;
}

const std::string& condition(const Table& t, Kind k) {
    static const std::string none = "0";
    switch (k) {
    case Kind::account:
        return t.account;
    case Kind::older_than:
        return t.older_than;
    case Kind::hosted_media:
        return none;
    case Kind::everything:
        return t.everything;
    }
    return none;
}

void bind_scope(SQLite::Statement& q, const PurgeScope& s) {
    // Every statement names its parameters by number; unused ones are fine to bind.
    int n = q.getBindParameterCount();
    if (n >= 1)
        q.bind(1, s.account_id);
    if (n >= 2)
        q.bind(2, s.cutoff);
    if (n >= 3)
        q.bind(3, s.cutoff_day);
}

/// purge_counts(), and with `remove` purge_rows(): each table's rows in scope, counted first.
std::vector<PurgeCount> each_table(SQLite::Database& db, const PurgeScope& s, bool remove) {
    std::vector<PurgeCount> out;
    auto add = [&](const char* kind, std::int64_t n) {
        for (auto& c : out) {
            if (c.kind == kind) {
                c.count += n;
                return;
            }
        }
        out.push_back({kind, n});
    };
    for (const auto& t : tables()) {
        const std::string& cond = condition(t, s.kind);
        if (cond == "0")
            continue;
        // "tokens" are counted only: they go with their account's row.
        bool count_only = !remove || std::string_view(t.kind) == "tokens";
        SQLite::Statement q(db, count_only
                                    ? fmt::format("SELECT count(*) FROM {} WHERE {}", t.table, cond)
                                    : fmt::format("DELETE FROM {} WHERE {}", t.table, cond));
        bind_scope(q, s);
        std::int64_t n = 0;
        if (count_only) {
            q.executeStep();
            n = q.getColumn(0).getInt64();
        } else {
            n = q.exec(); // the rows of this table itself (cascades are counted by their own)
        }
        add(t.kind, n);
    }
    return out;
}

/// A condition on `media m`: only posts in scope use it (for everything: every medium).
std::string media_only_in_condition(Kind k) {
    if (k == Kind::everything)
        return "1";
    const char* in = posts_in(k);
    return fmt::format("EXISTS (SELECT 1 FROM post_media pm JOIN posts ON posts.id = pm.post_id "
                       "WHERE pm.media_id = m.id AND ({0})) AND NOT EXISTS (SELECT 1 FROM "
                       "post_media pm JOIN posts ON posts.id = pm.post_id WHERE pm.media_id = "
                       "m.id AND NOT ({0}))",
                       in);
}

} // namespace

std::vector<PurgeCount> Db::purge_counts(const PurgeScope& scope) const {
    auto out = each_table(*m_db, scope, false);
    if (scope.kind != Kind::hosted_media) {
        SQLite::Statement q(*m_db, fmt::format("SELECT count(*) FROM media m WHERE {}",
                                               media_only_in_condition(scope.kind)));
        bind_scope(q, scope);
        q.executeStep();
        out.push_back({"media_records", q.getColumn(0).getInt64()});
    }
    return out;
}

std::vector<PurgeCount> Db::purge_rows(const PurgeScope& scope) {
    auto out = each_table(*m_db, scope, true);
    if (scope.kind != Kind::hosted_media) {
        // Their posts are gone: media no post uses go too (media_origins follow by cascade).
        std::int64_t n = media_forget_unused();
        out.push_back({"media_records", n});
    }
    return out;
}

std::vector<MediaRow> Db::media_only_in(const PurgeScope& scope) const {
    std::vector<MediaRow> out;
    if (scope.kind == Kind::hosted_media)
        return out;
    SQLite::Statement q(*m_db, fmt::format("SELECT {} FROM media m WHERE {}", k_media_columns,
                                           media_only_in_condition(scope.kind)));
    bind_scope(q, scope);
    while (q.executeStep())
        out.push_back(read_media(q, 0));
    return out;
}

std::int64_t Db::media_forget_unused() {
    SQLite::Statement q(*m_db,
                        "DELETE FROM media WHERE id NOT IN (SELECT media_id FROM post_media)");
    return q.exec();
}

std::vector<HostedCopy> Db::hosted_copies(const PurgeScope& scope) const {
    std::string cond = scope.kind == Kind::hosted_media ? std::string("state != 'publishing'")
                                                        : posts_in(scope.kind);
    SQLite::Statement q(*m_db, fmt::format("SELECT pm.post_id, pm.position, pm.hosted_key, "
                                           "pm.hosted_url FROM post_media pm JOIN posts ON "
                                           "posts.id = pm.post_id WHERE pm.hosted_key IS NOT "
                                           "NULL AND ifnull(pm.hosted_state, '') != 'deleted' "
                                           "AND ({}) ORDER BY pm.post_id, pm.position",
                                           cond));
    bind_scope(q, scope);
    std::vector<HostedCopy> out;
    while (q.executeStep()) {
        HostedCopy c;
        c.post_id = q.getColumn(0).getInt64();
        c.position = q.getColumn(1).getInt();
        c.key = q.getColumn(2).getString();
        c.url = opt_text(q.getColumn(3));
        out.push_back(std::move(c));
    }
    return out;
}

void Db::hosted_leftover_add(const HostedLeftover& l) {
    SQLite::Statement q(*m_db, "INSERT INTO hosted_leftovers (key, url, since, reason) VALUES "
                               "(?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET reason = "
                               "excluded.reason");
    q.bind(1, l.key);
    bind_opt(q, 2, l.url);
    q.bind(3, l.since);
    q.bind(4, l.reason);
    q.exec();
}

bool Db::hosted_leftover_remove(std::string_view key) {
    SQLite::Statement q(*m_db, "DELETE FROM hosted_leftovers WHERE key = ?");
    q.bind(1, std::string(key));
    return q.exec() == 1;
}

std::vector<HostedLeftover> Db::hosted_leftovers() const {
    SQLite::Statement q(*m_db, "SELECT key, url, since, reason FROM hosted_leftovers ORDER BY "
                               "since, key");
    std::vector<HostedLeftover> out;
    while (q.executeStep()) {
        out.push_back({q.getColumn(0).getString(), opt_text(q.getColumn(1)),
                       q.getColumn(2).getInt64(), q.getColumn(3).getString()});
    }
    return out;
}

std::vector<std::int64_t> Db::accounts_revoked() const {
    SQLite::Statement q(*m_db, "SELECT a.id FROM accounts a WHERE a.state = 'reauth_required' AND "
                               "(SELECT kind FROM events e WHERE e.account_id = a.id AND e.kind "
                               "LIKE 'auth.%' ORDER BY e.id DESC LIMIT 1) = 'auth.revoked' "
                               "ORDER BY a.id");
    std::vector<std::int64_t> out;
    while (q.executeStep())
        out.push_back(q.getColumn(0).getInt64());
    return out;
}

bool Db::compact() {
    // VACUUM refuses to run while a statement of this connection is still stepping.
    for (auto& [sql, statement] : m_cache)
        statement->tryReset();
    auto checkpoint = [&] {
        SQLite::Statement q(*m_db, "PRAGMA wal_checkpoint(TRUNCATE)");
        q.executeStep();
        return q.getColumn(0).getInt() == 0; // busy = 0: the WAL was emptied and truncated
    };
    // The deleted rows' old pages in the WAL go into the file first, where secure_delete has
    // zeroed them; VACUUM rewrites the file without free pages; the last checkpoint truncates
    // the WAL that VACUUM wrote.
    checkpoint();
    m_db->exec("VACUUM");
    return checkpoint();
}

} // namespace looppost::store
