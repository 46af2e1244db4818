#include "relay.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <vector>

namespace sandbox {
namespace {

constexpr std::size_t k_buffer_bytes = 64 * 1024;
// After the server side closed, give the client this long to read the last answer and close
// its side, so closing with unread input does not reset the answer away.
constexpr int k_linger_ms = 2000;

/// Bytes read from one socket and not yet written to the other. Never more than one buffer, so a
/// large upload streams through instead of piling up.
struct Flow {
    std::vector<char> buffer = std::vector<char>(k_buffer_bytes);
    std::size_t begin = 0;
    std::size_t end = 0;
    bool eof = false;
    bool empty() const { return begin == end; }
};

enum class Io { ok, again, failed };

Io fill(int fd, Flow& flow) {
    const ssize_t n = ::recv(fd, flow.buffer.data(), flow.buffer.size(), 0);
    if (n > 0) {
        flow.begin = 0;
        flow.end = static_cast<std::size_t>(n);
        return Io::ok;
    }
    if (n == 0) {
        flow.eof = true;
        return Io::ok;
    }
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? Io::again : Io::failed;
}

Io drain(int fd, Flow& flow) {
    const ssize_t n =
        ::send(fd, flow.buffer.data() + flow.begin, flow.end - flow.begin, MSG_NOSIGNAL);
    if (n >= 0) {
        flow.begin += static_cast<std::size_t>(n);
        if (flow.begin == flow.end) {
            flow.begin = flow.end = 0;
        }
        return Io::ok;
    }
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? Io::again : Io::failed;
}

void set_nonblocking(int fd) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

void set_nodelay(int fd) {
    int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

sockaddr_in loopback(int port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
}

int local_port(int fd) {
    sockaddr_in addr{};
    socklen_t len = sizeof addr;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        return -1;
    }
    return ntohs(addr.sin_port);
}

// An RST instead of a FIN: the client sees "connection reset", the clearest form of a dropped
// connection, and no partial answer can be mistaken for a complete one.
void reset_connection(UniqueFd& fd) {
    linger abort_close{1, 0};
    ::setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &abort_close, sizeof abort_close);
    fd.reset();
}

void linger_close(UniqueFd& client, int wake_fd) {
    ::shutdown(client.get(), SHUT_WR);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(k_linger_ms);
    char sink[4096];
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                              deadline - std::chrono::steady_clock::now())
                              .count();
        pollfd fds[2] = {{client.get(), POLLIN, 0}, {wake_fd, POLLIN, 0}};
        if (left <= 0 || ::poll(fds, 2, static_cast<int>(left)) <= 0 || fds[1].revents != 0) {
            break;
        }
        const ssize_t n = ::recv(client.get(), sink, sizeof sink, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
            break;
        }
    }
    client.reset();
}

} // namespace

void DropTable::mark(int upstream_port) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_marked.insert(upstream_port);
}

bool DropTable::take(int upstream_port) {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_marked.erase(upstream_port) > 0;
}

Relay::~Relay() {
    stop();
}

int Relay::bind(int port) {
    m_listen.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    int pipe_fds[2];
    if (!m_listen.valid() || ::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) {
        throw std::runtime_error(fmt::format("cannot create a socket: {}", std::strerror(errno)));
    }
    m_wake_read.reset(pipe_fds[0]);
    m_wake_write.reset(pipe_fds[1]);
    int on = 1;
    ::setsockopt(m_listen.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    const sockaddr_in addr = loopback(port);
    if (::bind(m_listen.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(m_listen.get(), SOMAXCONN) != 0) {
        throw std::runtime_error(
            fmt::format("cannot listen on 127.0.0.1:{}: {}", port, std::strerror(errno)));
    }
    return local_port(m_listen.get());
}

void Relay::start() {
    m_acceptor = std::thread([this] { accept_loop(); });
}

void Relay::stop() {
    if (m_stopping.exchange(true)) {
        return;
    }
    if (m_wake_write.valid()) {
        const char byte = 0;
        [[maybe_unused]] const ssize_t n = ::write(m_wake_write.get(), &byte, 1);
    }
    if (m_acceptor.joinable()) {
        m_acceptor.join();
    }
    // Every relay thread polls the wake pipe, so they all end promptly.
    std::unique_lock<std::mutex> lock(m_mutex);
    m_idle.wait(lock, [this] { return m_active == 0; });
    m_listen.reset();
}

void Relay::accept_loop() {
    while (!m_stopping) {
        pollfd fds[2] = {{m_listen.get(), POLLIN, 0}, {m_wake_read.get(), POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0 || fds[1].revents != 0) {
            if (errno == EINTR && fds[1].revents == 0) {
                continue;
            }
            return;
        }
        UniqueFd client(::accept4(m_listen.get(), nullptr, nullptr, SOCK_CLOEXEC));
        if (!client.valid()) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
            continue;
        }
        UniqueFd upstream(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        const sockaddr_in addr = loopback(m_upstream_port);
        if (!upstream.valid() ||
            ::connect(upstream.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
            fmt::print(stderr, "looppost-sandbox: cannot reach the internal server: {}\n",
                       std::strerror(errno));
            continue;
        }
        ++m_accepted;
        const int port = local_port(upstream.get());
        for (int fd : {client.get(), upstream.get()}) {
            set_nonblocking(fd);
            set_nodelay(fd);
        }
        connection_started();
        try {
            std::thread([this, c = std::move(client), u = std::move(upstream), port]() mutable {
                relay_connection(std::move(c), std::move(u), port);
                connection_ended();
            }).detach();
        } catch (const std::system_error& e) {
            fmt::print(stderr, "looppost-sandbox: cannot start a relay thread: {}\n", e.what());
            connection_ended();
        }
    }
}

void Relay::relay_connection(UniqueFd client, UniqueFd upstream, int upstream_port) {
    Flow up;   // client → httplib
    Flow down; // httplib → client
    bool upstream_shut = false;
    for (;;) {
        const short client_events = static_cast<short>((!up.eof && up.empty() ? POLLIN : 0) |
                                                       (!down.empty() ? POLLOUT : 0));
        const short upstream_events = static_cast<short>((!down.eof && down.empty() ? POLLIN : 0) |
                                                         (!up.empty() ? POLLOUT : 0));
        // A side we wait nothing from is left out, so a hang-up there cannot spin the loop.
        pollfd fds[3] = {{client_events != 0 ? client.get() : -1, client_events, 0},
                         {upstream_events != 0 ? upstream.get() : -1, upstream_events, 0},
                         {m_wake_read.get(), POLLIN, 0}};
        if (::poll(fds, 3, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        if (fds[2].revents != 0) {
            break;
        }
        if (fds[0].revents != 0 && (client_events & POLLIN) != 0 &&
            fill(client.get(), up) == Io::failed) {
            break;
        }
        if (fds[1].revents != 0 && (upstream_events & POLLIN) != 0) {
            const Io io = fill(upstream.get(), down);
            if (io == Io::failed) {
                break;
            }
            if (io == Io::ok && !down.empty() && m_drops.take(upstream_port)) {
                reset_connection(client);
                return;
            }
        }
        if (fds[0].revents != 0 && (client_events & POLLOUT) != 0 &&
            drain(client.get(), down) == Io::failed) {
            break;
        }
        if (fds[1].revents != 0 && (upstream_events & POLLOUT) != 0 &&
            drain(upstream.get(), up) == Io::failed) {
            // httplib stopped reading (a body over the size limit, say): drop the rest of the
            // request but still pass on whatever it answers.
            up = Flow{};
            up.eof = true;
            upstream_shut = true;
        }
        if (up.eof && up.empty() && !upstream_shut) {
            ::shutdown(upstream.get(), SHUT_WR);
            upstream_shut = true;
        }
        if (down.eof && down.empty()) {
            m_drops.take(upstream_port);
            linger_close(client, m_wake_read.get());
            return;
        }
    }
    m_drops.take(upstream_port);
}

void Relay::connection_started() {
    std::lock_guard<std::mutex> lock(m_mutex);
    ++m_active;
}

void Relay::connection_ended() {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (--m_active == 0) {
        m_idle.notify_all();
    }
}

} // namespace sandbox
