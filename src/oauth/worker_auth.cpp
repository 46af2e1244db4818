// An AuthEnv per worker thread (publish-due, snapshot-stats): nothing in it is shared but the
// Context's thread-safe seams and the vault.

#include <looppost/core/settings.hpp>
#include <looppost/net/http.hpp>
#include <looppost/oauth/auth.hpp>

namespace looppost::oauth {

std::unique_ptr<AuthEnv> worker_auth(core::Context& ctx, store::Db& db, const vault::Vault& vault,
                                     const AppCredentials& app, net::HttpClient& http,
                                     std::function<void(const std::string&)> warn) {
    const auto& s = ctx.settings();
    AppCredentials copy{app.client_key, vault::Secret(app.client_secret.reveal()), app.scopes};
    return std::make_unique<AuthEnv>(
        AuthEnv{ctx, db, vault, std::move(copy),
                tiktok::Api(http, ctx.clock(), ctx.random(), s.get_string("api_base"),
                            net::retry_policy(s)),
                std::move(warn)});
}

} // namespace looppost::oauth
