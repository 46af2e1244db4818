// The OAuth part of the profile: scopes, registered redirect URIs and who consents.

#include "config.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

namespace sandbox {
namespace {

constexpr std::size_t k_max_redirect_length = 511; // "less than 512 characters"

/// The authority of an absolute URI ("host:port" between "://" and the path), or empty.
std::string_view authority(std::string_view uri) {
    const std::size_t start = uri.find("://");
    if (start == std::string_view::npos) {
        return {};
    }
    const std::string_view rest = uri.substr(start + 3);
    return rest.substr(0, rest.find_first_of("/?#"));
}

std::string_view host_of(std::string_view authority_part) {
    return authority_part.substr(0, authority_part.rfind(':'));
}

bool all_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
}

/// Whether `text` starts with a port number (1–65535); its length goes to `length`.
bool leading_port(std::string_view text, std::size_t& length) {
    length = 0;
    while (length < text.size() && length < 6 &&
           std::isdigit(static_cast<unsigned char>(text[length])) != 0) {
        ++length;
    }
    if (length == 0 || length > 5) {
        return false;
    }
    const int port = std::stoi(std::string(text.substr(0, length)));
    return port >= 1 && port <= 65535;
}

} // namespace

const std::vector<std::string>& known_scopes() {
    static const std::vector<std::string> k_scopes{"user.info.basic", "user.info.profile",
                                                   "user.info.stats", "video.list",
                                                   "video.publish",   "video.upload"};
    return k_scopes;
}

std::vector<std::string> default_redirect_uris() {
    return {"http://127.0.0.1:*/callback/", "http://localhost:*/callback/",
            "https://sandbox.looppost.test/callback/"};
}

bool is_loopback_uri(std::string_view uri) {
    if (uri.rfind("http://", 0) != 0 && uri.rfind("https://", 0) != 0) {
        return false;
    }
    const std::string_view host = host_of(authority(uri));
    return host == "localhost" || host == "127.0.0.1";
}

void check_redirect_uri(std::string_view uri) {
    const bool https = uri.rfind("https://", 0) == 0;
    const bool loopback = is_loopback_uri(uri);
    const std::string_view auth = authority(uri);
    const char* problem = nullptr;
    if (uri.size() > k_max_redirect_length) {
        problem = "must be shorter than 512 characters";
    } else if (!https && !loopback) {
        problem = "must start with https:// (http only on localhost or 127.0.0.1)";
    } else if (uri.find_first_of("?#") != std::string_view::npos) {
        problem = "must be static: no query string and no fragment";
    } else if (host_of(auth).empty()) {
        problem = "has no host";
    } else if (loopback && (auth.find(':') == std::string_view::npos ||
                            (auth.substr(auth.rfind(':') + 1) != "*" &&
                             !all_digits(auth.substr(auth.rfind(':') + 1))))) {
        problem = "needs a port on a loopback host (a number or *)";
    } else if (!loopback && auth.find('*') != std::string_view::npos) {
        problem = "may only use a wildcard port on a loopback host";
    }
    if (problem != nullptr) {
        throw ConfigError(fmt::format("redirect URI \"{}\" {}", uri, problem));
    }
}

void check_scope(std::string_view scope) {
    const auto& scopes = known_scopes();
    if (std::find(scopes.begin(), scopes.end(), scope) == scopes.end()) {
        throw ConfigError(
            fmt::format("scope \"{}\" is unknown (known: {})", scope, fmt::join(scopes, ", ")));
    }
}

bool ClientApp::accepts_redirect(std::string_view uri) const {
    return std::any_of(redirect_uris.begin(), redirect_uris.end(), [&](const std::string& reg) {
        const std::size_t star = reg.find(":*");
        if (star == std::string::npos) {
            return reg == uri;
        }
        const std::string_view prefix = std::string_view(reg).substr(0, star + 1);
        const std::string_view suffix = std::string_view(reg).substr(star + 2);
        if (uri.rfind(prefix, 0) != 0) {
            return false;
        }
        const std::string_view rest = uri.substr(prefix.size());
        std::size_t digits = 0;
        return leading_port(rest, digits) && rest.substr(digits) == suffix;
    });
}

std::string ClientApp::web_redirect_uri() const {
    for (const auto& uri : redirect_uris) {
        if (uri.rfind("https://", 0) == 0 && !is_loopback_uri(uri)) {
            return uri;
        }
    }
    return {};
}

const SandboxUser* Config::consenting_user() const {
    if (consent_user) {
        return find_user(*consent_user);
    }
    return users.empty() ? nullptr : &users.front();
}

std::vector<std::string> Config::granted(const std::vector<std::string>& requested) const {
    if (!grant_scopes) {
        return requested;
    }
    std::vector<std::string> result;
    std::copy_if(requested.begin(), requested.end(), std::back_inserter(result),
                 [this](const std::string& scope) {
                     return std::find(grant_scopes->begin(), grant_scopes->end(), scope) !=
                            grant_scopes->end();
                 });
    return result;
}

} // namespace sandbox
