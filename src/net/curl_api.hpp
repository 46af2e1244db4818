#pragma once
// libcurl, resolved with dlopen on first use: one table of the functions looppost calls.
// (systemd's pattern for optional libraries.) Private to src/net.

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>
#include <memory>

namespace looppost::net::detail {

struct CurlApi {
    CURLcode (*global_init)(long flags);
    CURL* (*easy_init)();
    CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
    CURLcode (*easy_perform)(CURL*);
    CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
    void (*easy_reset)(CURL*);
    void (*easy_cleanup)(CURL*);
    const char* (*easy_strerror)(CURLcode);
    curl_slist* (*slist_append)(curl_slist*, const char*);
    void (*slist_free_all)(curl_slist*);
};

/// Loads libcurl.so.4 once (thread-safe). Throws Error(unavailable) naming the package.
const CurlApi& curl_api();
bool curl_api_loaded();

struct EasyDeleter {
    void operator()(CURL* h) const { curl_api().easy_cleanup(h); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;

struct SlistDeleter {
    void operator()(curl_slist* l) const { curl_api().slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

} // namespace looppost::net::detail
