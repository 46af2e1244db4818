// Db: the reads `looppost export` needs beyond those of the queue and stats: every media row and
// the audit trail that belongs to no post, inside one read transaction.

#include "columns.hpp"

#include <fmt/format.h>
#include <looppost/store/db.hpp>
#include <SQLiteCpp/SQLiteCpp.h>

namespace looppost::store {

void Db::read_transaction(const std::function<void()>& f) const {
    // Deferred: the snapshot starts at the first read and takes no write lock, so publish-due
    // and snapshot-stats are not held up by a long export.
    detail::run_transaction(*m_db, "BEGIN", f);
}

std::vector<MediaRow> Db::media_all(std::optional<std::int64_t> account_id) const {
    SQLite::Statement q(*m_db,
                        fmt::format("SELECT {} FROM media m WHERE ?1 IS NULL OR EXISTS ("
                                    "SELECT 1 FROM post_media pm JOIN posts p ON p.id = pm.post_id "
                                    "WHERE pm.media_id = m.id AND p.account_id = ?1) ORDER BY m.id",
                                    detail::k_media_columns));
    detail::bind_opt(q, 1, account_id);
    std::vector<MediaRow> out;
    while (q.executeStep())
        out.push_back(detail::read_media(q, 0));
    return out;
}

std::vector<EventRow> Db::events_without_post(std::optional<std::int64_t> account_id) const {
    SQLite::Statement q(*m_db, fmt::format("SELECT {} FROM events WHERE post_id IS NULL AND "
                                           "(?1 IS NULL OR account_id = ?1) ORDER BY id",
                                           detail::k_event_columns));
    detail::bind_opt(q, 1, account_id);
    std::vector<EventRow> out;
    while (q.executeStep())
        out.push_back(detail::read_event(q));
    return out;
}

} // namespace looppost::store
