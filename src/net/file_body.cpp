#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/net/file_body.hpp>
#include <sys/stat.h>
#include <unistd.h>

namespace looppost::net {

FileRange::FileRange(const std::filesystem::path& file, std::uint64_t first, std::uint64_t length)
    : m_fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC)), m_first(first), m_length(length) {
    if (!m_fd) {
        throw Error(Exit::no_input,
                    fmt::format("cannot read \"{}\": {}", file.string(), std::strerror(errno)));
    }
    struct stat st {};
    if (::fstat(m_fd.get(), &st) != 0) {
        throw Error(Exit::no_input,
                    fmt::format("cannot read \"{}\": {}", file.string(), std::strerror(errno)));
    }
    auto have = static_cast<std::uint64_t>(st.st_size);
    if (first > have || length > have - first) {
        throw Error(Exit::bad_input,
                    fmt::format("\"{}\" is {} bytes, shorter than the {} bytes planned; it "
                                "changed since it was checked",
                                file.string(), have, first + length));
    }
}

std::size_t FileRange::read(char* buf, std::size_t max) {
    std::uint64_t left = m_length - m_done;
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, max));
    std::size_t got = 0;
    while (got < want) {
        ssize_t n =
            ::pread(m_fd.get(), buf + got, want - got, static_cast<off_t>(m_first + m_done + got));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            m_errno = n == 0 ? EIO : errno; // 0: the file shrank under us
            break;
        }
        got += static_cast<std::size_t>(n);
    }
    m_done += got;
    return got;
}

} // namespace looppost::net
