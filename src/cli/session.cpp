#include <looppost/cli/session.hpp>
#include <looppost/core/log.hpp>
#include <looppost/net/http.hpp>

namespace looppost::cli {

Session::Session(core::Context& ctx, Output& out) : m_ctx(ctx), m_out(out) {
    // All stored settings in one query, the first time one is read (start-up cost, DESIGN §10).
    m_ctx.set_stored_settings([this](std::string_view name) -> std::optional<std::string> {
        if (!m_stored) {
            m_stored = db().settings_all();
        }
        auto it = m_stored->find(std::string(name));
        if (it == m_stored->end()) {
            return std::nullopt;
        }
        return it->second;
    });
}

store::Db& Session::db() {
    if (!m_db) {
        m_ctx.paths().ensure();
        m_db = store::Db::open(m_ctx.paths().db_file());
        core::log::enable_from(m_ctx.settings());
    }
    return *m_db;
}

const vault::Vault& Session::vault() {
    if (!m_vault) {
        m_vault = std::make_unique<vault::Vault>(vault::open_for(m_ctx, db()));
    }
    return *m_vault;
}

media::LocalStore& Session::media() {
    if (!m_media)
        m_media = std::make_unique<media::LocalStore>(m_ctx.paths().media_dir());
    return *m_media;
}

media::MediaHost& Session::media_host() {
    if (!m_host)
        m_host = media::open_host(db(), vault(), m_ctx.env(),
                                  {m_ctx.http(), m_ctx.clock(), m_ctx.random()});
    return *m_host;
}

void Session::close_db() {
    m_host.reset();
    m_auth.reset();
    m_vault.reset();
    m_db.reset();
    // Settings read after this come from defaults and the environment only.
    m_stored = std::map<std::string, std::string>{};
}

std::int64_t Session::now() const {
    return std::chrono::duration_cast<std::chrono::seconds>(m_ctx.clock().now().time_since_epoch())
        .count();
}

oauth::AuthEnv& Session::auth() {
    if (!m_auth) {
        auto app = oauth::load_app(db(), vault(), m_ctx.env());
        const auto& settings = m_ctx.settings();
        tiktok::Api api(m_ctx.http(), m_ctx.clock(), m_ctx.random(),
                        settings.get_string("api_base"), net::retry_policy(settings));
        m_auth.reset(new oauth::AuthEnv{m_ctx, db(), vault(), std::move(app), std::move(api),
                                        [this](const std::string& w) { m_out.warning(w); }});
    }
    return *m_auth;
}

} // namespace looppost::cli
