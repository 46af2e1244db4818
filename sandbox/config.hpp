#pragma once
// The sandbox profile: which kind of TikTok app and account the emulator pretends to be. Loaded
// from --config at start-up, changed at runtime through POST /_sandbox/config, and restored to the
// loaded version by POST /_sandbox/reset.

#include <cstdint>
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

/// The six scopes of reference §2.1, in its order.
const std::vector<std::string>& known_scopes();

/// The redirect URIs a client gets unless its profile lists its own: any loopback port on
/// /callback/ (desktop, PKCE) and one https page (web; also where QR logins land).
std::vector<std::string> default_redirect_uris();

/// Whether the host of `uri` is localhost or 127.0.0.1: a desktop redirect, where PKCE is required.
bool is_loopback_uri(std::string_view uri);

/// Throws ConfigError unless TikTok's portal would register `uri` (reference §2.2): https, or http
/// on loopback; loopback needs a port (`*` allowed); no query or fragment; < 512 characters.
void check_redirect_uri(std::string_view uri);

/// Throws ConfigError unless `scope` is one of known_scopes().
void check_scope(std::string_view scope);

/// A TikTok app the sandbox accepts (client credentials for the OAuth endpoints).
struct ClientApp {
    std::string client_key;
    std::string client_secret;
    /// Registered redirect URIs (reference §2.2): matched character for character, except that a
    /// port written `*` on a loopback URI matches any port. At most 10, each < 512 characters.
    std::vector<std::string> redirect_uris = default_redirect_uris();
    /// The scopes the portal approved for the app; requesting any other fails the authorization.
    std::vector<std::string> approved_scopes = known_scopes();

    /// Whether `uri` is one of the registered redirect URIs (wildcard-port rule included).
    bool accepts_redirect(std::string_view uri) const;
    /// The first registered https redirect URI that is not loopback (where QR logins land), or
    /// empty.
    std::string web_redirect_uri() const;
};

/// Why creator_info says a creator cannot post now (reference §4.2: answered with HTTP 200).
const std::vector<std::string>& cannot_post_codes();

/// Videos a user already has (tests, benchmarks; videos.cpp): `count` of them, the first
/// created at `start` (Unix seconds, sandbox time) and one every `every` seconds after it. A video
/// is listed once the sandbox clock reaches its create time. Nothing is stored per video.
struct VideoSeed {
    std::int64_t count = 0;
    std::int64_t start = 0;
    std::int64_t every = 86400;
};

/// A user's "videos" key: {"count": N, "start": T, "every": S}; throws ConfigError when bad.
VideoSeed parse_video_seed(const nlohmann::json& value);
nlohmann::json to_json(const VideoSeed& seed);

/// A TikTok account that can log in to the sandbox.
struct SandboxUser {
    std::string open_id;
    std::string username;
    std::string display_name;       // creator_info's creator_nickname
    std::optional<bool> is_private; // unset: follows Config::account_private

    // The creator's own settings that creator_info reports (reference §4.2). A private account
    // has duet and stitch disabled whatever these say.
    bool comment_disabled = false;
    bool duet_disabled = false;
    bool stitch_disabled = false;
    std::int32_t max_video_post_duration_sec = 600;
    /// One of cannot_post_codes(): creator_info answers 200 with this error code, and every
    /// init is refused with 403 and this code.
    std::optional<std::string> cannot_post;
    /// A fail_reason (reference §4.9): every post of this user ends FAILED with it.
    std::optional<std::string> fail_reason;
    /// Public videos the user has besides the ones posted through the sandbox.
    std::optional<VideoSeed> videos;
};

struct Config {
    bool audited = false;
    bool account_private = true;
    bool caps = true;                   // daily post caps and pending-inbox caps enforced
    std::int64_t daily_post_cap = 15;   // direct posts per user per 24 h (when caps)
    std::int64_t pending_inbox_cap = 5; // pending inbox shares per user per 24 h (when caps)
    /// Seconds before a public direct post shows its publicaly_available_post_id; unset: 0 with
    /// instant processing, 30 with realistic.
    std::optional<std::int64_t> moderation_seconds;
    Processing processing = Processing::instant;
    double rate_limit_multiplier = 1.0; // 0 disables rate limits
    std::vector<std::string> verified_url_prefixes;
    std::vector<ClientApp> clients;
    std::vector<SandboxUser> users;

    // OAuth (reference §2 and §3). Lifetimes are in sandbox seconds; the defaults are the classic
    // docs' values (the 2026 docs say 7200 and 15552000: set them to rehearse those).
    std::int64_t access_token_ttl = 86400;
    std::int64_t refresh_token_ttl = 31536000; // absolute from the first grant, not extended
    std::int64_t code_ttl = 600;               // authorization codes
    std::int64_t qr_ttl = 120;                 // a QR session not confirmed by then is expired
    /// Every QR session is scanned (by the consent user) at its first check_qrcode and confirmed
    /// at its second. No displayed URL is scanned, so client_ticket stays "".
    bool qr_auto = false;
    /// Who approves the consent page and auto QR sessions (username or open_id); unset: the first
    /// user.
    std::optional<std::string> consent_user;
    /// Unset: the user grants every requested scope; set: only the requested ones in this list.
    std::optional<std::vector<std::string>> grant_scopes;

    /// Whether the account is private, after applying the profile-wide default.
    bool user_private(const SandboxUser& user) const;
    /// The user with this open_id or username, or nullptr.
    const SandboxUser* find_user(std::string_view open_id_or_username) const;
    /// The app with this client key, or nullptr.
    const ClientApp* find_client(std::string_view client_key) const;
    /// The user who consents (consent_user, else the first user), or nullptr when there is none.
    const SandboxUser* consenting_user() const;
    /// What the consenting user grants of `requested` (in the requested order).
    std::vector<std::string> granted(const std::vector<std::string>& requested) const;
    /// Whether TikTok would pull from `url`: it starts with one of the verified prefixes.
    bool url_verified(std::string_view url) const;
};

/// The built-in profile: unaudited, private account, caps on, instant processing, one client
/// (sbx_client_key / sbx_client_secret) and the users "alice" and "bob" with TikTok's default
/// creator settings (everything allowed, 600 s videos, free to post).
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
