#include "posts.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace sandbox {
namespace {

using nlohmann::json;

constexpr std::int64_t k_min_chunk = 5'000'000;
constexpr std::int64_t k_max_chunk = 64'000'000;
constexpr std::int64_t k_max_last_chunk = 128'000'000;
constexpr std::int64_t k_max_video = 4'000'000'000;
constexpr std::int64_t k_max_chunks = 1000;

std::int64_t moderation_seconds(const Config& config) {
    return config.moderation_seconds.value_or(
        config.processing == Processing::instant ? 0 : k_realistic_moderation_seconds);
}

json toggles(const json& post_info) {
    json out = json::object();
    if (!post_info.is_object()) {
        return out;
    }
    for (const char* key :
         {"disable_comment", "disable_duet", "disable_stitch", "brand_content_toggle",
          "brand_organic_toggle", "is_aigc", "auto_add_music", "video_cover_timestamp_ms"}) {
        if (post_info.contains(key)) {
            out[key] = post_info[key];
        }
    }
    return out;
}

} // namespace

std::int64_t UploadTask::planned_size(std::int64_t index) const {
    return index + 1 < total_chunks ? chunk_size : video_size - (total_chunks - 1) * chunk_size;
}

const std::vector<std::string>& fail_reasons() {
    static const std::vector<std::string> k_reasons{"file_format_check_failed",
                                                    "duration_check_failed",
                                                    "frame_rate_check_failed",
                                                    "picture_size_check_failed",
                                                    "internal",
                                                    "video_pull_failed",
                                                    "photo_pull_failed",
                                                    "publish_cancelled",
                                                    "auth_removed",
                                                    "spam_risk_too_many_posts",
                                                    "spam_risk_user_banned_from_posting",
                                                    "spam_risk_text",
                                                    "spam_risk"};
    return k_reasons;
}

PostView post_view(const PostRecord& post, std::int64_t now, const Config& config) {
    if (post.cancelled) {
        return {"FAILED", "publish_cancelled"};
    }
    std::int64_t done_at = 0;
    if (post.source == PostSource::file_upload) {
        if (!post.upload_complete_at) {
            return {"PROCESSING_UPLOAD", ""};
        }
        done_at = *post.upload_complete_at +
                  (config.processing == Processing::realistic ? k_realistic_processing_seconds : 0);
        if (now < done_at) {
            return {"PROCESSING_UPLOAD", ""};
        }
    } else {
        if (!post.pulled_at) {
            return {"PROCESSING_DOWNLOAD", ""};
        }
        if (!post.pull_fail_reason.empty()) {
            return {"FAILED", post.pull_fail_reason};
        }
        done_at = *post.pulled_at;
    }
    if (!post.forced_fail_reason.empty()) {
        return {"FAILED", post.forced_fail_reason};
    }
    if (post.mode == PostMode::inbox) {
        return {"SEND_TO_USER_INBOX", ""};
    }
    const bool visible =
        post.privacy_level == "PUBLIC_TO_EVERYONE" && now >= done_at + moderation_seconds(config);
    return {"PUBLISH_COMPLETE", "", visible};
}

json post_json(const PostRecord& post, std::int64_t now, const Config& config) {
    const PostView view = post_view(post, now, config);
    json doc = {
        {"publish_id", post.publish_id},
        {"open_id", post.open_id},
        {"user", post.username},
        {"mode", post.mode == PostMode::direct ? "direct" : "inbox"},
        {"media_type", post.media == MediaType::video ? "VIDEO" : "PHOTO"},
        {"source", post.source == PostSource::file_upload ? "FILE_UPLOAD" : "PULL_FROM_URL"},
        {"privacy_level", post.privacy_level.empty() ? json() : json(post.privacy_level)},
        {"title", post.post_info.is_object() ? post.post_info.value("title", json()) : json()},
        {"description",
         post.post_info.is_object() ? post.post_info.value("description", json()) : json()},
        {"toggles", toggles(post.post_info)},
        {"post_info", post.post_info},
        {"status", view.status},
        {"fail_reason", view.fail_reason.empty() ? json() : json(view.fail_reason)},
        {"publicaly_available_post_id",
         view.public_id_visible ? json::array({post.post_id}) : json::array()},
        {"created_at", post.created_at},
        {"cancelled", post.cancelled},
    };
    if (post.source == PostSource::file_upload) {
        doc["upload_id"] = post.upload_id;
        doc["video_size"] = post.video_size;
        doc["uploaded_bytes"] = post.uploaded_bytes;
        doc["sha256"] = post.sha256.empty() ? json() : json(post.sha256);
    } else {
        doc["downloaded_bytes"] = post.downloaded_bytes;
        doc["pulled_at"] = post.pulled_at ? json(*post.pulled_at) : json();
        if (post.media == MediaType::photo) {
            doc["photo_images"] = post.urls;
            doc["photo_cover_index"] = post.photo_cover_index;
            json photos = json::array();
            for (const auto& photo : post.photos) {
                photos.push_back({{"url", photo.url},
                                  {"sha256", photo.sha256},
                                  {"bytes", photo.bytes},
                                  {"width", photo.width},
                                  {"height", photo.height}});
            }
            doc["photos"] = photos;
        } else {
            doc["video_url"] = post.urls.empty() ? json() : json(post.urls.front());
            doc["sha256"] = post.sha256.empty() ? json() : json(post.sha256);
        }
    }
    return doc;
}

json upload_json(const UploadTask& task) {
    return {{"upload_id", task.upload_id},
            {"publish_id", task.publish_id},
            {"video_size", task.video_size},
            {"chunk_size", task.chunk_size},
            {"total_chunk_count", task.total_chunks},
            {"received_bytes", task.received},
            {"chunks_received", task.chunks_received},
            {"puts_refused", task.puts_refused},
            {"complete", task.complete()},
            {"sha256", task.sha256.empty() ? json() : json(task.sha256)},
            {"created_at", task.created_at},
            {"expires_at", task.expires_at}};
}

json fail_rule_json(const FailRule& rule) {
    return {{"user", rule.user ? json(*rule.user) : json()},
            {"fail_reason", rule.reason},
            {"remaining", rule.remaining}};
}

std::string chunk_plan_error(std::int64_t video_size, std::int64_t chunk_size,
                             std::int64_t total_chunk_count) {
    if (video_size <= 0 || video_size > k_max_video) {
        return "The video size is invalid";
    }
    if (chunk_size <= 0) {
        return "The chunk size is invalid";
    }
    if (video_size < k_min_chunk) { // sent whole
        if (chunk_size != video_size) {
            return "The chunk size is invalid";
        }
        return total_chunk_count == 1 ? "" : "The total chunk count is invalid";
    }
    if (chunk_size < k_min_chunk || chunk_size > k_max_chunk) {
        return "The chunk size is invalid";
    }
    const std::int64_t count = video_size / chunk_size;
    if (count == 1 && chunk_size != video_size) { // a single chunk is the whole file
        return "The chunk size is invalid";
    }
    if (count < 1 || count > k_max_chunks || total_chunk_count != count) {
        return "The total chunk count is invalid";
    }
    if (video_size - (count - 1) * chunk_size > k_max_last_chunk) {
        return "The chunk size is invalid";
    }
    return "";
}

std::optional<std::size_t> utf16_units(std::string_view text) {
    std::size_t units = 0;
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t length = 0;
        std::uint32_t code = 0;
        if (c < 0x80) {
            length = 1;
            code = c;
        } else if ((c & 0xe0) == 0xc0) {
            length = 2;
            code = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            length = 3;
            code = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            length = 4;
            code = c & 0x07;
        } else {
            return std::nullopt;
        }
        if (i + length > text.size()) {
            return std::nullopt;
        }
        for (std::size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xc0) != 0x80) {
                return std::nullopt;
            }
            code = (code << 6) | (next & 0x3f);
        }
        const bool overlong = (length == 2 && code < 0x80) || (length == 3 && code < 0x800) ||
                              (length == 4 && code < 0x10000);
        if (overlong || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
            return std::nullopt;
        }
        units += code >= 0x10000 ? 2 : 1;
        i += length;
    }
    return units;
}

std::string sha256_hex(crypto_hash_sha256_state& state) {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&state, digest);
    std::string hex;
    for (unsigned char b : digest) {
        hex += fmt::format("{:02x}", b);
    }
    return hex;
}

} // namespace sandbox
