#include "curl_api.hpp"

#include <atomic>
#include <dlfcn.h>
#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <mutex>

namespace looppost::net::detail {
namespace {

CurlApi g_api{};
std::atomic<bool> g_loaded{false};
std::once_flag g_once;
std::string g_error;

template <class F> bool resolve(void* lib, const char* name, F& fn) {
    void* sym = ::dlsym(lib, name);
    fn = reinterpret_cast<F>(sym);
    if (sym == nullptr) {
        g_error = fmt::format("libcurl lacks {}", name);
    }
    return sym != nullptr;
}

void load() {
    void* lib = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
        const char* why = ::dlerror();
        g_error = why != nullptr ? why : "unknown error";
        return;
    }
    bool ok = resolve(lib, "curl_global_init", g_api.global_init) &&
              resolve(lib, "curl_easy_init", g_api.easy_init) &&
              resolve(lib, "curl_easy_setopt", g_api.easy_setopt) &&
              resolve(lib, "curl_easy_perform", g_api.easy_perform) &&
              resolve(lib, "curl_easy_getinfo", g_api.easy_getinfo) &&
              resolve(lib, "curl_easy_reset", g_api.easy_reset) &&
              resolve(lib, "curl_easy_cleanup", g_api.easy_cleanup) &&
              resolve(lib, "curl_easy_strerror", g_api.easy_strerror) &&
              resolve(lib, "curl_slist_append", g_api.slist_append) &&
              resolve(lib, "curl_slist_free_all", g_api.slist_free_all);
    if (!ok) {
        return;
    }
    CURLcode rc = g_api.global_init(CURL_GLOBAL_DEFAULT);
    if (rc != CURLE_OK) {
        g_error = fmt::format("curl_global_init failed ({})", static_cast<int>(rc));
        return;
    }
    g_loaded = true;
}

} // namespace

const CurlApi& curl_api() {
    std::call_once(g_once, load);
    if (!g_loaded) {
        throw Error(
            Exit::unavailable,
            fmt::format("cannot load libcurl ({}); install the Debian package libcurl4", g_error));
    }
    return g_api;
}

bool curl_api_loaded() {
    return g_loaded;
}

} // namespace looppost::net::detail
