#include <cerrno>
#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/core/paths.hpp>
#include <looppost/util/fs.hpp>
#include <sys/stat.h>
#include <unistd.h>

namespace looppost::core {
namespace fs = std::filesystem;

Paths Paths::resolve(const std::optional<fs::path>& home_flag, const EnvLookup& env) {
    Paths p;
    std::optional<fs::path> home = home_flag;
    if (!home) {
        if (auto h = env("LOOPPOST_HOME")) {
            home = fs::path(*h);
        }
    }
    if (home) {
        fs::path abs = home->is_absolute() ? *home : fs::absolute(*home);
        p.home = abs.lexically_normal();
        p.config_dir = *p.home / "config";
        p.data_dir = *p.home / "data";
        return p;
    }
    fs::path user_home = env("HOME").value_or("/");
    fs::path config = env("XDG_CONFIG_HOME").value_or((user_home / ".config").string());
    fs::path data = env("XDG_DATA_HOME").value_or((user_home / ".local" / "share").string());
    p.config_dir = config / "looppost";
    p.data_dir = data / "looppost";
    return p;
}

void ensure_private_dir(const fs::path& dir) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            throw Error(Exit::config_missing,
                        fmt::format("\"{}\" is not a directory", dir.string()));
        }
        if (::access(dir.c_str(), R_OK | W_OK | X_OK) != 0) {
            throw Error(Exit::config_missing,
                        fmt::format("cannot write in \"{}\": {}", dir.string(),
                                    util::errno_message(errno)));
        }
        return;
    }
    std::error_code ec;
    if (dir.has_parent_path()) {
        fs::create_directories(dir.parent_path(), ec);
    }
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
        throw Error(Exit::config_missing, fmt::format("cannot create \"{}\": {}", dir.string(),
                                                      util::errno_message(errno)));
    }
}

void Paths::ensure() const {
    if (home) {
        struct stat st {};
        if (::stat(home->c_str(), &st) != 0) {
            throw Error(
                Exit::no_input,
                fmt::format("home \"{}\" does not exist; create it with mkdir -m 700 \"{}\"",
                            home->string(), home->string()));
        }
        if (!S_ISDIR(st.st_mode)) {
            throw Error(Exit::no_input,
                        fmt::format("home \"{}\" is not a directory", home->string()));
        }
        if (::access(home->c_str(), R_OK | X_OK) != 0) {
            throw Error(Exit::no_input, fmt::format("cannot read home \"{}\": {}", home->string(),
                                                    util::errno_message(errno)));
        }
    }
    ensure_private_dir(config_dir);
    ensure_private_dir(data_dir);
}

} // namespace looppost::core
