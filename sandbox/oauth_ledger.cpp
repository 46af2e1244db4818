#include "oauth_ledger.hpp"

#include <algorithm>

namespace sandbox {
namespace {

using nlohmann::json;

template <typename T>
T* find_in(std::vector<T>& items, std::string_view key, std::string T::*field) {
    auto it =
        std::find_if(items.begin(), items.end(), [&](const T& item) { return item.*field == key; });
    return it == items.end() ? nullptr : &*it;
}

TokenGrant* find_indexed(std::vector<TokenGrant>& tokens,
                         const std::unordered_map<std::string, std::size_t>& index,
                         std::string_view token) {
    auto it = index.find(std::string(token));
    return it == index.end() ? nullptr : &tokens[it->second];
}

} // namespace

bool TokenGrant::has_scope(std::string_view scope) const {
    return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

std::string_view to_string(QrStatus status) {
    switch (status) {
    case QrStatus::fresh:
        return "new";
    case QrStatus::scanned:
        return "scanned";
    case QrStatus::confirmed:
        return "confirmed";
    case QrStatus::expired:
        return "expired";
    case QrStatus::utilised:
        return "utilised";
    }
    return "new";
}

AuthCode* OAuthLedger::find_code(std::string_view code) {
    return find_in(codes, code, &AuthCode::code);
}

TokenGrant* OAuthLedger::find_access(std::string_view token) {
    return find_indexed(tokens, m_access_index, token);
}

TokenGrant* OAuthLedger::find_refresh(std::string_view token) {
    return find_indexed(tokens, m_refresh_index, token);
}

QrSession* OAuthLedger::find_qr(std::string_view token) {
    return find_in(qr_sessions, token, &QrSession::token);
}

QrSession* OAuthLedger::last_scanned() {
    QrSession* last = nullptr;
    for (auto& session : qr_sessions) {
        if (session.status == QrStatus::scanned &&
            (last == nullptr || session.scan_order > last->scan_order)) {
            last = &session;
        }
    }
    return last;
}

const TokenGrant& OAuthLedger::add_tokens(TokenGrant pair) {
    m_access_index[pair.access_token] = tokens.size();
    m_refresh_index[pair.refresh_token] = tokens.size();
    tokens.push_back(std::move(pair));
    return tokens.back();
}

void OAuthLedger::revoke_grant(int grant_id) {
    for (auto& pair : tokens) {
        if (pair.grant_id == grant_id) {
            pair.revoked = true;
        }
    }
}

QrStatus QrSession::status_at(std::int64_t now) const {
    const bool open = status == QrStatus::fresh || status == QrStatus::scanned;
    return open && now >= expires_at ? QrStatus::expired : status;
}

json OAuthLedger::to_json(std::int64_t now) const {
    json token_list = json::array();
    for (const auto& pair : tokens) {
        token_list.push_back({{"grant_id", pair.grant_id},
                              {"client_key", pair.client_key},
                              {"open_id", pair.open_id},
                              {"scopes", pair.scopes},
                              {"via", pair.via},
                              {"issued_at", pair.issued_at},
                              {"access_token", pair.access_token},
                              {"access_expires_at", pair.access_expires_at},
                              {"access_expired", now >= pair.access_expires_at},
                              {"refresh_token", pair.refresh_token},
                              {"refresh_expires_at", pair.refresh_expires_at},
                              {"refresh_expired", now >= pair.refresh_expires_at},
                              {"revoked", pair.revoked},
                              {"rotated", pair.rotated}});
    }
    json code_list = json::array();
    for (const auto& code : codes) {
        code_list.push_back({{"client_key", code.client_key},
                             {"open_id", code.open_id},
                             {"scopes", code.scopes},
                             {"flow", code.from_qr ? "qr" : "authorize"},
                             {"pkce", !code.code_challenge.empty()},
                             {"redirect_uri", code.redirect_uri},
                             {"issued_at", code.issued_at},
                             {"expires_at", code.expires_at},
                             {"used", code.used},
                             {"expired", now >= code.expires_at}});
    }
    json sessions = json::array();
    for (const auto& session : qr_sessions) {
        const QrStatus status = session.status_at(now);
        sessions.push_back({{"token", session.token},
                            {"client_key", session.client_key},
                            {"scopes", session.scopes},
                            {"state", session.state},
                            {"status", to_string(status)},
                            {"client_ticket", session.client_ticket},
                            {"user", session.username.empty() ? json() : json(session.username)},
                            {"open_id", session.open_id.empty() ? json() : json(session.open_id)},
                            {"created_at", session.created_at},
                            {"expires_at", session.expires_at}});
    }
    return {{"tokens", token_list},
            {"auth_codes", code_list},
            {"qr_sessions", sessions},
            {"refreshes", refreshes},
            {"revokes", revokes}};
}

} // namespace sandbox
