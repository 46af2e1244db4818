#include <cerrno>
#include <fcntl.h>
#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/util/fs.hpp>
#include <looppost/vault/vault.hpp>
#include <sodium.h>
#include <termios.h>
#include <unistd.h>

namespace looppost::vault {
namespace {

// Strips one trailing newline (files written by `echo` end with one).
std::string chomp(std::string s) {
    if (!s.empty() && s.back() == '\n')
        s.pop_back();
    if (!s.empty() && s.back() == '\r')
        s.pop_back();
    return s;
}

Secret prompt(util::Fd& tty, std::string_view question) {
    auto out = [&](std::string_view s) {
        if (::write(tty.get(), s.data(), s.size()) < 0) {
            throw Error(Exit::config_missing, "cannot write to the terminal");
        }
    };
    termios old{};
    bool have_termios = ::tcgetattr(tty.get(), &old) == 0;
    if (have_termios) {
        termios quiet = old;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(tty.get(), TCSAFLUSH, &quiet);
    }
    out(question);
    std::string line;
    char c = 0;
    while (::read(tty.get(), &c, 1) == 1 && c != '\n') {
        line += c;
    }
    if (have_termios) {
        ::tcsetattr(tty.get(), TCSAFLUSH, &old);
    }
    out("\n");
    Secret s(chomp(line));
    sodium_memzero(line.data(), line.size());
    return s;
}

class EnvPassphraseSource final : public PassphraseSource {
public:
    explicit EnvPassphraseSource(core::EnvLookup env) : m_env(std::move(env)) {}

    Secret get(bool new_store) override {
        if (auto file = m_env("LOOPPOST_PASSPHRASE_FILE")) {
            std::string raw = chomp(util::read_file(*file));
            Secret s(raw);
            sodium_memzero(raw.data(), raw.size());
            if (s.empty()) {
                throw Error(Exit::config_missing,
                            fmt::format("passphrase file \"{}\" is empty", *file));
            }
            return s;
        }
        util::Fd tty(::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC));
        if (!tty) {
            throw Error(Exit::config_missing,
                        "the store is protected by a passphrase: set LOOPPOST_PASSPHRASE_FILE to a "
                        "file holding it, or run looppost on a terminal");
        }
        Secret first =
            prompt(tty, new_store ? "new looppost passphrase: " : "looppost passphrase: ");
        if (first.empty()) {
            throw Error(Exit::config_missing, "the passphrase cannot be empty");
        }
        if (new_store) {
            Secret again = prompt(tty, "repeat the passphrase: ");
            if (!(again == first)) {
                throw Error(Exit::config_missing,
                            "the two passphrases differ; nothing was changed");
            }
        }
        return first;
    }

private:
    core::EnvLookup m_env;
};

} // namespace

std::unique_ptr<PassphraseSource> env_passphrase_source(core::EnvLookup env) {
    return std::make_unique<EnvPassphraseSource>(std::move(env));
}

} // namespace looppost::vault
