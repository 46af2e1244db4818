#pragma once
// URL pieces looppost needs: the scheme and host of a URL (for the loopback rule), and
// percent-encoding for query strings and form bodies.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace looppost::util {

struct UrlParts {
    std::string scheme; ///< lowercase
    std::string host;   ///< lowercase; IPv6 without brackets
    std::string port;   ///< "" when absent
    std::string target; ///< path, query and fragment ("/" when absent)
};

/// Splits an absolute http(s) URL; nullopt when it is not one.
std::optional<UrlParts> parse_url(std::string_view url);

/// 127.0.0.0/8, ::1 or localhost.
bool is_loopback_host(std::string_view host);

/// True for https:// URLs and for http:// URLs whose host is loopback: the only URLs looppost
/// talks to (TLS verification always on; plain http only for tests and the sandbox).
bool is_allowed_url(std::string_view url);

/// RFC 3986 percent-encoding of everything but unreserved characters.
std::string url_encode(std::string_view s);
/// Decodes %XX (and '+' as space when `plus_is_space`); malformed escapes are kept as they are.
std::string url_decode(std::string_view s, bool plus_is_space = true);

/// application/x-www-form-urlencoded body from ordered pairs.
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

} // namespace looppost::util
