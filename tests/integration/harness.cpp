#include "harness.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sodium.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace harness {
namespace fs = std::filesystem;
using namespace std::chrono;

TempDir::TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "looppost-test-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed");
    }
    m_path = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    // Tests may leave read-only folders behind (permission tests): make them removable first.
    for (auto it = fs::recursive_directory_iterator(m_path, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
        fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    }
    fs::permissions(m_path, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(m_path, ec);
}

nlohmann::json RunResult::json() const {
    try {
        return nlohmann::json::parse(out);
    } catch (const std::exception& e) {
        throw std::runtime_error("stdout is not JSON (" + std::string(e.what()) + "): " + out +
                                 "\nstderr: " + err);
    }
}

namespace {

std::vector<std::string> make_env(const Env& extra) {
    std::map<std::string, std::string> env;
    for (char** e = environ; *e != nullptr; ++e) {
        std::string kv = *e;
        auto eq = kv.find('=');
        if (eq != std::string::npos) {
            env[kv.substr(0, eq)] = kv.substr(eq + 1);
        }
    }
    for (const auto& [k, v] : extra) {
        if (v == k_unset) {
            env.erase(k);
        } else {
            env[k] = v;
        }
    }
    std::vector<std::string> out;
    for (const auto& [k, v] : env) {
        out.push_back(k + "=" + v);
    }
    return out;
}

struct Pipe {
    int fd[2] = {-1, -1};
    Pipe() {
        if (pipe2(fd, O_CLOEXEC) != 0) {
            throw std::runtime_error("pipe failed");
        }
    }
    ~Pipe() { close_both(); }
    void close_read() { close_fd(0); }
    void close_write() { close_fd(1); }
    void close_both() { close_fd(0), close_fd(1); }
    void close_fd(int i) {
        if (fd[i] >= 0) {
            ::close(fd[i]);
            fd[i] = -1;
        }
    }
};

pid_t spawn(const std::string& program, const std::vector<std::string>& args, const Env& env_extra,
            int in_fd, int out_fd, int err_fd) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
    posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
    std::vector<std::string> argv_s{program};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    auto env_s = make_env(env_extra);
    std::vector<char*> envp;
    for (auto& e : env_s) {
        envp.push_back(e.data());
    }
    envp.push_back(nullptr);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, program.c_str(), &fa, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        throw std::runtime_error("cannot start " + program + ": " + std::strerror(rc));
    }
    return pid;
}

int wait_exit(pid_t pid) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    return 128 + WTERMSIG(status);
}

} // namespace

RunResult run_program(const std::string& program, const std::vector<std::string>& args,
                      const Env& env, const std::string& input, seconds timeout) {
    Pipe in, out, err;
    pid_t pid = spawn(program, args, env, in.fd[0], out.fd[1], err.fd[1]);
    in.close_read();
    out.close_write();
    err.close_write();

    RunResult r;
    size_t written = 0;
    if (input.empty()) {
        in.close_write();
    } else {
        fcntl(in.fd[1], F_SETFL, O_NONBLOCK);
    }
    auto deadline = steady_clock::now() + timeout;
    bool out_open = true, err_open = true;
    while (out_open || err_open) {
        auto left = duration_cast<milliseconds>(deadline - steady_clock::now()).count();
        if (left <= 0) {
            kill(pid, SIGKILL);
            wait_exit(pid);
            throw std::runtime_error(program + " did not finish in time; stderr: " + r.err);
        }
        pollfd fds[3] = {{out.fd[0], POLLIN, 0}, {err.fd[0], POLLIN, 0}, {in.fd[1], POLLOUT, 0}};
        int nfds = in.fd[1] >= 0 ? 3 : 2;
        if (!out_open)
            fds[0].fd = -1;
        if (!err_open)
            fds[1].fd = -1;
        if (poll(fds, nfds, static_cast<int>(std::min<long long>(left, 1000))) < 0) {
            if (errno == EINTR)
                continue;
            throw std::runtime_error("poll failed");
        }
        char buf[65536];
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR))) {
                ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
                if (n > 0) {
                    (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
                } else {
                    (i == 0 ? out_open : err_open) = false;
                }
            }
        }
        if (nfds == 3 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t n = ::write(in.fd[1], input.data() + written, input.size() - written);
            if (n > 0)
                written += static_cast<size_t>(n);
            if (n < 0 || written == input.size())
                in.close_write();
        }
    }
    in.close_write();
    r.exit_code = wait_exit(pid);
    return r;
}

Process::Process(const std::string& program, const std::vector<std::string>& args, const Env& env) {
    Pipe in, out, err;
    m_pid = spawn(program, args, env, in.fd[0], out.fd[1], err.fd[1]);
    m_in = in.fd[1];
    m_out = out.fd[0];
    m_err = err.fd[0];
    in.fd[1] = out.fd[0] = err.fd[0] = -1; // now owned here
    fcntl(m_out, F_SETFL, O_NONBLOCK);
    fcntl(m_err, F_SETFL, O_NONBLOCK);
}

Process::~Process() {
    if (!m_done && m_pid > 0) {
        kill(m_pid, SIGKILL);
        wait_exit(m_pid);
    }
    for (int fd : {m_in, m_out, m_err}) {
        if (fd >= 0)
            ::close(fd);
    }
}

bool Process::pump(int timeout_ms) {
    pollfd fds[2] = {{m_out, POLLIN, 0}, {m_err, POLLIN, 0}};
    if (m_out < 0 && m_err < 0)
        return false;
    if (poll(fds, 2, timeout_ms) <= 0)
        return true;
    char buf[65536];
    for (int i = 0; i < 2; ++i) {
        int& fd = i == 0 ? m_out : m_err;
        if (fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t n = ::read(fd, buf, sizeof buf);
            if (n > 0) {
                (i == 0 ? m_out_buf : m_err_buf).append(buf, static_cast<size_t>(n));
            } else if (n == 0 || errno != EAGAIN) {
                ::close(fd);
                fd = -1;
            }
        }
    }
    return m_out >= 0 || m_err >= 0;
}

std::string Process::wait_for_line(const std::string& needle, seconds timeout) {
    auto deadline = steady_clock::now() + timeout;
    for (;;) {
        for (auto [buf, scanned] :
             {std::pair{&m_out_buf, &m_scanned_out}, std::pair{&m_err_buf, &m_scanned_err}}) {
            size_t nl;
            while ((nl = buf->find('\n', *scanned)) != std::string::npos) {
                std::string line = buf->substr(*scanned, nl - *scanned);
                *scanned = nl + 1;
                if (line.find(needle) != std::string::npos)
                    return line;
            }
        }
        if (steady_clock::now() >= deadline) {
            throw std::runtime_error("no line with \"" + needle +
                                     "\" in time; stdout: " + m_out_buf + "\nstderr: " + m_err_buf);
        }
        if (!pump(100)) {
            throw std::runtime_error("the program ended without a line with \"" + needle +
                                     "\"; stdout: " + m_out_buf + "\nstderr: " + m_err_buf);
        }
    }
}

void Process::wait_for_prompt(const std::string& needle, seconds timeout) {
    auto deadline = steady_clock::now() + timeout;
    for (;;) {
        for (auto [buf, scanned] :
             {std::pair{&m_out_buf, &m_scanned_out}, std::pair{&m_err_buf, &m_scanned_err}}) {
            auto at = buf->find(needle, *scanned);
            if (at != std::string::npos) {
                *scanned = at + needle.size();
                return;
            }
        }
        if (steady_clock::now() >= deadline || !pump(100)) {
            throw std::runtime_error("no prompt \"" + needle + "\"; stdout: " + m_out_buf +
                                     "\nstderr: " + m_err_buf);
        }
    }
}

void Process::write_stdin(const std::string& data) {
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::write(m_in, data.data() + done, data.size() - done);
        if (n <= 0)
            throw std::runtime_error("cannot write to the program's stdin");
        done += static_cast<size_t>(n);
    }
}

void Process::close_stdin() {
    if (m_in >= 0) {
        ::close(m_in);
        m_in = -1;
    }
}

void Process::signal(int sig) {
    kill(m_pid, sig);
}

RunResult Process::finish(seconds timeout) {
    close_stdin();
    auto deadline = steady_clock::now() + timeout;
    while (pump(100)) {
        if (steady_clock::now() >= deadline) {
            kill(m_pid, SIGKILL);
            break;
        }
    }
    RunResult r;
    r.exit_code = wait_exit(m_pid);
    m_done = true;
    r.out = m_out_buf;
    r.err = m_err_buf;
    return r;
}

Sandbox::Sandbox(std::vector<std::string> extra_args) {
    std::vector<std::string> args{"--port", "0"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    Pipe out;
    int devnull = ::open(getenv("SANDBOX_LOG") ? getenv("SANDBOX_LOG") : "/dev/null",
                         O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    int in_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    m_pid = spawn(SANDBOX_BIN, args, {}, in_fd, out.fd[1], devnull);
    ::close(devnull);
    ::close(in_fd);
    out.close_write();
    std::string line;
    auto deadline = steady_clock::now() + seconds(15);
    while (line.find('\n') == std::string::npos) {
        auto left = duration_cast<milliseconds>(deadline - steady_clock::now()).count();
        pollfd p{out.fd[0], POLLIN, 0};
        if (left <= 0 || poll(&p, 1, static_cast<int>(left)) <= 0) {
            kill(m_pid, SIGKILL);
            wait_exit(m_pid);
            throw std::runtime_error("looppost-sandbox did not print LISTENING in time");
        }
        char c[256];
        ssize_t n = ::read(out.fd[0], c, sizeof c);
        if (n <= 0) {
            wait_exit(m_pid);
            throw std::runtime_error("looppost-sandbox exited before LISTENING: " + line);
        }
        line.append(c, static_cast<size_t>(n));
    }
    if (line.rfind("LISTENING ", 0) != 0) {
        throw std::runtime_error("unexpected first line from looppost-sandbox: " + line);
    }
    m_port = std::stoi(line.substr(10));
}

Sandbox::~Sandbox() {
    if (m_pid > 0) {
        kill(m_pid, SIGTERM);
        wait_exit(m_pid);
    }
}

std::string Sandbox::base_url() const {
    return "http://127.0.0.1:" + std::to_string(m_port);
}

namespace {
nlohmann::json check(const httplib::Result& res, const std::string& what) {
    if (!res) {
        throw std::runtime_error(what + ": " + httplib::to_string(res.error()));
    }
    if (res->status < 200 || res->status > 299) {
        throw std::runtime_error(what + ": HTTP " + std::to_string(res->status) + " " + res->body);
    }
    return res->body.empty() ? nlohmann::json::object() : nlohmann::json::parse(res->body);
}
} // namespace

nlohmann::json Sandbox::get(const std::string& admin_path) const {
    httplib::Client c("127.0.0.1", m_port);
    c.set_read_timeout(10);
    return check(c.Get(("/_sandbox/" + admin_path).c_str()), "GET " + admin_path);
}

nlohmann::json Sandbox::post(const std::string& admin_path, const nlohmann::json& body) const {
    httplib::Client c("127.0.0.1", m_port);
    c.set_read_timeout(10);
    return check(c.Post(("/_sandbox/" + admin_path).c_str(), body.dump(), "application/json"),
                 "POST " + admin_path);
}

nlohmann::json Sandbox::del(const std::string& admin_path) const {
    httplib::Client c("127.0.0.1", m_port);
    c.set_read_timeout(10);
    return check(c.Delete(("/_sandbox/" + admin_path).c_str()), "DELETE " + admin_path);
}

nlohmann::json sandbox_login(const Sandbox& sandbox, const std::string& scope) {
    constexpr const char* k_client_key = "sbx_client_key";
    constexpr const char* k_redirect = "https://sandbox.looppost.test/callback/";
    const std::string target =
        httplib::append_query_params("/v2/auth/authorize/", {{"client_key", k_client_key},
                                                             {"response_type", "code"},
                                                             {"scope", scope},
                                                             {"redirect_uri", k_redirect},
                                                             {"state", "harness"}});
    // A raw GET: httplib's client would decode the Location header before the query is parsed.
    const std::string raw =
        raw_exchange(sandbox.port(),
                     "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    const std::size_t header = raw.find("\r\nLocation: ");
    if (raw.rfind("HTTP/1.1 302", 0) != 0 || header == std::string::npos) {
        throw std::runtime_error("the consent page did not redirect: " + raw.substr(0, 200));
    }
    const std::size_t start = header + 12;
    const std::string location = raw.substr(start, raw.find("\r\n", start) - start);
    httplib::Params params;
    if (location.find('?') != std::string::npos) {
        httplib::detail::parse_query_text(location.substr(location.find('?') + 1), params);
    }
    const auto code = params.find("code");
    if (code == params.end()) {
        throw std::runtime_error("the consent page refused the login: " + location);
    }
    httplib::Client c("127.0.0.1", sandbox.port());
    c.set_read_timeout(10);
    const auto res =
        c.Post("/v2/oauth/token/", httplib::Params{{"client_key", k_client_key},
                                                   {"client_secret", "sbx_client_secret"},
                                                   {"code", code->second},
                                                   {"grant_type", "authorization_code"},
                                                   {"redirect_uri", k_redirect}});
    if (!res || res->status != 200) {
        throw std::runtime_error("the token exchange failed: " + (res ? res->body : "no answer"));
    }
    return nlohmann::json::parse(res->body);
}

Home::Home(const Sandbox* sandbox) : m_sandbox(sandbox) {}

Env Home::env() const {
    Env e{{"LOOPPOST_HOME", path().string()},
          {"HOME", path().string()},
          {"NO_COLOR", "1"},
          {"LOOPPOST_CLIENT_KEY", k_unset},
          {"LOOPPOST_CLIENT_SECRET", k_unset},
          {"LOOPPOST_S3_SECRET_ACCESS_KEY", k_unset},
          {"LOOPPOST_PASSPHRASE_FILE", k_unset},
          {"LOOPPOST_KEY_MODE", k_unset},
          {"LOOPPOST_API_BASE", k_unset},
          {"LOOPPOST_AUTH_BASE", k_unset}};
    if (m_sandbox != nullptr) {
        e["LOOPPOST_API_BASE"] = m_sandbox->base_url();
        e["LOOPPOST_AUTH_BASE"] = m_sandbox->base_url();
    }
    return e;
}

RunResult Home::looppost(const std::vector<std::string>& args, const std::string& input,
                         const Env& extra) const {
    Env e = env();
    for (const auto& [k, v] : extra) {
        e[k] = v;
    }
    return run_program(LOOPPOST_BIN, args, e, input);
}

std::unique_ptr<Process> Home::start(const std::vector<std::string>& args, const Env& extra) const {
    Env e = env();
    for (const auto& [k, v] : extra) {
        e[k] = v;
    }
    return std::make_unique<Process>(LOOPPOST_BIN, args, e);
}

std::string read_file(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

std::string raw_exchange(int port, const std::string& request) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        throw std::runtime_error("socket failed");
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string received;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(request.size())) {
        const auto deadline = steady_clock::now() + seconds(10);
        char buffer[4096];
        while (steady_clock::now() < deadline) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 1000) <= 0) {
                continue;
            }
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n <= 0) {
                break;
            }
            received.append(buffer, static_cast<size_t>(n));
        }
    }
    ::close(fd);
    return received;
}

void set_app(const Home& home, const std::string& scopes) {
    std::vector<std::string> args{"app", "set", "--client-key", "sbx_client_key",
                                  "--client-secret-stdin"};
    if (!scopes.empty()) {
        args.push_back("--scopes");
        args.push_back(scopes);
    }
    auto r = home.looppost(args, "sbx_client_secret\n");
    if (r.exit_code != 0)
        throw std::runtime_error("app set failed: " + r.err);
}

std::string link_in(const std::string& line, const std::string& start) {
    auto pos = line.find(start);
    if (pos == std::string::npos)
        throw std::runtime_error("no " + start + " in: " + line);
    auto end = line.find_first_of(" \t\r\n", pos);
    return line.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
}

RunResult qr_login(const Home& home, const Sandbox& sbx, const std::string& user,
                   std::vector<std::string> extra) {
    std::vector<std::string> args{"auth", "login", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto p = home.start(args);
    // The --json login names the link on stderr ("scan this link …"); -v log lines do not.
    std::string link = link_in(p->wait_for_line("scan this link"), "aweme://");
    sbx.post("qr/scan", {{"url", link}, {"user", user}});
    sbx.post("qr/confirm");
    return p->finish();
}

RunResult later(const Home& home, const std::string& offset, const std::vector<std::string>& args,
                const Env& extra) {
    std::vector<std::string> full{"-f", offset, LOOPPOST_BIN};
    full.insert(full.end(), args.begin(), args.end());
    Env env = home.env();
    for (const auto& [k, v] : extra)
        env[k] = v;
    return run_program("/usr/bin/faketime", full, env);
}

std::string all_bytes_under(const std::filesystem::path& dir) {
    std::string all;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
        if (e.is_regular_file())
            all += read_file(e.path());
    }
    return all;
}

void ffmpeg(const std::vector<std::string>& args) {
    std::vector<std::string> full{"-v", "error", "-y"};
    full.insert(full.end(), args.begin(), args.end());
    auto r = run_program("/usr/bin/ffmpeg", full);
    if (r.exit_code != 0) {
        throw std::runtime_error("ffmpeg failed: " + r.err);
    }
}

void pad_mp4(const fs::path& from, const fs::path& to, std::uint64_t size) {
    const std::uint64_t original = fs::file_size(from);
    if (size < original + 8 || size - original > 0xffffffffULL) {
        throw std::runtime_error("pad_mp4: cannot pad " + from.string() + " to that size");
    }
    fs::copy_file(from, to, fs::copy_options::overwrite_existing);
    const auto box = static_cast<std::uint32_t>(size - original);
    std::ofstream out(to, std::ios::binary | std::ios::app);
    const char header[8] = {static_cast<char>(box >> 24), static_cast<char>(box >> 16),
                            static_cast<char>(box >> 8),  static_cast<char>(box),
                            'f',                          'r',
                            'e',                          'e'};
    out.write(header, 8);
    std::vector<char> zeros(1 << 20, '\0');
    std::uint64_t left = box - 8;
    while (left > 0) {
        const auto n = static_cast<std::streamsize>(std::min<std::uint64_t>(left, zeros.size()));
        out.write(zeros.data(), n);
        left -= static_cast<std::uint64_t>(n);
    }
    out.close();
    if (!out || fs::file_size(to) != size) {
        throw std::runtime_error("pad_mp4: could not write " + to.string());
    }
}

std::string sha256_of(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + p.string());
    }
    crypto_hash_sha256_state state;
    crypto_hash_sha256_init(&state);
    std::vector<char> buf(1 << 20);
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        const auto n = in.gcount();
        if (n > 0) {
            crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(buf.data()),
                                      static_cast<unsigned long long>(n));
        }
    }
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&state, digest);
    static const char* k_hex = "0123456789abcdef";
    std::string hex;
    for (unsigned char b : digest) {
        hex += k_hex[b >> 4];
        hex += k_hex[b & 15];
    }
    return hex;
}

namespace {
std::string node_on_path() {
    const char* path = std::getenv("PATH");
    std::string dirs = path != nullptr ? path : "";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        const std::size_t end = std::min(dirs.find(':', start), dirs.size());
        const std::string d = dirs.substr(start, end - start);
        const fs::path p = fs::path(d) / "node";
        if (!d.empty() && ::access(p.c_str(), X_OK) == 0) {
            return p.string();
        }
        start = end + 1;
    }
    throw std::runtime_error("node is not on PATH: the S3 media host tests need node and npm "
                             "(scripts/install-deps.sh runs npm ci in tests/s3)");
}
} // namespace

S3Server::S3Server(const std::string& bucket, const std::string& region,
                   const std::string& key_id, const std::string& secret) {
    const std::string node = node_on_path();
    const fs::path dir = fs::path(LOOPPOST_SOURCE_DIR) / "tests" / "s3";
    if (!fs::is_directory(dir / "node_modules" / "s3rver")) {
        throw std::runtime_error("tests/s3/node_modules is missing: run scripts/install-deps.sh "
                                 "(npm ci in tests/s3) before the S3 media host tests");
    }
    m_process = std::make_unique<Process>(
        node,
        std::vector<std::string>{(dir / "server.js").string(), "--dir", m_data.path().string(),
                                 "--bucket", bucket, "--region", region, "--access-key-id", key_id},
        Env{{"S3_TEST_SECRET_ACCESS_KEY", secret}});
    const std::string line = m_process->wait_for_line("LISTENING", seconds(30));
    m_port = std::stoi(line.substr(line.find("LISTENING") + 10));
}

nlohmann::json S3Server::log() const {
    httplib::Client c("127.0.0.1", m_port);
    c.set_read_timeout(10);
    return check(c.Get("/_log"), "GET /_log");
}

int S3Server::get_status(const std::string& path) const {
    httplib::Client c("127.0.0.1", m_port);
    c.set_read_timeout(10);
    auto res = c.Get(path.c_str());
    if (!res) {
        throw std::runtime_error("GET " + path + ": " + httplib::to_string(res.error()));
    }
    return res->status;
}

void S3Server::set_down(bool down) const {
    httplib::Client c("127.0.0.1", m_port);
    c.set_read_timeout(10);
    auto res = c.Get(down ? "/_down" : "/_up");
    if (!res || res->status != 200)
        throw std::runtime_error("the S3 test server did not switch");
}

} // namespace harness
