#include "vips_api.hpp"

#include <atomic>
#include <dlfcn.h>
#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <mutex>
#include <string>

namespace looppost::media::detail {
namespace {

VipsApi g_api{};
std::atomic<bool> g_loaded{false};
std::once_flag g_once;
std::string g_error;

/// libvips warns on stderr ("error in tile 0 x 16") about failures that reach the user as
/// looppost's own one-line error.
void drop_warning(const gchar*, GLogLevelFlags, const gchar*, gpointer) {}

template <class F> bool resolve(void* lib, const char* name, F& fn) {
    void* sym = ::dlsym(lib, name);
    fn = reinterpret_cast<F>(sym);
    if (sym == nullptr) {
        g_error = fmt::format("libvips lacks {}", name);
    }
    return sym != nullptr;
}

void load() {
    void* lib = ::dlopen("libvips.so.42", RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
        const char* why = ::dlerror();
        g_error = why != nullptr ? why : "unknown error";
        return;
    }
    VipsApi& a = g_api;
    bool ok =
        resolve(lib, "vips_init", a.init) && resolve(lib, "vips_cache_set_max", a.cache_set_max) &&
        resolve(lib, "vips_error_buffer_copy", a.error_buffer_copy) &&
        resolve(lib, "vips_foreign_find_load", a.foreign_find_load) &&
        resolve(lib, "vips_image_new_from_file", a.image_new_from_file) &&
        resolve(lib, "vips_image_get_width", a.image_get_width) &&
        resolve(lib, "vips_image_get_height", a.image_get_height) &&
        resolve(lib, "vips_image_get_orientation", a.image_get_orientation) &&
        resolve(lib, "vips_image_get_n_pages", a.image_get_n_pages) &&
        resolve(lib, "vips_image_get_typeof", a.image_get_typeof) &&
        resolve(lib, "vips_image_get_string", a.image_get_string) &&
        resolve(lib, "vips_image_get_fields", a.image_get_fields) &&
        resolve(lib, "vips_image_hasalpha", a.image_hasalpha) &&
        resolve(lib, "vips_image_copy_memory", a.image_copy_memory) &&
        resolve(lib, "vips_thumbnail", a.thumbnail) && resolve(lib, "vips_flatten", a.flatten) &&
        resolve(lib, "vips_colourspace", a.colourspace) && resolve(lib, "vips_avg", a.avg) &&
        resolve(lib, "vips_array_double_new", a.array_double_new) &&
        resolve(lib, "vips_area_unref", a.area_unref) &&
        resolve(lib, "vips_jpegsave_buffer", a.jpegsave_buffer) &&
        resolve(lib, "vips_webpsave_buffer", a.webpsave_buffer) &&
        // glib comes with libvips: dlsym searches the handle's dependencies too.
        resolve(lib, "g_free", a.g_free) && resolve(lib, "g_object_unref", a.g_object_unref) &&
        resolve(lib, "g_strfreev", a.g_strfreev) &&
        resolve(lib, "g_log_set_handler", a.g_log_set_handler);
    if (!ok) {
        return;
    }
    if (a.init("looppost") != 0) {
        g_error = fmt::format("vips_init failed: {}", vips_error());
        return;
    }
    a.g_log_set_handler("VIPS",
                        static_cast<GLogLevelFlags>(G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE),
                        drop_warning, nullptr);
    // The cache keys on file names: a file replaced between two calls would be served stale.
    a.cache_set_max(0);
    g_loaded = true;
}

} // namespace

const VipsApi& vips_api() {
    std::call_once(g_once, load);
    if (!g_loaded) {
        throw Error(
            Exit::failed,
            fmt::format("cannot load libvips ({}); install the Debian package libvips42", g_error));
    }
    return g_api;
}

bool vips_api_loaded() {
    return g_loaded;
}

std::string vips_error() {
    // The buffer is process-wide: under concurrent failures it may also hold another thread's
    // text, or lose this one's. Callers therefore state the reason in their own words and add
    // this only as a detail.
    std::string text;
    if (char* raw = g_api.error_buffer_copy != nullptr ? g_api.error_buffer_copy() : nullptr) {
        text = raw;
        g_api.g_free(raw);
    }
    std::string out;
    for (char c : text) {
        out += (c == '\n' || c == '\r') ? ' ' : c;
    }
    while (!out.empty() && out.back() == ' ') {
        out.pop_back();
    }
    return out.empty() ? "unknown error" : out;
}

} // namespace looppost::media::detail
