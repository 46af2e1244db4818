// Db: the SQL of publishing (DESIGN §5): claims under a lease, the steps of a publish, quotas.
// Every write of a step names the lease owner, so a process that lost its lease (it was too
// slow, or the post was cancelled) writes nothing.

#include "columns.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <looppost/store/db.hpp>
#include <SQLiteCpp/SQLiteCpp.h>

namespace looppost::store {
namespace {

using detail::bind_opt;
using detail::opt_int;
using detail::opt_text;
using detail::unix_now;

/// The post is still this owner's to write: parameters ?1 (id) and ?2 (owner).
constexpr const char* k_held = "id = ?1 AND lease_owner = ?2 AND state = 'publishing'";

/// Everything of a publish attempt: TikTok holds nothing usable of it any more.
constexpr const char* k_forget = "publish_id = NULL, init_sent_at = NULL, upload_url = NULL, "
                                 "upload_url_until = NULL, upload_offset = 0, uploaded_at = NULL";

/// UPDATE posts SET `set` (parameters from ?3 on, bound by `bind`) while `owner` holds it.
bool held_update(SQLite::Database& db, std::int64_t id, std::string_view owner,
                 std::string_view set, const std::function<void(SQLite::Statement&)>& bind) {
    SQLite::Statement q(db, fmt::format("UPDATE posts SET {} WHERE {}", set, k_held));
    q.bind(1, id);
    q.bind(2, std::string(owner));
    bind(q);
    return q.exec() == 1;
}

} // namespace

std::vector<DueRow> Db::due(std::int64_t now, std::optional<std::int64_t> account_id) const {
    auto& q = cached("SELECT id, account_id, state, due_at, next_attempt_at, lease_owner, "
                     "lease_until FROM posts WHERE state IN ('queued', 'deferred', 'publishing') "
                     "AND due_at <= ? AND (?2 IS NULL OR account_id = ?2) ORDER BY due_at, id");
    q.bind(1, now);
    bind_opt(q, 2, account_id);
    std::vector<DueRow> out;
    while (q.executeStep()) {
        DueRow r;
        r.id = q.getColumn(0).getInt64();
        r.account_id = q.getColumn(1).getInt64();
        r.state = q.getColumn(2).getString();
        r.due_at = q.getColumn(3).getInt64();
        r.next_attempt_at = opt_int(q.getColumn(4));
        r.lease_owner = opt_text(q.getColumn(5));
        r.lease_until = opt_int(q.getColumn(6));
        out.push_back(std::move(r));
    }
    q.reset();
    return out;
}

std::optional<std::pair<std::int64_t, std::string>>
Db::post_claim(std::int64_t account_id, std::string_view owner, std::int64_t now,
               std::int64_t until, const std::function<bool(const std::string&)>& gone,
               const std::vector<std::int64_t>& skip) {
    // A publishing post is due by construction, so this sees every one of the account's.
    auto rows = due(now, account_id);
    const DueRow* pick = nullptr;
    auto skipped = [&](std::int64_t id) {
        return std::find(skip.begin(), skip.end(), id) != skip.end();
    };
    for (const auto& r : rows) {
        if (r.state != "publishing")
            continue;
        bool held = r.lease_owner && r.lease_until && *r.lease_until > now;
        if (held && *r.lease_owner != owner && !gone(*r.lease_owner))
            return std::nullopt; // another process is publishing this account's post
        if (!pick && !skipped(r.id))
            pick = &r; // in flight: resume it before starting anything new
    }
    if (!pick) {
        for (const auto& r : rows) {
            if (r.state != "publishing" && !skipped(r.id) &&
                (r.state == "queued" || !r.next_attempt_at || *r.next_attempt_at <= now)) {
                pick = &r;
                break;
            }
        }
    }
    if (!pick)
        return std::nullopt;
    auto& q = cached("UPDATE posts SET attempts = attempts + (state != 'publishing'), "
                     "state = 'publishing', lease_owner = ?, lease_until = ?, updated_at = ? "
                     "WHERE id = ?");
    q.bind(1, std::string(owner));
    q.bind(2, until);
    q.bind(3, unix_now());
    q.bind(4, pick->id);
    q.exec();
    q.reset();
    return std::pair{pick->id, pick->state};
}

bool Db::post_forget_publish(std::int64_t id, std::string_view owner) {
    return held_update(*m_db, id, owner, fmt::format("{}, updated_at = ?3", k_forget),
                       [&](SQLite::Statement& q) { q.bind(3, unix_now()); });
}

bool Db::post_renew(std::int64_t id, std::string_view owner, std::int64_t until) {
    return held_update(*m_db, id, owner, "lease_until = ?3",
                       [&](SQLite::Statement& q) { q.bind(3, until); });
}

bool Db::post_init_sent(std::int64_t id, std::string_view owner, std::int64_t now) {
    return held_update(*m_db, id, owner, "init_sent_at = ?3, updated_at = ?4",
                       [&](SQLite::Statement& q) {
                           q.bind(3, now);
                           q.bind(4, unix_now());
                       });
}

bool Db::post_set_publish(std::int64_t id, std::string_view owner, std::string_view publish_id,
                          const Blob& upload_url, std::optional<std::int64_t> upload_url_until) {
    return held_update(*m_db, id, owner,
                       "publish_id = ?3, upload_url = ?4, upload_url_until = ?5, upload_offset = "
                       "0, uploaded_at = NULL, updated_at = ?6",
                       [&](SQLite::Statement& q) {
                           q.bind(3, std::string(publish_id));
                           if (upload_url.empty())
                               q.bind(4);
                           else
                               q.bind(4, upload_url.data(), static_cast<int>(upload_url.size()));
                           bind_opt(q, 5, upload_url_until);
                           q.bind(6, unix_now());
                       });
}

bool Db::post_set_upload_offset(std::int64_t id, std::string_view owner, std::int64_t offset,
                                std::int64_t lease_until) {
    return held_update(*m_db, id, owner, "upload_offset = ?3, lease_until = ?4",
                       [&](SQLite::Statement& q) {
                           q.bind(3, offset);
                           q.bind(4, lease_until);
                       });
}

bool Db::post_set_uploaded(std::int64_t id, std::string_view owner, std::int64_t now) {
    return held_update(*m_db, id, owner, "uploaded_at = ?3, upload_url = NULL, updated_at = ?4",
                       [&](SQLite::Statement& q) {
                           q.bind(3, now);
                           q.bind(4, unix_now());
                       });
}

bool Db::post_finish(std::int64_t id, std::string_view owner, const PostOutcome& o,
                     std::int64_t now) {
    bool final_state = o.state == "published" || o.state == "in_inbox" || o.state == "failed";
    std::string forget = o.forget_publish ? fmt::format(", {}", k_forget) : "";
    // A post that stays publishing keeps no lease: the next run resumes it at once.
    SQLite::Statement q(
        *m_db, fmt::format("UPDATE posts SET state = ?3, error_code = ?4, error_message = ?5, "
                           "error_log_id = ?6, next_attempt_at = ?7, post_ids = ifnull(?8, "
                           "post_ids), finished_at = ?9, lease_owner = CASE WHEN ?3 = "
                           "'publishing' THEN lease_owner END, lease_until = CASE WHEN ?3 = "
                           "'publishing' THEN 0 END, updated_at = ?10{} WHERE {}",
                           forget, k_held));
    q.bind(1, id);
    q.bind(2, std::string(owner));
    q.bind(3, o.state);
    bind_opt(q, 4, o.error_code);
    bind_opt(q, 5, o.error_message);
    bind_opt(q, 6, o.error_log_id);
    bind_opt(q, 7, o.next_attempt_at);
    bind_opt(q, 8, o.post_ids);
    bind_opt(q, 9, final_state ? std::optional<std::int64_t>(now) : std::nullopt);
    q.bind(10, unix_now());
    if (q.exec() != 1)
        return false;
    if (o.state != "publishing") {
        auto p = post(id);
        std::string detail = o.error_message.value_or("");
        if (o.error_code)
            detail = fmt::format("{}: {}", *o.error_code, detail);
        event_add(o.state, detail, p ? std::optional<std::int64_t>(p->account_id) : std::nullopt,
                  id);
    }
    return true;
}

bool Db::post_cancel_publishing(std::int64_t id, std::int64_t now) {
    SQLite::Statement q(*m_db, "UPDATE posts SET state = 'cancelled', lease_owner = NULL, "
                               "lease_until = NULL, finished_at = ?2, updated_at = ?3 "
                               "WHERE id = ?1 AND state = 'publishing'");
    q.bind(1, id);
    q.bind(2, now);
    q.bind(3, unix_now());
    return q.exec() == 1;
}

void Db::post_media_set_hosted(std::int64_t post_id, int position,
                               const std::optional<std::string>& key,
                               const std::optional<std::string>& url, std::string_view state) {
    SQLite::Statement q(*m_db, "UPDATE post_media SET hosted_key = ?3, hosted_url = ?4, "
                               "hosted_state = ?5 WHERE post_id = ?1 AND position = ?2");
    q.bind(1, post_id);
    q.bind(2, position);
    bind_opt(q, 3, key);
    bind_opt(q, 4, url);
    q.bind(5, std::string(state));
    q.exec();
}

std::pair<int, std::optional<std::int64_t>>
Db::quota_used(std::int64_t account_id, std::string_view kind, std::int64_t since) const {
    auto& q = cached("SELECT count(*), min(at) FROM quota_calls WHERE account_id = ? AND kind = ? "
                     "AND at > ?");
    q.bind(1, account_id);
    q.bind(2, std::string(kind));
    q.bind(3, since);
    q.executeStep();
    std::pair<int, std::optional<std::int64_t>> r{q.getColumn(0).getInt(), opt_int(q.getColumn(1))};
    q.reset();
    return r;
}

std::vector<QuotaHold> Db::quota_holds(std::int64_t account_id, std::int64_t now) const {
    auto& q = cached("SELECT account_id, kind, until, reason FROM quota_holds WHERE (account_id "
                     "= ? OR account_id IS NULL) AND until > ? ORDER BY until");
    q.bind(1, account_id);
    q.bind(2, now);
    std::vector<QuotaHold> out;
    while (q.executeStep()) {
        out.push_back({opt_int(q.getColumn(0)), q.getColumn(1).getString(),
                       q.getColumn(2).getInt64(), q.getColumn(3).getString()});
    }
    q.reset();
    return out;
}

void Db::quota_hold(const QuotaHold& h) {
    SQLite::Statement q(*m_db, "INSERT INTO quota_holds (account_id, kind, until, reason) "
                               "VALUES (?, ?, ?, ?) ON CONFLICT (ifnull(account_id, 0), kind) "
                               "DO UPDATE SET until = max(until, excluded.until), "
                               "reason = excluded.reason");
    bind_opt(q, 1, h.account_id);
    q.bind(2, h.kind);
    q.bind(3, h.until);
    q.bind(4, h.reason);
    q.exec();
}

std::optional<std::pair<std::int64_t, std::string>>
Db::quota_take(std::int64_t account_id, const std::vector<QuotaUse>& uses, std::int64_t now) {
    auto holds = quota_holds(account_id, now);
    for (const auto& u : uses) {
        for (const auto& h : holds) {
            if (h.kind == u.kind ||
                (!h.account_id && h.kind == "app" && (u.kind == "direct" || u.kind == "inbox")))
                return std::pair{h.until, h.reason};
        }
        auto [used, oldest] = quota_used(account_id, u.kind, now - u.window);
        if (used >= u.limit) {
            return std::pair{
                oldest.value_or(now) + u.window,
                fmt::format("{} {} calls in {} s is TikTok's limit", u.limit, u.kind, u.window)};
        }
    }
    auto& prune = cached("DELETE FROM quota_calls WHERE account_id = ? AND at <= ?");
    prune.bind(1, account_id);
    prune.bind(2, now - 86400);
    prune.exec();
    prune.reset();
    auto& add = cached("INSERT INTO quota_calls (account_id, kind, at) VALUES (?, ?, ?)");
    for (const auto& u : uses) {
        add.bind(1, account_id);
        add.bind(2, u.kind);
        add.bind(3, now);
        add.exec();
        add.reset();
    }
    return std::nullopt;
}

} // namespace looppost::store
