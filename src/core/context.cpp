#include <looppost/core/context.hpp>
#include <looppost/net/http.hpp>

namespace looppost::core {

Context::Context(GlobalOptions options, EnvLookup env, Clock& clock, Random& random,
                 HttpFactory http_factory)
    : m_options(std::move(options)), m_env(env), m_paths(Paths::resolve(m_options.home, env)),
      m_settings(env, nullptr), m_clock(clock), m_random(random),
      m_http_factory(std::move(http_factory)) {}

Context::~Context() = default;

net::HttpClient& Context::http() {
    if (!m_http) {
        m_http = m_http_factory(m_settings);
    }
    return *m_http;
}

void Context::set_stored_settings(StoredLookup stored) {
    m_settings.set_stored(std::move(stored));
}

} // namespace looppost::core
