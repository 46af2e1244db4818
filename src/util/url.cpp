#include <charconv>
#include <looppost/util/strings.hpp>
#include <looppost/util/url.hpp>

namespace looppost::util {

std::optional<UrlParts> parse_url(std::string_view url) {
    auto sep = url.find("://");
    if (sep == std::string_view::npos) {
        return std::nullopt;
    }
    UrlParts p;
    p.scheme = to_lower(url.substr(0, sep));
    if (p.scheme != "http" && p.scheme != "https") {
        return std::nullopt;
    }
    std::string_view rest = url.substr(sep + 3);
    size_t end = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, end);
    p.target = end == std::string_view::npos ? "/" : std::string(rest.substr(end));
    if (authority.find('@') != std::string_view::npos) {
        return std::nullopt; // credentials in URLs are never used
    }
    if (!authority.empty() && authority.front() == '[') {
        size_t close = authority.find(']');
        if (close == std::string_view::npos) {
            return std::nullopt;
        }
        p.host = to_lower(authority.substr(1, close - 1));
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') {
                return std::nullopt;
            }
            p.port = std::string(after.substr(1));
        }
    } else {
        size_t colon = authority.find(':');
        p.host = to_lower(authority.substr(0, colon));
        if (colon != std::string_view::npos) {
            p.port = std::string(authority.substr(colon + 1));
        }
    }
    if (p.host.empty()) {
        return std::nullopt;
    }
    return p;
}

bool is_loopback_host(std::string_view host) {
    if (host == "localhost" || host == "::1") {
        return true;
    }
    auto parts = split(host, '.');
    if (parts.size() != 4 || parts[0] != "127") {
        return false;
    }
    for (const auto& part : parts) {
        int v = -1;
        auto [e, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
        if (part.empty() || ec != std::errc() || e != part.data() + part.size() || v > 255) {
            return false;
        }
    }
    return true;
}

bool is_allowed_url(std::string_view url) {
    auto p = parse_url(url);
    if (!p) {
        return false;
    }
    return p->scheme == "https" || is_loopback_host(p->host);
}

std::string url_encode(std::string_view s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string url_decode(std::string_view s, bool plus_is_space) {
    auto hexval = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    };
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            out += static_cast<char>(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else if (s[i] == '+' && plus_is_space) {
            out += ' ';
        } else {
            out += s[i];
        }
    }
    return out;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out;
    for (const auto& [k, v] : fields) {
        if (!out.empty()) {
            out += '&';
        }
        out += url_encode(k);
        out += '=';
        out += url_encode(v);
    }
    return out;
}

} // namespace looppost::util
