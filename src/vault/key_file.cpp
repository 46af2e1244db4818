#include <cerrno>
#include <fcntl.h>
#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/util/fs.hpp>
#include <looppost/vault/vault.hpp>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

namespace looppost::vault {
namespace fs = std::filesystem;

Secret read_key_file(const fs::path& file) {
    util::Fd fd(::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) {
        throw Error(Exit::config_missing, fmt::format("cannot read key file \"{}\": {}",
                                                      file.string(), util::errno_message(errno)));
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
        throw Error(Exit::config_missing,
                    fmt::format("key file \"{}\" is not a regular file", file.string()));
    }
    if (st.st_uid != ::geteuid()) {
        throw Error(
            Exit::config_missing,
            fmt::format("key file \"{}\" belongs to another user (uid {}); refusing to use it",
                        file.string(), st.st_uid));
    }
    if ((st.st_mode & 077) != 0) {
        throw Error(
            Exit::config_missing,
            fmt::format("key file \"{}\" is accessible by others (mode {}); run chmod 600 \"{}\"",
                        file.string(), util::mode_string(st.st_mode & 07777), file.string()));
    }
    if (st.st_size != crypto_aead_xchacha20poly1305_ietf_KEYBYTES) {
        throw Error(Exit::config_missing,
                    fmt::format("key file \"{}\" is corrupted ({} bytes, expected {}); restore it "
                                "from a backup",
                                file.string(), st.st_size,
                                crypto_aead_xchacha20poly1305_ietf_KEYBYTES));
    }
    std::string buf(crypto_aead_xchacha20poly1305_ietf_KEYBYTES, '\0');
    ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n != static_cast<ssize_t>(buf.size())) {
        sodium_memzero(buf.data(), buf.size());
        throw Error(Exit::config_missing,
                    fmt::format("cannot read key file \"{}\": short read", file.string()));
    }
    Secret key(buf);
    sodium_memzero(buf.data(), buf.size());
    return key;
}

Secret read_or_create_key_file(const fs::path& file) {
    if (::access(file.c_str(), F_OK) == 0) {
        return read_key_file(file);
    }
    std::string raw(crypto_aead_xchacha20poly1305_ietf_KEYBYTES, '\0');
    crypto_aead_xchacha20poly1305_ietf_keygen(reinterpret_cast<unsigned char*>(raw.data()));
    {
        util::AtomicFile f(file);
        f.write(raw);
        // Exclusive: when another process created the key meanwhile, its key wins.
        f.commit(/*exclusive=*/true);
    }
    sodium_memzero(raw.data(), raw.size());
    return read_key_file(file);
}

} // namespace looppost::vault
