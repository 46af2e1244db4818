#pragma once
// What a redirect back from TikTok's consent page carries, and PKCE (reference §2.3): the
// challenge is the LOWERCASE HEX SHA-256 of the verifier, not RFC 7636's base64url.

#include <looppost/core/clock.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace looppost::oauth {

struct Callback {
    std::optional<std::string> code; ///< URL-decoded: codes contain '*' and '!'
    std::optional<std::string> state;
    std::optional<std::string> scopes;
    std::optional<std::string> error;
    std::optional<std::string> error_description;
};

/// Reads the query of a redirect URL ("https://cb/?code=…&state=…"), a bare query
/// ("code=…&state=…" or "?code=…"), or a request target ("/callback/?code=…").
Callback parse_callback(std::string_view url_or_query);

/// What the user pasted: a redirected URL or query, or the bare code.
Callback parse_pasted(std::string_view text);

/// The URL (or raw value) TikTok returned on a confirmed QR scan → the authorization code and
/// the state found with it (reference §3.3: `redirect_uri`, else `code`, either a URL or raw).
Callback parse_qr_code(std::string_view redirect_uri, std::string_view code);

struct Pkce {
    std::string verifier;  ///< 64 characters of [A-Za-z0-9-._~]
    std::string challenge; ///< hex(sha256(verifier)), lowercase
};
Pkce make_pkce(core::Random& random);
std::string pkce_challenge(std::string_view verifier);

/// A redirect URI without its query and fragment ("https://cb.example/?code=x" →
/// "https://cb.example/").
std::string without_query(std::string_view url);

} // namespace looppost::oauth
