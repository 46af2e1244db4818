#pragma once
// The values of the Display API's video calls (reference §5.2–§5.4). The calls themselves are
// members of tiktok::Api (api.hpp); they are defined in src/tiktok/display.cpp.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace looppost::tiktok {

/// A video object (reference §5.4). TikTok sends only the fields asked for: every other member
/// is absent.
struct Video {
    std::string id; ///< digits exactly as sent: ids exceed 2^53 (DESIGN §2)
    std::optional<std::int64_t> create_time; ///< unix seconds
    std::optional<std::string> title;
    std::optional<std::string> video_description;
    std::optional<std::int64_t> duration; ///< seconds
    std::optional<std::string> share_url;
    std::optional<std::int64_t> view_count;
    std::optional<std::int64_t> like_count;
    std::optional<std::int64_t> comment_count;
    std::optional<std::int64_t> share_count;
};

/// One page of /v2/video/list/: pass `cursor` back for the next page while `has_more`.
struct VideoPage {
    std::vector<Video> videos;
    std::int64_t cursor = 0; ///< unix milliseconds
    bool has_more = false;
};

/// The fields a daily snapshot asks for: everything Video holds.
const std::vector<std::string>& snapshot_video_fields();

/// TikTok's page size limit for video/list and id limit for video/query.
inline constexpr int k_max_video_page = 20;

} // namespace looppost::tiktok
