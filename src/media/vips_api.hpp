#pragma once
// libvips, resolved with dlopen on first use: one table of the functions looppost calls, plus
// the few glib functions (g_free, g_object_unref, …) found through the libvips handle. Private to
// src/media.

#include <memory>
#include <vips/vips.h>

namespace looppost::media::detail {

struct VipsApi {
    int (*init)(const char* argv0);
    void (*cache_set_max)(int max);
    char* (*error_buffer_copy)();
    const char* (*foreign_find_load)(const char* filename);
    VipsImage* (*image_new_from_file)(const char* name, ...);
    int (*image_get_width)(const VipsImage*);
    int (*image_get_height)(const VipsImage*);
    int (*image_get_orientation)(VipsImage*);
    int (*image_get_n_pages)(VipsImage*);
    GType (*image_get_typeof)(const VipsImage*, const char* name);
    int (*image_get_string)(const VipsImage*, const char* name, const char** out);
    gchar** (*image_get_fields)(VipsImage*);
    gboolean (*image_hasalpha)(VipsImage*);
    VipsImage* (*image_copy_memory)(VipsImage*);
    int (*thumbnail)(const char* filename, VipsImage** out, int width, ...);
    int (*flatten)(VipsImage* in, VipsImage** out, ...);
    int (*colourspace)(VipsImage* in, VipsImage** out, VipsInterpretation space, ...);
    int (*avg)(VipsImage* in, double* out, ...);
    VipsArrayDouble* (*array_double_new)(const double* array, int n);
    void (*area_unref)(VipsArea*);
    int (*jpegsave_buffer)(VipsImage* in, void** buf, size_t* len, ...);
    int (*webpsave_buffer)(VipsImage* in, void** buf, size_t* len, ...);
    void (*g_free)(gpointer);
    void (*g_object_unref)(gpointer);
    void (*g_strfreev)(gchar**);
    guint (*g_log_set_handler)(const gchar* domain, GLogLevelFlags levels, GLogFunc func,
                               gpointer data);
};

/// Loads libvips.so.42 once (thread-safe) and starts libvips with its operation cache off (files
/// may change between calls). Throws Error(unavailable) naming the Debian package.
const VipsApi& vips_api();
bool vips_api_loaded();

/// The text libvips left in its error buffer, on one line (cleared); "unknown error" if none.
std::string vips_error();

struct ImageDeleter {
    void operator()(VipsImage* im) const { vips_api().g_object_unref(im); }
};
/// An owned VipsImage reference.
using ImagePtr = std::unique_ptr<VipsImage, ImageDeleter>;

struct GFreeDeleter {
    void operator()(void* p) const { vips_api().g_free(p); }
};
/// A buffer owned by glib (g_malloc).
using GBuffer = std::unique_ptr<void, GFreeDeleter>;

} // namespace looppost::media::detail
