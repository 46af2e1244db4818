#include "columns.hpp"

#include <cerrno>
#include <ctime>
#include <fcntl.h>
#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/store/db.hpp>
#include <looppost/store/migrations.hpp>
#include <looppost/util/fs.hpp>
#include <looppost/util/strings.hpp>
#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>
#include <unistd.h>

namespace looppost::store {

namespace fs = std::filesystem;

namespace {

using detail::unix_now;

/// The busy handler: true (try again) until about 10 s have been spent waiting.
int wait_for_lock(void*, int tries) {
    constexpr long k_budget_us = 10'000'000;
    long step = std::min(200L * (1L + tries / 10), 2000L); // 0.2 ms, slowly up to 2 ms
    static thread_local long waited = 0;
    if (tries == 0)
        waited = 0;
    if (waited >= k_budget_us)
        return 0;
    ::usleep(static_cast<useconds_t>(step));
    waited += step;
    return 1;
}

Error newer_schema(const fs::path& file, int found) {
    return Error(Exit::config_missing,
                 fmt::format("database \"{}\" was written by a newer looppost (schema {}, this one "
                             "knows {}); upgrade looppost",
                             file.string(), found, Db::latest_version()));
}

void create_private_file(const fs::path& file) {
    fs::path dir = file.parent_path();
    if (::access(dir.c_str(), W_OK | X_OK) != 0) {
        throw Error(Exit::config_missing, fmt::format("cannot write in \"{}\": {}", dir.string(),
                                                      util::errno_message(errno)));
    }
    util::Fd fd(::open(file.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600));
    if (!fd && errno != EEXIST) {
        throw Error(Exit::config_missing, fmt::format("cannot create \"{}\": {}", file.string(),
                                                      util::errno_message(errno)));
    }
}

} // namespace

Db::Db(fs::path file, std::unique_ptr<SQLite::Database> db)
    : m_file(std::move(file)), m_db(std::move(db)) {}

Db::~Db() {
    m_cache.clear(); // statements before their connection
}

SQLite::Statement& Db::cached(const char* sql) const {
    auto& slot = m_cache[sql];
    if (!slot) {
        slot = std::make_unique<SQLite::Statement>(*m_db, sql);
    } else {
        // tryReset: reset() would throw the last run's error again (a constraint that failed).
        slot->tryReset();
        slot->clearBindings();
    }
    return *slot;
}

int Db::latest_version() {
    return static_cast<int>(migrations().size());
}

std::unique_ptr<Db> Db::open(const fs::path& file) {
    return open_at_version(file, latest_version());
}

std::unique_ptr<Db> Db::open_at_version(const fs::path& file, int version) {
    if (::access(file.c_str(), F_OK) != 0) {
        create_private_file(file);
    } else if (::access(file.c_str(), R_OK | W_OK) != 0) {
        throw Error(Exit::config_missing, fmt::format("cannot write \"{}\": {}", file.string(),
                                                      util::errno_message(errno)));
    }
    std::unique_ptr<SQLite::Database> sql;
    try {
        sql = std::make_unique<SQLite::Database>(file.string(), SQLite::OPEN_READWRITE);
        // Waiting for another writer: SQLite's own busy timeout sleeps up to 100 ms at a time,
        // long against commits of a millisecond when many workers share the file; this one
        // polls every 0.2–2 ms, for the same 10 s at most.
        sqlite3_busy_handler(sql->getHandle(), &wait_for_lock, nullptr);
        // Asked through SQLite, never by reading the file: closing any other descriptor of the
        // database file drops every POSIX lock this process holds on it (fcntl semantics), and
        // another process may then delete the WAL that this process's connections write to.
        // A newer schema is refused before anything is written, the journal mode included.
        if (int v = sql->execAndGet("PRAGMA user_version").getInt(); v > latest_version())
            throw newer_schema(file, v);
        // Durable commits: a publish_id stored is a publish_id kept (DESIGN §5, I1).
        sql->exec("PRAGMA journal_mode = WAL");
        sql->exec("PRAGMA synchronous = FULL");
        sql->exec("PRAGMA foreign_keys = ON");
        sql->exec("PRAGMA secure_delete = ON");
    } catch (const SQLite::Exception& e) {
        throw Error(Exit::config_missing,
                    fmt::format("cannot open database \"{}\": {}", file.string(), e.what()));
    }
    std::unique_ptr<Db> db(new Db(file, std::move(sql)));
    db->migrate(version);
    return db;
}

int Db::schema_version() const {
    return m_db->execAndGet("PRAGMA user_version").getInt();
}

void Db::set_durable(bool full) {
    m_db->exec(full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    m_durable = full;
}

void Db::durable_transaction(const std::function<void()>& f) {
    if (m_durable) {
        transaction(f);
        return;
    }
    m_db->exec("PRAGMA synchronous = FULL");
    try {
        transaction(f);
    } catch (...) {
        m_db->exec("PRAGMA synchronous = NORMAL");
        throw;
    }
    m_db->exec("PRAGMA synchronous = NORMAL");
}

void Db::transaction(const std::function<void()>& f) {
    detail::run_transaction(*m_db, "BEGIN IMMEDIATE", f);
}

void Db::migrate(int target) {
    int current = schema_version();
    if (current > latest_version()) {
        throw newer_schema(m_file, current);
    }
    for (const auto& m : migrations()) {
        if (m.version <= current || m.version > target) {
            continue;
        }
        try {
            transaction([&] {
                // Another process may have migrated while we waited for the write lock.
                if (schema_version() >= m.version) {
                    return;
                }
                m_db->exec(std::string(m.sql));
                m_db->exec(fmt::format("PRAGMA user_version = {}", m.version));
            });
        } catch (const SQLite::Exception& e) {
            throw Fatal(fmt::format("migration {} ({}) of \"{}\" failed: {}", m.version,
                                    m.description, m_file.string(), e.what()));
        }
    }
}

std::optional<Blob> Db::meta_get(std::string_view key) const {
    SQLite::Statement q(*m_db, "SELECT value FROM meta WHERE key = ?");
    q.bind(1, std::string(key));
    if (!q.executeStep()) {
        return std::nullopt;
    }
    return detail::blob(q.getColumn(0));
}

void Db::meta_put(std::string_view key, const Blob& value) {
    SQLite::Statement q(*m_db, "INSERT INTO meta (key, value) VALUES (?, ?) "
                               "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    q.bind(1, std::string(key));
    q.bind(2, value.data(), static_cast<int>(value.size()));
    q.exec();
}

std::optional<std::string> Db::setting_get(std::string_view name) const {
    SQLite::Statement q(*m_db, "SELECT value FROM settings WHERE name = ?");
    q.bind(1, std::string(name));
    if (!q.executeStep()) {
        return std::nullopt;
    }
    return q.getColumn(0).getString();
}

void Db::setting_set(std::string_view name, std::string_view value) {
    SQLite::Statement q(*m_db, "INSERT INTO settings (name, value, updated_at) VALUES (?, ?, ?) "
                               "ON CONFLICT (name) DO UPDATE SET value = excluded.value, "
                               "updated_at = excluded.updated_at");
    q.bind(1, std::string(name));
    q.bind(2, std::string(value));
    q.bind(3, unix_now());
    q.exec();
}

bool Db::setting_unset(std::string_view name) {
    SQLite::Statement q(*m_db, "DELETE FROM settings WHERE name = ?");
    q.bind(1, std::string(name));
    return q.exec() > 0;
}

std::map<std::string, std::string> Db::settings_all() const {
    std::map<std::string, std::string> out;
    SQLite::Statement q(*m_db, "SELECT name, value FROM settings");
    while (q.executeStep()) {
        out[q.getColumn(0).getString()] = q.getColumn(1).getString();
    }
    return out;
}

std::optional<AppRow> Db::app_get() const {
    SQLite::Statement q(
        *m_db, "SELECT client_key, client_secret, scopes, updated_at FROM app WHERE id = 1");
    if (!q.executeStep()) {
        return std::nullopt;
    }
    AppRow a;
    a.client_key = q.getColumn(0).getString();
    a.client_secret_sealed = detail::blob(q.getColumn(1));
    std::string scopes = q.getColumn(2).getString();
    if (!scopes.empty()) {
        a.scopes = util::split(scopes, ',');
    }
    a.updated_at = q.getColumn(3).getInt64();
    return a;
}

void Db::app_put(const AppRow& app) {
    SQLite::Statement q(*m_db,
                        "INSERT INTO app (id, client_key, client_secret, scopes, updated_at) "
                        "VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                        "client_key = excluded.client_key, client_secret = excluded.client_secret, "
                        "scopes = excluded.scopes, updated_at = excluded.updated_at");
    q.bind(1, app.client_key);
    q.bind(2, app.client_secret_sealed.data(), static_cast<int>(app.client_secret_sealed.size()));
    q.bind(3, util::join(app.scopes, ","));
    q.bind(4, app.updated_at != 0 ? app.updated_at : unix_now());
    q.exec();
}

std::optional<MediaHostRow> Db::media_host_get() const {
    SQLite::Statement q(*m_db, "SELECT kind, public_base_url, path, endpoint, bucket, region, "
                               "access_key_id, secret_key, prefix, path_style, updated_at "
                               "FROM media_host WHERE id = 1");
    if (!q.executeStep()) {
        return std::nullopt;
    }
    MediaHostRow h;
    h.kind = q.getColumn(0).getString();
    h.public_base_url = q.getColumn(1).getString();
    h.path = q.getColumn(2).getString();
    h.endpoint = q.getColumn(3).getString();
    h.bucket = q.getColumn(4).getString();
    h.region = q.getColumn(5).getString();
    h.access_key_id = q.getColumn(6).getString();
    if (!q.getColumn(7).isNull()) {
        h.secret_key_sealed = detail::blob(q.getColumn(7));
    }
    h.prefix = q.getColumn(8).getString();
    h.path_style = q.getColumn(9).getInt() != 0;
    h.updated_at = q.getColumn(10).getInt64();
    return h;
}

void Db::media_host_put(const MediaHostRow& h) {
    SQLite::Statement q(*m_db,
                        "INSERT OR REPLACE INTO media_host (id, kind, public_base_url, path, "
                        "endpoint, bucket, region, access_key_id, secret_key, prefix, path_style, "
                        "updated_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    auto text_or_null = [&](int i, const std::string& v) {
        if (v.empty()) {
            q.bind(i);
        } else {
            q.bind(i, v);
        }
    };
    q.bind(1, h.kind);
    q.bind(2, h.public_base_url);
    text_or_null(3, h.path);
    text_or_null(4, h.endpoint);
    text_or_null(5, h.bucket);
    text_or_null(6, h.region);
    text_or_null(7, h.access_key_id);
    if (h.secret_key_sealed.empty()) {
        q.bind(8);
    } else {
        q.bind(8, h.secret_key_sealed.data(), static_cast<int>(h.secret_key_sealed.size()));
    }
    q.bind(9, h.prefix);
    q.bind(10, h.path_style ? 1 : 0);
    q.bind(11, h.updated_at != 0 ? h.updated_at : unix_now());
    q.exec();
}

void Db::event_add(std::string_view kind, std::string_view detail,
                   std::optional<std::int64_t> account_id, std::optional<std::int64_t> post_id) {
    auto& q = cached("INSERT INTO events (at, account_id, post_id, kind, detail) "
                     "VALUES (?, ?, ?, ?, ?)");
    q.bind(1, unix_now());
    // A cached statement keeps its bindings: an absent id must be bound as NULL, not left over.
    detail::bind_opt(q, 2, account_id);
    detail::bind_opt(q, 3, post_id);
    q.bind(4, std::string(kind));
    q.bind(5, std::string(detail));
    q.exec();
}

std::vector<EventRow> Db::events(std::size_t limit) const {
    std::vector<EventRow> out;
    SQLite::Statement q(*m_db, fmt::format("SELECT {} FROM events ORDER BY id DESC LIMIT ?",
                                           detail::k_event_columns));
    q.bind(1, static_cast<std::int64_t>(limit));
    while (q.executeStep())
        out.push_back(detail::read_event(q));
    return out;
}

std::string Db::quick_check() const {
    std::string out;
    SQLite::Statement q(*m_db, "PRAGMA quick_check");
    while (q.executeStep()) {
        if (!out.empty())
            out += "; ";
        out += q.getColumn(0).getString();
    }
    return out;
}

} // namespace looppost::store
