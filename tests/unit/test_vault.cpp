#include "unit_support.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <looppost/core/errors.hpp>
#include <looppost/core/paths.hpp>
#include <looppost/store/db.hpp>
#include <looppost/util/fs.hpp>
#include <looppost/vault/vault.hpp>
#include <sstream>
#include <sys/stat.h>

using namespace looppost;
using looppost::vault::Ad;
using looppost::vault::KeyMode;
using looppost::vault::Secret;
using looppost::vault::Vault;

namespace {

template <class T>
concept Streamable = requires(std::ostream& os, const T& t) {
    os << t;
};

static_assert(!Streamable<Secret>, "a Secret must not be printable");
static_assert(!fmt::is_formattable<Secret>::value, "a Secret must not be formattable");
static_assert(!std::is_copy_constructible_v<Secret>, "a Secret must not be copied by accident");

struct FixedPassphrase : vault::PassphraseSource {
    std::string value;
    int calls = 0;
    explicit FixedPassphrase(std::string v) : value(std::move(v)) {}
    Secret get(bool) override {
        ++calls;
        return Secret(value);
    }
};

struct Store {
    test::TempDir dir;
    core::Paths paths;
    std::unique_ptr<store::Db> db;
    Store() {
        paths = core::Paths::resolve(dir.path(), core::fixed_env({}));
        paths.ensure();
        db = store::Db::open(paths.db_file());
    }
    void reopen() { db = store::Db::open(paths.db_file()); }
};

FixedPassphrase g_unused("unused");

} // namespace

TEST_CASE("a sealed value opens to the same bytes under the same associated data") {
    Store s;
    Vault v = Vault::open(s.paths, *s.db, KeyMode::file, g_unused);
    auto sealed = v.seal("rft.refresh-token-value", Ad{"accounts", 7, "refresh_token"});
    CHECK(std::string(sealed.begin(), sealed.end()).find("refresh-token-value") ==
          std::string::npos);
    CHECK(v.open(sealed, Ad{"accounts", 7, "refresh_token"}).reveal() == "rft.refresh-token-value");
}

TEST_CASE("sealing the same value twice gives different ciphertexts") {
    Store s;
    Vault v = Vault::open(s.paths, *s.db, KeyMode::file, g_unused);
    CHECK(v.seal("x", Ad{"app", 1, "client_secret"}) != v.seal("x", Ad{"app", 1, "client_secret"}));
}

TEST_CASE("a tampered ciphertext is refused, never decrypted into garbage") {
    Store s;
    Vault v = Vault::open(s.paths, *s.db, KeyMode::file, g_unused);
    auto sealed = v.seal("secret", Ad{"app", 1, "client_secret"});
    for (size_t i : {size_t{0}, size_t{5}, sealed.size() - 1}) {
        auto bad = sealed;
        bad[i] ^= 0x01;
        CHECK_THROWS_AS(v.open(bad, Ad{"app", 1, "client_secret"}), Fatal);
    }
    auto truncated = sealed;
    truncated.resize(10);
    CHECK_THROWS_AS(v.open(truncated, Ad{"app", 1, "client_secret"}), Fatal);
}

TEST_CASE("a ciphertext moved to another row or field does not open") {
    Store s;
    Vault v = Vault::open(s.paths, *s.db, KeyMode::file, g_unused);
    auto sealed = v.seal("act.token", Ad{"accounts", 1, "access_token"});
    CHECK_THROWS_AS(v.open(sealed, Ad{"accounts", 2, "access_token"}), Fatal);
    CHECK_THROWS_AS(v.open(sealed, Ad{"accounts", 1, "refresh_token"}), Fatal);
    CHECK_THROWS_AS(v.open(sealed, Ad{"app", 1, "access_token"}), Fatal);
}

TEST_CASE("the key file is created once with mode 0600 and reused") {
    Store s;
    Vault v1 = Vault::open(s.paths, *s.db, KeyMode::file, g_unused);
    CHECK(util::file_mode(s.paths.key_file()) == mode_t{0600});
    std::string key_bytes = util::read_file(s.paths.key_file());
    CHECK(key_bytes.size() == 32);
    auto sealed = v1.seal("hello", Ad{"app", 1, "client_secret"});
    s.reopen();
    Vault v2 = Vault::open(s.paths, *s.db, KeyMode::file, g_unused);
    CHECK(util::read_file(s.paths.key_file()) == key_bytes);
    CHECK(v2.open(sealed, Ad{"app", 1, "client_secret"}).reveal() == "hello");
}

TEST_CASE("a wrong key file is reported as a wrong key and changes nothing on disk") {
    Store s;
    Vault::open(s.paths, *s.db, KeyMode::file, g_unused);
    s.db.reset();
    // Replace the key with other random bytes of the right size.
    std::string other(32, 'k');
    {
        std::ofstream f(s.paths.key_file(), std::ios::binary | std::ios::trunc);
        f << other;
    }
    auto before = test::snapshot(s.dir.path());
    s.reopen();
    try {
        Vault::open(s.paths, *s.db, KeyMode::file, g_unused);
        FAIL("a wrong key was accepted");
    } catch (const Error& e) {
        CHECK(e.exit() == Exit::config_missing);
        CHECK(std::string(e.what()).find("wrong key") != std::string::npos);
    }
    s.db.reset();
    CHECK(test::snapshot(s.dir.path()) == before);
}

TEST_CASE("a key file readable by others is refused with the chmod that fixes it") {
    Store s;
    Vault::open(s.paths, *s.db, KeyMode::file, g_unused);
    ::chmod(s.paths.key_file().c_str(), 0644);
    try {
        Vault::open(s.paths, *s.db, KeyMode::file, g_unused);
        FAIL("a loose key file was accepted");
    } catch (const Error& e) {
        CHECK(e.exit() == Exit::config_missing);
        CHECK(std::string(e.what()).find("chmod 600") != std::string::npos);
    }
    CHECK(util::file_mode(s.paths.key_file()) == mode_t{0644}); // left as it was
}

TEST_CASE("a corrupted key file is reported as corrupted") {
    Store s;
    Vault::open(s.paths, *s.db, KeyMode::file, g_unused);
    {
        std::ofstream f(s.paths.key_file(), std::ios::binary | std::ios::app);
        f << "extra";
    }
    try {
        Vault::open(s.paths, *s.db, KeyMode::file, g_unused);
        FAIL("a corrupted key file was accepted");
    } catch (const Error& e) {
        CHECK(e.exit() == Exit::config_missing);
        CHECK(std::string(e.what()).find("corrupted") != std::string::npos);
    }
}

TEST_CASE("a missing key file is not silently replaced when the database holds sealed secrets") {
    Store s;
    Vault::open(s.paths, *s.db, KeyMode::file, g_unused);
    std::filesystem::remove(s.paths.key_file());
    CHECK_THROWS_AS(Vault::open(s.paths, *s.db, KeyMode::file, g_unused), Error);
    CHECK_FALSE(std::filesystem::exists(s.paths.key_file()));
}

TEST_CASE("passphrase mode derives the key and needs no key file") {
    Store s;
    FixedPassphrase pass("correct horse battery staple");
    Vault v = Vault::open(s.paths, *s.db, KeyMode::passphrase, pass);
    CHECK(v.mode() == KeyMode::passphrase);
    CHECK_FALSE(std::filesystem::exists(s.paths.key_file()));
    auto sealed = v.seal("client-secret", Ad{"app", 1, "client_secret"});
    // The recorded mode wins over the requested one when the store exists.
    Vault again = Vault::open(s.paths, *s.db, KeyMode::file, pass);
    CHECK(again.mode() == KeyMode::passphrase);
    CHECK(again.open(sealed, Ad{"app", 1, "client_secret"}).reveal() == "client-secret");
}

TEST_CASE("a wrong passphrase is reported as such and changes nothing on disk") {
    Store s;
    FixedPassphrase good("right");
    Vault::open(s.paths, *s.db, KeyMode::passphrase, good);
    s.db.reset();
    auto before = test::snapshot(s.dir.path());
    s.reopen();
    FixedPassphrase bad("wrong");
    try {
        Vault::open(s.paths, *s.db, KeyMode::passphrase, bad);
        FAIL("a wrong passphrase was accepted");
    } catch (const Error& e) {
        CHECK(e.exit() == Exit::config_missing);
        CHECK(std::string(e.what()).find("wrong passphrase") != std::string::npos);
    }
    s.db.reset();
    CHECK(test::snapshot(s.dir.path()) == before);
}

TEST_CASE("a Secret moves its bytes and leaves the source empty") {
    Secret a("s3cr3t");
    Secret b(std::move(a));
    CHECK(b.reveal() == "s3cr3t");
    CHECK(a.empty()); // NOLINT(bugprone-use-after-move): the moved-from state is the point
    Secret c;
    c = std::move(b);
    CHECK(c.reveal() == "s3cr3t");
    CHECK(c == Secret("s3cr3t"));
}
