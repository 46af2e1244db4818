#pragma once
// Small file-system helpers with owned descriptors and checked return codes.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace looppost::util {

/// An owned file descriptor, closed on destruction.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd();
    Fd(Fd&& o) noexcept : m_fd(o.release()) {}
    Fd& operator=(Fd&& o) noexcept;
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return m_fd; }
    int release() {
        int fd = m_fd;
        m_fd = -1;
        return fd;
    }
    explicit operator bool() const { return m_fd >= 0; }

private:
    int m_fd = -1;
};

/// Writes a file under a temporary name in the same folder and renames it into place only on
/// commit(), so readers see the old or the new content, never a mix. Mode 0600.
class AtomicFile {
public:
    explicit AtomicFile(std::filesystem::path target);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;
    void write(std::string_view data);
    /// fsyncs, then renames over the target. With `exclusive`, fails (returns false) when the
    /// target already exists instead of replacing it (link(2) + unlink).
    bool commit(bool exclusive = false);

private:
    std::filesystem::path m_target;
    std::filesystem::path m_tmp;
    Fd m_fd;
};

/// fsync(2) of a file or folder by name; throws Error(failed) naming it when that fails.
void fsync_path(const std::filesystem::path& p);

/// The whole file; throws Error(no_input) naming the file when it cannot be read.
std::string read_file(const std::filesystem::path& p);

/// The permission bits (st_mode & 07777), or nullopt when the path does not exist.
std::optional<mode_t> file_mode(const std::filesystem::path& p);

/// "0600".
std::string mode_string(mode_t m);

/// The message of errno `e` ("permission denied"), lowercase as looppost's messages are.
std::string errno_message(int e);

} // namespace looppost::util
