// The dir media host: files written atomically into a folder the user's web server publishes.

#include <cerrno>
#include <fcntl.h>
#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/media/host.hpp>
#include <looppost/util/fs.hpp>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace looppost::media {
namespace {

[[noreturn]] void fail(std::string_view what, const fs::path& p, int e) {
    throw Error(Exit::unavailable, fmt::format("media host: cannot {} \"{}\": {}", what, p.string(),
                                               util::errno_message(e)));
}

void write_all(int fd, const char* data, size_t n, const fs::path& p) {
    while (n > 0) {
        ssize_t w = ::write(fd, data, n);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail("write", p, errno);
        }
        data += w;
        n -= static_cast<size_t>(w);
    }
}

class DirHost final : public MediaHost {
public:
    DirHost(HostConfig config, core::Random& random)
        : m_config(std::move(config)), m_random(random) {}

    std::string kind() const override { return "dir"; }

    std::string new_key(std::string_view mime) override {
        return make_object_key(m_random, m_config.prefix, mime);
    }

    HostedObject put_as(const std::string& key, const fs::path& file, std::string_view,
                        std::string_view) override {
        fs::path target = m_config.path / key;
        std::error_code ec;
        fs::create_directories(target.parent_path(), ec);
        if (ec) {
            fail("create", target.parent_path(), ec.value());
        }
        util::Fd in(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
        if (!in) {
            throw Error(Exit::no_input, fmt::format("cannot read \"{}\": {}", file.string(),
                                                    util::errno_message(errno)));
        }
        std::string tmpl = target.parent_path() / (".looppost-tmp-XXXXXX");
        util::Fd out(::mkostemp(tmpl.data(), O_CLOEXEC));
        if (!out) {
            fail("write in", target.parent_path(), errno);
        }
        fs::path tmp = tmpl;
        try {
            // Readable by the web server; the name is what keeps it private until published.
            if (::fchmod(out.get(), 0644) != 0) {
                fail("chmod", tmp, errno);
            }
            char buf[64 * 1024];
            for (;;) {
                ssize_t n = ::read(in.get(), buf, sizeof buf);
                if (n < 0) {
                    if (errno == EINTR) {
                        continue;
                    }
                    throw Error(Exit::no_input, fmt::format("cannot read \"{}\": {}", file.string(),
                                                            util::errno_message(errno)));
                }
                if (n == 0) {
                    break;
                }
                write_all(out.get(), buf, static_cast<size_t>(n), tmp);
            }
            if (::fsync(out.get()) != 0) {
                fail("sync", tmp, errno);
            }
            out = util::Fd();
            if (::rename(tmp.c_str(), target.c_str()) != 0) {
                fail("rename into", target, errno);
            }
        } catch (...) {
            ::unlink(tmp.c_str());
            throw;
        }
        util::fsync_path(target.parent_path());
        return {key, public_url(key)};
    }

    void remove(const std::string& key) override {
        fs::path p = m_config.path / key;
        if (::unlink(p.c_str()) != 0 && errno != ENOENT) {
            fail("delete", p, errno);
        }
    }

    bool exists(const std::string& key) override {
        struct stat st {};
        fs::path p = m_config.path / key;
        if (::stat(p.c_str(), &st) == 0) {
            return true;
        }
        if (errno != ENOENT) {
            fail("check", p, errno);
        }
        return false;
    }

    std::string public_url(const std::string& key) const override {
        return join_url(m_config.public_base_url, key);
    }

private:
    HostConfig m_config;
    core::Random& m_random;
};

} // namespace

std::unique_ptr<MediaHost> make_dir_host(const HostConfig& config, core::Random& random) {
    return std::make_unique<DirHost>(config, random);
}

} // namespace looppost::media
