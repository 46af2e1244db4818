#pragma once
// PULL_FROM_URL (reference §4.6–4.7): the sandbox really downloads what a post names, the way
// TikTok's puller does: one GET, no redirects (a 3xx fails), a size cap, then a look at the bytes
// (JPEG or WebP for photos, with their dimensions read from the headers; MP4/MOV or WebM for
// videos). Only plain http is fetched (the sandbox has no TLS client); an https URL fails the pull.

#include <cstdint>
#include <string>
#include <string_view>

namespace sandbox {

struct Fetched {
    bool ok = false;     // a 200 with a body within the cap
    int http_status = 0; // 0: no answer
    std::int64_t bytes = 0;
    std::string sha256; // of the whole body (when ok)
    std::string kept;   // the first `keep` bytes of the body
    bool too_large = false;
};

/// GETs `url` (http://host[:port]/path only), hashing the body as it arrives; stops past
/// `max_bytes`. Never follows redirects.
Fetched fetch_url(const std::string& url, std::int64_t max_bytes, std::size_t keep);

enum class ImageKind { jpeg, webp, other };

struct ImageInfo {
    ImageKind kind = ImageKind::other;
    int width = 0; // 0: the header could not be read
    int height = 0;
};

/// Identifies a JPEG (reading its SOF segment) or a WebP (VP8, VP8L or VP8X chunk).
ImageInfo inspect_image(std::string_view bytes);

/// Whether the first bytes look like an MP4/MOV (an ISO BMFF box) or a WebM/Matroska file.
bool looks_like_video(std::string_view head);

} // namespace sandbox
