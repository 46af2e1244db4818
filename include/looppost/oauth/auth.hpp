#pragma once
// Logging in to TikTok (QR, browser with PKCE, paste), keeping the tokens fresh under a
// per-account refresh lease (DESIGN §5), and logging out.

#include <chrono>
#include <functional>
#include <looppost/core/context.hpp>
#include <looppost/core/errors.hpp>
#include <looppost/oauth/app.hpp>
#include <looppost/store/db.hpp>
#include <looppost/tiktok/api.hpp>
#include <looppost/vault/vault.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace looppost::oauth {

/// Everything auth work needs for one run.
struct AuthEnv {
    core::Context& ctx;
    store::Db& db;
    const vault::Vault& vault;
    AppCredentials app;
    tiktok::Api api;
    /// Warnings for the human (stderr); the CLI supplies it.
    std::function<void(const std::string&)> warn;

    tiktok::Client client() const { return {app.client_key, &app.client_secret}; }
};

/// An AuthEnv for one worker thread: its own connection `db` and HTTP client `http`, a copy of
/// the app's credentials, and the Api settings read from `ctx` (read them all before threads
/// start). `warn` must be safe to call from that thread.
std::unique_ptr<AuthEnv> worker_auth(core::Context& ctx, store::Db& db, const vault::Vault& vault,
                                     const AppCredentials& app, net::HttpClient& http,
                                     std::function<void(const std::string&)> warn);

/// What a login shows and asks; the CLI implements it.
class LoginUi {
public:
    virtual ~LoginUi() = default;
    /// The QR deep link to scan (drawn as a QR code on a terminal, printed as text always).
    virtual void show_qr(const std::string& link) = 0;
    /// The consent page to open.
    virtual void show_url(const std::string& url) = 0;
    /// Progress: "waiting for the scan", "scanned; confirm in the TikTok app".
    virtual void status(const std::string& text) = 0;
    /// Asks (always shown, even with -q) and reads one line; nullopt at end of input.
    virtual std::optional<std::string> read_line(const std::string& prompt) = 0;
};

enum class Method { qr, browser, paste };

struct LoginOptions {
    Method method = Method::qr;
    std::optional<std::vector<std::string>> scopes; ///< default: the app's approved scopes
    std::optional<std::string> name;
    int port = 0; ///< browser: the loopback listener's port (0: any free one)
    std::optional<std::string> redirect_uri; ///< paste: a redirect URI registered for the app
    bool open_browser = true;
    std::chrono::seconds timeout{300};
    int qr_codes = 4; ///< QR codes to show before giving up (a new one after each expiry)
};

struct LoginResult {
    store::AccountRow account;
    std::vector<std::string> requested;
    std::vector<std::string> granted;
    bool new_account = false;
};

/// Runs the login, exchanges the code, reads the profile and stores the account (tokens sealed).
LoginResult login(AuthEnv& env, const LoginOptions& options, LoginUi& ui);

/// What the granted scopes cannot do, one sentence each ("no video.publish: inbox mode only").
std::vector<std::string> missing_capabilities(const std::vector<std::string>& granted);

/// The account named `name`, else the default one. An unknown name throws UsageError with "did
/// you mean" (or Error(`unknown`) where the name is input data: a bulk line's account); no
/// account at all throws Error(config_missing).
store::AccountRow resolve_account(const store::Db& db, const std::optional<std::string>& name,
                                  Exit unknown = Exit::usage);

/// An account's access token, refreshed first when it expires within 10 minutes — or, with
/// `stale`, when the stored token is still that one (it was refused, or a refresh was asked
/// for). Throws Error(reauth_required) when TikTok needs a human.
vault::Secret fresh_access_token(AuthEnv& env, std::int64_t account_id,
                                 const vault::Secret* stale = nullptr);

/// `auth refresh`: a new token pair now, unless another process refreshed meanwhile.
void refresh_account(AuthEnv& env, const store::AccountRow& account);

/// How long before TikTok's authorization ends looppost starts warning.
inline constexpr std::int64_t k_login_warning_s = 14 * 86400;

/// Calls `call` with a fresh token; when TikTok answers access_token_invalid, refreshes once
/// and calls again (reference §1.5).
template <class T, class F>
tiktok::Result<T> with_token(AuthEnv& env, std::int64_t account_id, F call) {
    vault::Secret token = fresh_access_token(env, account_id);
    tiktok::Result<T> r = call(token);
    if (!r && r.error().kind == tiktok::Failure::Kind::api &&
        r.error().code == "access_token_invalid") {
        vault::Secret again = fresh_access_token(env, account_id, &token);
        r = call(again);
    }
    return r;
}

struct LogoutResult {
    bool revoked_at_tiktok = false;
    std::string note; ///< why it was not revoked, when it was not
};

/// What became of asking TikTok to revoke a grant.
struct RevokeResult {
    bool revoked = false;        ///< TikTok confirmed the revocation
    std::optional<Exit> failure; ///< TikTok did not confirm: unavailable or failed
    std::string note;            ///< why it was not revoked, when it was not
};

/// Asks TikTok to revoke the account's grant (refreshing the access token first when needed).
/// TikTok's refusals and silence are in the result; nothing is changed locally but a refresh.
RevokeResult revoke(AuthEnv& env, const store::AccountRow& account);

/// Revokes the grant at TikTok, then deletes the tokens. `local_only` skips TikTok. When TikTok
/// cannot be reached, nothing is deleted (Error(unavailable) suggesting --local-only).
LogoutResult logout(AuthEnv& env, const store::AccountRow& account, bool local_only);

/// "alice" → the error every command raises for an account that needs a human.
Error reauth_error(const store::AccountRow& account);

} // namespace looppost::oauth

namespace looppost::oauth {

/// `account set`: what to change (unset fields stay).
struct AccountChanges {
    std::optional<std::string> time_zone;
    std::optional<std::string> mode; ///< inbox | direct
    bool make_default = false;
    std::optional<std::string> rename;
    std::optional<bool> paused;
};

/// Validates and applies the changes in one transaction. A zone must exist in the system's
/// zoneinfo (tzdata); direct mode needs video.publish among the granted scopes; a new name must
/// be free. Throws UsageError / Error(bad_input) naming the value.
store::AccountRow change_account(store::Db& db, const store::AccountRow& account,
                                 const AccountChanges& changes);

} // namespace looppost::oauth
