#pragma once
// Photos for TikTok photo posts (reference §4.7: JPEG or WebP, shorter side ≤ 1080, ≤ 20 MB):
// checked and, where allowed, fixed with libvips. libvips is loaded with dlopen on first use, so
// commands that never touch a photo never pay for it (DESIGN §10).

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace looppost::media {

/// What normalise_image produced.
struct ImageResult {
    /// The bytes to store: the original path when unchanged, else a new file in temp_dir.
    std::filesystem::path file;
    /// false: the original bytes are fine exactly as they are.
    bool changed = false;
    /// What was done, in plain words ("turned upright (EXIF orientation 6)", "converted PNG to
    /// JPEG", "scaled 4000×3000 to 1440×1080", …).
    std::vector<std::string> changes;
    /// "image/jpeg" or "image/webp".
    std::string mime;
    /// Of the result, upright.
    int width = 0, height = 0;
    /// Of the result.
    std::uint64_t bytes = 0;
};

/// TikTok's photo limits.
struct ImageLimits {
    int max_short_side = 1080;
    std::uint64_t max_bytes = 20'000'000;
};

/// Reads JPEG, PNG, WebP, HEIC/HEIF/AVIF, TIFF and GIF (first frame); applies the EXIF
/// orientation; always strips all metadata (EXIF incl. GPS, XMP, IPTC; colours are converted to
/// sRGB before an ICC profile is dropped); converts anything not JPEG/WebP to JPEG; scales down
/// so min(width, height) ≤ max_short_side (never up); keeps the file ≤ max_bytes by lowering the
/// quality step by step. A JPEG or WebP that is upright, within the limits and free of
/// EXIF/XMP/IPTC comes back unchanged (`file == src`, bytes untouched). With fix=false nothing is
/// written and any needed change is an Error(bad_input) listing every problem on one line.
/// A missing or unreadable file → Error(no_input); a directory, empty file, non-image,
/// truncated or undecodable image → Error(bad_input) naming the file and the reason.
/// The result file is a new uniquely named file in temp_dir (mode 0600) that the caller renames
/// or deletes. Safe to call from several threads at once.
ImageResult normalise_image(const std::filesystem::path& src, const std::filesystem::path& temp_dir,
                            bool fix, const ImageLimits& limits = {});

/// Whether libvips has been loaded into this process (tests of the lazy loading).
bool vips_loaded();

} // namespace looppost::media
