#pragma once
// The users' public videos (reference §5.2–§5.4), derived rather than stored: a user's seeded
// videos (VideoSeed in the profile) and every post of theirs that TikTok made public (a
// PUBLIC_TO_EVERYONE post past moderation; its id is the post's publicaly_available_post_id).
// View, like, comment and share counts are a fixed function of the video id and its age on the
// sandbox clock, so they grow day by day and every run sees the same numbers.

#include "state.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sandbox {

/// One public video.
struct SandboxVideo {
    std::string id;               // digits; ids exceed 2^53, so JSON carries them as strings
    std::int64_t create_time = 0; // Unix seconds
    /// Newest-first order and the list cursor, in ms: create_time × 1000 plus a tie-breaker, so
    /// videos of the same second still page apart.
    std::int64_t order_ms = 0;
    std::string title;
    std::string description;
    std::int32_t duration = 0; // seconds
};

struct VideoCounts {
    std::int64_t views = 0;
    std::int64_t likes = 0;
    std::int64_t comments = 0;
    std::int64_t shares = 0;
};

struct VideoPage {
    std::vector<SandboxVideo> videos;
    bool has_more = false;
};

/// The video object fields of reference §5.4, in its order.
const std::vector<std::string>& video_fields();

/// `user`'s public videos at sandbox time `now` whose order_ms is below `before_ms` (every one
/// when unset), newest first, at most `limit`. Cost: `limit` plus the ledger's posts, whatever the
/// number of seeded videos.
VideoPage list_videos(const Ledger& ledger, const SandboxUser& user, std::int64_t now,
                      std::optional<std::int64_t> before_ms, int limit);

/// `user`'s public video with this id at `now`, if there is one.
std::optional<SandboxVideo> find_video(const Ledger& ledger, const SandboxUser& user,
                                       std::string_view id, std::int64_t now);

/// The counts of video `id` created at `create_time`, at sandbox time `now`: zero at creation,
/// a fast rise over the first days and a slow tail after, never decreasing.
VideoCounts video_counts(std::string_view id, std::int64_t create_time, std::int64_t now);

/// The value of one of video_fields() for `video` of `user` at `now`.
nlohmann::json video_field(const SandboxVideo& video, const SandboxUser& user,
                           std::string_view field, std::int64_t now);

} // namespace sandbox
