#pragma once
// Checking a post as given against TikTok's rules (reference §4.7, §4.12, §4.15) before any media
// is read: kind, mode, privacy, toggles, text limits. And the idempotency key of DESIGN §2.

#include <filesystem>
#include <looppost/queue/input.hpp>
#include <looppost/store/db.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace looppost::queue {

/// Text limits in UTF-16 code units (reference §4.12).
inline constexpr std::size_t k_video_caption_units = 2200;
inline constexpr std::size_t k_photo_title_units = 90;
inline constexpr std::size_t k_photo_description_units = 4000;
inline constexpr std::size_t k_max_photos = 35;

/// A post whose fields are checked and normalised; its media are not yet read.
struct Draft {
    PostInput input; ///< as given
    store::AccountRow account;
    std::string kind; ///< video | photo
    std::string mode; ///< inbox | direct
    std::string caption;
    std::optional<std::string> title;
    std::optional<std::string> privacy; ///< TikTok's name
    nlohmann::json options;             ///< only the keys that apply to the kind
    std::string at_text;                ///< as given; "now" when absent
    std::vector<std::filesystem::path> media;
};

/// TikTok's name for a privacy level given in either spelling, case-insensitive
/// ("public" → "PUBLIC_TO_EVERYONE"); Error(bad_input) naming the choices otherwise.
std::string privacy_level(std::string_view given);

/// Checks a post and normalises its fields; Error(bad_input) with one line naming the rule
/// broken (messages do not carry the line number: the caller adds it).
Draft check_post(const PostInput& in, const store::AccountRow& account);

/// The default idempotency key (DESIGN §2): the hash of the account, the sha256 of each
/// original media file in order, caption, title, mode, privacy and the `at` text as given.
std::string default_key(const Draft& d, const std::vector<std::string>& media_sha256);

/// A stored post as the input it could have been enqueued from (media by their sha256, never
/// read again): edits and publish-time checks run the same rules as enqueue.
PostInput input_of(const store::PostRow& p);

} // namespace looppost::queue
