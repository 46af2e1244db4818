#include "videos.hpp"

#include "config.hpp"
#include "posts.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/format.h>

namespace sandbox {
namespace {

using nlohmann::json;

// Seeded ids: 7.0e18 + bucket × 1e9 + index, the bucket from the username. Posted videos use
// 7.4e18 and up (post_routes.cpp), so the two never meet.
constexpr std::uint64_t k_seed_id_base = 7'000'000'000'000'000'000ULL;
constexpr std::uint64_t k_seed_buckets = 100'000'000;
constexpr std::uint64_t k_seed_stride = 1'000'000'000;
constexpr std::int64_t k_max_seeded = 1'000'000;
// Reference §5.4: title and video_description hold at most 150 characters.
constexpr std::size_t k_max_text = 150;

std::uint64_t fnv1a(std::string_view text, std::uint64_t salt) {
    std::uint64_t hash = 0xcbf29ce484222325ULL ^ salt;
    for (unsigned char c : text) {
        hash = (hash ^ c) * 0x100000001b3ULL;
    }
    return hash;
}

// A number in [0, 1) that depends only on `id` and `salt`.
double unit(std::string_view id, std::uint64_t salt) {
    return static_cast<double>(fnv1a(id, salt * 0x9e3779b97f4a7c15ULL) % 1'000'000) / 1e6;
}

std::uint64_t seed_base(const SandboxUser& user) {
    return k_seed_id_base + (fnv1a(user.username, 7) % k_seed_buckets) * k_seed_stride;
}

// The first `max` UTF-8 characters of `text`.
std::string first_chars(const std::string& text, std::size_t max) {
    std::size_t chars = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xc0) != 0x80 && chars++ == max) {
            return text.substr(0, i);
        }
    }
    return text;
}

std::int32_t duration_of(std::string_view id) {
    return 5 + static_cast<std::int32_t>(unit(id, 11) * 175); // 5 s to 3 min
}

SandboxVideo seeded(const SandboxUser& user, const VideoSeed& seed, std::int64_t index) {
    SandboxVideo v;
    v.id = std::to_string(seed_base(user) + static_cast<std::uint64_t>(index));
    v.create_time = seed.start + index * seed.every;
    v.order_ms = v.create_time * 1000;
    v.title = fmt::format("{} #{}", user.display_name, index + 1);
    v.description = fmt::format("Video {} by {} #looppost #sandbox", index + 1, user.display_name);
    v.duration = duration_of(v.id);
    return v;
}

// The post at `position` in the ledger as a video, when TikTok shows it publicly at `now`.
std::optional<SandboxVideo> posted(const PostRecord& post, std::size_t position, std::int64_t now,
                                   const Config& config) {
    if (!post_view(post, now, config).public_id_visible) {
        return std::nullopt;
    }
    SandboxVideo v;
    v.id = std::to_string(post.post_id);
    v.create_time = post.created_at;
    // Behind the seeded video of the same second, ordered by creation among themselves.
    v.order_ms = post.created_at * 1000 + 1 + static_cast<std::int64_t>(position % 999);
    const auto text = [&](const char* key) {
        return post.post_info.is_object() && post.post_info.contains(key) &&
                       post.post_info[key].is_string()
                   ? post.post_info[key].get<std::string>()
                   : std::string();
    };
    if (post.media == MediaType::video) { // the caption is the video's title (reference §4.3)
        v.title = first_chars(text("title"), k_max_text);
        v.description = v.title;
    } else {
        v.title = first_chars(text("title"), k_max_text);
        v.description = first_chars(text("description"), k_max_text);
    }
    v.duration = duration_of(v.id);
    return v;
}

bool newer(const SandboxVideo& a, const SandboxVideo& b) {
    return a.order_ms != b.order_ms ? a.order_ms > b.order_ms : a.id > b.id;
}

} // namespace

VideoSeed parse_video_seed(const json& value) {
    if (!value.is_object()) {
        throw ConfigError(
            fmt::format("\"videos\" must be an object {{\"count\", \"start\", \"every\"}}, not {}",
                        value.dump()));
    }
    VideoSeed seed;
    for (const auto& [key, item] : value.items()) {
        const bool whole = item.is_number_integer();
        const std::int64_t n = whole ? item.get<std::int64_t>() : 0;
        if (key == "count" && whole && n >= 0 && n <= k_max_seeded) {
            seed.count = n;
        } else if (key == "start" && whole && n >= 0) {
            seed.start = n;
        } else if (key == "every" && whole && n >= 1) {
            seed.every = n;
        } else if (key == "count" || key == "start" || key == "every") {
            throw ConfigError(fmt::format(
                "\"videos\" key \"{}\" must be a whole number ({}), not {}", key,
                key == "count" ? fmt::format("0 to {}", k_max_seeded)
                               : (key == "start" ? "Unix seconds >= 0" : "seconds >= 1"),
                item.dump()));
        } else {
            throw ConfigError(fmt::format("\"videos\" key \"{}\" is unknown", key));
        }
    }
    if (seed.count > 0 && !value.contains("start")) {
        throw ConfigError("\"videos\" needs \"start\": the first video's create time");
    }
    return seed;
}

json to_json(const VideoSeed& seed) {
    return {{"count", seed.count}, {"start", seed.start}, {"every", seed.every}};
}

const std::vector<std::string>& video_fields() {
    static const std::vector<std::string> k_fields{
        "id",         "create_time", "cover_image_url", "share_url",   "video_description",
        "duration",   "height",      "width",           "title",       "embed_html",
        "embed_link", "like_count",  "comment_count",   "share_count", "view_count"};
    return k_fields;
}

VideoPage list_videos(const Ledger& ledger, const SandboxUser& user, std::int64_t now,
                      std::optional<std::int64_t> before_ms, int limit) {
    // Everything listed satisfies order_ms <= last_ms and create_time <= now.
    const std::int64_t last_ms = before_ms ? *before_ms - 1 : now * 1000 + 999;
    std::vector<SandboxVideo> candidates;
    std::int64_t available = 0;
    if (user.videos && user.videos->count > 0 && last_ms >= 0) {
        const VideoSeed& seed = *user.videos;
        const std::int64_t newest_time = std::min(now, last_ms / 1000);
        if (newest_time >= seed.start) {
            const std::int64_t newest =
                std::min(seed.count - 1, (newest_time - seed.start) / seed.every);
            available += newest + 1;
            for (std::int64_t i = newest; i >= 0 && i > newest - limit; --i) {
                candidates.push_back(seeded(user, seed, i));
            }
        }
    }
    for (std::size_t i = 0; i < ledger.posts.size(); ++i) {
        const PostRecord& post = ledger.posts[i];
        if (post.open_id != user.open_id) {
            continue;
        }
        auto video = posted(post, i, now, ledger.config);
        if (video && video->order_ms <= last_ms) {
            ++available;
            candidates.push_back(std::move(*video));
        }
    }
    std::sort(candidates.begin(), candidates.end(), newer);
    if (candidates.size() > static_cast<std::size_t>(limit)) {
        candidates.resize(static_cast<std::size_t>(limit));
    }
    VideoPage page;
    page.has_more = available > static_cast<std::int64_t>(candidates.size());
    page.videos = std::move(candidates);
    return page;
}

std::optional<SandboxVideo> find_video(const Ledger& ledger, const SandboxUser& user,
                                       std::string_view id, std::int64_t now) {
    std::uint64_t number = 0;
    const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), number);
    if (ec != std::errc() || end != id.data() + id.size()) {
        return std::nullopt;
    }
    if (user.videos && number >= seed_base(user) &&
        number - seed_base(user) < static_cast<std::uint64_t>(user.videos->count)) {
        SandboxVideo video =
            seeded(user, *user.videos, static_cast<std::int64_t>(number - seed_base(user)));
        if (video.create_time <= now) {
            return video;
        }
        return std::nullopt;
    }
    for (std::size_t i = 0; i < ledger.posts.size(); ++i) {
        const PostRecord& post = ledger.posts[i];
        if (post.open_id == user.open_id && std::to_string(post.post_id) == id) {
            return posted(post, i, now, ledger.config);
        }
    }
    return std::nullopt;
}

VideoCounts video_counts(std::string_view id, std::int64_t create_time, std::int64_t now) {
    const double age_days =
        static_cast<double>(std::max<std::int64_t>(0, now - create_time)) / 86400.0;
    const double reach = 500.0 * std::pow(400.0, unit(id, 1)); // 500 to 200,000 views
    const double days_to_peak = 0.5 + 4.5 * unit(id, 2);
    const double views =
        reach * (1.0 - std::exp(-age_days / days_to_peak)) + reach * 0.003 * age_days;
    VideoCounts counts;
    counts.views = static_cast<std::int64_t>(views);
    counts.likes = static_cast<std::int64_t>(views * (0.02 + 0.10 * unit(id, 3)));
    counts.comments = static_cast<std::int64_t>(views * (0.001 + 0.009 * unit(id, 4)));
    counts.shares = static_cast<std::int64_t>(views * (0.0005 + 0.0045 * unit(id, 5)));
    return counts;
}

json video_field(const SandboxVideo& video, const SandboxUser& user, std::string_view field,
                 std::int64_t now) {
    const std::string share_url =
        fmt::format("https://www.tiktok.com/@{}/video/{}", user.username, video.id);
    if (field == "id") {
        return video.id;
    } else if (field == "create_time") {
        return video.create_time;
    } else if (field == "cover_image_url") { // signed for 6 hours (reference §5.4)
        return fmt::format("https://sandbox.looppost.test/cover/{}.jpeg?x-expires={}", video.id,
                           now + 6 * 3600);
    } else if (field == "share_url") {
        return share_url;
    } else if (field == "video_description") {
        return video.description;
    } else if (field == "duration") {
        return video.duration;
    } else if (field == "height") {
        return 1920;
    } else if (field == "width") {
        return 1080;
    } else if (field == "title") {
        return video.title;
    } else if (field == "embed_html") {
        return fmt::format(R"(<blockquote class="tiktok-embed" cite="{}" data-video-id="{}">)"
                           R"(<section></section></blockquote>)",
                           share_url, video.id);
    } else if (field == "embed_link") {
        return fmt::format("https://www.tiktok.com/player/v1/{}", video.id);
    }
    const VideoCounts counts = video_counts(video.id, video.create_time, now);
    if (field == "like_count") {
        return counts.likes;
    } else if (field == "comment_count") {
        return counts.comments;
    } else if (field == "share_count") {
        return counts.shares;
    }
    return counts.views; // view_count
}

} // namespace sandbox
