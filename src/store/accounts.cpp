// Db: the SQL of the accounts table.

#include "columns.hpp"

#include <ctime>
#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/store/db.hpp>
#include <looppost/util/strings.hpp>
#include <SQLiteCpp/SQLiteCpp.h>

namespace looppost::store {
namespace {

constexpr const char* k_columns =
    "id, name, open_id, display_name, username, scopes, access_token, access_expires_at, "
    "refresh_token, refresh_expires_at, time_zone, mode, state, is_default, refresh_lease_owner, "
    "refresh_lease_until, refresh_warned_on, refresh_in_doubt, created_at, updated_at, paused";

using detail::blob;
using detail::opt_text;
using detail::unix_now;

AccountRow read_row(SQLite::Statement& q) {
    AccountRow a;
    a.id = q.getColumn(0).getInt64();
    a.name = q.getColumn(1).getString();
    a.open_id = q.getColumn(2).getString();
    a.display_name = opt_text(q.getColumn(3));
    a.username = opt_text(q.getColumn(4));
    std::string scopes = q.getColumn(5).getString();
    if (!scopes.empty())
        a.scopes = util::split(scopes, ',');
    a.access_token = blob(q.getColumn(6));
    a.access_expires_at = q.getColumn(7).isNull() ? 0 : q.getColumn(7).getInt64();
    a.refresh_token = blob(q.getColumn(8));
    a.refresh_expires_at = q.getColumn(9).isNull() ? 0 : q.getColumn(9).getInt64();
    a.time_zone = opt_text(q.getColumn(10));
    a.mode = q.getColumn(11).getString();
    a.state = q.getColumn(12).getString();
    a.is_default = q.getColumn(13).getInt() != 0;
    a.refresh_lease_owner = opt_text(q.getColumn(14));
    if (!q.getColumn(15).isNull())
        a.refresh_lease_until = q.getColumn(15).getInt64();
    a.refresh_warned_on = opt_text(q.getColumn(16));
    a.refresh_in_doubt = q.getColumn(17).getInt() != 0;
    a.created_at = q.getColumn(18).getInt64();
    a.updated_at = q.getColumn(19).getInt64();
    a.paused = q.getColumn(20).getInt() != 0;
    return a;
}

void bind_opt(SQLite::Statement& q, int i, const std::optional<std::string>& v) {
    if (v)
        q.bind(i, *v);
}

} // namespace

std::vector<AccountRow> Db::accounts() const {
    SQLite::Statement q(*m_db, fmt::format("SELECT {} FROM accounts ORDER BY name", k_columns));
    std::vector<AccountRow> out;
    while (q.executeStep())
        out.push_back(read_row(q));
    return out;
}

std::optional<AccountRow>
Db::account_where(std::string_view where,
                  const std::function<void(SQLite::Statement&)>& bind) const {
    SQLite::Statement q(*m_db, fmt::format("SELECT {} FROM accounts WHERE {}", k_columns, where));
    bind(q);
    if (!q.executeStep())
        return std::nullopt;
    return read_row(q);
}

std::optional<AccountRow> Db::account_by_id(std::int64_t id) const {
    return account_where("id = ?", [&](SQLite::Statement& q) { q.bind(1, id); });
}

std::optional<AccountRow> Db::account_by_name(std::string_view name) const {
    return account_where("name = ?", [&](SQLite::Statement& q) { q.bind(1, std::string(name)); });
}

std::optional<AccountRow> Db::account_by_open_id(std::string_view open_id) const {
    return account_where("open_id = ?",
                         [&](SQLite::Statement& q) { q.bind(1, std::string(open_id)); });
}

std::optional<AccountRow> Db::default_account() const {
    return account_where("is_default = 1", [](SQLite::Statement&) {});
}

std::int64_t Db::account_insert(const AccountRow& a) {
    SQLite::Statement q(*m_db,
                        "INSERT INTO accounts (name, open_id, display_name, username, scopes, "
                        "time_zone, mode, state, is_default, created_at, updated_at) VALUES "
                        "(?, ?, ?, ?, ?, ?, ?, 'active', "
                        "NOT EXISTS (SELECT 1 FROM accounts WHERE is_default = 1), ?, ?)");
    q.bind(1, a.name);
    q.bind(2, a.open_id);
    bind_opt(q, 3, a.display_name);
    bind_opt(q, 4, a.username);
    q.bind(5, util::join(a.scopes, ","));
    bind_opt(q, 6, a.time_zone);
    q.bind(7, a.mode);
    q.bind(8, unix_now());
    q.bind(9, unix_now());
    q.exec();
    return m_db->getLastInsertRowid();
}

void Db::account_update_profile(std::int64_t id, const std::optional<std::string>& display_name,
                                const std::optional<std::string>& username,
                                const std::vector<std::string>& scopes) {
    SQLite::Statement q(*m_db, "UPDATE accounts SET display_name = ?, username = ?, scopes = ?, "
                               "updated_at = ? WHERE id = ?");
    bind_opt(q, 1, display_name);
    bind_opt(q, 2, username);
    q.bind(3, util::join(scopes, ","));
    q.bind(4, unix_now());
    q.bind(5, id);
    q.exec();
}

bool Db::account_set_tokens(std::int64_t id, const SealedTokens& t,
                            std::optional<std::string_view> lease_owner) {
    SQLite::Statement q(*m_db,
                        "UPDATE accounts SET access_token = ?, access_expires_at = ?, "
                        "refresh_token = ?, refresh_expires_at = ?, refresh_lease_owner = NULL, "
                        "refresh_lease_until = NULL, refresh_in_doubt = 0, state = 'active', "
                        "updated_at = ? WHERE id = ? AND (? IS NULL OR refresh_lease_owner = ?)");
    q.bind(1, t.access_token.data(), static_cast<int>(t.access_token.size()));
    q.bind(2, t.access_expires_at);
    q.bind(3, t.refresh_token.data(), static_cast<int>(t.refresh_token.size()));
    q.bind(4, t.refresh_expires_at);
    q.bind(5, unix_now());
    q.bind(6, id);
    if (lease_owner) {
        q.bind(7, std::string(*lease_owner));
        q.bind(8, std::string(*lease_owner));
    }
    return q.exec() == 1;
}

void Db::account_set_paused(std::int64_t id, bool paused) {
    SQLite::Statement q(*m_db, "UPDATE accounts SET paused = ?, updated_at = ? WHERE id = ?");
    q.bind(1, paused ? 1 : 0);
    q.bind(2, unix_now());
    q.bind(3, id);
    q.exec();
}

void Db::account_clear_tokens(std::int64_t id) {
    SQLite::Statement q(
        *m_db, "UPDATE accounts SET access_token = NULL, access_expires_at = NULL, "
               "refresh_token = NULL, refresh_expires_at = NULL, refresh_lease_owner = NULL, "
               "refresh_lease_until = NULL, state = 'reauth_required', updated_at = ? "
               "WHERE id = ?");
    q.bind(1, unix_now());
    q.bind(2, id);
    q.exec();
}

namespace {
void set_column(SQLite::Database& db, std::string_view column, std::int64_t id,
                const std::optional<std::string>& value) {
    SQLite::Statement q(
        db, fmt::format("UPDATE accounts SET {} = ?, updated_at = ? WHERE id = ?", column));
    bind_opt(q, 1, value);
    q.bind(2, unix_now());
    q.bind(3, id);
    q.exec();
}
} // namespace

void Db::account_set_state(std::int64_t id, std::string_view state) {
    set_column(*m_db, "state", id, std::string(state));
}

void Db::account_set_default(std::int64_t id) {
    m_db->exec("UPDATE accounts SET is_default = 0 WHERE is_default = 1");
    SQLite::Statement q(*m_db, "UPDATE accounts SET is_default = 1 WHERE id = ?");
    q.bind(1, id);
    q.exec();
}

void Db::account_rename(std::int64_t id, std::string_view name) {
    set_column(*m_db, "name", id, std::string(name));
}

void Db::account_set_time_zone(std::int64_t id, std::string_view zone) {
    set_column(*m_db, "time_zone", id, std::string(zone));
}

void Db::account_set_mode(std::int64_t id, std::string_view mode) {
    set_column(*m_db, "mode", id, std::string(mode));
}

void Db::account_set_refresh_warned(std::int64_t id, std::string_view day) {
    set_column(*m_db, "refresh_warned_on", id, std::string(day));
}

void Db::account_set_refresh_in_doubt(std::int64_t id, bool in_doubt) {
    SQLite::Statement q(*m_db, "UPDATE accounts SET refresh_in_doubt = ? WHERE id = ?");
    q.bind(1, in_doubt ? 1 : 0);
    q.bind(2, id);
    q.exec();
}

bool Db::account_take_refresh_lease(std::int64_t id, std::string_view owner, std::int64_t now,
                                    std::int64_t until) {
    SQLite::Statement q(*m_db,
                        "UPDATE accounts SET refresh_lease_owner = ?, refresh_lease_until = ? "
                        "WHERE id = ? AND (refresh_lease_until IS NULL OR "
                        "refresh_lease_until < ? OR refresh_lease_owner = ?)");
    q.bind(1, std::string(owner));
    q.bind(2, until);
    q.bind(3, id);
    q.bind(4, now);
    q.bind(5, std::string(owner));
    return q.exec() == 1;
}

void Db::account_release_refresh_lease(std::int64_t id, std::string_view owner) {
    SQLite::Statement q(*m_db,
                        "UPDATE accounts SET refresh_lease_owner = NULL, "
                        "refresh_lease_until = NULL WHERE id = ? AND refresh_lease_owner = ?");
    q.bind(1, id);
    q.bind(2, std::string(owner));
    q.exec();
}

} // namespace looppost::store
