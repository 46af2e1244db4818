#pragma once
// The local copies of enqueued media (DESIGN §4): one file per distinct content, named by the
// sha256 of its bytes, so a script may delete its own files once `enqueue` returns and identical
// media are kept once.

#include <cstdint>
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
    /// Whether the copy of `sha256` is there with `bytes` bytes: a hard-linked copy changes when
    /// its original is rewritten in place, and then it is no longer the content it is named by.
    bool intact(std::string_view sha256, std::string_view mime, std::int64_t bytes) const;
    /// Whether the copy of `sha256` still holds that content. Only a hard-linked copy can differ
    /// from its name (its original rewritten in place), so only such a copy is hashed again.
    bool same_content(std::string_view sha256, std::string_view mime) const;
    /// An unchanged original staged in the work folder under a name of its own: a hard link when
    /// it is on the same file system, else a copy. Throws Error naming the file on failure.
    std::filesystem::path stage_original(const std::filesystem::path& original) const;
    /// Moves a staged file into place; when the content is already there, the staged file is
    /// dropped and false returned. Call inside the transaction that stores the rows pointing at
    /// it, so that a concurrent release cannot delete it in between.
    bool place(const std::filesystem::path& staged, std::string_view sha256, std::string_view mime);
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
