#include "unit_support.hpp"

#include <doctest/doctest.h>
#include <looppost/core/errors.hpp>
#include <looppost/core/paths.hpp>
#include <looppost/util/fs.hpp>
#include <sys/stat.h>

using namespace looppost;
using namespace looppost::core;
namespace fs = std::filesystem;

TEST_CASE("LOOPPOST_HOME puts the key and the database in separate folders under it") {
    auto p = Paths::resolve(std::nullopt,
                            fixed_env({{"LOOPPOST_HOME", "/srv/lp"}, {"HOME", "/home/u"}}));
    CHECK(p.key_file() == fs::path("/srv/lp/config/key"));
    CHECK(p.db_file() == fs::path("/srv/lp/data/looppost.db"));
    CHECK(p.media_dir() == fs::path("/srv/lp/data/media"));
}

TEST_CASE("--home beats LOOPPOST_HOME") {
    auto p = Paths::resolve(fs::path("/a"), fixed_env({{"LOOPPOST_HOME", "/b"}}));
    CHECK(p.db_file() == fs::path("/a/data/looppost.db"));
}

TEST_CASE("without a home the XDG folders are used, with their defaults") {
    auto p = Paths::resolve(std::nullopt, fixed_env({{"HOME", "/home/u"}}));
    CHECK(p.key_file() == fs::path("/home/u/.config/looppost/key"));
    CHECK(p.db_file() == fs::path("/home/u/.local/share/looppost/looppost.db"));
    auto q = Paths::resolve(
        std::nullopt,
        fixed_env({{"HOME", "/home/u"}, {"XDG_CONFIG_HOME", "/cfg"}, {"XDG_DATA_HOME", "/data"}}));
    CHECK(q.key_file() == fs::path("/cfg/looppost/key"));
    CHECK(q.db_file() == fs::path("/data/looppost/looppost.db"));
}

TEST_CASE("ensure creates the folders with mode 0700") {
    test::TempDir dir;
    auto p = Paths::resolve(dir.path(), fixed_env({}));
    p.ensure();
    CHECK(util::file_mode(p.config_dir) == mode_t{0700});
    CHECK(util::file_mode(p.data_dir) == mode_t{0700});
    auto xdg = Paths::resolve(std::nullopt, fixed_env({{"HOME", dir.path().string()}}));
    xdg.ensure();
    CHECK(util::file_mode(xdg.data_dir) == mode_t{0700});
    CHECK(util::file_mode(xdg.config_dir) == mode_t{0700});
}

TEST_CASE("a missing home is an input error and nothing is created") {
    test::TempDir dir;
    auto p = Paths::resolve(dir.path() / "nope", fixed_env({}));
    try {
        p.ensure();
        FAIL("missing home accepted");
    } catch (const Error& e) {
        CHECK(e.exit() == Exit::no_input);
        CHECK(std::string(e.what()).find("does not exist") != std::string::npos);
    }
    CHECK_FALSE(fs::exists(dir.path() / "nope"));
}

TEST_CASE("a home that is a file is refused") {
    test::TempDir dir;
    { std::ofstream(dir.path() / "file") << "x"; }
    auto p = Paths::resolve(dir.path() / "file", fixed_env({}));
    CHECK_THROWS_AS(p.ensure(), Error);
}
