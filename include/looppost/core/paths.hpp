#pragma once
// Where looppost keeps its files. XDG by default: the key under $XDG_CONFIG_HOME/looppost, the
// database and media under $XDG_DATA_HOME/looppost — different folders, so a copy of the database
// alone reveals no secret. `--home DIR` / LOOPPOST_HOME puts both under one folder (DIR/config,
// DIR/data), which is what tests use.

#include <filesystem>
#include <looppost/core/env.hpp>
#include <optional>

namespace looppost::core {

struct Paths {
    std::filesystem::path config_dir;
    std::filesystem::path data_dir;
    /// Set when --home or LOOPPOST_HOME chose the location.
    std::optional<std::filesystem::path> home;

    std::filesystem::path key_file() const { return config_dir / "key"; }
    std::filesystem::path db_file() const { return data_dir / "looppost.db"; }
    std::filesystem::path media_dir() const { return data_dir / "media"; }

    /// Resolves the locations (flag > LOOPPOST_HOME > XDG). Touches nothing on disk.
    static Paths resolve(const std::optional<std::filesystem::path>& home_flag,
                         const EnvLookup& env);

    /// Checks the home (it must exist and be readable and writable) and creates the config and
    /// data folders with mode 0700 when missing. Errors: missing or unreadable home → no_input;
    /// a folder looppost cannot write in → config_missing.
    void ensure() const;
};

/// Creates `dir` with mode 0700 unless it exists; its parents with the default mode.
void ensure_private_dir(const std::filesystem::path& dir);

} // namespace looppost::core
