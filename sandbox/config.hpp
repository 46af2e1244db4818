#pragma once
// The sandbox profile: which kind of TikTok app and account the emulator pretends to be. Loaded
// from --config at start-up, changed at runtime through POST /_sandbox/config, and restored to the
// loaded version by POST /_sandbox/reset.

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sandbox {

/// A profile that cannot be used; the message names the offending key and value.
class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// How post processing progresses: at once, or through TikTok's intermediate statuses over time.
enum class Processing { instant, realistic };

/// A TikTok app the sandbox accepts (client credentials for the OAuth endpoints).
struct ClientApp {
    std::string client_key;
    std::string client_secret;
};

/// A TikTok account that can log in to the sandbox.
struct SandboxUser {
    std::string open_id;
    std::string username;
    std::string display_name;
    std::optional<bool> is_private; // unset: follows Config::account_private
};

struct Config {
    bool audited = false;
    bool account_private = true;
    bool caps = true; // daily post caps and pending-inbox caps enforced
    Processing processing = Processing::instant;
    double rate_limit_multiplier = 1.0; // 0 disables rate limits
    std::vector<std::string> verified_url_prefixes;
    std::vector<ClientApp> clients;
    std::vector<SandboxUser> users;

    /// Whether the account is private, after applying the profile-wide default.
    bool user_private(const SandboxUser& user) const;
    /// The user with this open_id or username, or nullptr.
    const SandboxUser* find_user(std::string_view open_id_or_username) const;
    /// The app with this client key, or nullptr.
    const ClientApp* find_client(std::string_view client_key) const;
    /// Whether TikTok would pull from `url`: it starts with one of the verified prefixes.
    bool url_verified(std::string_view url) const;
};

/// The built-in profile: unaudited, private account, caps on, instant processing, one client
/// (sbx_client_key / sbx_client_secret) and the users "alice" and "bob".
Config default_config();

/// `base` with the keys present in `patch` (a JSON object) replaced; lists are replaced whole.
/// Throws ConfigError on an unknown key or a bad value.
Config merge_config(Config base, const nlohmann::json& patch);

/// The defaults merged with the JSON object in `path`; throws ConfigError when unreadable.
Config load_config_file(const std::string& path);

/// The profile as JSON, in the same shape merge_config accepts.
nlohmann::json to_json(const Config& config);

/// A stable open_id for a user that was configured without one, so demo scripts and tests see the
/// same ids on every run.
std::string generated_open_id(std::string_view username);

} // namespace sandbox
