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
class Statement;
} // namespace SQLite

namespace looppost::store {

using Blob = std::vector<unsigned char>;

/// The user's TikTok app (DESIGN §2 `app set`). The secret stays sealed here.
struct AppRow {
    std::string client_key;
    Blob client_secret_sealed;
    std::vector<std::string> scopes;
    std::int64_t updated_at = 0; ///< unix seconds
};

/// A connected TikTok account. Tokens stay sealed here (associated data names the row).
struct AccountRow {
    std::int64_t id = 0;
    std::string name;
    std::string open_id;
    std::optional<std::string> display_name;
    std::optional<std::string> username;
    std::vector<std::string> scopes; ///< as granted
    Blob access_token;               ///< sealed; empty after logout
    std::int64_t access_expires_at = 0;
    Blob refresh_token; ///< sealed; empty after logout
    std::int64_t refresh_expires_at = 0;
    std::optional<std::string> time_zone;
    std::string mode = "inbox";
    std::string state = "active"; ///< active | reauth_required: whether TikTok honours the login
    bool paused = false;          ///< the user's pause, kept across logins
    bool is_default = false;
    std::optional<std::string> refresh_lease_owner;
    std::optional<std::int64_t> refresh_lease_until;
    std::optional<std::string> refresh_warned_on;
    bool refresh_in_doubt = false;
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
};

/// A new token pair, sealed, with absolute expiries (unix seconds).
struct SealedTokens {
    Blob access_token;
    std::int64_t access_expires_at = 0;
    Blob refresh_token;
    std::int64_t refresh_expires_at = 0;
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

    // accounts (src/store/accounts.cpp)
    std::vector<AccountRow> accounts() const;
    std::optional<AccountRow> account_by_id(std::int64_t id) const;
    std::optional<AccountRow> account_by_name(std::string_view name) const;
    std::optional<AccountRow> account_by_open_id(std::string_view open_id) const;
    std::optional<AccountRow> default_account() const;
    /// Inserts name, open_id, profile, scopes, mode and time zone (no tokens); returns the id.
    /// The first account becomes the default.
    std::int64_t account_insert(const AccountRow& a);
    void account_update_profile(std::int64_t id, const std::optional<std::string>& display_name,
                                const std::optional<std::string>& username,
                                const std::vector<std::string>& scopes);
    /// Stores a new pair, marks the login active, releases the refresh lease and clears
    /// refresh_in_doubt. With `lease_owner`, only while that owner still holds the lease
    /// (false when it lost it: nothing was written).
    bool account_set_tokens(std::int64_t id, const SealedTokens& t,
                            std::optional<std::string_view> lease_owner = std::nullopt);
    void account_set_paused(std::int64_t id, bool paused);
    /// Removes both tokens (logout); the account stays, needing a new login.
    void account_clear_tokens(std::int64_t id);
    void account_set_state(std::int64_t id, std::string_view state);
    /// Makes it the one default account. Call inside a transaction.
    void account_set_default(std::int64_t id);
    void account_rename(std::int64_t id, std::string_view name);
    void account_set_time_zone(std::int64_t id, std::string_view zone);
    void account_set_mode(std::int64_t id, std::string_view mode);
    void account_set_refresh_warned(std::int64_t id, std::string_view day);
    void account_set_refresh_in_doubt(std::int64_t id, bool in_doubt);
    /// Takes the refresh lease when it is free or expired at `now`; false when another process
    /// holds it. Call inside a short transaction. Does not start one.
    bool account_take_refresh_lease(std::int64_t id, std::string_view owner, std::int64_t now,
                                    std::int64_t until);
    void account_release_refresh_lease(std::int64_t id, std::string_view owner);

    // events: the append-only audit trail
    void event_add(std::string_view kind, std::string_view detail,
                   std::optional<std::int64_t> account_id = std::nullopt,
                   std::optional<std::int64_t> post_id = std::nullopt);
    std::vector<EventRow> events(std::size_t limit) const;

    /// "ok", or what PRAGMA quick_check found.
    std::string quick_check() const;

private:
    Db(std::filesystem::path file, std::unique_ptr<SQLite::Database> db);
    std::optional<AccountRow>
    account_where(std::string_view where,
                  const std::function<void(SQLite::Statement&)>& bind) const;
    void migrate(int target);

    std::filesystem::path m_file;
    std::unique_ptr<SQLite::Database> m_db;
};

/// The schema version recorded in a database file's header, read without opening it through
/// SQLite (so a refused file is left exactly as it was); nullopt when it is not a database.
std::optional<int> peek_user_version(const std::filesystem::path& file);

} // namespace looppost::store
