#pragma once
// The integration harness: runs the real looppost binary with a temporary LOOPPOST_HOME against a
// real looppost-sandbox on 127.0.0.1, and reads their machine-readable output.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace harness {

using Env = std::map<std::string, std::string>;

/// A fresh directory under $TMPDIR, removed (recursively) on destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

struct RunResult {
    int exit_code = -1;
    std::string out;
    std::string err;
    /// stdout parsed as one JSON document; throws when it is not.
    nlohmann::json json() const;
};

/// Runs `program args…` with the current environment plus `env` (a value "\x01unset" removes a
/// variable), feeds `input` on stdin and waits at most `timeout`; the child is killed after that.
RunResult run_program(const std::string& program, const std::vector<std::string>& args,
                      const Env& env = {}, const std::string& input = {},
                      std::chrono::seconds timeout = std::chrono::seconds(60));

inline constexpr const char* k_unset = "\x01unset";

/// A running program whose output a test reads while it runs (a login waiting for its QR scan).
class Process {
public:
    Process(const std::string& program, const std::vector<std::string>& args, const Env& env = {});
    ~Process();
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    /// Waits for a line on stdout or stderr containing `needle` and returns it. Throws when the
    /// program ends or the time runs out first.
    std::string wait_for_line(const std::string& needle,
                              std::chrono::seconds timeout = std::chrono::seconds(20));
    /// Waits for `needle` anywhere in the output, even before its line ends (a prompt).
    void wait_for_prompt(const std::string& needle,
                         std::chrono::seconds timeout = std::chrono::seconds(20));
    void write_stdin(const std::string& data);
    void close_stdin();
    void signal(int sig);
    /// Waits for the end (killing the program after `timeout`) and returns everything it printed.
    RunResult finish(std::chrono::seconds timeout = std::chrono::seconds(60));

private:
    bool pump(int timeout_ms); // reads what is there; false once both outputs are closed
    int m_pid = -1;
    int m_in = -1, m_out = -1, m_err = -1;
    std::string m_out_buf, m_err_buf;
    size_t m_scanned_out = 0, m_scanned_err = 0;
    bool m_done = false;
};

/// A looppost-sandbox process on a free port. Killed on destruction.
class Sandbox {
public:
    explicit Sandbox(std::vector<std::string> extra_args = {});
    ~Sandbox();
    Sandbox(const Sandbox&) = delete;
    Sandbox& operator=(const Sandbox&) = delete;

    int port() const { return m_port; }
    std::string base_url() const;

    /// Admin API under /_sandbox/ ("state", "faults", "clock/advance", …). Throws on transport
    /// errors and on non-2xx answers.
    nlohmann::json get(const std::string& admin_path) const;
    nlohmann::json post(const std::string& admin_path,
                        const nlohmann::json& body = nlohmann::json::object()) const;
    nlohmann::json del(const std::string& admin_path) const;

private:
    int m_pid = -1;
    int m_port = 0;
};

/// Logs the sandbox's consenting user (the profile's consent_user, else alice) in to the built-in
/// client through the web redirect (no PKCE) with `scope` and returns the flat token answer
/// (access_token, open_id, scope, …). Throws when a step does not answer as TikTok would.
nlohmann::json sandbox_login(const Sandbox& sandbox,
                             const std::string& scope = "user.info.basic,video.publish");

/// A looppost home in a temp dir, with the environment that points looppost at a sandbox.
class Home {
public:
    explicit Home(const Sandbox* sandbox = nullptr);
    const std::filesystem::path& path() const { return m_dir.path(); }
    Env env() const;
    /// Runs the looppost binary with this home (and `extra` environment).
    RunResult looppost(const std::vector<std::string>& args, const std::string& input = {},
                       const Env& extra = {}) const;
    /// Starts the looppost binary with this home and returns while it runs.
    std::unique_ptr<Process> start(const std::vector<std::string>& args,
                                   const Env& extra = {}) const;

private:
    TempDir m_dir;
    const Sandbox* m_sandbox;
};

std::string read_file(const std::filesystem::path& p);

/// The bytes of every regular file under `dir`, concatenated: for checking that a secret appears
/// nowhere on disk.
std::string all_bytes_under(const std::filesystem::path& dir);

/// `looppost app set` with the sandbox's built-in client (and `scopes` when given).
void set_app(const Home& home, const std::string& scopes = "");

/// The word in `line` that starts with `start` ("aweme://…").
std::string link_in(const std::string& line, const std::string& start);

/// Starts `looppost auth login --json`, scans the displayed link as `user` and confirms it, as
/// the TikTok app would; returns the login's result.
RunResult qr_login(const Home& home, const Sandbox& sbx, const std::string& user,
                   std::vector<std::string> extra = {});

/// looppost run with its clock moved to `offset` (libfaketime: "+2d", "@2027-03-28 01:00:00"),
/// the sandbox's clock untouched.
RunResult later(const Home& home, const std::string& offset, const std::vector<std::string>& args,
                const Env& extra = {});

/// Sends `request` on a plain socket to 127.0.0.1:`port` and returns every byte received until
/// the server closes (at most 10 s): for answers an HTTP client would hide or rewrite.
std::string raw_exchange(int port, const std::string& request);

/// `ffmpeg -v error -y ARGS`; throws with ffmpeg's stderr when it fails.
void ffmpeg(const std::vector<std::string>& args);

/// Copies the MP4 `from` to `to` and appends one top-level `free` box (4-byte big-endian size,
/// "free", zero bytes) so that `to` is exactly `size` bytes: still a valid MP4 (libavformat skips
/// the box), of any size wanted. `size` must be at least the original's size + 8.
void pad_mp4(const std::filesystem::path& from, const std::filesystem::path& to,
             std::uint64_t size);

/// Lowercase hex sha256 of a file's bytes.
std::string sha256_of(const std::filesystem::path& p);

/// A real S3-compatible server for a test: s3rver on 127.0.0.1 behind tests/s3/server.js, which
/// checks every signature with AWS's own SigV4 library. Needs node and tests/s3/node_modules
/// (scripts/install-deps.sh); throws, saying what is missing, when they are not there.
class S3Server {
public:
    S3Server(const std::string& bucket, const std::string& region, const std::string& key_id,
             const std::string& secret);
    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
    int port() const { return m_port; }
    const std::filesystem::path& data_dir() const { return m_data.path(); }
    /// Every request the proxy saw: {method, path, signed, signature_ok, payload_ok, status, error}.
    nlohmann::json log() const;
    /// The HTTP status of an unsigned GET of `path` ("/bucket/key").
    int get_status(const std::string& path) const;
    /// While down, the server drops every S3 connection unanswered (an unreachable host).
    void set_down(bool down) const;

private:
    TempDir m_data;
    std::unique_ptr<Process> m_process;
    int m_port = 0;
};

} // namespace harness
