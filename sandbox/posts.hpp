#pragma once
// What the Content Posting family keeps in the ledger (reference §4.3–4.10): one PostRecord per
// accepted init, one UploadTask per FILE_UPLOAD upload_url, and the rules that make posts fail on
// purpose. A post's status is not stored but derived from the record and the sandbox clock
// (post_view), so GET /_sandbox/state and status/fetch always agree.

#include "config.hpp"
#include "unique_fd.hpp"

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sodium.h>
#include <string>
#include <string_view>
#include <vector>

namespace sandbox {

enum class PostMode { direct, inbox };
enum class MediaType { video, photo };
enum class PostSource { file_upload, pull_from_url };

/// Realistic processing: how long a pull stays in PROCESSING_DOWNLOAD and how long a complete
/// upload stays in PROCESSING_UPLOAD, in sandbox seconds.
inline constexpr std::int64_t k_realistic_download_seconds = 5;
inline constexpr std::int64_t k_realistic_processing_seconds = 5;
/// Moderation before a public post gets its publicaly_available_post_id, unless the profile's
/// moderation_seconds says otherwise.
inline constexpr std::int64_t k_realistic_moderation_seconds = 30;
/// The upload_url lifetime (reference §4.3).
inline constexpr std::int64_t k_upload_url_ttl = 3600;

/// One photo of a PULL_FROM_URL photo post, as downloaded.
struct PulledPhoto {
    std::string url;
    std::string sha256;
    std::int64_t bytes = 0;
    int width = 0;
    int height = 0;
};

struct PostRecord {
    std::string publish_id;
    std::string open_id;
    std::string username;
    PostMode mode = PostMode::direct;
    MediaType media = MediaType::video;
    PostSource source = PostSource::file_upload;
    nlohmann::json post_info;  // as sent (null where TikTok ignores it: inbox video)
    std::string privacy_level; // direct posts
    std::int64_t created_at = 0;

    // FILE_UPLOAD
    std::string upload_id;
    std::int64_t video_size = 0;
    std::int64_t uploaded_bytes = 0;
    std::optional<std::int64_t> upload_complete_at;
    std::string sha256; // of the video bytes (uploaded or pulled)

    // PULL_FROM_URL
    std::vector<std::string> urls; // photo_images, or the one video_url
    int photo_cover_index = 0;
    std::int64_t pull_ready_at = 0; // the pull runs at the first status poll from then on
    bool pulling = false;
    std::optional<std::int64_t> pulled_at;
    std::int64_t downloaded_bytes = 0;
    std::vector<PulledPhoto> photos;
    std::string pull_fail_reason;

    std::string forced_fail_reason; // fail_next rule or the user's fail_reason setting
    bool cancelled = false;
    std::int64_t post_id = 0; // publicaly_available_post_id once moderated (public posts)
};

/// A FILE_UPLOAD upload_url and its progress.
struct UploadTask {
    std::string upload_id;
    std::string upload_token;
    std::string publish_id;
    std::int64_t video_size = 0;
    std::int64_t chunk_size = 0;
    std::int64_t total_chunks = 0;
    std::int64_t received = 0;
    std::int64_t chunks_received = 0;
    std::int64_t created_at = 0;
    std::int64_t expires_at = 0;
    bool busy = false; // a chunk is being received
    std::int64_t puts_refused = 0;
    std::shared_ptr<UniqueFd> file; // unlinked temp file; released once complete
    std::shared_ptr<crypto_hash_sha256_state> hash;
    std::string sha256; // once complete

    bool complete() const { return received == video_size; }
    /// The planned byte count of chunk `index` (0-based): chunk_size, the last one the rest.
    std::int64_t planned_size(std::int64_t index) const;
};

/// POST /_sandbox/fail_next: the next `remaining` posts (of `user`, or anyone's) fail.
struct FailRule {
    std::optional<std::string> user; // open_id or username
    std::string reason;
    std::int64_t remaining = 1;
};

/// TikTok's fail_reason values (reference §4.9).
const std::vector<std::string>& fail_reasons();

struct PostView {
    std::string status;
    std::string fail_reason;
    bool public_id_visible = false;
};

/// The status of `post` at sandbox time `now`.
PostView post_view(const PostRecord& post, std::int64_t now, const Config& config);
/// The ledger line of a post.
nlohmann::json post_json(const PostRecord& post, std::int64_t now, const Config& config);
nlohmann::json upload_json(const UploadTask& task);
nlohmann::json fail_rule_json(const FailRule& rule);

/// Media Transfer Guide chunk rules (reference §4.5); returns the invalid_params message or "".
std::string chunk_plan_error(std::int64_t video_size, std::int64_t chunk_size,
                             std::int64_t total_chunk_count);

/// UTF-16 code units of UTF-8 `text`, or nothing when it is not valid UTF-8.
std::optional<std::size_t> utf16_units(std::string_view text);

/// Lowercase hex of a finished sha256 state.
std::string sha256_hex(crypto_hash_sha256_state& state);

} // namespace sandbox
