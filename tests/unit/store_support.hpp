#pragma once
// Helpers for the store tests: a database file read behind the Db's back.

#include "unit_support.hpp"

#include <filesystem>
#include <looppost/store/db.hpp>
#include <memory>
#include <SQLiteCpp/SQLiteCpp.h>
#include <string>
#include <vector>

namespace test {

/// The names of the tables in the database `file`, sorted.
inline std::vector<std::string> tables(const std::filesystem::path& file) {
    SQLite::Database raw(file.string(), SQLite::OPEN_READONLY);
    SQLite::Statement q(raw, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
    std::vector<std::string> out;
    while (q.executeStep())
        out.push_back(q.getColumn(0).getString());
    return out;
}

/// A fresh database with two accounts.
struct Fresh {
    test::TempDir dir;
    std::unique_ptr<looppost::store::Db> db = looppost::store::Db::open(dir.path() / "looppost.db");
    std::int64_t alice = add_account("alice", "open-alice");
    std::int64_t bob = add_account("bob", "open-bob");

    std::int64_t add_account(const std::string& name, const std::string& open_id) {
        looppost::store::AccountRow a;
        a.name = name;
        a.open_id = open_id;
        a.scopes = {"video.upload"};
        return db->account_insert(a);
    }

    std::int64_t add_media(const std::string& sha, const std::string& kind = "photo") {
        looppost::store::MediaRow m;
        m.sha256 = sha;
        m.kind = kind;
        m.bytes = 1234;
        m.mime = kind == "photo" ? "image/jpeg" : "video/mp4";
        if (kind == "photo") {
            m.width = 1080;
            m.height = 1350;
        } else {
            m.duration_ms = 15'000;
        }
        return db->media_put(m);
    }

    std::int64_t add_post(std::int64_t account, const std::string& key, std::int64_t due,
                          std::vector<std::int64_t> media = {}) {
        looppost::store::NewPost p;
        p.account_id = account;
        p.kind = "photo";
        p.mode = "inbox";
        p.caption = "caption " + key;
        p.options = R"({"allow_comments":false})";
        p.due_at = due;
        p.at_text = "now";
        p.key = key;
        p.media_ids = std::move(media);
        std::int64_t id = 0;
        db->transaction([&] { id = db->post_insert(p); });
        return id;
    }

    /// Writes behind the Db's back, as publish-due will through its own calls.
    void raw(const std::string& sql) {
        SQLite::Database conn(db->file().string(), SQLite::OPEN_READWRITE);
        conn.exec(sql);
    }

    std::vector<std::int64_t> ids(const looppost::store::PostFilter& f) const {
        std::vector<std::int64_t> out;
        for (const auto& p : db->posts(f))
            out.push_back(p.id);
        return out;
    }
};


} // namespace test
