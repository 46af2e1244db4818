// QR code authorization (reference §3): get_qrcode and check_qrcode, and the admin calls that play
// the phone: POST /_sandbox/qr/scan and /_sandbox/qr/confirm. With the profile's qr_auto the
// sandbox scans and confirms by itself, one step per check.

#include "oauth_common.hpp"
#include "router.hpp"
#include "routes.hpp"
#include "services.hpp"

#include <fmt/format.h>

namespace sandbox {
namespace {

using nlohmann::json;

// Where a confirmed QR login lands when the client has no https redirect URI left in its profile.
constexpr const char* k_fallback_callback = "https://sandbox.looppost.test/callback/";

void scan(OAuthLedger& oauth, QrSession& session, const SandboxUser& user, std::string ticket) {
    session.status = QrStatus::scanned;
    session.client_ticket = std::move(ticket);
    session.open_id = user.open_id;
    session.username = user.username;
    session.scan_order = oauth.next_scan_order();
}

// The user approves on the phone: a code for the granted scopes and the callback carrying it.
// Returns false (nothing changes) when the user would grant none of the requested scopes.
bool confirm(Ledger& ledger, QrSession& session, std::int64_t now) {
    const Config& config = ledger.config;
    const std::vector<std::string> granted = config.granted(session.scopes);
    if (granted.empty()) {
        return false;
    }
    const ClientApp* client = config.find_client(session.client_key);
    std::string callback = client != nullptr ? client->web_redirect_uri() : std::string();
    if (callback.empty()) {
        callback = k_fallback_callback;
    }
    AuthCode code{.code = new_auth_code(),
                  .client_key = session.client_key,
                  .open_id = session.open_id,
                  .scopes = granted,
                  .redirect_uri = callback,
                  .code_challenge = "", // no PKCE in the QR flow
                  .from_qr = true,
                  .issued_at = now,
                  .expires_at = now + config.code_ttl,
                  .used = false};
    session.redirect_uri = fmt::format("{}?code={}&state={}", callback, percent_encode(code.code),
                                       percent_encode(session.state));
    session.status = QrStatus::confirmed;
    ledger.oauth.codes.push_back(std::move(code));
    return true;
}

// qr_auto: one step per check, so a poller sees new → scanned → confirmed → utilised.
void auto_step(Ledger& ledger, QrSession& session, std::int64_t now) {
    const SandboxUser* user = ledger.config.consenting_user();
    if (session.status == QrStatus::fresh && user != nullptr) {
        scan(ledger.oauth, session, *user, ""); // no displayed URL was scanned: no ticket
    } else if (session.status == QrStatus::scanned) {
        confirm(ledger, session, now);
    }
}

json check_answer(QrSession& session) {
    switch (session.status) {
    case QrStatus::fresh:
    case QrStatus::expired:
        return {{"client_ticket", ""}, {"status", to_string(session.status)}};
    case QrStatus::confirmed:
        session.status = QrStatus::utilised; // the code is handed out once
        return {{"client_ticket", session.client_ticket},
                {"redirect_uri", session.redirect_uri},
                {"state", session.state},
                {"status", "confirmed"}};
    case QrStatus::scanned:
    case QrStatus::utilised:
        break;
    }
    return {{"client_ticket", session.client_ticket}, {"status", to_string(session.status)}};
}

void get_qrcode(Services& services, Exchange& ex) {
    const Form form = read_form(ex);
    const Config config = services.state.config();
    const ClientApp* client = config.find_client(form_value(form, "client_key"));
    if (client == nullptr) {
        throw ApiError(401, "invalid_client", "Client key is invalid.");
    }
    const std::vector<std::string> scopes = split_list(form_value(form, "scope"));
    if (const std::string problem = scope_problem(*client, scopes); !problem.empty()) {
        throw ApiError(400, "invalid_scope", problem);
    }
    // UNCONFIRMED (§3.4) whether TikTok needs a registered web callback; the code has to land
    // somewhere, so the sandbox asks for one.
    if (client->web_redirect_uri().empty()) {
        throw ApiError(400, "invalid_request",
                       "QR code login needs a registered https redirect URI.");
    }
    const std::int64_t now = services.clock.now_seconds();
    QrSession session;
    session.token = new_qr_token();
    session.client_key = client->client_key;
    session.scopes = scopes;
    session.state = form_value(form, "state");
    session.created_at = now;
    session.expires_at = now + config.qr_ttl;
    services.state.with(
        [&session](Ledger& ledger) { ledger.oauth.qr_sessions.push_back(session); });
    ex.json(200,
            {{"scan_qrcode_url",
              fmt::format("aweme://authorize?authType=100&client_key={}&client_ticket="
                          "tobefilled&scope={}&token={}",
                          percent_encode(client->client_key), join_list(scopes), session.token)},
             {"token", session.token}});
}

void check_qrcode(Services& services, Exchange& ex) {
    const Form form = read_form(ex);
    const Config config = services.state.config();
    const ClientApp& client =
        check_client(config, form_value(form, "client_key"), form_value(form, "client_secret"));
    const std::string token = form_value(form, "token");
    const std::int64_t now = services.clock.now_seconds();
    ex.json(200, services.state.with([&](Ledger& ledger) {
        QrSession* session = ledger.oauth.find_qr(token);
        if (session == nullptr || session->client_key != client.client_key) {
            throw ApiError(400, "invalid_request", "The token is invalid.");
        }
        if (session->settle(now) != QrStatus::expired && ledger.config.qr_auto) {
            auto_step(ledger, *session, now);
        }
        return check_answer(*session);
    }));
}

json session_json(const QrSession& session) {
    return {{"token", session.token},
            {"status", to_string(session.status)},
            {"client_ticket", session.client_ticket},
            {"user", session.username}};
}

// The QR session with this token, settled at `now`; ApiError 404 when there is none, 409 when it is
// not in `wanted`.
QrSession& open_session(QrSession* session, std::int64_t now, QrStatus wanted) {
    if (session == nullptr) {
        throw ApiError(404, "not_found",
                       fmt::format("no such QR session ({} expected)", to_string(wanted)));
    }
    if (session->settle(now) != wanted) {
        throw ApiError(409, "conflict",
                       fmt::format("the QR session is {}, not {}", to_string(session->status),
                                   to_string(wanted)));
    }
    return *session;
}

void admin_scan(Services& services, Exchange& ex) {
    const json body = ex.body_json();
    const std::string url = body.value("url", std::string());
    httplib::Params params;
    if (url.rfind("aweme://authorize?", 0) != 0) {
        throw ApiError(400, "invalid_params", "send {\"url\": \"aweme://authorize?…\"}");
    }
    httplib::detail::parse_query_text(url.substr(url.find('?') + 1), params);
    const std::string token = form_value(params, "token");
    const std::int64_t now = services.clock.now_seconds();
    ex.json(200, services.state.with([&](Ledger& ledger) {
        QrSession& session = open_session(ledger.oauth.find_qr(token), now, QrStatus::fresh);
        if (form_value(params, "client_key") != session.client_key) {
            throw ApiError(400, "invalid_params", "the URL's client_key is not the session's");
        }
        const SandboxUser* user = body.contains("user")
                                      ? ledger.config.find_user(body["user"].get<std::string>())
                                      : ledger.config.consenting_user();
        if (user == nullptr) {
            throw ApiError(400, "invalid_params", "no such user");
        }
        // An explicit client_ticket stands for a forged or mismatched scan.
        std::string ticket = body.contains("client_ticket")
                                 ? body["client_ticket"].get<std::string>()
                                 : form_value(params, "client_ticket");
        scan(ledger.oauth, session, *user, std::move(ticket));
        return session_json(session);
    }));
}

void admin_confirm(Services& services, Exchange& ex) {
    const json body = ex.body_json();
    const std::int64_t now = services.clock.now_seconds();
    ex.json(200, services.state.with([&](Ledger& ledger) {
        for (auto& each : ledger.oauth.qr_sessions) {
            each.settle(now);
        }
        QrSession* found = body.contains("token")
                               ? ledger.oauth.find_qr(body["token"].get<std::string>())
                               : ledger.oauth.last_scanned();
        QrSession& session = open_session(found, now, QrStatus::scanned);
        if (!confirm(ledger, session, now)) {
            throw ApiError(409, "conflict", "grant_scopes grants none of the requested scopes");
        }
        return session_json(session);
    }));
}

} // namespace

void register_qr_routes(Router& router, Services& services) {
    router.post("/v2/oauth/get_qrcode/", [&services](Exchange& ex) { get_qrcode(services, ex); });
    router.post("/v2/oauth/check_qrcode/",
                [&services](Exchange& ex) { check_qrcode(services, ex); });
    router.post("/_sandbox/qr/scan", [&services](Exchange& ex) { admin_scan(services, ex); });
    router.post("/_sandbox/qr/confirm", [&services](Exchange& ex) { admin_confirm(services, ex); });
}

} // namespace sandbox
