#pragma once
// What the OAuth family keeps in the ledger: authorization codes, issued token pairs and QR login
// sessions, plus counts of refreshes and revokes. Lives in Ledger::oauth, so it is read and changed
// only inside State::with().

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sandbox {

/// An authorization code from the consent page or a confirmed QR session.
struct AuthCode {
    std::string code;
    std::string client_key;
    std::string open_id;
    std::vector<std::string> scopes; // as granted
    /// Authorize: the redirect_uri sent there. QR: the callback TikTok returned, without query.
    std::string redirect_uri;
    std::string code_challenge; // empty: no PKCE
    bool from_qr = false;
    std::int64_t issued_at = 0;
    std::int64_t expires_at = 0;
    bool used = false;
};

/// One access/refresh token pair. A refresh adds a new pair to the same grant (grant_id) and marks
/// the old one rotated; a revoke marks every pair of the grant revoked.
struct TokenGrant {
    int grant_id = 0;
    std::string client_key;
    std::string open_id;
    std::vector<std::string> scopes;
    std::string access_token;
    std::int64_t access_expires_at = 0;
    std::string refresh_token;
    std::int64_t refresh_expires_at = 0; // the grant's absolute deadline, shared by every pair
    std::int64_t issued_at = 0;
    std::string via; // "authorization_code" or "refresh_token"
    bool revoked = false;
    bool rotated = false; // the refresh token was exchanged for a newer pair

    bool has_scope(std::string_view scope) const;
    /// Whether the access token authenticates at `now` (not revoked, not expired).
    bool access_valid(std::int64_t now) const { return !revoked && now < access_expires_at; }
};

/// check_qrcode's statuses (reference §3.3); `fresh` is the wire's "new".
enum class QrStatus { fresh, scanned, confirmed, expired, utilised };
std::string_view to_string(QrStatus status);

struct QrSession {
    std::string token;
    std::string client_key;
    std::vector<std::string> scopes; // as requested
    std::string state;
    QrStatus status = QrStatus::fresh;
    std::string client_ticket; // recorded when scanned
    std::string open_id;       // who scanned
    std::string username;
    std::int64_t created_at = 0;
    std::int64_t expires_at = 0;
    std::uint64_t scan_order = 0; // larger: scanned more recently
    std::string redirect_uri;     // on confirm: the callback with code and state

    /// The status at `now`: new or scanned turn expired at expires_at.
    QrStatus status_at(std::int64_t now) const;
    /// Stores status_at(now) and returns it.
    QrStatus settle(std::int64_t now) { return status = status_at(now); }
};

struct OAuthLedger {
    std::vector<AuthCode> codes;
    std::vector<TokenGrant> tokens;
    std::vector<QrSession> qr_sessions;
    std::int64_t refreshes = 0;
    std::int64_t revokes = 0;

    AuthCode* find_code(std::string_view code);
    TokenGrant* find_access(std::string_view token);
    TokenGrant* find_refresh(std::string_view token);
    QrSession* find_qr(std::string_view token);
    /// The scanned session scanned last, or nullptr.
    QrSession* last_scanned();

    /// A new grant id for a first token pair.
    int new_grant_id() { return m_next_grant_id++; }
    /// The next scan_order value.
    std::uint64_t next_scan_order() { return ++m_scans; }
    /// Stores `pair` (access_token and refresh_token filled in by the caller) and indexes its
    /// tokens; returns the stored copy. Invalidates pointers from find_access/find_refresh.
    const TokenGrant& add_tokens(TokenGrant pair);
    /// Marks every pair of the grant revoked.
    void revoke_grant(int grant_id);

    /// The sections GET /_sandbox/state shows: tokens, auth_codes, qr_sessions, refreshes,
    /// revokes. Code values are left out; token values are in (tests look for them elsewhere).
    nlohmann::json to_json(std::int64_t now) const;

private:
    int m_next_grant_id = 1;
    std::uint64_t m_scans = 0;
    std::unordered_map<std::string, std::size_t> m_access_index;
    std::unordered_map<std::string, std::size_t> m_refresh_index;
};

} // namespace sandbox
