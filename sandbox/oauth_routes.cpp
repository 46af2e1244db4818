// OAuth v2 (reference §2): the consent page, which approves at once as the profile's consent user,
// the token endpoint (authorization code with hex-S256 PKCE, refresh with rotation) and revoke.
// Successes are flat JSON; errors the flat OAuth shape (Exchange does that for /v2/oauth/).

#include "oauth_common.hpp"
#include "router.hpp"
#include "routes.hpp"
#include "services.hpp"

#include <fmt/format.h>

namespace sandbox {
namespace {

using nlohmann::json;

// TikTok never redirects to a URI it cannot trust; it shows an error page instead.
void consent_error_page(Exchange& ex, const std::string& reason) {
    ex.res.status = 400;
    ex.res.set_content(
        fmt::format("<!doctype html>\n<title>Authorization error</title>\n<h1>Something went "
                    "wrong</h1>\n<p>{}</p>\n<p>log_id: {}</p>\n",
                    reason, ex.log_id()),
        "text/html; charset=UTF-8");
}

void redirect_with(Exchange& ex, const std::string& uri,
                   const std::vector<std::pair<std::string, std::string>>& params) {
    std::string location = uri;
    char separator = '?'; // registered URIs carry no query (reference §2.2)
    for (const auto& [key, value] : params) {
        location += fmt::format("{}{}={}", separator, key, percent_encode(value));
        separator = '&';
    }
    ex.res.set_redirect(location, 302);
}

void authorize(Services& services, Exchange& ex) {
    const auto param = [&ex](const char* key) { return ex.req.get_param_value(key); };
    const Config config = services.state.config();
    const ClientApp* client = config.find_client(param("client_key"));
    if (client == nullptr) {
        return consent_error_page(ex, "The client_key is unknown.");
    }
    const std::string redirect_uri = param("redirect_uri");
    if (!client->accepts_redirect(redirect_uri)) {
        return consent_error_page(ex, "The redirect_uri is not registered for this app.");
    }
    const std::string state = param("state");
    const auto fail = [&](const std::string& error, const std::string& description) {
        redirect_with(ex, redirect_uri,
                      {{"error", error}, {"error_description", description}, {"state", state}});
    };
    if (param("response_type") != "code") {
        return fail("unsupported_response_type", "The response_type must be code.");
    }
    const std::vector<std::string> requested = split_list(param("scope"));
    if (const std::string problem = scope_problem(*client, requested); !problem.empty()) {
        return fail("invalid_scope", problem);
    }
    // PKCE is required for desktop (loopback) redirects. A web client may still send a
    // challenge; it is then held to the same rules (UNCONFIRMED what TikTok does there).
    const std::string challenge = param("code_challenge");
    const std::string method = param("code_challenge_method");
    if (is_loopback_uri(redirect_uri) || !challenge.empty() || !method.empty()) {
        if (method != "S256") {
            return fail("invalid_request", "The code_challenge_method must be S256.");
        }
        if (!valid_code_challenge(challenge)) {
            return fail("invalid_request",
                        "The code_challenge must be the lowercase hex SHA-256 of the verifier.");
        }
    }
    const SandboxUser* user = config.consenting_user();
    const std::vector<std::string> granted = config.granted(requested);
    if (user == nullptr || granted.empty()) {
        return fail("access_denied", "The user denied the authorization.");
    }
    const std::int64_t now = services.clock.now_seconds();
    const AuthCode code{.code = new_auth_code(),
                        .client_key = client->client_key,
                        .open_id = user->open_id,
                        .scopes = granted,
                        .redirect_uri = redirect_uri,
                        .code_challenge = challenge,
                        .from_qr = false,
                        .issued_at = now,
                        .expires_at = now + config.code_ttl,
                        .used = false};
    services.state.with([&code](Ledger& ledger) { ledger.oauth.codes.push_back(code); });
    redirect_with(ex, redirect_uri,
                  {{"code", code.code}, {"scopes", join_list(granted)}, {"state", state}});
}

json token_answer(const TokenGrant& pair, std::int64_t now) {
    return {{"access_token", pair.access_token},
            {"expires_in", pair.access_expires_at - now},
            {"open_id", pair.open_id},
            {"refresh_expires_in", pair.refresh_expires_at - now},
            {"refresh_token", pair.refresh_token},
            {"scope", join_list(pair.scopes)},
            {"token_type", "Bearer"}};
}

// An authorization-code exchange. The code is spent only by a successful exchange, so a client
// can retry after a redirect_uri mismatch (the QR advice of reference §3.4).
json exchange_code(Services& services, const Form& form, const ClientApp& client) {
    const std::string code = form_value(form, "code");
    if (code.empty()) {
        throw ApiError(400, "invalid_request", "The code is missing.");
    }
    const std::string redirect_uri = form_value(form, "redirect_uri");
    const std::string verifier = form_value(form, "code_verifier");
    const std::int64_t now = services.clock.now_seconds();
    return services.state.with([&](Ledger& ledger) {
        AuthCode* found = ledger.oauth.find_code(code);
        if (found == nullptr || found->client_key != client.client_key) {
            throw ApiError(400, "invalid_grant", "Authorization code is invalid.");
        }
        if (found->used) {
            throw ApiError(400, "invalid_grant", "Authorization code has been used.");
        }
        if (now >= found->expires_at) {
            throw ApiError(400, "invalid_grant", "Authorization code is expired.");
        }
        // QR codes (UNCONFIRMED, §3.4): no redirect_uri, or the returned one with or without
        // its query. Browser codes: exactly the authorize call's.
        const bool redirect_ok =
            found->from_qr
                ? redirect_uri.empty() ||
                      redirect_uri.substr(0, redirect_uri.find('?')) == found->redirect_uri
                : redirect_uri == found->redirect_uri;
        if (!redirect_ok) {
            throw ApiError(400, "invalid_request",
                           "Redirect_uri is not matched with the uri when requesting code.");
        }
        if (!found->code_challenge.empty() &&
            (!valid_code_verifier(verifier) || sha256_hex(verifier) != found->code_challenge)) {
            throw ApiError(400, "invalid_request", "Code verifier or code challenge is invalid.");
        }
        found->used = true;
        TokenGrant pair{.grant_id = ledger.oauth.new_grant_id(),
                        .client_key = client.client_key,
                        .open_id = found->open_id,
                        .scopes = found->scopes,
                        .access_token = new_token("act."),
                        .access_expires_at = now + ledger.config.access_token_ttl,
                        .refresh_token = new_token("rft."),
                        .refresh_expires_at = now + ledger.config.refresh_token_ttl,
                        .issued_at = now,
                        .via = "authorization_code",
                        .revoked = false,
                        .rotated = false};
        return token_answer(ledger.oauth.add_tokens(std::move(pair)), now);
    });
}

// Rotation always (2026 docs). The refresh deadline stays the first grant's (absolute, §2.6). The
// previous access token is left to run out on its own: TikTok documents no early expiry for it.
json refresh(Services& services, const Form& form, const ClientApp& client) {
    const std::string token = form_value(form, "refresh_token");
    if (token.empty()) {
        throw ApiError(400, "invalid_request", "The refresh_token is missing.");
    }
    const std::int64_t now = services.clock.now_seconds();
    return services.state.with([&](Ledger& ledger) {
        TokenGrant* old = ledger.oauth.find_refresh(token);
        if (old == nullptr || old->client_key != client.client_key) {
            throw ApiError(400, "invalid_grant", "Refresh token is invalid.");
        }
        if (old->revoked || old->rotated) {
            throw ApiError(400, "invalid_grant",
                           old->revoked ? "Refresh token has been revoked."
                                        : "Refresh token has been replaced by a newer one.");
        }
        if (now >= old->refresh_expires_at) {
            throw ApiError(400, "invalid_grant", "Refresh token is expired.");
        }
        old->rotated = true;
        TokenGrant next = *old;
        next.access_token = new_token("act.");
        next.access_expires_at = now + ledger.config.access_token_ttl;
        next.refresh_token = new_token("rft.");
        next.issued_at = now;
        next.via = "refresh_token";
        next.rotated = false;
        ++ledger.oauth.refreshes;
        return token_answer(ledger.oauth.add_tokens(std::move(next)), now);
    });
}

void revoke(Services& services, Exchange& ex) {
    const Form form = read_form(ex);
    const Config config = services.state.config();
    const ClientApp& client =
        check_client(config, form_value(form, "client_key"), form_value(form, "client_secret"));
    const std::string token = form_value(form, "token");
    if (token.empty()) {
        throw ApiError(400, "invalid_request", "The token is missing.");
    }
    services.state.with([&](Ledger& ledger) {
        const TokenGrant* pair = ledger.oauth.find_access(token);
        if (pair == nullptr || pair->client_key != client.client_key) {
            throw ApiError(400, "invalid_request", "The token is invalid.");
        }
        // Revoking again is harmless and answers {} as well.
        ledger.oauth.revoke_grant(pair->grant_id);
        ++ledger.oauth.revokes;
    });
    ex.json(200, json::object());
}

} // namespace

void register_oauth_routes(Router& router, Services& services) {
    router.get("/v2/auth/authorize/", [&services](Exchange& ex) { authorize(services, ex); });

    router.post("/v2/oauth/token/", [&services](Exchange& ex) {
        const Form form = read_form(ex);
        const Config config = services.state.config();
        const ClientApp& client =
            check_client(config, form_value(form, "client_key"), form_value(form, "client_secret"));
        const std::string grant_type = form_value(form, "grant_type");
        if (grant_type == "authorization_code") {
            ex.json(200, exchange_code(services, form, client));
        } else if (grant_type == "refresh_token") {
            ex.json(200, refresh(services, form, client));
        } else {
            // client_credentials (§2.8) only serves APIs the sandbox does not emulate.
            throw ApiError(400, "unsupported_grant_type",
                           fmt::format("The grant_type \"{}\" is not supported.", grant_type));
        }
    });

    router.post("/v2/oauth/revoke/", [&services](Exchange& ex) { revoke(services, ex); });
}

} // namespace sandbox
