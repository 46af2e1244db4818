#pragma once
// The values of the Content Posting API calls (reference §4.3–§4.10). The calls themselves are
// members of tiktok::Api (api.hpp); they are defined in src/tiktok/posting.cpp.

#include <cstdint>
#include <looppost/tiktok/chunk_plan.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace looppost::tiktok {

/// A direct video post's `post_info` (reference §4.3). Inbox videos carry none (§4.4).
struct PostInfo {
    std::string title;         ///< the caption, ≤ 2200 UTF-16 code units; omitted when empty
    std::string privacy_level; ///< one of creator_info's privacy_level_options
    bool disable_comment = false;
    bool disable_duet = false;
    bool disable_stitch = false;
    std::optional<std::int32_t> video_cover_timestamp_ms;
    bool brand_content_toggle = false;
    bool brand_organic_toggle = false;
    bool is_aigc = false;
};

/// What a video init answers. Store publish_id before anything else (DESIGN I1).
struct VideoInit {
    std::string publish_id;
    std::string upload_url; ///< valid for 1 hour; carries its own token
};

/// Upload progress after a PUT, from the answer's `Content-Range: bytes 0-N/T`.
struct UploadProgress {
    std::uint64_t received = 0; ///< N + 1: bytes TikTok holds
    bool complete = false;      ///< 201: every byte arrived, processing starts
};

/// A photo carousel (reference §4.7). Photos are always pulled from verified URLs.
struct PhotoPost {
    enum class Mode { direct, inbox }; ///< DIRECT_POST, MEDIA_UPLOAD
    Mode mode = Mode::inbox;
    std::string title;       ///< ≤ 90 UTF-16 code units; omitted when empty
    std::string description; ///< the caption, ≤ 4000 UTF-16 code units; omitted when empty
    // Sent for DIRECT_POST only (TikTok ignores or refuses them for MEDIA_UPLOAD).
    std::string privacy_level;
    bool disable_comment = false;
    bool auto_add_music = false;
    bool brand_content_toggle = false;
    bool brand_organic_toggle = false;
    // source_info
    int photo_cover_index = 0;             ///< 0-based
    std::vector<std::string> photo_images; ///< 1–35 https URLs on a verified domain
};

/// status/fetch's answer (reference §4.8). TikTok says error.code "ok" even for FAILED.
struct PublishStatus {
    std::string status;      ///< PROCESSING_UPLOAD, PROCESSING_DOWNLOAD, SEND_TO_USER_INBOX,
                             ///< PUBLISH_COMPLETE, FAILED (or an undocumented value, kept as is)
    std::string fail_reason; ///< with FAILED: see classify_fail_reason()
    std::vector<std::string> post_ids; ///< publicaly_available_post_id, digits exactly as sent
    std::optional<std::int64_t> uploaded_bytes;
    std::optional<std::int64_t> downloaded_bytes;
};

/// The request bodies the inits send (also shown by `publish-due --dry-run`).
std::string video_init_path(const PostInfo* info); ///< direct when `info`, else inbox
nlohmann::json video_init_body(const PostInfo* info, const ChunkPlan& plan);
inline constexpr const char* k_photo_init_path = "/v2/post/publish/content/init/";
nlohmann::json photo_init_body(const PhotoPost& post);

/// Failure codes for an upload PUT, which answers with a status and no documented body
/// (reference §4.5): Failure::code holds one of these, Failure::kind is api.
namespace upload_code {
inline constexpr const char* range_mismatch = "upload_range_mismatch"; ///< 416; see received
inline constexpr const char* url_expired = "upload_url_expired";       ///< 403: older than 1 h
inline constexpr const char* not_found = "upload_task_not_found";      ///< 404
inline constexpr const char* bad_request = "upload_bad_request";       ///< 400 and other 4xx
inline constexpr const char* server_error = "upload_server_error";     ///< 5xx: same chunk again
} // namespace upload_code

} // namespace looppost::tiktok
