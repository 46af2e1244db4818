// The real looppost binary against a real looppost-sandbox: doctor, app, config, and every bad
// input of the foundation getting one clear line, its exit code, and no change on disk.

#include "harness.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <SQLiteCpp/SQLiteCpp.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;
using harness::Home;
using harness::Sandbox;
using harness::set_app;

namespace {

mode_t mode_of(const fs::path& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

/// Every file under `dir` with its bytes: equal snapshots mean nothing changed on disk.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (e.is_regular_file()) {
            out[fs::relative(e.path(), dir).string()] = harness::read_file(e.path());
        }
    }
    return out;
}

std::string all_bytes_under(const fs::path& dir) {
    std::string all;
    for (const auto& [name, bytes] : snapshot(dir)) {
        all += bytes;
    }
    return all;
}

int lines(const std::string& s) {
    return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

const nlohmann::json* find_check(const nlohmann::json& doc, const std::string& name) {
    for (const auto& c : doc["checks"]) {
        if (c["name"] == name)
            return &c;
    }
    return nullptr;
}

/// Runs looppost as an unprivileged user (permission checks mean nothing to root).
harness::RunResult looppost_unprivileged(const Home& home, const std::vector<std::string>& args) {
    if (::geteuid() != 0) {
        return home.looppost(args);
    }
    std::vector<std::string> full{"--reuid=65534", "--regid=65534", "--clear-groups", LOOPPOST_BIN};
    full.insert(full.end(), args.begin(), args.end());
    return harness::run_program("/usr/bin/setpriv", full, home.env());
}

} // namespace

TEST_CASE("doctor --json on an empty home creates the key and database privately and reports every "
          "check") {
    Sandbox sbx;
    Home home(&sbx);
    auto r = home.looppost({"doctor", "--json"});
    auto doc = r.json();
    CHECK(doc["ok"] == false);
    std::vector<std::string> names;
    for (const auto& c : doc["checks"]) {
        names.push_back(c["name"]);
        CHECK(c["detail"].is_string());
    }
    CHECK(names == std::vector<std::string>{"home", "database", "key", "app", "accounts", "media",
                                            "api", "clock"});
    CHECK((*find_check(doc, "home"))["ok"] == true);
    CHECK((*find_check(doc, "database"))["ok"] == true);
    CHECK((*find_check(doc, "key"))["ok"] == true);
    CHECK((*find_check(doc, "api"))["ok"] == true);
    CHECK((*find_check(doc, "clock"))["ok"] == true);
    CHECK((*find_check(doc, "app"))["ok"] == false);
    CHECK(r.exit_code == 78); // no app configured yet
    CHECK(mode_of(home.path() / "config") == 0700);
    CHECK(mode_of(home.path() / "data") == 0700);
    CHECK(mode_of(home.path() / "config" / "key") == 0600);
    CHECK(fs::file_size(home.path() / "config" / "key") == 32);
    CHECK(mode_of(home.path() / "data" / "looppost.db") == 0600);
}

TEST_CASE("with an app configured doctor is all ok and exits 0") {
    Sandbox sbx;
    Home home(&sbx);
    set_app(home);
    auto r = home.looppost({"doctor", "--json"});
    CHECK_MESSAGE(r.exit_code == 0, r.out);
    CHECK(r.json()["ok"] == true);
    CHECK(r.err.empty());
}

TEST_CASE("doctor reports a clock that disagrees with the API's") {
    Sandbox sbx;
    Home home(&sbx);
    set_app(home);
    sbx.post("clock/advance", {{"seconds", 3600}});
    auto r = home.looppost({"doctor", "--json"});
    auto doc = r.json();
    REQUIRE(find_check(doc, "clock"));
    CHECK((*find_check(doc, "clock"))["ok"] == false);
    CHECK((*find_check(doc, "clock"))["detail"].get<std::string>().find("behind") !=
          std::string::npos);
    CHECK(r.exit_code == 1);
}

TEST_CASE("doctor reports an unreachable API base with exit 69") {
    Home home;
    set_app(home);
    auto r = home.looppost({"doctor", "--json"}, "", {{"LOOPPOST_API_BASE", "http://127.0.0.1:1"}});
    auto doc = r.json();
    CHECK((*find_check(doc, "api"))["ok"] == false);
    CHECK(r.exit_code == 69);
}

TEST_CASE("the client secret never appears in the database, its WAL, or any output") {
    Home home;
    const std::string secret = "Zq9-very-distinctive-client-secret-4471";
    auto set =
        home.looppost({"app", "set", "--client-key", "ck_test", "--client-secret-stdin", "--json"},
                      secret + "\n");
    REQUIRE_MESSAGE(set.exit_code == 0, set.err);
    auto show = home.looppost({"app", "show", "--json"});
    CHECK(show.exit_code == 0);
    auto doc = show.json();
    CHECK(doc["client_key"] == "ck_test");
    CHECK(doc["client_secret"] == "sealed");
    CHECK(doc["scopes"].size() == 6);
    auto human = home.looppost({"app", "show"});
    auto verbose = home.looppost({"-v", "app", "show"});
    for (const auto* text :
         {&set.out, &set.err, &show.out, &human.out, &verbose.out, &verbose.err}) {
        CHECK(text->find(secret) == std::string::npos);
    }
    // Check while a connection could still hold a WAL, and after.
    CHECK(all_bytes_under(home.path()).find(secret) == std::string::npos);
    CHECK(all_bytes_under(home.path()).find("ck_test") !=
          std::string::npos); // the key is not secret
}

TEST_CASE("app set reads the secret from a file and refuses an empty or missing one") {
    Home home;
    auto file = home.path() / "secret.txt";
    { std::ofstream(file) << "from-a-file\n"; }
    auto ok = home.looppost({"app", "set", "--client-key", "ck", "--client-secret-file",
                             file.string(), "--scopes", "user.info.basic,video.upload"});
    CHECK_MESSAGE(ok.exit_code == 0, ok.err);
    CHECK(home.looppost({"app", "show", "--json"}).json()["scopes"] ==
          nlohmann::json::array({"user.info.basic", "video.upload"}));

    auto before = snapshot(home.path() / "data");
    auto empty =
        home.looppost({"app", "set", "--client-key", "ck2", "--client-secret-stdin"}, "\n");
    CHECK(empty.exit_code == 65);
    CHECK(lines(empty.err) == 1);
    auto missing = home.looppost({"app", "set", "--client-key", "ck2", "--client-secret-file",
                                  (home.path() / "nope").string()});
    CHECK(missing.exit_code == 66);
    CHECK(lines(missing.err) == 1);
    auto scope = home.looppost({"app", "set", "--scopes", "video.uplod"});
    CHECK(scope.exit_code == 2);
    CHECK(scope.err.find("did you mean \"video.upload\"") != std::string::npos);
    CHECK(snapshot(home.path() / "data") == before);
}

TEST_CASE("the first app set needs both key and secret; later ones can change the scopes alone") {
    Home home;
    auto r = home.looppost({"app", "set", "--scopes", "video.upload"});
    CHECK(r.exit_code == 2);
    set_app(home);
    auto s = home.looppost({"app", "set", "--scopes", "video.upload,video.list"});
    CHECK_MESSAGE(s.exit_code == 0, s.err);
    auto doc = home.looppost({"app", "show", "--json"}).json();
    CHECK(doc["client_key"] == "sbx_client_key");
    CHECK(doc["scopes"] == nlohmann::json::array({"video.upload", "video.list"}));
}

TEST_CASE("environment credentials override the stored app") {
    Home home;
    set_app(home);
    auto doc = home.looppost({"app", "show", "--json"}, "",
                             {{"LOOPPOST_CLIENT_KEY", "env_key"},
                              {"LOOPPOST_CLIENT_SECRET", "env_secret"}})
                   .json();
    CHECK(doc["client_key"] == "env_key");
    CHECK(doc["client_key_source"] == "env");
    CHECK(doc["client_secret"] == "env");
}

TEST_CASE("global flags are accepted before and after the command") {
    Home home;
    auto before = home.looppost({"--json", "config", "list"});
    auto after = home.looppost({"config", "list", "--json"});
    CHECK(before.exit_code == 0);
    CHECK(before.out == after.out);
    CHECK(before.json().is_array());
    auto home_after = harness::run_program(
        LOOPPOST_BIN, {"config", "get", "api_base", "--home", home.path().string()},
        {{"LOOPPOST_HOME", harness::k_unset}});
    CHECK(home_after.exit_code == 0);
    // A global flag's value that is also a command's name does not pick the command.
    auto home_before = harness::run_program(
        LOOPPOST_BIN, {"--home", home.path().string(), "--account", "queue", "config", "list"},
        {{"LOOPPOST_HOME", harness::k_unset}});
    CHECK(home_before.exit_code == 0);
    CHECK(home_before.out == home.looppost({"config", "list"}).out);
    auto queue = home.looppost({"--account", "config", "queue", "--json"});
    CHECK(queue.exit_code == 2); // the queue command ran, for an account named "config"
    CHECK(queue.err.find("no account named \"config\"") != std::string::npos);
}

TEST_CASE(
    "config set stores a value, the environment overrides it and unset restores the default") {
    Home home;
    CHECK(home.looppost({"config", "set", "http_timeout", "30"}).exit_code == 0);
    auto stored = home.looppost({"config", "get", "http_timeout", "--json"}).json();
    CHECK(stored["value"] == "30");
    CHECK(stored["source"] == "stored");
    auto env = home.looppost({"config", "get", "http_timeout", "--json"}, "",
                             {{"LOOPPOST_HTTP_TIMEOUT", "12"}});
    CHECK(env.json()["value"] == "12");
    CHECK(env.json()["source"] == "env");
    auto warned = home.looppost({"config", "set", "http_timeout", "31"}, "",
                                {{"LOOPPOST_HTTP_TIMEOUT", "12"}});
    CHECK(warned.err.find("takes precedence") != std::string::npos);
    auto unset = home.looppost({"config", "unset", "http_timeout", "--json"});
    CHECK(unset.exit_code == 0);
    CHECK(unset.json()["value"] == "60"); // read again after the change, not from a stale cache
    CHECK(unset.json()["source"] == "default");
    auto def = home.looppost({"config", "get", "http_timeout", "--json"}).json();
    CHECK(def["value"] == "60");
    CHECK(def["source"] == "default");
    CHECK(home.looppost({"config", "get", "http_timeout"}).out == "60\n");
}

TEST_CASE("a usage error exits 2 with one line, and a JSON error object under --json") {
    Home home;
    auto r = home.looppost({"config", "get", "http_timout", "--json"});
    CHECK(r.exit_code == 2);
    CHECK(lines(r.err) == 1);
    CHECK(r.err.rfind("looppost: error: ", 0) == 0);
    auto doc = r.json();
    CHECK(doc["error"]["code"] == "usage");
    CHECK(doc["error"]["exit"] == 2);
    CHECK(doc["error"]["message"].get<std::string>().find("http_timeout") != std::string::npos);

    auto bad_value = home.looppost({"config", "set", "http_timeout", "soon"});
    CHECK(bad_value.exit_code == 2);
    auto unknown = home.looppost({"confg", "list"});
    CHECK(unknown.exit_code == 2);
    CHECK(unknown.err.find("did you mean \"config\"") != std::string::npos);
    auto flag = home.looppost({"doctor", "--frobnicate"});
    CHECK(flag.exit_code == 2);
    CHECK(lines(flag.err) == 1);
}

TEST_CASE("--version and --help need no home at all") {
    auto v =
        harness::run_program(LOOPPOST_BIN, {"--version"}, {{"LOOPPOST_HOME", "/nonexistent/x"}});
    CHECK(v.exit_code == 0);
    CHECK(v.out.rfind("looppost ", 0) == 0);
    auto h = harness::run_program(LOOPPOST_BIN, {"--help"}, {{"LOOPPOST_HOME", "/nonexistent/x"}});
    CHECK(h.exit_code == 0);
    CHECK(h.out.find("doctor") != std::string::npos);
}

TEST_CASE("a missing home exits 66 with one line and creates nothing") {
    harness::TempDir dir;
    auto home = dir.path() / "missing";
    auto r =
        harness::run_program(LOOPPOST_BIN, {"config", "list"}, {{"LOOPPOST_HOME", home.string()}});
    CHECK(r.exit_code == 66);
    CHECK(lines(r.err) == 1);
    CHECK(r.err.find("does not exist") != std::string::npos);
    CHECK_FALSE(fs::exists(home));
}

TEST_CASE("an unreadable home exits 66") {
    Home home;
    ::chmod(home.path().c_str(), 0700);
    auto r = looppost_unprivileged(home, {"config", "list"});
    CHECK(r.exit_code == 66);
    CHECK(lines(r.err) == 1);
}

TEST_CASE("a home looppost cannot write in exits 78 and is left untouched") {
    Home home;
    ::chmod(home.path().c_str(), 0755);
    auto before = snapshot(home.path());
    auto r = looppost_unprivileged(home, {"config", "list"});
    CHECK(r.exit_code == 78);
    CHECK(lines(r.err) == 1);
    CHECK(r.err.find("cannot") != std::string::npos);
    CHECK(snapshot(home.path()) == before);
}

TEST_CASE("a key file readable by others is refused, the fix is named, nothing changes") {
    Home home;
    set_app(home);
    ::chmod((home.path() / "config" / "key").c_str(), 0644);
    auto before = snapshot(home.path());
    auto r = home.looppost({"app", "set", "--scopes", "video.upload"});
    CHECK(r.exit_code == 78);
    CHECK(lines(r.err) == 1);
    CHECK(r.err.find("chmod 600") != std::string::npos);
    CHECK(snapshot(home.path()) == before);
    CHECK(mode_of(home.path() / "config" / "key") == 0644);
}

TEST_CASE("a corrupted key file exits 78 and nothing changes") {
    Home home;
    set_app(home);
    { std::ofstream(home.path() / "config" / "key", std::ios::app) << "garbage"; }
    auto before = snapshot(home.path());
    auto r = home.looppost({"app", "set", "--scopes", "video.upload"});
    CHECK(r.exit_code == 78);
    CHECK(r.err.find("corrupted") != std::string::npos);
    CHECK(snapshot(home.path()) == before);
}

TEST_CASE("a wrong passphrase exits 78 and nothing changes") {
    Home home;
    auto good = home.path() / "pass-good";
    auto bad = home.path() / "pass-bad";
    { std::ofstream(good) << "correct horse\n"; }
    { std::ofstream(bad) << "wrong horse\n"; }
    harness::Env passphrase{{"LOOPPOST_KEY_MODE", "passphrase"},
                            {"LOOPPOST_PASSPHRASE_FILE", good.string()}};
    auto set = home.looppost({"app", "set", "--client-key", "ck", "--client-secret-stdin"}, "s\n",
                             passphrase);
    REQUIRE_MESSAGE(set.exit_code == 0, set.err);
    CHECK_FALSE(fs::exists(home.path() / "config" / "key"));
    auto before = snapshot(home.path());
    auto r = home.looppost({"app", "set", "--scopes", "video.upload"}, "",
                           {{"LOOPPOST_PASSPHRASE_FILE", bad.string()}});
    CHECK(r.exit_code == 78);
    CHECK(r.err.find("wrong passphrase") != std::string::npos);
    CHECK(snapshot(home.path()) == before);
    auto none = home.looppost({"app", "set", "--scopes", "video.upload"});
    CHECK(none.exit_code == 78); // no file and no terminal: say how to give it
    CHECK(none.err.find("LOOPPOST_PASSPHRASE_FILE") != std::string::npos);
    auto ok = home.looppost({"app", "set", "--scopes", "video.upload"}, "",
                            {{"LOOPPOST_PASSPHRASE_FILE", good.string()}});
    CHECK(ok.exit_code == 0);
}

TEST_CASE("a database from a newer looppost exits 78 and is left untouched") {
    Home home;
    set_app(home);
    {
        SQLite::Database raw((home.path() / "data" / "looppost.db").string(),
                             SQLite::OPEN_READWRITE);
        raw.exec("PRAGMA user_version = 999");
    }
    auto before = snapshot(home.path());
    auto r = home.looppost({"config", "list"});
    CHECK(r.exit_code == 78);
    CHECK(lines(r.err) == 1);
    CHECK(r.err.find("newer looppost") != std::string::npos);
    CHECK(snapshot(home.path()) == before);
}

TEST_CASE("an http API base that is not loopback is refused with exit 78 before any request") {
    Home home;
    set_app(home);
    auto r = home.looppost({"doctor", "--json"}, "", {{"LOOPPOST_API_BASE", "http://10.11.12.13"}});
    CHECK(r.exit_code == 78);
    auto doc = r.json();
    CHECK((*find_check(doc, "api"))["ok"] == false);
    CHECK((*find_check(doc, "api"))["detail"].get<std::string>().find("LOOPPOST_API_BASE") !=
          std::string::npos);
    auto set = home.looppost({"config", "set", "api_base", "http://192.168.1.20:8080"});
    CHECK(set.exit_code == 2);
    CHECK(lines(set.err) == 1);
}

TEST_CASE("commands that do not touch the network never load libcurl") {
    Sandbox sbx;
    Home home(&sbx);
    set_app(home);
    auto quiet = home.looppost({"config", "list"}, "", {{"LD_DEBUG", "libs"}});
    CHECK(quiet.exit_code == 0);
    CHECK(quiet.err.find("libcurl") == std::string::npos);
    auto show = home.looppost({"app", "show"}, "", {{"LD_DEBUG", "libs"}});
    CHECK(show.err.find("libcurl") == std::string::npos);
    auto net = home.looppost({"doctor"}, "", {{"LD_DEBUG", "libs"}});
    CHECK(net.err.find("libcurl") != std::string::npos);
}

TEST_CASE("-v logs HTTP exchanges on stderr; without it nothing is logged") {
    Sandbox sbx;
    Home home(&sbx);
    set_app(home);
    auto plain = home.looppost({"doctor"});
    CHECK(plain.err.find("http:") == std::string::npos);
    auto verbose = home.looppost({"doctor", "-v"});
    CHECK(verbose.err.find("http: GET " + sbx.base_url() + "/") != std::string::npos);
    auto log = home.path() / "looppost.log";
    CHECK(home.looppost({"config", "set", "log_file", log.string()}).exit_code == 0);
    home.looppost({"doctor"});
    CHECK(harness::read_file(log).find("http: GET") != std::string::npos);
    CHECK(mode_of(log) == 0600);
}

TEST_CASE("the example sandbox profile loads and looppost rehearses against it") {
    Sandbox sbx({"--config", LOOPPOST_SOURCE_DIR "/examples/sandbox-profile.json"});
    auto state = sbx.get("state");
    CHECK(state["config"]["processing"] == "realistic");
    CHECK(state["users"].size() == 2);
    Home home(&sbx);
    set_app(home);
    CHECK(home.looppost({"doctor"}).exit_code == 0);
}

TEST_CASE("the passphrase is asked on the terminal, twice for a new store, and never echoed") {
    Home home;
    auto secret_file = home.path() / "client-secret";
    { std::ofstream(secret_file) << "client-secret-value\n"; }
    const std::string passphrase = "correct-horse-4471";
    auto on_tty = [&](const std::string& args) {
        return std::make_unique<harness::Process>(
            "/usr/bin/script",
            std::vector<std::string>{"-qec", std::string(LOOPPOST_BIN) + " " + args, "/dev/null"},
            [&] {
                auto e = home.env();
                e["LOOPPOST_KEY_MODE"] = "passphrase";
                return e;
            }());
    };
    auto first = on_tty("app set --client-key ck --client-secret-file " + secret_file.string());
    first->wait_for_prompt("new looppost passphrase:");
    first->write_stdin(passphrase + "\n");
    first->wait_for_prompt("repeat the passphrase:");
    first->write_stdin(passphrase + "\n");
    auto r1 = first->finish(std::chrono::seconds(30));
    CHECK_MESSAGE(r1.exit_code == 0, (r1.out + r1.err));
    CHECK(r1.out.find(passphrase) == std::string::npos);
    CHECK_FALSE(fs::exists(home.path() / "config" / "key"));

    auto wrong = on_tty("app set --scopes video.upload");
    wrong->wait_for_prompt("looppost passphrase:");
    wrong->write_stdin("not-the-passphrase\n");
    auto r2 = wrong->finish(std::chrono::seconds(30));
    CHECK(r2.exit_code == 78);
    CHECK(r2.out.find("wrong passphrase") != std::string::npos);
}
