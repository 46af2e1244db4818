#include "unit_support.hpp"

#include <chrono>
#include <cstdlib>
#include <doctest/doctest.h>
#include <looppost/publish/notify.hpp>
#include <string>
#include <thread>

using looppost::publish::Notice;
using looppost::publish::run_notify;
using namespace std::chrono_literals;

namespace {

// Single quotes for /bin/sh around a temp path (mkdtemp names hold no quote).
std::string quoted(const std::filesystem::path& p) {
    return "'" + p.string() + "'";
}

Notice failed_notice() {
    return {"failed", 12, "alice", "post 12 (alice) failed: the video is too long",
            "line one\nline \"two\" $HOME"};
}

// The process is gone, or a zombie nobody has reaped yet (PID 1 in a container may not reap).
bool process_ended(pid_t pid) {
    std::string stat = test::slurp("/proc/" + std::to_string(pid) + "/stat");
    auto paren = stat.rfind(") ");
    return stat.empty() || (paren != std::string::npos && paren + 2 < stat.size() &&
                            (stat[paren + 2] == 'Z' || stat[paren + 2] == 'X'));
}

} // namespace

TEST_CASE("run_notify hands the notice to the command in its environment") {
    test::TempDir dir;
    auto out = dir.path() / "env.txt";
    std::string cmd = "printf '%s|%s|%s|%s|%s' \"$LOOPPOST_EVENT\" \"$LOOPPOST_POST_ID\" "
                      "\"$LOOPPOST_ACCOUNT\" \"$LOOPPOST_MESSAGE\" \"$LOOPPOST_CAPTION\" > " +
                      quoted(out);
    CHECK_FALSE(run_notify(cmd, failed_notice(), 10s).has_value());
    CHECK(test::slurp(out) == "failed|12|alice|post 12 (alice) failed: the video is too long|"
                              "line one\nline \"two\" $HOME");
}

TEST_CASE("run_notify adds to the current environment and replaces inherited notice variables") {
    test::TempDir dir;
    auto out = dir.path() / "env.txt";
    REQUIRE(::setenv("LOOPPOST_UNIT_MARKER", "kept", 1) == 0);
    REQUIRE(::setenv("LOOPPOST_EVENT", "stale", 1) == 0);
    std::string cmd = "printf '%s|%s|%s' \"$LOOPPOST_UNIT_MARKER\" \"$LOOPPOST_EVENT\" "
                      "\"$(env | grep -c '^LOOPPOST_EVENT=')\" > " +
                      quoted(out);
    Notice n{"reauth_required", std::nullopt, "bob", "account bob needs a new login", ""};
    CHECK_FALSE(run_notify(cmd, n, 10s).has_value());
    ::unsetenv("LOOPPOST_UNIT_MARKER");
    ::unsetenv("LOOPPOST_EVENT");
    CHECK(test::slurp(out) == "kept|reauth_required|1");
}

TEST_CASE("run_notify gives the command an empty post id when the event is no post's") {
    test::TempDir dir;
    auto out = dir.path() / "env.txt";
    std::string cmd = "printf '[%s][%s]' \"${LOOPPOST_POST_ID-unset}\" "
                      "\"${LOOPPOST_ACCOUNT-unset}\" > " +
                      quoted(out);
    Notice n{"config_missing", std::nullopt, "", "no media host", ""};
    CHECK_FALSE(run_notify(cmd, n, 10s).has_value());
    CHECK(test::slurp(out) == "[][]");
}

TEST_CASE("run_notify gives the command /dev/null as its standard input") {
    test::TempDir dir;
    auto out = dir.path() / "stdin.txt";
    std::string cmd = "wc -c > " + quoted(out);
    CHECK_FALSE(run_notify(cmd, failed_notice(), 10s).has_value());
    CHECK(test::slurp(out) == "0\n");
}

TEST_CASE("run_notify reports a non-zero exit status") {
    auto result = run_notify("exit 3", failed_notice(), 10s);
    REQUIRE(result.has_value());
    CHECK(*result == "notify_command exited with status 3");
}

TEST_CASE("run_notify reports a command the shell cannot find") {
    auto result = run_notify("looppost-unit-no-such-command-x 2>/dev/null", failed_notice(), 10s);
    REQUIRE(result.has_value());
    CHECK(*result == "notify_command exited with status 127");
}

TEST_CASE("run_notify reports a command killed by a signal") {
    auto result = run_notify("kill -TERM $$", failed_notice(), 10s);
    REQUIRE(result.has_value());
    CHECK(result->find("killed by signal 15") != std::string::npos);
}

TEST_CASE("run_notify runs nothing for an empty command") {
    CHECK_FALSE(run_notify("", failed_notice(), 1s).has_value());
}

TEST_CASE("run_notify kills a command that outlives its timeout, with what it started") {
    test::TempDir dir;
    auto pid_file = dir.path() / "child.pid";
    // The shell starts a sleeper in the background, records its pid, and waits for it: both
    // must be gone once run_notify returns.
    std::string cmd = "sleep 30 & echo $! > " + quoted(pid_file) + "; wait";
    auto start = std::chrono::steady_clock::now();
    auto result = run_notify(cmd, failed_notice(), 1s);
    auto took = std::chrono::steady_clock::now() - start;
    REQUIRE(result.has_value());
    CHECK(*result == "notify_command did not finish within 1 s and was killed");
    CHECK(took >= 1s);
    CHECK(took < 5s);

    std::string pid_text = test::slurp(pid_file);
    REQUIRE_FALSE(pid_text.empty());
    pid_t child = static_cast<pid_t>(std::stol(pid_text));
    // SIGKILL to the group is delivered at once; allow a bounded moment for the state to show.
    bool gone = false;
    for (int i = 0; i < 100 && !gone; ++i) {
        gone = process_ended(child);
        if (!gone) {
            std::this_thread::sleep_for(20ms);
        }
    }
    CHECK(gone);
}
