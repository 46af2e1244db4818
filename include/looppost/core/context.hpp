#pragma once
// The per-run Context: the global options, the environment, where files live, the settings, and
// the seams (Clock, Random, HttpClient) that tests replace. No singletons besides the logger.

#include <filesystem>
#include <functional>
#include <looppost/core/clock.hpp>
#include <looppost/core/env.hpp>
#include <looppost/core/paths.hpp>
#include <looppost/core/settings.hpp>
#include <memory>
#include <optional>
#include <string>

namespace looppost::net {
class HttpClient;
}

namespace looppost::core {

/// The flags every command accepts (DESIGN §2).
struct GlobalOptions {
    bool json = false;
    int verbose = 0;
    bool quiet = false;
    std::optional<std::filesystem::path> home;
    std::optional<std::string> account;
};

using HttpFactory = std::function<std::unique_ptr<net::HttpClient>(const Settings&)>;

class Context {
public:
    Context(GlobalOptions options, EnvLookup env, Clock& clock, Random& random,
            HttpFactory http_factory);
    ~Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    const GlobalOptions& options() const { return m_options; }
    const EnvLookup& env() const { return m_env; }
    const Paths& paths() const { return m_paths; }
    Settings& settings() { return m_settings; }
    const Settings& settings() const { return m_settings; }
    Clock& clock() { return m_clock; }
    Random& random() { return m_random; }

    /// The HTTP client, created on first use: libcurl is loaded only by commands that need it.
    net::HttpClient& http();

    /// Stored settings come from the database, opened only when a setting is actually read.
    void set_stored_settings(StoredLookup stored);

private:
    GlobalOptions m_options;
    EnvLookup m_env;
    Paths m_paths;
    Settings m_settings;
    Clock& m_clock;
    Random& m_random;
    HttpFactory m_http_factory;
    std::unique_ptr<net::HttpClient> m_http;
};

} // namespace looppost::core
