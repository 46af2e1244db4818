// The device-style QR login (reference §3): get_qrcode, our own client_ticket in the deep link,
// check_qrcode about every 2 s until confirmed, a new code after each expiry (bounded).

#include "flows.hpp"

#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/core/interrupt.hpp>
#include <looppost/core/settings.hpp>

namespace looppost::oauth::detail {
namespace {

constexpr std::chrono::milliseconds k_poll{2000};

// The link TikTok returns carries client_ticket=tobefilled; ours replaces it (reference §3.1).
std::string with_ticket(const std::string& link, const std::string& ticket) {
    const std::string placeholder = "client_ticket=tobefilled";
    auto pos = link.find(placeholder);
    if (pos != std::string::npos) {
        return link.substr(0, pos) + "client_ticket=" + ticket +
               link.substr(pos + placeholder.size());
    }
    return link + (link.find('?') == std::string::npos ? "?" : "&") + "client_ticket=" + ticket;
}

bool refused_by_tiktok(const tiktok::Failure& f) {
    return f.kind == tiktok::Failure::Kind::oauth && f.http_status != 404 && f.http_status < 500 &&
           (f.code == "invalid_client" || f.code == "unauthorized_client" ||
            f.code == "invalid_scope" || f.code == "access_denied" || f.code == "invalid_request");
}

} // namespace

Grant qr_flow(AuthEnv& env, const LoginOptions& o, const std::vector<std::string>& scopes,
              LoginUi& ui) {
    auto& clock = env.ctx.clock();
    for (int shown = 0; shown < o.qr_codes; ++shown) {
        std::string state = env.ctx.random().hex(16);
        std::string ticket = env.ctx.random().hex(24);
        auto qr = env.api.get_qrcode(env.client(), scopes, state);
        if (!qr) {
            if (refused_by_tiktok(qr.error())) {
                throw Error(Exit::config_missing,
                            fmt::format("TikTok refused the QR login for this app ({}); use "
                                        "looppost auth login --method paste --redirect-uri URL",
                                        qr.error().describe()));
            }
            fail_login("getting a QR code", qr.error());
        }
        ui.show_qr(with_ticket(qr->scan_url, ticket));
        ui.status("waiting for the scan");
        std::string last = "new";
        auto deadline = clock.now() + o.timeout;
        for (;;) {
            check_interrupt();
            auto check = env.api.check_qrcode(env.client(), qr->token);
            if (!check)
                fail_login("checking the QR code", check.error());
            const std::string& status = check->status;
            bool ticket_known = !check->client_ticket.empty();
            if ((status == "scanned" || status == "confirmed") && ticket_known &&
                check->client_ticket != ticket) {
                // TikTok's advisory: a ticket that is not ours means someone else's session.
                throw Error(Exit::failed,
                            "the QR code came back with a client_ticket that is not this login's; "
                            "refusing it (nothing was stored). Run looppost auth login again");
            }
            if (status == "confirmed") {
                Callback cb = parse_qr_code(check->redirect_uri, check->code);
                if (!ticket_known) {
                    throw Error(Exit::failed, "TikTok confirmed the QR login without our "
                                              "client_ticket; refusing it (nothing was stored)");
                }
                std::string returned_state =
                    !check->state.empty() ? check->state : cb.state.value_or("");
                if (!returned_state.empty() && returned_state != state) {
                    throw Error(Exit::failed, "TikTok's answer carries a state that is not this "
                                              "login's; refusing it (nothing was stored)");
                }
                if (!cb.code || cb.code->empty()) {
                    throw Error(Exit::failed, "TikTok confirmed the QR login but sent no code");
                }
                Grant g;
                g.code = *cb.code;
                // Whether the exchange wants redirect_uri is unconfirmed (reference §3.4): send
                // the base of the one TikTok returned, and without it if TikTok objects.
                if (!check->redirect_uri.empty() && check->redirect_uri.rfind("http", 0) == 0) {
                    g.redirect_uris.push_back(without_query(check->redirect_uri));
                }
                g.redirect_uris.push_back(std::nullopt);
                return g;
            }
            if (status == "utilised") {
                throw Error(Exit::failed,
                            "this QR code was already used; run looppost auth login again");
            }
            if (status == "expired" || clock.now() >= deadline) {
                ui.status("the QR code expired; fetching a new one");
                break;
            }
            if (status != last && status == "scanned") {
                ui.status("scanned; confirm the login in the TikTok app");
            }
            last = status;
            if (!core::sleep_unless_interrupted(clock, k_poll))
                check_interrupt();
        }
    }
    throw Error(Exit::failed,
                fmt::format("{} QR codes expired without a confirmed scan; run "
                            "looppost auth login again when you have the phone at hand",
                            o.qr_codes));
}

} // namespace looppost::oauth::detail
