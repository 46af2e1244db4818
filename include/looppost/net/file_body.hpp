#pragma once
// A request body streamed from a range of a file, so an upload of a 4 GB video holds no more
// than libcurl's own buffer in memory.

#include <cstdint>
#include <filesystem>
#include <looppost/net/http.hpp>
#include <looppost/util/fs.hpp>

namespace looppost::net {

/// Bytes [first, first + length) of a file, read with pread(2) straight into the caller's
/// buffer (libcurl's fixed upload buffer), so memory stays bounded whatever the range.
class FileRange final : public BodySource {
public:
    /// Throws Error(no_input) naming `file` when it cannot be opened, Error(bad_input) when it
    /// is shorter than first + length (it changed since it was checked).
    FileRange(const std::filesystem::path& file, std::uint64_t first, std::uint64_t length);

    std::int64_t size() const override { return static_cast<std::int64_t>(m_length); }
    /// Returns 0 early when the file cannot be read (see error()): with the Content-Length
    /// announced, a short body fails the transfer instead of sending wrong bytes.
    std::size_t read(char* buf, std::size_t max) override;
    void rewind() override {
        m_done = 0;
        m_errno = 0;
    }
    /// The errno of a failed or short read, 0 when every read so far succeeded.
    int error() const { return m_errno; }

private:
    util::Fd m_fd;
    std::uint64_t m_first;
    std::uint64_t m_length;
    std::uint64_t m_done = 0;
    int m_errno = 0;
};

} // namespace looppost::net
