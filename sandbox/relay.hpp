#pragma once
// The sandbox's public socket. cpp-httplib answers every request it routes and has no call to
// drop a connection, so clients do not talk to httplib directly: each accepted connection is
// joined to the internal httplib server on 127.0.0.1 and bytes are relayed both ways. A handler
// that wants the client to see a dropped connection marks it in the DropTable by req.remote_port
// (the relay's upstream socket); the relay then discards the answer and resets the client socket.

#include "unique_fd.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>

namespace sandbox {

/// Connections (by the local port of the relay's upstream socket) whose next answer must not
/// reach the client.
class DropTable {
public:
    /// Marks the connection; called by a handler before it returns.
    void mark(int upstream_port);
    /// Whether the connection was marked; clears the mark.
    bool take(int upstream_port);

private:
    std::mutex m_mutex;
    std::unordered_set<int> m_marked;
};

class Relay {
public:
    /// Relays to the httplib server listening on 127.0.0.1:`upstream_port`.
    Relay(DropTable& drops, std::atomic<std::uint64_t>& accepted, int upstream_port)
        : m_drops(drops), m_accepted(accepted), m_upstream_port(upstream_port) {}
    ~Relay();
    Relay(const Relay&) = delete;
    Relay& operator=(const Relay&) = delete;

    /// Binds and listens on 127.0.0.1:`port` (0: any free port); returns the port. Throws
    /// std::runtime_error when the port cannot be bound.
    int bind(int port);
    /// Starts accepting connections on a background thread.
    void start();
    /// Stops accepting, ends every open connection and waits (briefly) for their threads.
    void stop();

private:
    void accept_loop();
    void relay_connection(UniqueFd client, UniqueFd upstream, int upstream_port);
    void connection_started();
    void connection_ended();

    DropTable& m_drops;
    std::atomic<std::uint64_t>& m_accepted;
    int m_upstream_port;
    UniqueFd m_listen;
    UniqueFd m_wake_read; // readable once stop() is called; every relay thread polls it
    UniqueFd m_wake_write;
    std::thread m_acceptor;
    std::mutex m_mutex;
    std::condition_variable m_idle;
    int m_active = 0;
    std::atomic<bool> m_stopping{false};
};

} // namespace sandbox
