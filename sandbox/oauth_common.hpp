#pragma once
// What the OAuth and QR routes share: form bodies and client checks, scope lists, the values TikTok
// hands out (codes, tokens, QR tokens: all from libsodium's CSPRNG), PKCE and percent-encoding.

#include "config.hpp"
#include "exchange.hpp"

#include <cstddef>
#include <httplib.h>
#include <string>
#include <string_view>
#include <vector>

namespace sandbox {

using Form = httplib::Params;

/// The fields of an application/x-www-form-urlencoded body (reference §1.2). Throws ApiError 400
/// invalid_request for another Content-Type; the query string is not read.
Form read_form(const Exchange& ex);

/// The first value of `key` in `form`, or "".
std::string form_value(const Form& form, const std::string& key);

/// The app with this key and secret; throws ApiError 401 invalid_client otherwise.
const ClientApp& check_client(const Config& config, std::string_view key, std::string_view secret);

/// "a,b" → {"a", "b"}; empty items are dropped.
std::vector<std::string> split_list(std::string_view text);
std::string join_list(const std::vector<std::string>& items);

/// Why `client` may not request `scopes` (none, unknown or not approved), or "" when it may.
std::string scope_problem(const ClientApp& client, const std::vector<std::string>& scopes);

/// An authorization code. It contains '*' and '!' like TikTok's, so clients must URL-decode it.
std::string new_auth_code();
/// A token value: `prefix` ("act." or "rft.") and random characters, TikTok-style ("…!1234.va").
std::string new_token(std::string_view prefix);
/// A QR session token: 32 uppercase letters and digits.
std::string new_qr_token();

/// Lowercase hex SHA-256 of `text`: TikTok's PKCE challenge (reference §2.3).
std::string sha256_hex(std::string_view text);
/// 43–128 characters of [A-Za-z0-9-._~].
bool valid_code_verifier(std::string_view verifier);
/// 64 lowercase hex digits (a base64url challenge fails here).
bool valid_code_challenge(std::string_view challenge);

/// Percent-encodes everything but the unreserved characters [A-Za-z0-9-._~].
std::string percent_encode(std::string_view text);

} // namespace sandbox
