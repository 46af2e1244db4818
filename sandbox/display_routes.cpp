// Display API (reference §5): GET /v2/user/info/, where every field needs its own scope and asking
// for one the user did not grant fails the whole call (scope_permission_missed); POST
// /v2/video/list/ and /v2/video/query/ (scope video.list), which answer only the fields asked for
// of the user's public videos (videos.hpp).

#include "oauth_common.hpp"
#include "router.hpp"
#include "routes.hpp"
#include "services.hpp"
#include "videos.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>

namespace sandbox {
namespace {

using nlohmann::json;

struct FieldScope {
    std::string_view field;
    std::string_view scope;
};

constexpr std::array<FieldScope, 14> k_user_fields{{
    {"open_id", "user.info.basic"},
    {"union_id", "user.info.basic"},
    {"avatar_url", "user.info.basic"},
    {"avatar_url_100", "user.info.basic"},
    {"avatar_large_url", "user.info.basic"},
    {"display_name", "user.info.basic"},
    {"bio_description", "user.info.profile"},
    {"profile_deep_link", "user.info.profile"},
    {"is_verified", "user.info.profile"},
    {"username", "user.info.profile"},
    {"follower_count", "user.info.stats"},
    {"following_count", "user.info.stats"},
    {"likes_count", "user.info.stats"},
    {"video_count", "user.info.stats"},
}};

std::uint64_t stable_hash(std::string_view text, std::uint64_t salt) {
    std::uint64_t hash = 0xcbf29ce484222325ULL ^ salt;
    for (unsigned char c : text) {
        hash = (hash ^ c) * 0x100000001b3ULL;
    }
    return hash;
}

// Deterministic per user, so tests and demos see the same numbers on every run.
std::int64_t user_count(const SandboxUser& user, std::string_view field, std::int64_t base,
                        std::int64_t spread) {
    return base + static_cast<std::int64_t>(stable_hash(user.username, stable_hash(field, 0)) %
                                            static_cast<std::uint64_t>(spread));
}

// A count that starts at user_count(user, field, base, spread) and gains, each whole sandbox day
// since the server started, between `gain` and 2 × `gain` (how much depends on the user and the
// day), so follower growth shows in stats and every run sees the same numbers on the same day.
std::int64_t grown_count(const SandboxUser& user, std::string_view field, std::int64_t base,
                         std::int64_t spread, std::int64_t gain, std::int64_t days) {
    constexpr std::int64_t k_max_days = 100 * 366; // bounds the loop whatever the clock says
    std::int64_t total = user_count(user, field, base, spread);
    for (std::int64_t day = 1; day <= std::min(days, k_max_days); ++day) {
        total += user_count(user, fmt::format("{}/{}", field, day), gain, gain);
    }
    return total;
}

// `days`: whole sandbox days since the server started (the counts that grow).
json field_value(const SandboxUser& user, std::string_view field, std::int64_t days) {
    const std::string avatar =
        fmt::format("https://sandbox.looppost.test/avatar/{}", user.username);
    if (field == "open_id") {
        return user.open_id;
    } else if (field == "union_id") {
        return generated_open_id("union:" + user.username);
    } else if (field == "avatar_url") {
        return avatar + "_168.jpeg";
    } else if (field == "avatar_url_100") {
        return avatar + "_100.jpeg";
    } else if (field == "avatar_large_url") {
        return avatar + "_1080.jpeg";
    } else if (field == "display_name") {
        return user.display_name;
    } else if (field == "bio_description") {
        return fmt::format("{} rehearses on looppost-sandbox.", user.display_name);
    } else if (field == "profile_deep_link") {
        return fmt::format("https://sandbox.looppost.test/@{}", user.username);
    } else if (field == "is_verified") {
        return false;
    } else if (field == "username") {
        return user.username;
    } else if (field == "follower_count") {
        return grown_count(user, field, 100, 900, 5, days);
    } else if (field == "following_count") {
        return user_count(user, field, 10, 90);
    } else if (field == "likes_count") {
        return grown_count(user, field, 1000, 9000, 50, days);
    }
    return user_count(user, field, 3, 20); // video_count
}

void user_info(Services& services, Exchange& ex) {
    const TokenGrant grant = services.auth.authenticate(ex);
    services.limits.enforce(grant.access_token, RateFamily::display, "/v2/user/info/");
    const std::vector<std::string> fields = split_list(ex.req.get_param_value("fields"));
    if (fields.empty()) {
        throw ApiError(400, "invalid_params", "The fields parameter is required.");
    }
    std::vector<std::string> missing;
    for (const auto& field : fields) {
        auto it = std::find_if(k_user_fields.begin(), k_user_fields.end(),
                               [&](const FieldScope& known) { return known.field == field; });
        if (it == k_user_fields.end()) {
            throw ApiError(400, "invalid_params", fmt::format("The field {} is invalid.", field));
        }
        if (!grant.has_scope(it->scope) &&
            std::find(missing.begin(), missing.end(), it->scope) == missing.end()) {
            missing.emplace_back(it->scope);
        }
    }
    if (!missing.empty()) {
        throw ApiError(400, "scope_permission_missed",
                       fmt::format("The fields need scopes the user did not grant: {}.",
                                   fmt::join(missing, ",")));
    }
    const Config config = services.state.config();
    const SandboxUser* user = config.find_user(grant.open_id);
    if (user == nullptr) { // the profile no longer has this user
        throw ApiError(401, "access_token_invalid", "The user of this access token is gone.");
    }
    const std::int64_t days = services.clock.elapsed_seconds() / 86400;
    json data = json::object();
    for (const auto& field : fields) {
        data[field] = field_value(*user, field, days);
    }
    ex.ok({{"user", data}});
}

// The ?fields= of a video call: required, each one of reference §5.4.
std::vector<std::string> video_fields_of(const Exchange& ex) {
    std::vector<std::string> fields = split_list(ex.req.get_param_value("fields"));
    if (fields.empty()) {
        throw ApiError(400, "invalid_params", "The fields parameter is required.");
    }
    const auto& known = video_fields();
    for (const auto& field : fields) {
        if (std::find(known.begin(), known.end(), field) == known.end()) {
            throw ApiError(400, "invalid_params", fmt::format("The field {} is invalid.", field));
        }
    }
    return fields;
}

SandboxUser user_of(const Services& services, const TokenGrant& grant) {
    const Config config = services.state.config();
    const SandboxUser* found = config.find_user(grant.open_id);
    if (found == nullptr) { // the profile no longer has this user
        throw ApiError(401, "access_token_invalid", "The user of this access token is gone.");
    }
    return *found;
}

json video_json(const SandboxVideo& video, const SandboxUser& user,
                const std::vector<std::string>& fields, std::int64_t now) {
    json out = json::object();
    for (const auto& field : fields) {
        out[field] = video_field(video, user, field, now);
    }
    return out;
}

// A whole number in the body, or nothing when absent or null.
std::optional<std::int64_t> body_int(const json& body, const char* key) {
    if (!body.contains(key) || body[key].is_null()) {
        return std::nullopt;
    }
    if (!body[key].is_number_integer()) {
        throw ApiError(400, "invalid_params", fmt::format("The {} is invalid.", key));
    }
    return body[key].get<std::int64_t>();
}

void video_list(Services& services, Exchange& ex) {
    const TokenGrant grant = services.auth.require(ex, "video.list");
    services.limits.enforce(grant.access_token, RateFamily::display, "/v2/video/list/");
    const std::vector<std::string> fields = video_fields_of(ex);
    const json body = ex.body_json();
    if (!body.is_object()) {
        throw ApiError(400, "invalid_params", "The request body must be a JSON object.");
    }
    const std::optional<std::int64_t> cursor = body_int(body, "cursor");
    if (cursor && *cursor < 0) {
        throw ApiError(400, "invalid_params", "The cursor is invalid.");
    }
    const std::int64_t max_count = body_int(body, "max_count").value_or(10);
    if (max_count < 1 || max_count > 20) {
        throw ApiError(400, "invalid_params", "The max_count must be between 1 and 20.");
    }
    const SandboxUser user = user_of(services, grant);
    const std::int64_t now = services.clock.now_seconds();
    // A cursor of 0 is what clients send for the first page: no bound, like no cursor.
    const std::optional<std::int64_t> before = cursor && *cursor > 0 ? cursor : std::nullopt;
    const VideoPage page = services.state.with([&](const Ledger& ledger) {
        return list_videos(ledger, user, now, before, static_cast<int>(max_count));
    });
    json videos = json::array();
    for (const auto& video : page.videos) {
        videos.push_back(video_json(video, user, fields, now));
    }
    const std::int64_t next = !page.videos.empty() ? page.videos.back().order_ms
                                                   : before.value_or(services.clock.now_millis());
    ex.ok({{"videos", videos}, {"cursor", next}, {"has_more", page.has_more}});
}

void video_query(Services& services, Exchange& ex) {
    const TokenGrant grant = services.auth.require(ex, "video.list");
    services.limits.enforce(grant.access_token, RateFamily::display, "/v2/video/query/");
    const std::vector<std::string> fields = video_fields_of(ex);
    const json body = ex.body_json();
    const json* ids = nullptr;
    if (body.is_object() && body.contains("filters") && body["filters"].is_object() &&
        body["filters"].contains("video_ids")) {
        ids = &body["filters"]["video_ids"];
    }
    if (ids == nullptr || !ids->is_array() || ids->empty()) {
        throw ApiError(400, "invalid_params", "The filters.video_ids list is required.");
    }
    if (ids->size() > 20) {
        throw ApiError(400, "invalid_params", "The filters.video_ids list holds at most 20 ids.");
    }
    std::vector<std::string> wanted;
    for (const auto& id : *ids) {
        if (!id.is_string()) {
            throw ApiError(400, "invalid_params", "The video ids must be strings.");
        }
        if (std::find(wanted.begin(), wanted.end(), id.get<std::string>()) == wanted.end()) {
            wanted.push_back(id.get<std::string>());
        }
    }
    const SandboxUser user = user_of(services, grant);
    const std::int64_t now = services.clock.now_seconds();
    // TikTok answers only the user's own videos; other ids are left out.
    const std::vector<SandboxVideo> found = services.state.with([&](const Ledger& ledger) {
        std::vector<SandboxVideo> out;
        for (const auto& id : wanted) {
            if (auto video = find_video(ledger, user, id, now)) {
                out.push_back(std::move(*video));
            }
        }
        return out;
    });
    json videos = json::array();
    for (const auto& video : found) {
        videos.push_back(video_json(video, user, fields, now));
    }
    ex.ok({{"videos", videos}});
}

} // namespace

void register_display_routes(Router& router, Services& services) {
    router.get("/v2/user/info/", [&services](Exchange& ex) { user_info(services, ex); });
    router.post("/v2/video/list/", [&services](Exchange& ex) { video_list(services, ex); });
    router.post("/v2/video/query/", [&services](Exchange& ex) { video_query(services, ex); });
}

} // namespace sandbox
