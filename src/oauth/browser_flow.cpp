// The browser login (reference §2.2, §2.3): PKCE with the hex challenge, a one-shot listener on
// 127.0.0.1, the consent page opened with xdg-open when there is one and printed always.

#include "flows.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/core/interrupt.hpp>
#include <looppost/util/fs.hpp>
#include <netinet/in.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace looppost::oauth::detail {
namespace {

util::Fd listen_loopback(int port, int& bound_port) {
    util::Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd)
        throw Fatal(fmt::format("socket: {}", util::errno_message(errno)));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        throw Error(Exit::usage, fmt::format("cannot listen on 127.0.0.1:{}: {}", port,
                                             util::errno_message(errno)));
    }
    if (::listen(fd.get(), 4) != 0)
        throw Fatal(fmt::format("listen: {}", util::errno_message(errno)));
    socklen_t len = sizeof addr;
    ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len);
    bound_port = ntohs(addr.sin_port);
    return fd;
}

// Starts xdg-open without waiting for it; a missing xdg-open is not an error (the URL is
// printed). Returns its pid (0 when it did not start), to be reaped later.
pid_t open_in_browser(const std::string& url) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    std::string prog = "xdg-open";
    std::string arg = url;
    char* argv[] = {prog.data(), arg.data(), nullptr};
    pid_t pid = 0;
    if (posix_spawnp(&pid, "xdg-open", &fa, nullptr, argv, environ) != 0) {
        pid = 0;
    }
    posix_spawn_file_actions_destroy(&fa);
    return pid;
}

// Reaps xdg-open once it has ended (it usually hands the URL to a browser and exits).
void reap(pid_t& pid) {
    if (pid > 0 && ::waitpid(pid, nullptr, WNOHANG) == pid) {
        pid = 0;
    }
}

void answer(int fd, int status, const std::string& text) {
    std::string body = fmt::format("<!doctype html><meta charset=utf-8><title>looppost</title>"
                                   "<p style=\"font-family:sans-serif\">{}</p>\n",
                                   text);
    std::string resp = fmt::format("HTTP/1.1 {} {}\r\nContent-Type: text/html; charset=utf-8\r\n"
                                   "Content-Length: {}\r\nConnection: close\r\n\r\n{}",
                                   status, status == 200 ? "OK" : "Not Found", body.size(), body);
    [[maybe_unused]] auto n = ::write(fd, resp.data(), resp.size());
}

// Reads one request head (bounded in size and time) and returns its target ("/callback/?…").
std::optional<std::string> read_target(int fd) {
    std::string head;
    char buf[2048];
    while (head.find("\r\n\r\n") == std::string::npos && head.size() < 16384) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 5000) <= 0)
            return std::nullopt;
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0)
            break;
        head.append(buf, static_cast<size_t>(n));
    }
    auto sp1 = head.find(' ');
    auto sp2 = head.find(' ', sp1 + 1);
    if (sp1 == std::string::npos || sp2 == std::string::npos)
        return std::nullopt;
    return head.substr(sp1 + 1, sp2 - sp1 - 1);
}

} // namespace

Grant browser_flow(AuthEnv& env, const LoginOptions& o, const std::vector<std::string>& scopes,
                   LoginUi& ui) {
    int port = 0;
    util::Fd listener = listen_loopback(o.port, port);
    std::string redirect = fmt::format("http://127.0.0.1:{}/callback/", port);
    Pkce pkce = make_pkce(env.ctx.random());
    std::string state = env.ctx.random().hex(16);
    std::string url = consent_url(env, scopes, redirect, state, pkce.challenge);
    ui.show_url(url);
    pid_t opener = o.open_browser ? open_in_browser(url) : 0;
    ui.status(fmt::format("waiting for TikTok to redirect to {}", redirect));

    auto deadline = env.ctx.clock().now() + o.timeout;
    while (env.ctx.clock().now() < deadline) {
        reap(opener);
        check_interrupt();
        pollfd p{listener.get(), POLLIN, 0};
        int ready = ::poll(&p, 1, 200);
        if (ready <= 0)
            continue;
        util::Fd conn(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
        if (!conn)
            continue;
        auto target = read_target(conn.get());
        if (!target || target->rfind("/callback/", 0) != 0) {
            answer(conn.get(), 404, "Not the login callback.");
            continue; // a favicon request, a stray visit
        }
        Callback cb = parse_callback(*target);
        if (cb.state != state) {
            answer(conn.get(), 200,
                   "This login answer does not belong to this login; it was ignored.");
            throw Error(Exit::failed, "the redirect carried a state that is not this login's; "
                                      "refusing it (nothing was stored)");
        }
        if (cb.error) {
            answer(conn.get(), 200, "TikTok did not grant the login. You can close this tab.");
            throw Error(
                Exit::failed,
                fmt::format("TikTok did not grant the login: {}{}", *cb.error,
                            cb.error_description ? ": " + *cb.error_description : std::string()));
        }
        if (!cb.code || cb.code->empty()) {
            answer(conn.get(), 200, "The redirect carried no code.");
            throw Error(Exit::failed, "TikTok redirected without a code");
        }
        answer(conn.get(), 200, "looppost is logged in. You can close this tab.");
        return Grant{*cb.code, {redirect}, pkce.verifier};
    }
    throw Error(Exit::failed, fmt::format("no answer from the browser within {} s; run looppost "
                                          "auth login again (or use --method paste)",
                                          o.timeout.count()));
}

} // namespace looppost::oauth::detail
