#include <charconv>
#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/core/settings.hpp>
#include <looppost/util/strings.hpp>
#include <looppost/util/url.hpp>

namespace looppost::core {

const std::vector<SettingKey>& setting_keys() {
    static const std::vector<SettingKey> keys = {
        {"api_base", SettingType::url, "https://open.tiktokapis.com", "LOOPPOST_API_BASE",
         "TikTok's API host; http:// only for loopback hosts (the sandbox)"},
        {"auth_base", SettingType::url, "https://www.tiktok.com", "LOOPPOST_AUTH_BASE",
         "host of TikTok's consent page; http:// only for loopback hosts"},
        {"http_timeout", SettingType::integer, "60", "LOOPPOST_HTTP_TIMEOUT",
         "seconds one HTTP request may take (uploads use a per-chunk limit)", 1, 3600},
        {"http_attempts", SettingType::integer, "4", "LOOPPOST_HTTP_ATTEMPTS",
         "attempts for a request that is safe to retry (429, 5xx, connection errors)", 1, 10},
        {"key_mode", SettingType::choice, "file", "LOOPPOST_KEY_MODE",
         "how secrets are sealed when the store is first created: a key file, or a passphrase", 0,
         0, "file,passphrase"},
        {"log_file", SettingType::path, "", "LOOPPOST_LOG_FILE",
         "append a redacted debug log to this file (-v logs to stderr)"},
        {"jobs", SettingType::integer, "4", "LOOPPOST_JOBS",
         "accounts publish-due and snapshot-stats work on at once (one account's posts always "
         "go one at a time)",
         1, 64},
        {"poll_seconds", SettingType::integer, "60", "LOOPPOST_POLL_SECONDS",
         "how long one publish-due run waits for TikTok to finish processing; the next run "
         "resumes what is still processing",
         0, 3600},
        {"notify_command", SettingType::string, "", "LOOPPOST_NOTIFY_COMMAND",
         "run with /bin/sh for each event a human must see (failed, needs_attention, "
         "reauth_required, config_missing, in_inbox); details in LOOPPOST_EVENT, "
         "LOOPPOST_POST_ID, LOOPPOST_ACCOUNT, LOOPPOST_MESSAGE, LOOPPOST_CAPTION"},
        {"retention_days", SettingType::integer, "0", "LOOPPOST_RETENTION_DAYS",
         "publish-due and snapshot-stats purge history older than this many days once a day: "
         "finished posts with their events and media, snapshots (0: keep everything; queued work "
         "is never purged)",
         0, 36500},
        {"purge_on_revoke", SettingType::boolean, "false", "LOOPPOST_PURGE_ON_REVOKE",
         "when TikTok says an account's authorization was revoked (not expired), purge that "
         "account's data at once"},
        {"limit_inits_per_minute", SettingType::integer, "6", "",
         "post inits TikTok accepts per account per minute (raise only if TikTok raised it)", 1,
         1000000},
        {"limit_creator_info_per_minute", SettingType::integer, "20", "",
         "creator_info queries TikTok accepts per account per minute", 1, 1000000},
        {"limit_status_per_minute", SettingType::integer, "30", "",
         "status/fetch queries TikTok accepts per account per minute", 1, 1000000},
        {"limit_direct_posts_per_day", SettingType::integer, "15", "",
         "direct posts per account in 24 hours before publish-due defers (TikTok's cap varies "
         "per creator)",
         1, 1000000},
        {"limit_inbox_shares_per_day", SettingType::integer, "5", "",
         "inbox drafts per account in 24 hours (TikTok allows 5 pending shares)", 1, 1000000},
        {"limit_display_per_minute", SettingType::integer, "600", "",
         "Display API calls (video/list, video/query, user/info) per account per minute before "
         "snapshot-stats defers",
         1, 1000000},
    };
    return keys;
}

const SettingKey& setting_key(std::string_view name) {
    for (const auto& k : setting_keys()) {
        if (k.name == name) {
            return k;
        }
    }
    std::vector<std::string> names;
    for (const auto& k : setting_keys()) {
        names.emplace_back(k.name);
    }
    throw UsageError(fmt::format("unknown setting \"{}\"{}; see looppost config list", name,
                                 util::did_you_mean(name, names)));
}

std::string validate_setting(const SettingKey& key, std::string_view raw) {
    std::string value(util::trim(raw));
    switch (key.type) {
    case SettingType::string:
    case SettingType::path:
        return value;
    case SettingType::integer: {
        long v = 0;
        auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
        if (ec != std::errc() || p != value.data() + value.size() || v < key.min || v > key.max) {
            throw UsageError(
                fmt::format("setting {} must be a whole number from {} to {}, not \"{}\"", key.name,
                            key.min, key.max, value));
        }
        return std::to_string(v);
    }
    case SettingType::boolean: {
        std::string l = util::to_lower(value);
        if (l == "true" || l == "yes" || l == "on" || l == "1") {
            return "true";
        }
        if (l == "false" || l == "no" || l == "off" || l == "0") {
            return "false";
        }
        throw UsageError(
            fmt::format("setting {} must be true or false, not \"{}\"", key.name, value));
    }
    case SettingType::choice: {
        std::string l = util::to_lower(value);
        for (const auto& c : util::split(key.choices, ',')) {
            if (c == l) {
                return l;
            }
        }
        throw UsageError(
            fmt::format("setting {} must be one of {}, not \"{}\"", key.name, key.choices, value));
    }
    case SettingType::url: {
        while (!value.empty() && value.back() == '/') {
            value.pop_back();
        }
        if (util::is_allowed_url(value)) {
            return value;
        }
        throw UsageError(fmt::format(
            "setting {} must be an https:// URL (http:// only for 127.0.0.1, ::1 or localhost), "
            "not \"{}\"",
            key.name, value));
    }
    }
    return value;
}

std::string_view source_name(SettingSource s) {
    switch (s) {
    case SettingSource::flag:
        return "flag";
    case SettingSource::env:
        return "env";
    case SettingSource::stored:
        return "stored";
    case SettingSource::default_value:
        return "default";
    }
    return "default";
}

Settings::Settings(EnvLookup env, StoredLookup stored)
    : m_env(std::move(env)), m_stored(std::move(stored)) {}

void Settings::set_flag(std::string_view name, std::string value) {
    const auto& key = setting_key(name);
    m_flags[std::string(name)] = validate_setting(key, value);
}

SettingValue Settings::get(std::string_view name) const {
    const auto& key = setting_key(name);
    if (auto it = m_flags.find(name); it != m_flags.end()) {
        return {it->second, SettingSource::flag};
    }
    if (!key.env.empty()) {
        if (auto v = m_env(std::string(key.env))) {
            try {
                return {validate_setting(key, *v), SettingSource::env};
            } catch (const UsageError& e) {
                throw Error(Exit::config_missing, fmt::format("{} (from {})", e.what(), key.env));
            }
        }
    }
    if (m_stored) {
        if (auto v = m_stored(name)) {
            try {
                return {validate_setting(key, *v), SettingSource::stored};
            } catch (const UsageError& e) {
                throw Error(Exit::config_missing,
                            fmt::format("{} (stored; fix it with looppost config set {} VALUE)",
                                        e.what(), key.name));
            }
        }
    }
    return {std::string(key.default_value), SettingSource::default_value};
}

long Settings::get_int(std::string_view name) const {
    return std::stol(get(name).value);
}

bool Settings::get_bool(std::string_view name) const {
    return get(name).value == "true";
}

} // namespace looppost::core
