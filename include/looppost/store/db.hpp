#pragma once
// Db owns the SQLite connection and all of looppost's SQL. Parameters are always bound.
// The file is created 0600 in a 0700 folder; WAL, foreign keys, secure_delete and a busy timeout
// are set on every connection; migrations run in order, each in its own transaction, and a
// database written by a newer looppost is refused untouched.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace SQLite {
class Database;
}

namespace looppost::store {

using Blob = std::vector<unsigned char>;

/// The user's TikTok app (DESIGN §2 `app set`). The secret stays sealed here.
struct AppRow {
    std::string client_key;
    Blob client_secret_sealed;
    std::vector<std::string> scopes;
    std::int64_t updated_at = 0; ///< unix seconds
};

struct EventRow {
    std::int64_t id = 0;
    std::int64_t at = 0;
    std::optional<std::int64_t> account_id;
    std::optional<std::int64_t> post_id;
    std::string kind;
    std::string detail;
};

class Db {
public:
    /// Opens (creating when missing) the database at `file` and migrates it to the latest schema.
    /// Throws Error(config_missing) for a newer schema or an unwritable folder.
    static std::unique_ptr<Db> open(const std::filesystem::path& file);

    /// Opens and migrates only up to `version` (tests of the migrations themselves).
    static std::unique_ptr<Db> open_at_version(const std::filesystem::path& file, int version);

    ~Db();
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;

    const std::filesystem::path& file() const { return m_file; }
    int schema_version() const;
    static int latest_version();

    /// Runs `f` inside BEGIN IMMEDIATE … COMMIT (rolled back when it throws). Never hold one
    /// across a network call.
    void transaction(const std::function<void()>& f);

    // meta: schema facts, the vault's mode, salt and key check
    std::optional<Blob> meta_get(std::string_view key) const;
    void meta_put(std::string_view key, const Blob& value);

    // settings (`config set`)
    std::optional<std::string> setting_get(std::string_view name) const;
    void setting_set(std::string_view name, std::string_view value);
    bool setting_unset(std::string_view name);
    std::map<std::string, std::string> settings_all() const;

    // app
    std::optional<AppRow> app_get() const;
    void app_put(const AppRow& app);

    // events: the append-only audit trail
    void event_add(std::string_view kind, std::string_view detail,
                   std::optional<std::int64_t> account_id = std::nullopt,
                   std::optional<std::int64_t> post_id = std::nullopt);
    std::vector<EventRow> events(std::size_t limit) const;

    /// "ok", or what PRAGMA quick_check found.
    std::string quick_check() const;

private:
    Db(std::filesystem::path file, std::unique_ptr<SQLite::Database> db);
    void migrate(int target);

    std::filesystem::path m_file;
    std::unique_ptr<SQLite::Database> m_db;
};

/// The schema version recorded in a database file's header, read without opening it through
/// SQLite (so a refused file is left exactly as it was); nullopt when it is not a database.
std::optional<int> peek_user_version(const std::filesystem::path& file);

} // namespace looppost::store
