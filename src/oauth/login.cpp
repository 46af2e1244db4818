// looppost auth login: choose the flow, exchange the code, read the profile, store the account.

#include "flows.hpp"

#include <algorithm>
#include <ctime>
#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/core/interrupt.hpp>
#include <looppost/util/strings.hpp>
#include <looppost/util/url.hpp>

namespace looppost::oauth {
namespace detail {

std::string consent_url(const AuthEnv& env, const std::vector<std::string>& scopes,
                        const std::string& redirect_uri, const std::string& state,
                        const std::optional<std::string>& challenge) {
    std::vector<std::pair<std::string, std::string>> q{{"client_key", env.app.client_key},
                                                       {"response_type", "code"},
                                                       {"scope", util::join(scopes, ",")},
                                                       {"redirect_uri", redirect_uri},
                                                       {"state", state}};
    if (challenge) {
        q.emplace_back("code_challenge", *challenge);
        q.emplace_back("code_challenge_method", "S256");
    }
    std::string query = util::form_encode(q);
    // Scopes read better with literal commas, and TikTok's examples send them so.
    std::string scope_enc = util::url_encode(util::join(scopes, ","));
    auto pos = query.find(scope_enc);
    if (pos != std::string::npos)
        query.replace(pos, scope_enc.size(), util::join(scopes, ","));
    return env.ctx.settings().get_string("auth_base") + "/v2/auth/authorize/?" + query;
}

void fail_login(const std::string& step, const tiktok::Failure& f) {
    Exit exit = f.kind == tiktok::Failure::Kind::transport || f.http_status >= 500 ||
                        f.kind == tiktok::Failure::Kind::protocol
                    ? Exit::unavailable
                    : Exit::failed;
    if (f.kind == tiktok::Failure::Kind::oauth && f.code == "invalid_client") {
        exit = Exit::config_missing;
    }
    throw Error(exit,
                fmt::format("login failed while {}: {}; nothing was stored", step, f.describe()));
}

void check_interrupt() {
    if (core::interrupted()) {
        throw Error(Exit::failed, "login cancelled; nothing was stored");
    }
}

Grant paste_flow(AuthEnv& env, const LoginOptions& o, const std::vector<std::string>& scopes,
                 LoginUi& ui) {
    if (!o.redirect_uri) {
        throw UsageError("--method paste needs --redirect-uri: a redirect URI registered for the "
                         "app in TikTok's developer portal");
    }
    auto parts = util::parse_url(*o.redirect_uri);
    if (!parts || !util::is_allowed_url(*o.redirect_uri)) {
        throw UsageError(fmt::format("--redirect-uri \"{}\" must be an https:// URL (http:// only "
                                     "for a loopback host)",
                                     *o.redirect_uri));
    }
    // Desktop (loopback) redirect URIs need PKCE; web ones do not take it (reference §2.2-2.3).
    std::optional<Pkce> pkce;
    if (util::is_loopback_host(parts->host))
        pkce = make_pkce(env.ctx.random());
    std::string state = env.ctx.random().hex(16);
    ui.show_url(consent_url(env, scopes, *o.redirect_uri, state,
                            pkce ? std::optional<std::string>(pkce->challenge) : std::nullopt));
    auto line =
        ui.read_line("after approving, paste the address TikTok redirected to (or just the code):");
    check_interrupt();
    if (!line || util::trim(*line).empty()) {
        throw Error(Exit::bad_input, "no redirected address or code was given; nothing was stored");
    }
    Callback cb = parse_pasted(*line);
    if (cb.error) {
        throw Error(Exit::failed, fmt::format("TikTok did not grant the login: {}{}", *cb.error,
                                              cb.error_description ? ": " + *cb.error_description
                                                                   : std::string()));
    }
    if (cb.state && *cb.state != state) {
        throw Error(Exit::bad_input, "the pasted address carries a state that is not this login's "
                                     "(an old tab?); nothing was stored");
    }
    if (!cb.code || cb.code->empty()) {
        throw Error(Exit::bad_input, "the pasted text holds no code; nothing was stored");
    }
    return Grant{*cb.code,
                 {*o.redirect_uri},
                 pkce ? std::optional<std::string>(pkce->verifier) : std::nullopt};
}

} // namespace detail

namespace {

bool has(const std::vector<std::string>& v, std::string_view s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

bool valid_alias(std::string_view name) {
    return !name.empty() && name.size() <= 64 &&
           name.find_first_not_of(
               "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
               std::string_view::npos;
}

// "Alice Example" → "alice-example": a name that is easy to type after --account.
std::string alias_from(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-') {
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else if (!out.empty() && out.back() != '-') {
            out += '-';
        }
    }
    while (!out.empty() && out.back() == '-')
        out.pop_back();
    return out.substr(0, 64);
}

void check_alias(std::string_view name) {
    if (!valid_alias(name)) {
        throw UsageError(fmt::format("account name \"{}\" may use only letters, digits, '.', '_' "
                                     "and '-' (at most 64)",
                                     name));
    }
}

std::string choose_alias(const store::Db& db, const LoginOptions& o, const tiktok::UserInfo& u) {
    if (o.name) {
        return *o.name;
    }
    for (const auto& candidate : {u.username, u.display_name}) {
        if (candidate) {
            std::string a = alias_from(*candidate);
            if (valid_alias(a))
                return a;
        }
    }
    return fmt::format("account-{}", db.accounts().size() + 1);
}

tiktok::UserInfo read_profile(AuthEnv& env, const tiktok::TokenSet& t) {
    auto fields = tiktok::user_fields_for(t.scopes);
    if (fields.empty()) {
        tiktok::UserInfo bare;
        bare.open_id = t.open_id;
        return bare;
    }
    auto u = env.api.user_info(t.access_token, fields);
    if (!u && u.error().code == "scope_permission_missed") {
        u = env.api.user_info(t.access_token, {"open_id", "display_name"});
    }
    if (!u)
        detail::fail_login("reading the TikTok profile", u.error());
    if (u->open_id.empty())
        u->open_id = t.open_id;
    return *u;
}

} // namespace

std::vector<std::string> missing_capabilities(const std::vector<std::string>& g) {
    std::vector<std::string> out;
    if (!has(g, "video.publish")) {
        out.emplace_back("no video.publish: inbox mode only (no direct posts, no creator_info)");
    }
    if (!has(g, "video.upload"))
        out.emplace_back("no video.upload: no inbox (draft) posts");
    if (!has(g, "video.list"))
        out.emplace_back("no video.list: no video stats (snapshot-stats, stats)");
    if (!has(g, "user.info.stats"))
        out.emplace_back("no user.info.stats: no follower and like totals");
    if (!has(g, "user.info.profile"))
        out.emplace_back("no user.info.profile: no @username shown");
    return out;
}

LoginResult login(AuthEnv& env, const LoginOptions& o, LoginUi& ui) {
    LoginResult result;
    result.requested = o.scopes ? *o.scopes : env.app.scopes;
    if (o.name)
        check_alias(*o.name); // before TikTok is asked anything
    detail::Grant grant;
    switch (o.method) {
    case Method::qr:
        grant = detail::qr_flow(env, o, result.requested, ui);
        break;
    case Method::browser:
        grant = detail::browser_flow(env, o, result.requested, ui);
        break;
    case Method::paste:
        grant = detail::paste_flow(env, o, result.requested, ui);
        break;
    }
    detail::check_interrupt();
    core::release_interrupts();

    std::optional<tiktok::Result<tiktok::TokenSet>> tokens;
    for (const auto& redirect : grant.redirect_uris) {
        tokens = env.api.exchange_code(env.client(), grant.code, redirect, grant.verifier);
        bool mismatch =
            !*tokens && tokens->error().kind == tiktok::Failure::Kind::oauth &&
            util::to_lower(tokens->error().message).find("redirect") != std::string::npos;
        if (!mismatch)
            break;
    }
    if (!tokens || !*tokens)
        detail::fail_login("exchanging the code for tokens", tokens->error());
    tiktok::TokenSet& t = **tokens;
    result.granted = t.scopes.empty() ? result.requested : t.scopes;
    t.scopes = result.granted;
    tiktok::UserInfo profile = read_profile(env, t);

    const std::int64_t now = std::chrono::system_clock::to_time_t(env.ctx.clock().now());
    auto existing = env.db.account_by_open_id(t.open_id);
    std::string alias = existing && !o.name ? existing->name : choose_alias(env.db, o, profile);
    if (auto other = env.db.account_by_name(alias); other && other->open_id != t.open_id) {
        throw UsageError(fmt::format("an account named \"{}\" exists already (another TikTok "
                                     "user); choose another name with --name; nothing was stored",
                                     alias));
    }
    std::int64_t id = 0;
    env.db.transaction([&] {
        if (existing) {
            id = existing->id;
            if (alias != existing->name)
                env.db.account_rename(id, alias);
            // A narrower grant may hide fields TikTok showed before: keep what was known.
            env.db.account_update_profile(
                id, profile.display_name ? profile.display_name : existing->display_name,
                profile.username ? profile.username : existing->username, result.granted);
        } else {
            store::AccountRow row;
            row.name = alias;
            row.open_id = t.open_id;
            row.display_name = profile.display_name;
            row.username = profile.username;
            row.scopes = result.granted;
            id = env.db.account_insert(row);
        }
        store::SealedTokens sealed;
        sealed.access_token =
            env.vault.seal(t.access_token.reveal(), {"accounts", id, "access_token"});
        sealed.access_expires_at = now + t.expires_in;
        sealed.refresh_token =
            env.vault.seal(t.refresh_token.reveal(), {"accounts", id, "refresh_token"});
        sealed.refresh_expires_at = now + t.refresh_expires_in;
        env.db.account_set_tokens(id, sealed);
        env.db.event_add("auth.login", fmt::format("scopes {}", util::join(result.granted, ",")),
                         id);
    });
    result.new_account = !existing;
    result.account = *env.db.account_by_id(id);
    return result;
}

store::AccountRow resolve_account(const store::Db& db, const std::optional<std::string>& name,
                                  Exit unknown) {
    if (name) {
        if (auto a = db.account_by_name(*name))
            return *a;
        std::vector<std::string> names;
        for (const auto& a : db.accounts())
            names.push_back(a.name);
        std::string message = fmt::format("no account named \"{}\"{}; see looppost auth list",
                                          *name, util::did_you_mean(*name, names));
        if (unknown == Exit::usage)
            throw UsageError(message);
        throw Error(unknown, message);
    }
    if (auto a = db.default_account())
        return *a;
    throw Error(Exit::config_missing, "no TikTok account yet: run looppost auth login");
}

Error reauth_error(const store::AccountRow& a) {
    return Error(Exit::reauth_required,
                 fmt::format("account \"{}\" needs a new login: run looppost auth login --name {}",
                             a.name, a.name));
}

} // namespace looppost::oauth
