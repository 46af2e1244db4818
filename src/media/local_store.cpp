#include <cerrno>
#include <cstdio>
#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/core/paths.hpp>
#include <looppost/media/local_store.hpp>
#include <looppost/util/fs.hpp>
#include <set>
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

void LocalStore::adopt(const fs::path& temp, std::string_view sha256, std::string_view mime) {
    fs::path target = path_of(sha256, mime);
    core::ensure_private_dir(target.parent_path());
    if (::rename(temp.c_str(), target.c_str()) != 0) {
        throw Error(Exit::failed, fmt::format("cannot store \"{}\": {}", target.string(),
                                              util::errno_message(errno)));
    }
    m_unsynced.push_back(target);
}

void LocalStore::keep_original(const fs::path& original, std::string_view sha256,
                               std::string_view mime) {
    fs::path target = path_of(sha256, mime);
    core::ensure_private_dir(target.parent_path());
    if (::link(original.c_str(), target.c_str()) == 0) {
        m_unsynced.push_back(target);
        return;
    }
    if (errno == EEXIST)
        return;
    // Another file system (or no hard links there): copy under a temporary name, then rename.
    fs::path tmp = temp_dir() / fmt::format("{}.copy", sha256);
    std::error_code ec;
    fs::copy_file(original, tmp, fs::copy_options::overwrite_existing, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw Error(Exit::no_input, fmt::format("cannot copy \"{}\" into looppost's media store: "
                                                "{}",
                                                original.string(), ec.message()));
    }
    adopt(tmp, sha256, mime);
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
