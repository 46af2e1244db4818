// looppost-sandbox: a TikTok API emulator on 127.0.0.1 for integration tests, `make demo` and
// users rehearsing scripts (DESIGN.md §8). Prints "LISTENING <port>" on stdout once it accepts
// connections; logs go to stderr; SIGTERM or SIGINT stop it.

#include "config.hpp"
#include "sandbox.hpp"

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fmt/format.h>
#include <optional>
#include <pthread.h>
#include <signal.h>
#include <string>
#include <string_view>

namespace {

constexpr int k_exit_usage = 2;

constexpr const char* k_usage =
    R"(usage: looppost-sandbox [--port N] [--config FILE.json] [--serve-dir DIR]

A TikTok API emulator on 127.0.0.1 with fault injection and a ledger of what was posted.

  --port N          port to listen on (default 0: a free port)
  --config FILE     profile JSON: audited, account_private, caps,
                    daily_post_cap (15), pending_inbox_cap (5), processing
                    (instant|realistic), moderation_seconds, rate_limit_multiplier,
                    verified_url_prefixes, clients, users (each: username,
                    display_name, open_id, private, comment_disabled,
                    duet_disabled, stitch_disabled, max_video_post_duration_sec,
                    cannot_post, fail_reason, videos {count, start, every})
  --serve-dir DIR   also serve DIR's files under /media/
  -h, --help        show this help

Emulates OAuth, QR login, user/info, video/list, video/query and the Content
Posting API (creator_info, video and inbox init, PUT /upload/, photo content/init
with real downloads, status/fetch, cancel). Prints "LISTENING <port>" on stdout
when ready. Admin API under /_sandbox/: state, config, reset, clock/advance,
faults, fail_next, qr/scan, qr/confirm.
)";

struct Options {
    int port = 0;
    std::optional<std::string> config_file;
    std::optional<std::filesystem::path> serve_dir;
};

class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

int parse_port(std::string_view text) {
    int port = -1;
    const auto* end = text.data() + text.size();
    if (text.empty() || std::from_chars(text.data(), end, port).ptr != end || port < 0 ||
        port > 65535) {
        throw UsageError(fmt::format("port \"{}\" must be a number from 0 to 65535", text));
    }
    return port;
}

/// Parses argv; returns nothing when --help was printed.
std::optional<Options> parse_args(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        std::string value;
        const auto eq = arg.find('=');
        const bool inline_value = arg.rfind("--", 0) == 0 && eq != std::string_view::npos;
        if (inline_value) {
            value = std::string(arg.substr(eq + 1));
            arg = arg.substr(0, eq);
        }
        auto take_value = [&]() {
            if (inline_value) {
                return value;
            }
            if (i + 1 >= argc) {
                throw UsageError(fmt::format("flag {} needs a value", arg));
            }
            return std::string(argv[++i]);
        };
        if (arg == "-h" || arg == "--help") {
            std::fputs(k_usage, stdout);
            return std::nullopt;
        }
        if (arg == "--port") {
            options.port = parse_port(take_value());
        } else if (arg == "--config") {
            options.config_file = take_value();
        } else if (arg == "--serve-dir") {
            options.serve_dir = take_value();
            std::error_code ec;
            if (!std::filesystem::is_directory(*options.serve_dir, ec)) {
                throw UsageError(
                    fmt::format("--serve-dir \"{}\" is not a folder", options.serve_dir->string()));
            }
        } else {
            throw UsageError(fmt::format("unknown argument \"{}\" (see --help)", arg));
        }
    }
    return options;
}

} // namespace

int main(int argc, char** argv) {
    std::optional<Options> options;
    sandbox::Config config;
    try {
        options = parse_args(argc, argv);
        if (!options) {
            return 0;
        }
        config = options->config_file ? sandbox::load_config_file(*options->config_file)
                                      : sandbox::default_config();
    } catch (const std::exception& e) {
        fmt::print(stderr, "looppost-sandbox: error: {}\n", e.what());
        return k_exit_usage;
    }

    // Signals are taken by sigwait below; block them before any thread starts so none of the
    // server's threads is interrupted by them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    sandbox::Sandbox server(std::move(config), options->serve_dir);
    int port = 0;
    try {
        port = server.start(options->port);
    } catch (const std::exception& e) {
        fmt::print(stderr, "looppost-sandbox: error: {}\n", e.what());
        return 1;
    }
    std::printf("LISTENING %d\n", port);
    std::fflush(stdout);
    fmt::print(stderr, "looppost-sandbox: listening on http://127.0.0.1:{}\n", port);

    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    fmt::print(stderr, "looppost-sandbox: stopping\n");
    server.stop();
    return server.failed() ? 1 : 0;
}
