// Display API (reference §5): GET /v2/user/info/. Every field needs its own scope; asking for one
// the user did not grant fails the whole call (scope_permission_missed).

#include "oauth_common.hpp"
#include "router.hpp"
#include "routes.hpp"
#include "services.hpp"

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

json field_value(const SandboxUser& user, std::string_view field) {
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
        return user_count(user, field, 100, 900);
    } else if (field == "following_count") {
        return user_count(user, field, 10, 90);
    } else if (field == "likes_count") {
        return user_count(user, field, 1000, 9000);
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
    json data = json::object();
    for (const auto& field : fields) {
        data[field] = field_value(*user, field);
    }
    ex.ok({{"user", data}});
}

} // namespace

void register_display_routes(Router& router, Services& services) {
    router.get("/v2/user/info/", [&services](Exchange& ex) { user_info(services, ex); });
}

} // namespace sandbox
