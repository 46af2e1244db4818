// The notify_command hook: /bin/sh -c COMMAND in a process group of its own, so that a command
// that outlives its time is killed with everything it started (a pipeline, a `sleep`).

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <looppost/publish/notify.hpp>
#include <looppost/util/fs.hpp>
#include <spawn.h>
#include <string_view>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace looppost::publish {
namespace {

constexpr std::chrono::milliseconds k_poll_step{20};

// The variables looppost sets; inherited values of the same names are dropped, not doubled.
constexpr std::string_view k_names[] = {"LOOPPOST_EVENT", "LOOPPOST_POST_ID", "LOOPPOST_ACCOUNT",
                                        "LOOPPOST_MESSAGE", "LOOPPOST_CAPTION"};

bool is_ours(std::string_view entry) {
    for (auto name : k_names) {
        if (entry.size() > name.size() && entry.substr(0, name.size()) == name &&
            entry[name.size()] == '=') {
            return true;
        }
    }
    return false;
}

// The current environment plus the notice's variables, as "NAME=value" strings.
std::vector<std::string> notice_environment(const Notice& notice) {
    std::vector<std::string> env;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        if (!is_ours(*e)) {
            env.emplace_back(*e);
        }
    }
    env.push_back("LOOPPOST_EVENT=" + notice.event);
    env.push_back("LOOPPOST_POST_ID=" +
                  (notice.post_id ? std::to_string(*notice.post_id) : std::string()));
    env.push_back("LOOPPOST_ACCOUNT=" + notice.account);
    env.push_back("LOOPPOST_MESSAGE=" + notice.message);
    env.push_back("LOOPPOST_CAPTION=" + notice.caption);
    return env;
}

// Owns the posix_spawn attribute objects so every exit path destroys them.
struct SpawnSetup {
    posix_spawn_file_actions_t actions{};
    posix_spawnattr_t attr{};
    int error = 0;

    SpawnSetup() {
        error = posix_spawn_file_actions_init(&actions);
        if (error == 0 && (error = posix_spawnattr_init(&attr)) != 0) {
            posix_spawn_file_actions_destroy(&actions);
        }
    }
    ~SpawnSetup() {
        if (error == 0) {
            posix_spawnattr_destroy(&attr);
            posix_spawn_file_actions_destroy(&actions);
        }
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;
};

// stdin from /dev/null, stdout onto looppost's stderr (stdout may carry --json), a new process
// group, default dispositions for the signals looppost may have ignored or caught.
int configure(SpawnSetup& s) {
    int rc = posix_spawn_file_actions_addopen(&s.actions, 0, "/dev/null", O_RDONLY, 0);
    if (rc == 0) {
        rc = posix_spawn_file_actions_adddup2(&s.actions, 2, 1);
    }
    sigset_t defaults;
    sigemptyset(&defaults);
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT}) {
        sigaddset(&defaults, sig);
    }
    sigset_t none;
    sigemptyset(&none);
    if (rc == 0) {
        rc = posix_spawnattr_setsigdefault(&s.attr, &defaults);
    }
    if (rc == 0) {
        rc = posix_spawnattr_setsigmask(&s.attr, &none);
    }
    if (rc == 0) {
        rc = posix_spawnattr_setpgroup(&s.attr, 0);
    }
    if (rc == 0) {
        rc = posix_spawnattr_setflags(&s.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
                                                   POSIX_SPAWN_SETSIGMASK);
    }
    return rc;
}

// waitpid that retries on EINTR; returns the pid, 0 (still running, with WNOHANG) or -1.
pid_t wait_for(pid_t pid, int& status, int flags) {
    pid_t r = 0;
    do {
        r = ::waitpid(pid, &status, flags);
    } while (r < 0 && errno == EINTR);
    return r;
}

std::optional<std::string> describe_status(int status) {
    if (WIFEXITED(status)) {
        if (WEXITSTATUS(status) == 0) {
            return std::nullopt;
        }
        return fmt::format("notify_command exited with status {}", WEXITSTATUS(status));
    }
    if (WIFSIGNALED(status)) {
        return fmt::format("notify_command was killed by signal {} ({})", WTERMSIG(status),
                           ::strsignal(WTERMSIG(status)));
    }
    return fmt::format("notify_command ended with wait status {}", status);
}

} // namespace

std::optional<std::string> run_notify(const std::string& command, const Notice& notice,
                                      std::chrono::seconds timeout) {
    if (command.empty()) {
        return std::nullopt;
    }
    std::vector<std::string> env = notice_environment(notice);
    std::vector<char*> envp;
    envp.reserve(env.size() + 1);
    for (auto& e : env) {
        envp.push_back(e.data());
    }
    envp.push_back(nullptr);
    std::string sh = "/bin/sh";
    std::string dash_c = "-c";
    std::string cmd = command;
    char* argv[] = {sh.data(), dash_c.data(), cmd.data(), nullptr};

    SpawnSetup setup;
    int rc = setup.error != 0 ? setup.error : configure(setup);
    pid_t pid = 0;
    if (rc == 0) {
        rc = ::posix_spawn(&pid, sh.c_str(), &setup.actions, &setup.attr, argv, envp.data());
    }
    if (rc != 0) {
        return fmt::format("notify_command could not be started: {}", util::errno_message(rc));
    }

    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    for (;;) {
        pid_t r = wait_for(pid, status, WNOHANG);
        if (r == pid) {
            return describe_status(status);
        }
        if (r < 0) {
            return fmt::format("notify_command could not be waited for: {}",
                               util::errno_message(errno));
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            break;
        }
        std::this_thread::sleep_for(k_poll_step);
    }
    // Past its time: end the whole group (the shell and what it started), then reap the shell.
    // SIGKILL cannot be caught, so the blocking wait below returns promptly.
    ::kill(-pid, SIGKILL);
    wait_for(pid, status, 0);
    return fmt::format("notify_command did not finish within {} s and was killed", timeout.count());
}

} // namespace looppost::publish
