#include "source_file.hpp"

#include <cerrno>
#include <fcntl.h>
#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/util/fs.hpp>
#include <sys/stat.h>

namespace looppost::media::detail {

std::string quoted(const std::filesystem::path& file) {
    return fmt::format("\"{}\"", file.string());
}

std::string size_text(std::uint64_t bytes) {
    const auto b = static_cast<double>(bytes);
    if (b >= 1e9) {
        return fmt::format("{:.3g} GB", b / 1e9);
    }
    if (b >= 1e6) {
        return fmt::format("{:.3g} MB", b / 1e6);
    }
    if (b >= 1e3) {
        return fmt::format("{:.3g} kB", b / 1e3);
    }
    return fmt::format("{} bytes", bytes);
}

} // namespace looppost::media::detail

namespace looppost::media {
using detail::quoted;

std::uint64_t check_source(const std::filesystem::path& file, std::string_view what) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) {
        int e = errno;
        if (e == ENOENT || e == ENOTDIR) {
            throw Error(Exit::no_input, fmt::format("{} {} does not exist", what, quoted(file)));
        }
        throw Error(Exit::no_input, fmt::format("cannot read {} {}: {}", what, quoted(file),
                                                util::errno_message(e)));
    }
    if (S_ISDIR(st.st_mode)) {
        throw Error(Exit::bad_input,
                    fmt::format("{} {} is a directory, not a file", what, quoted(file)));
    }
    if (!S_ISREG(st.st_mode)) {
        throw Error(Exit::bad_input,
                    fmt::format("{} {} is not a regular file", what, quoted(file)));
    }
    util::Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        throw Error(Exit::no_input, fmt::format("cannot read {} {}: {}", what, quoted(file),
                                                util::errno_message(errno)));
    }
    if (st.st_size == 0) {
        throw Error(Exit::bad_input, fmt::format("{} {} is empty", what, quoted(file)));
    }
    return static_cast<std::uint64_t>(st.st_size);
}

} // namespace looppost::media
