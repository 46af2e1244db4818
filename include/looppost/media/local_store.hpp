#pragma once
// The local copies of enqueued media (DESIGN §4): one file per distinct content, named by the
// sha256 of its bytes, so a script may delete its own files once `enqueue` returns and identical
// media are kept once.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace looppost::media {

class LocalStore {
public:
    /// `dir` is created (0700) on first write.
    explicit LocalStore(std::filesystem::path dir);

    /// Where the content `sha256` of type `mime` lives: DIR/ab/abcd….jpg.
    std::filesystem::path path_of(std::string_view sha256, std::string_view mime) const;
    bool has(std::string_view sha256, std::string_view mime) const;
    /// A folder on the same file system for work in progress (normalised files before they are
    /// adopted): renames into place are atomic.
    std::filesystem::path temp_dir() const;
    /// Moves a finished temporary file into place (a no-op when the content is already there).
    void adopt(const std::filesystem::path& temp, std::string_view sha256, std::string_view mime);
    /// Stores an unchanged original: a hard link when it is on the same file system, else a copy
    /// (written under a temporary name and renamed). Throws Error naming the file on failure.
    void keep_original(const std::filesystem::path& original, std::string_view sha256,
                       std::string_view mime);
    /// Makes what was placed since the last call durable (fsync of the files and their folders),
    /// before a database row points at them.
    void sync();
    /// Deletes the copy of `sha256` (absent copies are fine); true when a file was removed.
    bool remove(std::string_view sha256, std::string_view mime);

private:
    std::filesystem::path m_dir;
    std::vector<std::filesystem::path> m_unsynced;
};

/// The file name extension for a stored media type ("image/jpeg" → "jpg").
std::string_view extension_for(std::string_view mime);

} // namespace looppost::media
