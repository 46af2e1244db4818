#include <fmt/format.h>
#include <looppost/oauth/callback.hpp>
#include <looppost/util/digest.hpp>
#include <looppost/util/strings.hpp>
#include <looppost/util/url.hpp>
#include <sodium.h>

namespace looppost::oauth {

Callback parse_callback(std::string_view text) {
    Callback cb;
    std::string_view s = util::trim(text);
    if (auto hash = s.find('#'); hash != std::string_view::npos)
        s = s.substr(0, hash);
    if (auto q = s.find('?'); q != std::string_view::npos)
        s = s.substr(q + 1);
    for (const auto& pair : util::split(s, '&')) {
        auto eq = pair.find('=');
        if (eq == std::string::npos)
            continue;
        std::string key = util::url_decode(pair.substr(0, eq));
        std::string value = util::url_decode(pair.substr(eq + 1));
        if (key == "code")
            cb.code = value;
        else if (key == "state")
            cb.state = value;
        else if (key == "scopes" || key == "scope")
            cb.scopes = value;
        else if (key == "error")
            cb.error = value;
        else if (key == "error_description")
            cb.error_description = value;
    }
    return cb;
}

Callback parse_pasted(std::string_view text) {
    std::string_view s = util::trim(text);
    if (s.find("code=") != std::string_view::npos || s.find("error=") != std::string_view::npos) {
        return parse_callback(s);
    }
    Callback cb;
    if (!s.empty())
        cb.code = util::url_decode(s, false);
    return cb;
}

Callback parse_qr_code(std::string_view redirect_uri, std::string_view code) {
    std::string_view value = !redirect_uri.empty() ? redirect_uri : code;
    if (value.rfind("http", 0) == 0) {
        return parse_callback(value);
    }
    Callback cb;
    if (!value.empty())
        cb.code = util::url_decode(value, false);
    return cb;
}

std::string pkce_challenge(std::string_view verifier) {
    return util::sha256_hex(verifier);
}

Pkce make_pkce(core::Random& random) {
    static constexpr std::string_view k_alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    Pkce p;
    for (int i = 0; i < 64; ++i) {
        p.verifier += k_alphabet[random.below(k_alphabet.size())];
    }
    p.challenge = pkce_challenge(p.verifier);
    return p;
}

std::string without_query(std::string_view url) {
    return std::string(url.substr(0, url.find_first_of("?#")));
}

} // namespace looppost::oauth
