#include "av_api.hpp"

#include <atomic>
#include <cctype>
#include <dlfcn.h>
#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <mutex>
#include <string>

namespace looppost::media::detail {
namespace {

AvApi g_api{};
std::atomic<bool> g_loaded{false};
std::once_flag g_once;
std::string g_error;
std::string g_package;

template <class F> bool resolve(void* lib, const char* soname, const char* name, F& fn) {
    void* sym = ::dlsym(lib, name);
    fn = reinterpret_cast<F>(sym);
    if (sym == nullptr) {
        g_error = fmt::format("{} lacks {}", soname, name);
    }
    return sym != nullptr;
}

/// dlopen of lib<name>.so.<major>; on failure records why and the Debian package to install.
void* open_lib(const char* name, int major) {
    std::string soname = fmt::format("lib{}.so.{}", name, major);
    void* lib = ::dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
        const char* why = ::dlerror();
        g_error = why != nullptr ? why : fmt::format("{}: unknown error", soname);
        g_package = fmt::format("lib{}{}", name, major);
    }
    return lib;
}

void load() {
    // The majors the headers were compiled against: the struct layouts used here must match.
    void* util = open_lib("avutil", LIBAVUTIL_VERSION_MAJOR);
    void* codec = util != nullptr ? open_lib("avcodec", LIBAVCODEC_VERSION_MAJOR) : nullptr;
    void* format = codec != nullptr ? open_lib("avformat", LIBAVFORMAT_VERSION_MAJOR) : nullptr;
    if (format == nullptr) {
        return;
    }
    g_package = fmt::format("libavformat{}", LIBAVFORMAT_VERSION_MAJOR);
    AvApi& a = g_api;
    bool ok =
        resolve(format, "libavformat", "avformat_open_input", a.format.open_input) &&
        resolve(format, "libavformat", "avformat_find_stream_info", a.format.find_stream_info) &&
        resolve(format, "libavformat", "avformat_close_input", a.format.close_input) &&
        resolve(codec, "libavcodec", "avcodec_get_name", a.codec.get_name) &&
        resolve(util, "libavutil", "av_strerror", a.util.strerror) &&
        resolve(util, "libavutil", "av_log_set_level", a.util.log_set_level) &&
        resolve(util, "libavutil", "av_dict_get", a.util.dict_get);
    if (!ok) {
        return;
    }
    // Problems reach the user as looppost's own one-line errors, not as FFmpeg's log.
    a.util.log_set_level(AV_LOG_QUIET);
    g_loaded = true;
}

} // namespace

const AvApi& av_api() {
    std::call_once(g_once, load);
    if (!g_loaded) {
        throw Error(Exit::failed,
                    fmt::format("cannot load libavformat ({}); install the Debian package {}",
                                g_error, g_package));
    }
    return g_api;
}

bool av_api_loaded() {
    return g_loaded;
}

std::string av_error(int code) {
    char buf[AV_ERROR_MAX_STRING_SIZE] = {};
    if (g_api.util.strerror == nullptr || g_api.util.strerror(code, buf, sizeof buf) != 0) {
        return fmt::format("error {}", code);
    }
    std::string s = buf;
    if (!s.empty()) {
        s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
    }
    return s;
}

} // namespace looppost::media::detail
