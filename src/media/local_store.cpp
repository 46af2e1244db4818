#include <atomic>
#include <cerrno>
#include <cstdio>
#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/core/paths.hpp>
#include <looppost/media/local_store.hpp>
#include <looppost/util/digest.hpp>
#include <looppost/util/fs.hpp>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace looppost::media {
namespace fs = std::filesystem;

std::string_view extension_for(std::string_view mime) {
    if (mime == "image/jpeg")
        return "jpg";
    if (mime == "image/webp")
        return "webp";
    if (mime == "video/mp4")
        return "mp4";
    if (mime == "video/quicktime")
        return "mov";
    if (mime == "video/webm")
        return "webm";
    return "bin";
}

LocalStore::LocalStore(fs::path dir) : m_dir(std::move(dir)) {}

fs::path LocalStore::path_of(std::string_view sha256, std::string_view mime) const {
    return m_dir / std::string(sha256.substr(0, 2)) /
           fmt::format("{}.{}", sha256, extension_for(mime));
}

bool LocalStore::has(std::string_view sha256, std::string_view mime) const {
    std::error_code ec;
    return fs::is_regular_file(path_of(sha256, mime), ec);
}

fs::path LocalStore::temp_dir() const {
    fs::path tmp = m_dir / ".tmp";
    core::ensure_private_dir(m_dir);
    core::ensure_private_dir(tmp);
    return tmp;
}

bool LocalStore::intact(std::string_view sha256, std::string_view mime, std::int64_t bytes) const {
    std::error_code ec;
    auto size = fs::file_size(path_of(sha256, mime), ec);
    return !ec && static_cast<std::int64_t>(size) == bytes;
}

bool LocalStore::same_content(std::string_view sha256, std::string_view mime) const {
    auto path = path_of(sha256, mime);
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return false;
    return st.st_nlink <= 1 || util::sha256_file(path) == sha256;
}

fs::path LocalStore::stage_original(const fs::path& original) const {
    static std::atomic<unsigned> counter{0};
    fs::path staged = temp_dir() / fmt::format("{}-{}.staged", ::getpid(), counter++);
    if (::link(original.c_str(), staged.c_str()) == 0)
        return staged;
    // Another file system (or no hard links there): a copy.
    std::error_code ec;
    fs::copy_file(original, staged, fs::copy_options::overwrite_existing, ec);
    if (ec) {
        fs::remove(staged, ec);
        throw Error(Exit::no_input, fmt::format("cannot copy \"{}\" into looppost's media store: "
                                                "{}",
                                                original.string(), ec.message()));
    }
    return staged;
}

bool LocalStore::place(const fs::path& staged, std::string_view sha256, std::string_view mime) {
    fs::path target = path_of(sha256, mime);
    std::error_code ec;
    if (fs::exists(target, ec)) {
        fs::remove(staged, ec);
        return false;
    }
    core::ensure_private_dir(target.parent_path());
    if (::rename(staged.c_str(), target.c_str()) != 0) {
        throw Error(Exit::failed, fmt::format("cannot store \"{}\": {}", target.string(),
                                              util::errno_message(errno)));
    }
    m_unsynced.push_back(target);
    return true;
}

void LocalStore::sync() {
    std::set<fs::path> dirs;
    for (const auto& f : m_unsynced) {
        util::fsync_path(f);
        dirs.insert(f.parent_path());
    }
    for (const auto& d : dirs)
        util::fsync_path(d);
    m_unsynced.clear();
}

bool LocalStore::remove(std::string_view sha256, std::string_view mime) {
    std::error_code ec;
    return fs::remove(path_of(sha256, mime), ec);
}

} // namespace looppost::media
