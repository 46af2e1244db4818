#pragma once
// The assembled emulator: the internal httplib server with every route family, and the relay that
// owns the public socket on 127.0.0.1.

#include "relay.hpp"
#include "router.hpp"
#include "services.hpp"

#include <atomic>
#include <filesystem>
#include <httplib.h>
#include <memory>
#include <optional>
#include <thread>

namespace sandbox {

class Sandbox {
public:
    /// `serve_dir`, when given, is served under /media/ (it must be an existing folder).
    Sandbox(Config loaded, std::optional<std::filesystem::path> serve_dir);
    ~Sandbox();
    Sandbox(const Sandbox&) = delete;
    Sandbox& operator=(const Sandbox&) = delete;

    /// Binds 127.0.0.1:`port` (0: a free port), starts serving and returns the port. Throws
    /// std::runtime_error when a socket cannot be bound.
    int start(int port);
    /// Closes every connection and stops the server; safe to call twice.
    void stop();
    /// Whether the internal server ended on its own (it should only end through stop()).
    bool failed() const { return m_failed; }

    Services& services() { return m_services; }

private:
    void configure_server();

    Services m_services;
    httplib::Server m_server;
    Router m_router;
    std::optional<std::filesystem::path> m_serve_dir;
    std::unique_ptr<Relay> m_relay;
    std::thread m_listener;
    std::atomic<bool> m_stopping{false};
    std::atomic<bool> m_failed{false};
};

} // namespace sandbox
