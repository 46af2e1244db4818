#pragma once
// The three ways to obtain an authorization code. Private to src/oauth.

#include <looppost/oauth/auth.hpp>
#include <looppost/oauth/callback.hpp>
#include <optional>
#include <string>
#include <vector>

namespace looppost::oauth::detail {

/// An authorization code and what its exchange must repeat.
struct Grant {
    std::string code;
    std::vector<std::optional<std::string>> redirect_uris; ///< exchange attempts, in order
    std::optional<std::string> verifier;
};

Grant qr_flow(AuthEnv& env, const LoginOptions& o, const std::vector<std::string>& scopes,
              LoginUi& ui);
Grant browser_flow(AuthEnv& env, const LoginOptions& o, const std::vector<std::string>& scopes,
                   LoginUi& ui);
Grant paste_flow(AuthEnv& env, const LoginOptions& o, const std::vector<std::string>& scopes,
                 LoginUi& ui);

/// The consent page URL (reference §2.3); PKCE parameters when `challenge` is given.
std::string consent_url(const AuthEnv& env, const std::vector<std::string>& scopes,
                        const std::string& redirect_uri, const std::string& state,
                        const std::optional<std::string>& challenge);

/// Turns a TikTok failure during login into the Error the user sees.
[[noreturn]] void fail_login(const std::string& step, const tiktok::Failure& f);

/// Throws Error(failed, "login cancelled") when Ctrl-C arrived.
void check_interrupt();

} // namespace looppost::oauth::detail
