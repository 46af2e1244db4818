#pragma once
// Helpers for the store tests: a database file read behind the Db's back.

#include <filesystem>
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

} // namespace test
