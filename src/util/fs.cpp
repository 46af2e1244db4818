#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/util/fs.hpp>
#include <sys/stat.h>
#include <unistd.h>

namespace looppost::util {
namespace fs = std::filesystem;

Fd::~Fd() {
    if (m_fd >= 0) {
        ::close(m_fd);
    }
}

Fd& Fd::operator=(Fd&& o) noexcept {
    if (this != &o) {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
        m_fd = o.release();
    }
    return *this;
}

std::string errno_message(int e) {
    std::string m = std::strerror(e);
    if (!m.empty()) {
        m[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(m[0])));
    }
    return m;
}

AtomicFile::AtomicFile(fs::path target) : m_target(std::move(target)) {
    std::string tmpl = m_target.string() + ".tmp-XXXXXX";
    int fd = mkostemp(tmpl.data(), O_CLOEXEC);
    if (fd < 0) {
        throw Error(Exit::config_missing,
                    fmt::format("cannot write in \"{}\": {}", m_target.parent_path().string(),
                                errno_message(errno)));
    }
    m_fd = Fd(fd);
    m_tmp = tmpl;
    ::fchmod(fd, 0600);
}

AtomicFile::~AtomicFile() {
    if (!m_tmp.empty()) {
        ::unlink(m_tmp.c_str());
    }
}

void AtomicFile::write(std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(m_fd.get(), data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw Error(Exit::failed, fmt::format("cannot write \"{}\": {}", m_tmp.string(),
                                                  errno_message(errno)));
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
}

bool AtomicFile::commit(bool exclusive) {
    if (::fsync(m_fd.get()) != 0) {
        throw Error(Exit::failed,
                    fmt::format("cannot sync \"{}\": {}", m_tmp.string(), errno_message(errno)));
    }
    m_fd = Fd();
    if (exclusive) {
        if (::link(m_tmp.c_str(), m_target.c_str()) != 0) {
            if (errno == EEXIST) {
                return false;
            }
            throw Error(Exit::failed, fmt::format("cannot create \"{}\": {}", m_target.string(),
                                                  errno_message(errno)));
        }
        ::unlink(m_tmp.c_str());
    } else if (::rename(m_tmp.c_str(), m_target.c_str()) != 0) {
        throw Error(Exit::failed, fmt::format("cannot replace \"{}\": {}", m_target.string(),
                                              errno_message(errno)));
    }
    m_tmp.clear();
    // Make the new directory entry durable too.
    Fd dir(::open(m_target.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir) {
        ::fsync(dir.get());
    }
    return true;
}

void fsync_path(const std::filesystem::path& p) {
    Fd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd || ::fsync(fd.get()) != 0) {
        throw Error(Exit::failed, fmt::format("cannot sync \"{}\" to disk: {}", p.string(),
                                              errno_message(errno)));
    }
}

std::string read_file(const fs::path& p) {
    Fd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        throw Error(Exit::no_input,
                    fmt::format("cannot read \"{}\": {}", p.string(), errno_message(errno)));
    }
    std::string out;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            throw Error(Exit::no_input,
                        fmt::format("cannot read \"{}\": {}", p.string(), errno_message(errno)));
        }
        if (n == 0) {
            break;
        }
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

std::optional<mode_t> file_mode(const fs::path& p) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) {
        return std::nullopt;
    }
    return st.st_mode & 07777;
}

std::string mode_string(mode_t m) {
    return fmt::format("{:04o}", m);
}

} // namespace looppost::util
