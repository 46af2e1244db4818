#include "config.hpp"

#include "posts.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <fmt/format.h>
#include <fstream>
#include <limits>
#include <set>
#include <utility>

namespace sandbox {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 18> k_config_keys{"audited",
                                                         "account_private",
                                                         "caps",
                                                         "daily_post_cap",
                                                         "pending_inbox_cap",
                                                         "moderation_seconds",
                                                         "processing",
                                                         "rate_limit_multiplier",
                                                         "verified_url_prefixes",
                                                         "clients",
                                                         "users",
                                                         "access_token_ttl",
                                                         "refresh_token_ttl",
                                                         "code_ttl",
                                                         "qr_ttl",
                                                         "qr_auto",
                                                         "consent_user",
                                                         "grant_scopes"};

void reject_unknown_keys(const json& object, std::initializer_list<std::string_view> known,
                         std::string_view where) {
    for (const auto& [key, value] : object.items()) {
        if (std::find(known.begin(), known.end(), key) == known.end()) {
            throw ConfigError(fmt::format("{} key \"{}\" is unknown", where, key));
        }
    }
}

bool get_bool(const json& value, std::string_view key) {
    if (!value.is_boolean()) {
        throw ConfigError(
            fmt::format("config key \"{}\" must be true or false, not {}", key, value.dump()));
    }
    return value.get<bool>();
}

std::string get_string(const json& value, std::string_view key) {
    if (!value.is_string() || value.get_ref<const std::string&>().empty()) {
        throw ConfigError(
            fmt::format("\"{}\" must be a non-empty string, not {}", key, value.dump()));
    }
    return value.get<std::string>();
}

const json& get_array(const json& value, std::string_view key) {
    if (!value.is_array()) {
        throw ConfigError(fmt::format("config key \"{}\" must be an array", key));
    }
    return value;
}

std::int64_t get_seconds(const json& value, std::string_view key) {
    if (!value.is_number_integer() || value.get<std::int64_t>() <= 0) {
        throw ConfigError(fmt::format(
            "config key \"{}\" must be a whole number of seconds > 0, not {}", key, value.dump()));
    }
    return value.get<std::int64_t>();
}

std::int64_t get_count(const json& value, std::string_view key) {
    if (!value.is_number_integer() || value.get<std::int64_t>() < 0) {
        throw ConfigError(fmt::format("config key \"{}\" must be a whole number >= 0, not {}", key,
                                      value.dump()));
    }
    return value.get<std::int64_t>();
}

std::vector<std::string> get_scopes(const json& value, std::string_view key) {
    std::vector<std::string> scopes;
    for (const auto& item : get_array(value, key)) {
        scopes.push_back(get_string(item, key));
        check_scope(scopes.back());
    }
    return scopes;
}

std::vector<std::string> get_redirect_uris(const json& value) {
    std::vector<std::string> uris;
    for (const auto& item : get_array(value, "redirect_uris")) {
        uris.push_back(get_string(item, "redirect_uris"));
        check_redirect_uri(uris.back());
    }
    if (uris.empty() || uris.size() > 10) {
        throw ConfigError("\"redirect_uris\" must list 1 to 10 URIs");
    }
    return uris;
}

// TikTok only pulls over https from a verified domain; plain http is allowed on loopback so tests
// and `make demo` can use the sandbox's own /media/ folder.
std::string check_prefix(std::string prefix) {
    const bool https = prefix.rfind("https://", 0) == 0;
    const bool loopback = prefix.rfind("http://127.0.0.1", 0) == 0 ||
                          prefix.rfind("http://localhost", 0) == 0 ||
                          prefix.rfind("http://[::1]", 0) == 0;
    if (!https && !loopback) {
        throw ConfigError(fmt::format(
            "verified URL prefix \"{}\" must start with https:// (http only on loopback)", prefix));
    }
    return prefix;
}

std::vector<ClientApp> parse_clients(const json& value) {
    std::vector<ClientApp> clients;
    std::set<std::string> seen;
    for (const auto& item : get_array(value, "clients")) {
        if (!item.is_object()) {
            throw ConfigError("each of \"clients\" must be an object");
        }
        reject_unknown_keys(
            item, {"client_key", "client_secret", "redirect_uris", "approved_scopes"}, "client");
        ClientApp app{get_string(item.value("client_key", json()), "client_key"),
                      get_string(item.value("client_secret", json()), "client_secret")};
        if (item.contains("redirect_uris")) {
            app.redirect_uris = get_redirect_uris(item["redirect_uris"]);
        }
        if (item.contains("approved_scopes")) {
            app.approved_scopes = get_scopes(item["approved_scopes"], "approved_scopes");
        }
        if (!seen.insert(app.client_key).second) {
            throw ConfigError(fmt::format("client_key \"{}\" appears twice", app.client_key));
        }
        clients.push_back(std::move(app));
    }
    return clients;
}

// The creator_info settings of one user (reference §4.2); absent keys keep TikTok's defaults.
void parse_creator_settings(const json& item, SandboxUser& user) {
    constexpr std::array<std::pair<const char*, bool SandboxUser::*>, 3> k_toggles{{
        {"comment_disabled", &SandboxUser::comment_disabled},
        {"duet_disabled", &SandboxUser::duet_disabled},
        {"stitch_disabled", &SandboxUser::stitch_disabled},
    }};
    for (const auto& [key, member] : k_toggles) {
        if (item.contains(key)) {
            user.*member = get_bool(item[key], key);
        }
    }
    if (item.contains("max_video_post_duration_sec")) {
        const json& value = item["max_video_post_duration_sec"];
        if (!value.is_number_integer() || value.get<std::int64_t>() <= 0 ||
            value.get<std::int64_t>() > std::numeric_limits<std::int32_t>::max()) {
            throw ConfigError(fmt::format(
                "\"max_video_post_duration_sec\" must be a whole number of seconds > 0, not {}",
                value.dump()));
        }
        user.max_video_post_duration_sec = value.get<std::int32_t>();
    }
    if (item.contains("cannot_post") && !item["cannot_post"].is_null()) {
        const json& value = item["cannot_post"];
        const auto& codes = cannot_post_codes();
        if (!value.is_string() ||
            std::find(codes.begin(), codes.end(), value.get<std::string>()) == codes.end()) {
            throw ConfigError(fmt::format("\"cannot_post\" must be null or one of {}, not {}",
                                          fmt::join(codes, ", "), value.dump()));
        }
        user.cannot_post = value.get<std::string>();
    }
    if (item.contains("fail_reason")) {
        const json& value = item["fail_reason"];
        const auto& reasons = fail_reasons();
        if (value.is_null()) {
            user.fail_reason.reset();
        } else if (!value.is_string() || std::find(reasons.begin(), reasons.end(),
                                                   value.get<std::string>()) == reasons.end()) {
            throw ConfigError(fmt::format("\"fail_reason\" must be null or one of {}, not {}",
                                          fmt::join(reasons, ", "), value.dump()));
        } else {
            user.fail_reason = value.get<std::string>();
        }
    }
}

std::vector<SandboxUser> parse_users(const json& value) {
    std::vector<SandboxUser> users;
    std::set<std::string> seen;
    for (const auto& item : get_array(value, "users")) {
        if (!item.is_object()) {
            throw ConfigError("each of \"users\" must be an object");
        }
        reject_unknown_keys(item,
                            {"open_id", "username", "display_name", "private", "comment_disabled",
                             "duet_disabled", "stitch_disabled", "max_video_post_duration_sec",
                             "cannot_post", "fail_reason", "videos"},
                            "user");
        SandboxUser user;
        user.username = get_string(item.value("username", json()), "username");
        user.open_id = item.contains("open_id") ? get_string(item["open_id"], "open_id")
                                                : generated_open_id(user.username);
        user.display_name = item.contains("display_name")
                                ? get_string(item["display_name"], "display_name")
                                : user.username;
        if (item.contains("private") && !item["private"].is_null()) {
            user.is_private = get_bool(item["private"], "private");
        }
        parse_creator_settings(item, user);
        if (item.contains("videos") && !item["videos"].is_null()) {
            user.videos = parse_video_seed(item["videos"]);
        }
        if (!seen.insert(user.username).second || !seen.insert(user.open_id).second) {
            throw ConfigError(fmt::format("user \"{}\" appears twice", user.username));
        }
        users.push_back(std::move(user));
    }
    return users;
}

std::uint64_t fnv1a(std::string_view text, std::uint64_t basis) {
    std::uint64_t hash = basis;
    for (unsigned char c : text) {
        hash = (hash ^ c) * 0x100000001b3ULL;
    }
    return hash;
}

} // namespace

const std::vector<std::string>& cannot_post_codes() {
    static const std::vector<std::string> k_codes{"spam_risk_too_many_posts",
                                                  "spam_risk_user_banned_from_posting",
                                                  "reached_active_user_cap"};
    return k_codes;
}

bool Config::user_private(const SandboxUser& user) const {
    return user.is_private.value_or(account_private);
}

const SandboxUser* Config::find_user(std::string_view open_id_or_username) const {
    for (const auto& user : users) {
        if (user.open_id == open_id_or_username || user.username == open_id_or_username) {
            return &user;
        }
    }
    return nullptr;
}

const ClientApp* Config::find_client(std::string_view client_key) const {
    for (const auto& client : clients) {
        if (client.client_key == client_key) {
            return &client;
        }
    }
    return nullptr;
}

bool Config::url_verified(std::string_view url) const {
    return std::any_of(verified_url_prefixes.begin(), verified_url_prefixes.end(),
                       [&](const std::string& prefix) { return url.rfind(prefix, 0) == 0; });
}

Config default_config() {
    Config config;
    config.clients.push_back({"sbx_client_key", "sbx_client_secret"});
    const auto add_user = [&config](const std::string& username, const std::string& name) {
        SandboxUser user;
        user.open_id = generated_open_id(username);
        user.username = username;
        user.display_name = name;
        config.users.push_back(std::move(user));
    };
    add_user("alice", "Alice");
    add_user("bob", "Bob");
    return config;
}

Config merge_config(Config base, const json& patch) {
    if (!patch.is_object()) {
        throw ConfigError("the config must be a JSON object");
    }
    for (const auto& [key, value] : patch.items()) {
        if (key == "audited") {
            base.audited = get_bool(value, key);
        } else if (key == "account_private") {
            base.account_private = get_bool(value, key);
        } else if (key == "caps") {
            base.caps = get_bool(value, key);
        } else if (key == "daily_post_cap") {
            base.daily_post_cap = get_count(value, key);
        } else if (key == "pending_inbox_cap") {
            base.pending_inbox_cap = get_count(value, key);
        } else if (key == "moderation_seconds") {
            base.moderation_seconds =
                value.is_null() ? std::nullopt : std::optional(get_count(value, key));
        } else if (key == "processing") {
            if (value == "instant") {
                base.processing = Processing::instant;
            } else if (value == "realistic") {
                base.processing = Processing::realistic;
            } else {
                throw ConfigError(fmt::format(
                    "config key \"processing\" must be \"instant\" or \"realistic\", not {}",
                    value.dump()));
            }
        } else if (key == "rate_limit_multiplier") {
            if (!value.is_number() || !std::isfinite(value.get<double>()) ||
                value.get<double>() < 0) {
                throw ConfigError(fmt::format(
                    "config key \"rate_limit_multiplier\" must be a number >= 0, not {}",
                    value.dump()));
            }
            base.rate_limit_multiplier = value.get<double>();
        } else if (key == "verified_url_prefixes") {
            base.verified_url_prefixes.clear();
            for (const auto& prefix : get_array(value, key)) {
                base.verified_url_prefixes.push_back(check_prefix(get_string(prefix, key)));
            }
        } else if (key == "clients") {
            base.clients = parse_clients(value);
        } else if (key == "users") {
            base.users = parse_users(value);
        } else if (key == "access_token_ttl") {
            base.access_token_ttl = get_seconds(value, key);
        } else if (key == "refresh_token_ttl") {
            base.refresh_token_ttl = get_seconds(value, key);
        } else if (key == "code_ttl") {
            base.code_ttl = get_seconds(value, key);
        } else if (key == "qr_ttl") {
            base.qr_ttl = get_seconds(value, key);
        } else if (key == "qr_auto") {
            base.qr_auto = get_bool(value, key);
        } else if (key == "consent_user") {
            base.consent_user =
                value.is_null() ? std::nullopt : std::optional(get_string(value, key));
        } else if (key == "grant_scopes") {
            base.grant_scopes =
                value.is_null() ? std::nullopt : std::optional(get_scopes(value, key));
        } else {
            throw ConfigError(fmt::format("config key \"{}\" is unknown (known: {})", key,
                                          fmt::join(k_config_keys, ", ")));
        }
    }
    // Checked after every key is applied: one patch may rename users and the consent user.
    if (base.consent_user && base.find_user(*base.consent_user) == nullptr) {
        throw ConfigError(
            fmt::format("consent_user \"{}\" is not one of the users", *base.consent_user));
    }
    return base;
}

Config load_config_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        throw ConfigError(fmt::format("cannot read config file \"{}\"", path));
    }
    json patch = json::parse(in, nullptr, false);
    if (patch.is_discarded()) {
        throw ConfigError(fmt::format("config file \"{}\" is not valid JSON", path));
    }
    try {
        return merge_config(default_config(), patch);
    } catch (const ConfigError& e) {
        throw ConfigError(fmt::format("config file \"{}\": {}", path, e.what()));
    }
}

json to_json(const Config& config) {
    json clients = json::array();
    for (const auto& client : config.clients) {
        clients.push_back({{"client_key", client.client_key},
                           {"client_secret", client.client_secret},
                           {"redirect_uris", client.redirect_uris},
                           {"approved_scopes", client.approved_scopes}});
    }
    json users = json::array();
    for (const auto& user : config.users) {
        users.push_back({{"open_id", user.open_id},
                         {"username", user.username},
                         {"display_name", user.display_name},
                         {"private", user.is_private ? json(*user.is_private) : json()},
                         {"comment_disabled", user.comment_disabled},
                         {"duet_disabled", user.duet_disabled},
                         {"stitch_disabled", user.stitch_disabled},
                         {"max_video_post_duration_sec", user.max_video_post_duration_sec},
                         {"cannot_post", user.cannot_post ? json(*user.cannot_post) : json()},
                         {"fail_reason", user.fail_reason ? json(*user.fail_reason) : json()},
                         {"videos", user.videos ? to_json(*user.videos) : json()}});
    }
    return {{"audited", config.audited},
            {"account_private", config.account_private},
            {"caps", config.caps},
            {"daily_post_cap", config.daily_post_cap},
            {"pending_inbox_cap", config.pending_inbox_cap},
            {"moderation_seconds",
             config.moderation_seconds ? json(*config.moderation_seconds) : json()},
            {"processing", config.processing == Processing::instant ? "instant" : "realistic"},
            {"rate_limit_multiplier", config.rate_limit_multiplier},
            {"verified_url_prefixes", config.verified_url_prefixes},
            {"clients", clients},
            {"users", users},
            {"access_token_ttl", config.access_token_ttl},
            {"refresh_token_ttl", config.refresh_token_ttl},
            {"code_ttl", config.code_ttl},
            {"qr_ttl", config.qr_ttl},
            {"qr_auto", config.qr_auto},
            {"consent_user", config.consent_user ? json(*config.consent_user) : json()},
            {"grant_scopes", config.grant_scopes ? json(*config.grant_scopes) : json()}};
}

std::string generated_open_id(std::string_view username) {
    const std::uint64_t high = fnv1a(username, 0xcbf29ce484222325ULL);
    const std::uint64_t low = fnv1a(username, 0x84222325cbf29ce4ULL);
    // UUID layout (version 4 and variant bits set) like the open_ids in TikTok's examples.
    return fmt::format("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", high >> 32, (high >> 16) & 0xffff,
                       high & 0xfff, 0x8000 | (low >> 48 & 0x3fff), low & 0xffffffffffffULL);
}

} // namespace sandbox
