#pragma once
// Small helpers shared by the Db's SQL files. Private to src/store.

#include <cstdint>
#include <ctime>
#include <functional>
#include <looppost/store/db.hpp>
#include <optional>
#include <SQLiteCpp/SQLiteCpp.h>
#include <string>

namespace looppost::store::detail {

inline std::int64_t unix_now() {
    return static_cast<std::int64_t>(std::time(nullptr));
}

/// A BLOB column's bytes (empty for NULL).
inline Blob blob(const SQLite::Column& c) {
    if (c.isNull()) {
        return {};
    }
    const auto* p = static_cast<const unsigned char*>(c.getBlob());
    return Blob(p, p + c.getBytes());
}

inline std::optional<std::string> opt_text(const SQLite::Column& c) {
    if (c.isNull()) {
        return std::nullopt;
    }
    return c.getString();
}

inline std::optional<std::int64_t> opt_int(const SQLite::Column& c) {
    if (c.isNull()) {
        return std::nullopt;
    }
    return c.getInt64();
}

/// Binds `v`, or NULL when it is absent.
template <class T> void bind_opt(SQLite::Statement& q, int i, const std::optional<T>& v) {
    if (v) {
        q.bind(i, *v);
    } else {
        q.bind(i);
    }
}

/// Runs `f` between `begin` ("BEGIN IMMEDIATE", "BEGIN") and COMMIT, rolled back when it throws.
inline void run_transaction(SQLite::Database& db, const char* begin,
                            const std::function<void()>& f) {
    db.exec(begin);
    try {
        f();
        db.exec("COMMIT");
    } catch (...) {
        try {
            db.exec("ROLLBACK");
        } catch (const SQLite::Exception&) {
            // The original error is the one worth reporting.
        }
        throw;
    }
}

/// The media table's columns in MediaRow order (alias m), and their reader from column `first`.
inline constexpr const char* k_media_columns =
    "m.id, m.sha256, m.kind, m.bytes, m.mime, m.width, m.height, m.duration_ms";

inline MediaRow read_media(SQLite::Statement& q, int first) {
    MediaRow m;
    m.id = q.getColumn(first).getInt64();
    m.sha256 = q.getColumn(first + 1).getString();
    m.kind = q.getColumn(first + 2).getString();
    m.bytes = q.getColumn(first + 3).getInt64();
    m.mime = q.getColumn(first + 4).getString();
    if (auto w = opt_int(q.getColumn(first + 5)))
        m.width = static_cast<int>(*w);
    if (auto h = opt_int(q.getColumn(first + 6)))
        m.height = static_cast<int>(*h);
    m.duration_ms = opt_int(q.getColumn(first + 7));
    return m;
}

/// The events table's columns in EventRow order, and their reader (from column 0).
inline constexpr const char* k_event_columns = "id, at, account_id, post_id, kind, detail";

inline EventRow read_event(SQLite::Statement& q) {
    EventRow e;
    e.id = q.getColumn(0).getInt64();
    e.at = q.getColumn(1).getInt64();
    e.account_id = opt_int(q.getColumn(2));
    e.post_id = opt_int(q.getColumn(3));
    e.kind = q.getColumn(4).getString();
    e.detail = q.getColumn(5).getString();
    return e;
}

} // namespace looppost::store::detail
