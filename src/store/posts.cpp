// Db: the SQL of the queue: media, posts, their media and events, and weekly slots.

#include "columns.hpp"

#include <fmt/format.h>
#include <looppost/store/db.hpp>
#include <looppost/util/strings.hpp>
#include <SQLiteCpp/SQLiteCpp.h>

namespace looppost::store {
namespace {

using detail::bind_opt;
using detail::k_media_columns;
using detail::opt_int;
using detail::opt_text;
using detail::read_event;
using detail::read_media;
using detail::unix_now;

/// States in which a post may still need its media.
constexpr const char* k_needs_media =
    "('queued', 'publishing', 'deferred', 'failed', 'needs_attention')";

constexpr const char* k_post_columns =
    "p.id, p.account_id, a.name, p.kind, p.mode, p.state, p.caption, p.title, p.privacy, "
    "p.options, p.due_at, p.at_text, p.key, p.attempts, p.next_attempt_at, p.publish_id, "
    "p.upload_offset, p.post_ids, p.error_code, p.error_message, p.error_log_id, p.created_at, "
    "p.updated_at, p.init_sent_at, p.upload_url, p.upload_url_until, p.uploaded_at, "
    "p.finished_at, p.lease_owner, p.lease_until";

PostRow read_post(SQLite::Statement& q) {
    PostRow p;
    p.id = q.getColumn(0).getInt64();
    p.account_id = q.getColumn(1).getInt64();
    p.account = q.getColumn(2).getString();
    p.kind = q.getColumn(3).getString();
    p.mode = q.getColumn(4).getString();
    p.state = q.getColumn(5).getString();
    p.caption = q.getColumn(6).getString();
    p.title = opt_text(q.getColumn(7));
    p.privacy = opt_text(q.getColumn(8));
    p.options = q.getColumn(9).getString();
    p.due_at = q.getColumn(10).getInt64();
    p.at_text = q.getColumn(11).getString();
    p.key = q.getColumn(12).getString();
    p.attempts = q.getColumn(13).getInt();
    p.next_attempt_at = opt_int(q.getColumn(14));
    p.publish_id = opt_text(q.getColumn(15));
    p.upload_offset = q.getColumn(16).getInt64();
    p.post_ids = q.getColumn(17).getString();
    p.error_code = opt_text(q.getColumn(18));
    p.error_message = opt_text(q.getColumn(19));
    p.error_log_id = opt_text(q.getColumn(20));
    p.created_at = q.getColumn(21).getInt64();
    p.updated_at = q.getColumn(22).getInt64();
    p.init_sent_at = opt_int(q.getColumn(23));
    p.upload_url = detail::blob(q.getColumn(24));
    p.upload_url_until = opt_int(q.getColumn(25));
    p.uploaded_at = opt_int(q.getColumn(26));
    p.finished_at = opt_int(q.getColumn(27));
    p.lease_owner = opt_text(q.getColumn(28));
    p.lease_until = opt_int(q.getColumn(29));
    return p;
}

} // namespace

std::int64_t Db::media_put(const MediaRow& m) {
    auto& q = cached("INSERT INTO media (sha256, kind, bytes, mime, width, height, duration_ms, "
                     "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                     "ON CONFLICT (sha256) DO UPDATE SET sha256 = excluded.sha256 RETURNING id");
    q.bind(1, m.sha256);
    q.bind(2, m.kind);
    q.bind(3, m.bytes);
    q.bind(4, m.mime);
    if (m.width)
        q.bind(5, *m.width);
    if (m.height)
        q.bind(6, *m.height);
    if (m.duration_ms)
        q.bind(7, *m.duration_ms);
    q.bind(8, unix_now());
    q.executeStep();
    std::int64_t id = q.getColumn(0).getInt64();
    q.reset();
    return id;
}

std::optional<MediaOrigin> Db::media_origin(std::string_view original_sha256) const {
    auto& q = cached("SELECT m.id, m.sha256, m.kind, m.bytes, m.mime, m.width, m.height, "
                     "m.duration_ms, o.changes FROM media_origins o "
                     "JOIN media m ON m.id = o.media_id WHERE o.sha256 = ?");
    q.bind(1, std::string(original_sha256));
    std::optional<MediaOrigin> out;
    if (q.executeStep())
        out = MediaOrigin{read_media(q, 0), q.getColumn(8).getString()};
    q.reset();
    return out;
}

void Db::media_origin_put(std::string_view original_sha256, std::int64_t media_id,
                          std::string_view changes) {
    auto& q = cached("INSERT INTO media_origins (sha256, media_id, changes) VALUES (?, ?, ?) "
                     "ON CONFLICT (sha256) DO UPDATE SET media_id = excluded.media_id, "
                     "changes = excluded.changes");
    q.bind(1, std::string(original_sha256));
    q.bind(2, media_id);
    q.bind(3, std::string(changes));
    q.exec();
}

std::vector<MediaRow> Db::media_releasable() const {
    SQLite::Statement q(*m_db, fmt::format("SELECT {} FROM media m WHERE NOT EXISTS ("
                                           "SELECT 1 FROM post_media pm JOIN posts p ON "
                                           "p.id = pm.post_id WHERE pm.media_id = m.id AND "
                                           "p.state IN {})",
                                           k_media_columns, k_needs_media));
    std::vector<MediaRow> out;
    while (q.executeStep())
        out.push_back(read_media(q, 0));
    return out;
}

std::optional<std::int64_t> Db::post_id_by_key(std::int64_t account_id,
                                               std::string_view key) const {
    auto& q = cached("SELECT id FROM posts WHERE account_id = ? AND key = ?");
    q.bind(1, account_id);
    q.bind(2, std::string(key));
    std::optional<std::int64_t> id;
    if (q.executeStep())
        id = q.getColumn(0).getInt64();
    q.reset();
    return id;
}

std::int64_t Db::post_insert(const NewPost& p) {
    std::int64_t now = unix_now();
    auto& q = cached("INSERT INTO posts (account_id, kind, mode, caption, title, privacy, options, "
                     "due_at, at_text, key, created_at, updated_at) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, p.account_id);
    q.bind(2, p.kind);
    q.bind(3, p.mode);
    q.bind(4, p.caption);
    bind_opt(q, 5, p.title);
    bind_opt(q, 6, p.privacy);
    q.bind(7, p.options);
    q.bind(8, p.due_at);
    q.bind(9, p.at_text);
    q.bind(10, p.key);
    q.bind(11, now);
    q.bind(12, now);
    q.exec();
    std::int64_t id = m_db->getLastInsertRowid();
    auto& m = cached("INSERT INTO post_media (post_id, position, media_id) VALUES (?, ?, ?)");
    for (std::size_t i = 0; i < p.media_ids.size(); ++i) {
        m.reset();
        m.bind(1, id);
        m.bind(2, static_cast<int>(i));
        m.bind(3, p.media_ids[i]);
        m.exec();
    }
    event_add("enqueued", fmt::format("{} {} post", p.mode, p.kind), p.account_id, id);
    return id;
}

std::optional<PostRow> Db::post(std::int64_t id) const {
    SQLite::Statement q(*m_db, fmt::format("SELECT {} FROM posts p JOIN accounts a ON "
                                           "a.id = p.account_id WHERE p.id = ?",
                                           k_post_columns));
    q.bind(1, id);
    if (!q.executeStep())
        return std::nullopt;
    PostRow p = read_post(q);
    SQLite::Statement m(*m_db, fmt::format("SELECT pm.position, pm.hosted_key, pm.hosted_url, "
                                           "pm.hosted_state, {} FROM post_media pm "
                                           "JOIN media m ON m.id = pm.media_id "
                                           "WHERE pm.post_id = ? ORDER BY pm.position",
                                           k_media_columns));
    m.bind(1, id);
    while (m.executeStep()) {
        PostMediaRow r;
        r.position = m.getColumn(0).getInt();
        r.hosted_key = opt_text(m.getColumn(1));
        r.hosted_url = opt_text(m.getColumn(2));
        r.hosted_state = opt_text(m.getColumn(3));
        r.media = read_media(m, 4);
        p.media.push_back(std::move(r));
    }
    return p;
}

std::vector<PostRow> Db::posts(const PostFilter& f) const {
    std::string where = "1";
    if (!f.states.empty()) {
        where += " AND p.state IN (";
        for (std::size_t i = 0; i < f.states.size(); ++i)
            where += i == 0 ? "?" : ", ?";
        where += ")";
    }
    if (f.account_id)
        where += " AND p.account_id = ?";
    if (f.due_before)
        where += " AND p.due_at < ?";
    SQLite::Statement q(*m_db, fmt::format("SELECT {} FROM posts p JOIN accounts a ON "
                                           "a.id = p.account_id WHERE {} "
                                           "ORDER BY p.due_at, p.id LIMIT ?",
                                           k_post_columns, where));
    int i = 1;
    for (const auto& s : f.states)
        q.bind(i++, s);
    if (f.account_id)
        q.bind(i++, *f.account_id);
    if (f.due_before)
        q.bind(i++, *f.due_before);
    q.bind(i, static_cast<std::int64_t>(f.limit));
    std::vector<PostRow> out;
    while (q.executeStep())
        out.push_back(read_post(q));
    if (out.empty())
        return out;
    // The page's media in one query.
    SQLite::Statement m(*m_db, fmt::format("SELECT pm.post_id, pm.position, {} FROM post_media pm "
                                           "JOIN media m ON m.id = pm.media_id "
                                           "WHERE pm.post_id IN (SELECT value FROM json_each(?)) "
                                           "ORDER BY pm.post_id, pm.position",
                                           k_media_columns));
    std::string ids = "[";
    std::map<std::int64_t, PostRow*> by_id;
    for (auto& p : out) {
        ids += (ids.size() > 1 ? "," : "") + std::to_string(p.id);
        by_id[p.id] = &p;
    }
    m.bind(1, ids + "]");
    while (m.executeStep()) {
        PostMediaRow r;
        r.position = m.getColumn(1).getInt();
        r.media = read_media(m, 2);
        by_id[m.getColumn(0).getInt64()]->media.push_back(std::move(r));
    }
    return out;
}

std::vector<EventRow> Db::post_events(std::int64_t post_id) const {
    SQLite::Statement q(*m_db, fmt::format("SELECT {} FROM events WHERE post_id = ? ORDER BY id",
                                           detail::k_event_columns));
    q.bind(1, post_id);
    std::vector<EventRow> out;
    while (q.executeStep())
        out.push_back(read_event(q));
    return out;
}

std::optional<std::int64_t> Db::last_pending_due(std::int64_t account_id) const {
    SQLite::Statement q(*m_db, "SELECT max(due_at) FROM posts WHERE account_id = ? AND state IN "
                               "('queued', 'publishing', 'deferred', 'needs_attention')");
    q.bind(1, account_id);
    q.executeStep();
    return opt_int(q.getColumn(0));
}

bool Db::post_edit(std::int64_t id, const PostEdit& e, const std::vector<std::string>& states) {
    std::string set = "updated_at = ?";
    if (e.mode)
        set += ", mode = ?";
    if (e.caption)
        set += ", caption = ?";
    if (e.title)
        set += ", title = ?";
    if (e.privacy)
        set += ", privacy = ?";
    if (e.options)
        set += ", options = ?";
    if (e.due_at)
        set += ", due_at = ?, next_attempt_at = NULL";
    if (e.at_text)
        set += ", at_text = ?";
    std::string in;
    for (std::size_t i = 0; i < states.size(); ++i)
        in += i == 0 ? "?" : ", ?";
    SQLite::Statement q(*m_db, fmt::format("UPDATE posts SET {} WHERE id = ? AND publish_id IS "
                                           "NULL AND state IN ({})",
                                           set, in));
    int i = 1;
    q.bind(i++, unix_now());
    if (e.mode)
        q.bind(i++, *e.mode);
    if (e.caption)
        q.bind(i++, *e.caption);
    if (e.title)
        bind_opt(q, i++, *e.title);
    if (e.privacy)
        bind_opt(q, i++, *e.privacy);
    if (e.options)
        q.bind(i++, *e.options);
    if (e.due_at)
        q.bind(i++, *e.due_at);
    if (e.at_text)
        q.bind(i++, *e.at_text);
    q.bind(i++, id);
    for (const auto& s : states)
        q.bind(i++, s);
    return q.exec() == 1;
}

bool Db::post_set_state(std::int64_t id, const std::vector<std::string>& from,
                        std::string_view to) {
    std::string in;
    for (std::size_t i = 0; i < from.size(); ++i)
        in += i == 0 ? "?" : ", ?";
    // Queued again by the user: a lost init's mark goes (the user decided to send it again);
    // a publish id stays, so publish-due asks TikTok about it first.
    std::string reset = to == "queued" ? ", attempts = 0, next_attempt_at = NULL, error_code = "
                                         "NULL, error_message = NULL, error_log_id = NULL, "
                                         "init_sent_at = CASE WHEN publish_id IS NULL THEN NULL "
                                         "ELSE init_sent_at END, finished_at = NULL"
                                       : "";
    SQLite::Statement q(*m_db, fmt::format("UPDATE posts SET state = ?, updated_at = ?{} "
                                           "WHERE id = ? AND state IN ({})",
                                           reset, in));
    int i = 1;
    q.bind(i++, std::string(to));
    q.bind(i++, unix_now());
    q.bind(i++, id);
    for (const auto& s : from)
        q.bind(i++, s);
    return q.exec() == 1;
}

std::int64_t Db::slot_add(std::int64_t account_id, int days, int minute) {
    SQLite::Statement q(*m_db, "INSERT INTO slots (account_id, days, minute, created_at) "
                               "VALUES (?, ?, ?, ?) ON CONFLICT (account_id, days, minute) "
                               "DO UPDATE SET days = excluded.days RETURNING id");
    q.bind(1, account_id);
    q.bind(2, days);
    q.bind(3, minute);
    q.bind(4, unix_now());
    q.executeStep();
    return q.getColumn(0).getInt64();
}

std::vector<SlotRow> Db::slots(std::optional<std::int64_t> account_id) const {
    SQLite::Statement q(*m_db, "SELECT s.id, s.account_id, a.name, s.days, s.minute FROM slots s "
                               "JOIN accounts a ON a.id = s.account_id "
                               "WHERE ?1 IS NULL OR s.account_id = ?1 "
                               "ORDER BY a.name, s.minute, s.days");
    if (account_id)
        q.bind(1, *account_id);
    std::vector<SlotRow> out;
    while (q.executeStep()) {
        out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getInt64(),
                       q.getColumn(2).getString(), q.getColumn(3).getInt(),
                       q.getColumn(4).getInt()});
    }
    return out;
}

bool Db::slot_remove(std::int64_t id) {
    SQLite::Statement q(*m_db, "DELETE FROM slots WHERE id = ?");
    q.bind(1, id);
    return q.exec() == 1;
}

} // namespace looppost::store
