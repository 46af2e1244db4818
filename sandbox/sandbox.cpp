#include "sandbox.hpp"

#include "routes.hpp"

#include <chrono>
#include <fmt/format.h>
#include <signal.h>
#include <sodium.h>
#include <stdexcept>
#include <unistd.h>

namespace sandbox {
namespace {

// Many-account benchmarks keep dozens of connections alive at once; each holds one worker while
// it is open.
constexpr std::size_t k_worker_threads = 256; // an idle keep-alive connection holds one
constexpr std::size_t k_keep_alive_max_requests = 100000;
constexpr time_t k_keep_alive_seconds = 10;
constexpr time_t k_io_timeout_seconds = 30;
// TikTok accepts a final video chunk of up to 128 MB; leave room for the largest one.
constexpr std::size_t k_max_body_bytes = 160ULL * 1024 * 1024;

} // namespace

Sandbox::Sandbox(Config loaded, std::optional<std::filesystem::path> serve_dir)
    : m_services(std::move(loaded)), m_router(m_server, m_services),
      m_serve_dir(std::move(serve_dir)) {
    if (sodium_init() < 0) { // upload tokens and sha256 sums
        throw std::runtime_error("libsodium cannot be initialised");
    }
}

Sandbox::~Sandbox() {
    stop();
}

void Sandbox::configure_server() {
    m_server.new_task_queue = [] { return new httplib::ThreadPool(k_worker_threads); };
    m_server.set_keep_alive_max_count(k_keep_alive_max_requests);
    m_server.set_keep_alive_timeout(k_keep_alive_seconds);
    m_server.set_read_timeout(k_io_timeout_seconds);
    m_server.set_write_timeout(k_io_timeout_seconds);
    m_server.set_payload_max_length(k_max_body_bytes);
    m_server.set_tcp_nodelay(true);

    register_admin_routes(m_router, m_services);
    if (m_serve_dir) {
        register_media_routes(m_router, m_services, *m_serve_dir);
    }
    register_oauth_routes(m_router, m_services);
    register_qr_routes(m_router, m_services);
    register_display_routes(m_router, m_services);
    register_post_routes(m_router, m_services);
    register_upload_routes(m_router, m_services);
    m_router.finish();
}

int Sandbox::start(int port) {
    configure_server();
    const int internal_port = m_server.bind_to_any_port("127.0.0.1");
    if (internal_port < 0) {
        throw std::runtime_error("cannot bind the internal server on 127.0.0.1");
    }
    m_relay = std::make_unique<Relay>(m_services.drops, m_services.connections, internal_port);
    const int public_port = m_relay->bind(port);
    m_services.public_port = public_port;

    if (m_serve_dir) {
        // TikTok only pulls from verified prefixes; the sandbox's own folder counts as verified.
        Config config = m_services.state.config();
        config.verified_url_prefixes.push_back(
            fmt::format("http://127.0.0.1:{}/media/", public_port));
        m_services.state.set_loaded_config(std::move(config));
    }

    m_listener = std::thread([this] {
        if (!m_server.listen_after_bind() && !m_stopping) {
            fmt::print(stderr, "looppost-sandbox: the internal server stopped unexpectedly\n");
        }
        if (!m_stopping) {
            m_failed = true;
            ::kill(::getpid(), SIGTERM); // wakes main's sigwait
        }
    });
    // stop() can only stop a server that is running, so do not return before it is.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!m_server.is_running() && !m_failed) {
        if (std::chrono::steady_clock::now() > deadline) {
            throw std::runtime_error("the internal server did not start");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    m_relay->start();
    return public_port;
}

void Sandbox::stop() {
    if (m_stopping.exchange(true)) {
        return;
    }
    // Relay first: closing the upstream sockets frees httplib's workers from keep-alive waits.
    if (m_relay) {
        m_relay->stop();
    }
    m_server.stop();
    if (m_listener.joinable()) {
        m_listener.join();
    }
}

} // namespace sandbox
