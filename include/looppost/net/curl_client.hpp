#pragma once
// The libcurl HttpClient. libcurl is not linked: it is loaded with dlopen the first time a client
// is made, so commands that never touch the network never pay for it (DESIGN §10).

#include <chrono>
#include <looppost/net/http.hpp>
#include <memory>

namespace looppost::net {

struct CurlOptions {
    std::chrono::seconds timeout{60};
    std::chrono::seconds connect_timeout{15};
};

/// One reused easy handle: connections are kept alive across requests. TLS verification is
/// always on, redirects are never followed, and only https:// (or http:// to a loopback host)
/// URLs are accepted. Throws Error naming the Debian package when libcurl cannot be loaded.
std::unique_ptr<HttpClient> make_curl_client(const CurlOptions& options);

/// Options from the settings (http_timeout).
CurlOptions curl_options(const core::Settings& settings);

/// Whether libcurl has been loaded into this process (tests of the lazy loading).
bool curl_loaded();

} // namespace looppost::net
