#include "source_file.hpp"
#include "vips_api.hpp"

#include <cerrno>
#include <fcntl.h>
#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/media/image.hpp>
#include <looppost/util/fs.hpp>
#include <optional>
#include <string_view>
#include <unistd.h>

namespace looppost::media {
namespace fs = std::filesystem;
using namespace detail;

namespace {

constexpr int k_quality = 90;
constexpr int k_quality_step = 4;
constexpr int k_min_quality = 30;
// "No limit" for the long side of the thumbnail box.
constexpr int k_unbounded = VIPS_MAX_COORD;

enum class Format { jpeg, png, webp, heif, tiff, gif };

/// What the header says, before any pixel is decoded.
struct Header {
    Format format = Format::jpeg;
    std::string label;         // "JPEG", "PNG", "HEIC", "AVIF", …
    int width = 0, height = 0; // upright
    int orientation = 1;
    int pages = 1;
    bool exif = false, gps = false, xmp = false, iptc = false, icc = false, cmyk = false;
    std::uint64_t bytes = 0;

    bool keeps_format() const { return format == Format::jpeg || format == Format::webp; }
    bool has_metadata() const { return exif || xmp || iptc; }
};

std::optional<Format> format_of(std::string_view loader) {
    struct Entry {
        std::string_view prefix;
        Format format;
    };
    static constexpr Entry k_loaders[] = {
        {"VipsForeignLoadJpeg", Format::jpeg}, {"VipsForeignLoadPng", Format::png},
        {"VipsForeignLoadWebp", Format::webp}, {"VipsForeignLoadHeif", Format::heif},
        {"VipsForeignLoadTiff", Format::tiff}, {"VipsForeignLoadNsgif", Format::gif},
        {"VipsForeignLoadGif", Format::gif},
    };
    for (const auto& e : k_loaders) {
        if (loader.starts_with(e.prefix)) {
            return e.format;
        }
    }
    return std::nullopt;
}

std::string_view label_of(Format f) {
    switch (f) {
    case Format::jpeg:
        return "JPEG";
    case Format::png:
        return "PNG";
    case Format::webp:
        return "WebP";
    case Format::heif:
        return "HEIC";
    case Format::tiff:
        return "TIFF";
    case Format::gif:
        return "GIF";
    }
    return "image";
}

Header read_header(const VipsApi& api, const fs::path& src, std::uint64_t bytes) {
    const char* loader = api.foreign_find_load(src.c_str());
    std::optional<Format> format = loader != nullptr ? format_of(loader) : std::nullopt;
    if (!format) {
        (void)vips_error(); // "not a known file format": our message says it better
        throw Error(
            Exit::bad_input,
            fmt::format("photo {} is not a JPEG, PNG, WebP, HEIC, TIFF or GIF image", quoted(src)));
    }
    // Header only: libvips decodes pixels on demand.
    ImagePtr im(api.image_new_from_file(src.c_str(), "fail_on", VIPS_FAIL_ON_ERROR, nullptr));
    if (!im) {
        throw Error(Exit::bad_input, fmt::format("photo {} cannot be read as {}: {}", quoted(src),
                                                 label_of(*format), vips_error()));
    }
    Header h;
    h.format = *format;
    h.label = label_of(*format);
    h.bytes = bytes;
    if (h.format == Format::heif) {
        const char* compression = nullptr;
        if (api.image_get_string(im.get(), "heif-compression", &compression) == 0 &&
            compression != nullptr && std::string_view(compression) == "av1") {
            h.label = "AVIF";
        }
        (void)vips_error(); // a missing field is not a failure
    }
    h.orientation = api.image_get_orientation(im.get());
    h.width = api.image_get_width(im.get());
    h.height = api.image_get_height(im.get());
    if (h.orientation >= 5 && h.orientation <= 8) { // these turn the image a quarter
        std::swap(h.width, h.height);
    }
    h.pages = api.image_get_n_pages(im.get());
    h.cmyk = im->Type == VIPS_INTERPRETATION_CMYK;
    h.icc = api.image_get_typeof(im.get(), VIPS_META_ICC_NAME) != 0;
    h.exif = api.image_get_typeof(im.get(), VIPS_META_EXIF_NAME) != 0;
    h.xmp = api.image_get_typeof(im.get(), VIPS_META_XMP_NAME) != 0;
    h.iptc = api.image_get_typeof(im.get(), VIPS_META_IPTC_NAME) != 0;
    if (gchar** fields = api.image_get_fields(im.get())) {
        for (gchar** f = fields; *f != nullptr; ++f) {
            // libvips names EXIF tags by IFD; IFD 3 is GPS.
            if (std::string_view(*f).starts_with("exif-ifd3-")) {
                h.gps = true;
            }
        }
        api.g_strfreev(fields);
    }
    return h;
}

/// "EXIF/GPS/XMP" for a problem, "EXIF incl. GPS, XMP" for a change.
std::string metadata_kinds(const Header& h, bool as_change) {
    std::vector<std::string> kinds;
    if (h.exif) {
        kinds.emplace_back(!h.gps ? "EXIF" : as_change ? "EXIF incl. GPS" : "EXIF/GPS");
    }
    if (h.xmp) {
        kinds.emplace_back("XMP");
    }
    if (h.iptc) {
        kinds.emplace_back("IPTC");
    }
    return fmt::format("{}", fmt::join(kinds, as_change ? ", " : "/"));
}

/// Every rule of §4.7 the original breaks, in the words of the --no-fix error.
std::vector<std::string> problems_of(const Header& h, const ImageLimits& limits) {
    std::vector<std::string> out;
    if (!h.keeps_format()) {
        out.push_back(fmt::format("{} (TikTok takes JPEG or WebP)", h.label));
    } else if (h.pages > 1) {
        out.push_back(
            fmt::format("animated {} of {} frames (TikTok takes still photos)", h.label, h.pages));
    }
    if (h.orientation != 1) {
        out.push_back(fmt::format("EXIF orientation {} (must be stored upright)", h.orientation));
    }
    if (std::min(h.width, h.height) > limits.max_short_side) {
        out.push_back(fmt::format("{}×{} (shorter side must be ≤ {})", h.width, h.height,
                                  limits.max_short_side));
    }
    if (h.cmyk) {
        out.emplace_back("CMYK colours (must be RGB)");
    }
    if (h.has_metadata()) {
        out.push_back(fmt::format("carries {} metadata", metadata_kinds(h, false)));
    }
    if (h.bytes > limits.max_bytes) {
        out.push_back(
            fmt::format("{} (must be ≤ {})", size_text(h.bytes), size_text(limits.max_bytes)));
    }
    return out;
}

[[noreturn]] void throw_undecodable(const fs::path& src, const Header& h) {
    throw Error(Exit::bad_input, fmt::format("photo {} cannot be decoded as {} (truncated or "
                                             "corrupt): {}",
                                             quoted(src), h.label, vips_error()));
}

/// Decodes every pixel (at the smallest scale the decoder offers: a JPEG decoded at 1/8 still
/// reads all of its entropy-coded data), so a truncated or corrupt file is caught even when its
/// bytes would be stored as they are.
void verify_decodes(const VipsApi& api, const fs::path& src, const Header& h) {
    VipsImage* raw = nullptr;
    if (api.thumbnail(src.c_str(), &raw, 8, "height", 8, "size", VIPS_SIZE_DOWN, "no_rotate", TRUE,
                      "fail_on", VIPS_FAIL_ON_ERROR, nullptr) != 0) {
        throw_undecodable(src, h);
    }
    ImagePtr small(raw);
    double mean = 0;
    if (api.avg(small.get(), &mean, nullptr) != 0) {
        throw_undecodable(src, h);
    }
}

/// The decode pipeline: shrink-on-load, turned upright, sRGB, no larger than the limits allow.
/// Sequential: it can be read once.
ImagePtr decode(const VipsApi& api, const fs::path& src, const Header& h, const ImageLimits& limits,
                bool to_jpeg) {
    int box_w = k_unbounded;
    int box_h = k_unbounded;
    if (std::min(h.width, h.height) > limits.max_short_side) {
        (h.width <= h.height ? box_w : box_h) = limits.max_short_side;
    }
    VipsImage* raw = nullptr;
    int rc = h.icc
                 ? api.thumbnail(src.c_str(), &raw, box_w, "height", box_h, "size", VIPS_SIZE_DOWN,
                                 "fail_on", VIPS_FAIL_ON_ERROR, "export_profile", "srgb", nullptr)
                 : api.thumbnail(src.c_str(), &raw, box_w, "height", box_h, "size", VIPS_SIZE_DOWN,
                                 "fail_on", VIPS_FAIL_ON_ERROR, nullptr);
    if (rc != 0) {
        throw_undecodable(src, h);
    }
    ImagePtr im(raw);
    if (to_jpeg && api.image_hasalpha(im.get())) {
        // JPEG has no alpha: transparent parts become white, as they look on TikTok's feed.
        const double white = 255; // one value serves grey and RGB alike
        VipsArrayDouble* background = api.array_double_new(&white, 1);
        VipsImage* flat = nullptr;
        rc = api.flatten(im.get(), &flat, "background", background, nullptr);
        api.area_unref(reinterpret_cast<VipsArea*>(background));
        if (rc != 0) {
            throw_undecodable(src, h);
        }
        im.reset(flat);
    }
    return im;
}

struct Encoded {
    GBuffer data;
    std::size_t size = 0;
};

std::optional<Encoded> encode(const VipsApi& api, VipsImage* im, bool to_jpeg, int quality) {
    void* buf = nullptr;
    std::size_t len = 0;
    int rc = to_jpeg ? api.jpegsave_buffer(im, &buf, &len, "Q", quality, "optimize_coding", TRUE,
                                           "subsample_mode", VIPS_FOREIGN_SUBSAMPLE_ON, "strip",
                                           TRUE, nullptr)
                     : api.webpsave_buffer(im, &buf, &len, "Q", quality, "strip", TRUE, nullptr);
    if (rc != 0) {
        return std::nullopt;
    }
    return Encoded{GBuffer(buf), len};
}

fs::path write_temp(const fs::path& temp_dir, const fs::path& src, std::string_view suffix,
                    const Encoded& e) {
    std::string tmpl = (temp_dir / fmt::format(".looppost-photo-XXXXXX{}", suffix)).string();
    // mkostemps creates the file with mode 0600 under a name no other call can get.
    util::Fd fd(::mkostemps(tmpl.data(), static_cast<int>(suffix.size()), O_CLOEXEC));
    if (!fd) {
        throw Error(Exit::failed,
                    fmt::format("cannot write the fixed copy of photo {} in \"{}\": {}",
                                quoted(src), temp_dir.string(), util::errno_message(errno)));
    }
    const char* p = static_cast<const char*>(e.data.get());
    std::size_t left = e.size;
    while (left > 0) {
        ssize_t n = ::write(fd.get(), p, left);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            int err = n < 0 ? errno : EIO;
            ::unlink(tmpl.c_str());
            throw Error(Exit::failed,
                        fmt::format("cannot write the fixed copy of photo {} in \"{}\": {}",
                                    quoted(src), temp_dir.string(), util::errno_message(err)));
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    return tmpl;
}

std::vector<std::string> changes_of(const Header& h) {
    std::vector<std::string> out;
    if (!h.keeps_format()) {
        out.push_back(fmt::format("converted {} to JPEG", h.label));
    }
    if (h.pages > 1) {
        out.push_back(fmt::format("kept the first of {} frames", h.pages));
    }
    if (h.orientation != 1) {
        out.push_back(fmt::format("turned upright (EXIF orientation {})", h.orientation));
    }
    if (h.cmyk) {
        out.emplace_back("converted CMYK to sRGB");
    }
    if (h.icc) {
        out.emplace_back("converted colours to sRGB and dropped the ICC profile");
    }
    if (h.has_metadata()) {
        out.push_back(fmt::format("removed metadata ({})", metadata_kinds(h, true)));
    }
    return out;
}

} // namespace

bool vips_loaded() {
    return vips_api_loaded();
}

ImageResult normalise_image(const fs::path& src, const fs::path& temp_dir, bool fix,
                            const ImageLimits& limits) {
    const std::uint64_t bytes = check_source(src, "photo");
    const VipsApi& api = vips_api();
    const Header h = read_header(api, src, bytes);
    const std::vector<std::string> problems = problems_of(h, limits);
    const bool to_jpeg = h.format != Format::webp;
    const char* mime = to_jpeg ? "image/jpeg" : "image/webp";

    if (problems.empty() || !fix) {
        verify_decodes(api, src, h);
    }
    if (problems.empty()) {
        return ImageResult{src, false, {}, mime, h.width, h.height, bytes};
    }
    if (!fix) {
        throw Error(Exit::bad_input,
                    fmt::format("photo {} needs changes TikTok requires: {}; drop --no-fix to let "
                                "looppost fix them",
                                quoted(src), fmt::join(problems, "; ")));
    }

    // One decode, streamed into the encoder. Only when the result is over max_bytes are the
    // pixels decoded again and kept in memory, to be encoded at falling qualities.
    ImagePtr im = decode(api, src, h, limits, to_jpeg);
    const int out_w = api.image_get_width(im.get());
    const int out_h = api.image_get_height(im.get());
    int quality = k_quality;
    std::optional<Encoded> out = encode(api, im.get(), to_jpeg, quality);
    if (!out) {
        throw_undecodable(src, h);
    }
    if (out->size > limits.max_bytes) {
        ImagePtr again = decode(api, src, h, limits, to_jpeg);
        ImagePtr pixels(api.image_copy_memory(again.get()));
        if (!pixels) {
            throw_undecodable(src, h);
        }
        while (out->size > limits.max_bytes && quality - k_quality_step >= k_min_quality) {
            quality -= k_quality_step;
            out = encode(api, pixels.get(), to_jpeg, quality);
            if (!out) {
                throw_undecodable(src, h);
            }
        }
        if (out->size > limits.max_bytes) {
            throw Error(
                Exit::bad_input,
                fmt::format("photo {} stays over {} even at {} quality {} ({}×{}); crop it or "
                            "export it smaller first",
                            quoted(src), size_text(limits.max_bytes), to_jpeg ? "JPEG" : "WebP",
                            quality, out_w, out_h));
        }
    }

    ImageResult r;
    r.changes = changes_of(h);
    if (out_w != h.width || out_h != h.height) {
        r.changes.push_back(fmt::format("scaled {}×{} to {}×{}", h.width, h.height, out_w, out_h));
    }
    if (quality != k_quality) {
        r.changes.push_back(fmt::format("lowered {} quality to {} to stay under {}",
                                        to_jpeg ? "JPEG" : "WebP", quality,
                                        size_text(limits.max_bytes)));
    }
    r.file = write_temp(temp_dir, src, to_jpeg ? ".jpg" : ".webp", *out);
    r.changed = true;
    r.mime = mime;
    r.width = out_w;
    r.height = out_h;
    r.bytes = out->size;
    return r;
}

} // namespace looppost::media
