// Content Posting API (reference §4): POST /v2/post/publish/creator_info/query/. The publishing
// endpoints (video and inbox init, content init, status, cancel) join this family; they share
// poster(): the token checked for video.publish, the per-token rate window of their family and
// the creator the token acts for.

#include "router.hpp"
#include "routes.hpp"
#include "services.hpp"

#include <fmt/format.h>
#include <string>
#include <vector>

namespace sandbox {
namespace {

using nlohmann::json;

constexpr std::string_view k_scope = "video.publish";

/// Who is posting: the caller's grant and the creator it acts for (copies, taken once).
struct Poster {
    TokenGrant grant;
    Config config;
    SandboxUser user;
};

// Authenticates for video.publish, then counts the call in `family` (so a refused token is never
// counted, as with TikTok), then finds the creator.
Poster poster(Services& services, Exchange& ex, RateFamily family) {
    TokenGrant grant = services.auth.require(ex, k_scope);
    services.limits.enforce(grant.access_token, family);
    Config config = services.state.config();
    const SandboxUser* user = config.find_user(grant.open_id);
    if (user == nullptr) { // the profile no longer has this user
        throw ApiError(401, "access_token_invalid", "The user of this access token is gone.");
    }
    SandboxUser found = *user;
    return {std::move(grant), std::move(config), std::move(found)};
}

// Reference §4.2 by account kind; an unaudited app may only post privately (§4.14), which is what
// the SELF_ONLY-only heuristic of §4.2 sees.
std::vector<std::string> privacy_level_options(const Config& config, const SandboxUser& user) {
    if (!config.audited) {
        return {"SELF_ONLY"};
    }
    if (config.user_private(user)) {
        return {"FOLLOWER_OF_CREATOR", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"};
    }
    return {"PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"};
}

std::string cannot_post_message(std::string_view code) {
    if (code == "spam_risk_too_many_posts") {
        return "The user has reached the daily post limit for this app.";
    } else if (code == "spam_risk_user_banned_from_posting") {
        return "The user is banned from making new posts.";
    }
    return "The daily quota of users posting through this client has been reached.";
}

void creator_info(Services& services, Exchange& ex) {
    const Poster who = poster(services, ex, RateFamily::creator_info);
    const SandboxUser& user = who.user;
    if (user.cannot_post) { // HTTP 200 on purpose (reference §4.2)
        ex.envelope_error(200, *user.cannot_post, cannot_post_message(*user.cannot_post));
        return;
    }
    const bool is_private = who.config.user_private(user);
    ex.ok({
        // The same picture user/info gives as avatar_url.
        {"creator_avatar_url",
         fmt::format("https://sandbox.looppost.test/avatar/{}_168.jpeg", user.username)},
        {"creator_username", user.username},
        {"creator_nickname", user.display_name},
        {"privacy_level_options", privacy_level_options(who.config, user)},
        {"comment_disabled", user.comment_disabled},
        {"duet_disabled", is_private || user.duet_disabled},
        {"stitch_disabled", is_private || user.stitch_disabled},
        {"max_video_post_duration_sec", user.max_video_post_duration_sec},
    });
}

} // namespace

void register_post_routes(Router& router, Services& services) {
    router.post("/v2/post/publish/creator_info/query/",
                [&services](Exchange& ex) { creator_info(services, ex); });
}

} // namespace sandbox
