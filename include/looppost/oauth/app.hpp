#pragma once
// The user's own TikTok app (DESIGN §1.8, §2 `app set`): client key, sealed client secret, and
// the scopes TikTok approved for it. LOOPPOST_CLIENT_KEY / LOOPPOST_CLIENT_SECRET override.

#include <looppost/core/env.hpp>
#include <looppost/store/db.hpp>
#include <looppost/vault/vault.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace looppost::oauth {

/// Every scope looppost knows (reference §2.1).
const std::vector<std::string>& known_scopes();
/// The scopes an app is assumed approved for when `--scopes` is not given (DESIGN §2).
const std::vector<std::string>& default_scopes();

/// Parses "a,b,c" (spaces allowed), refusing unknown scopes with "did you mean"; order kept,
/// duplicates dropped. Throws UsageError.
std::vector<std::string> parse_scopes(std::string_view list);

struct AppUpdate {
    std::optional<std::string> client_key;
    std::optional<vault::Secret> client_secret;
    std::optional<std::vector<std::string>> scopes;
};

/// Stores the app. The first `app set` needs both key and secret; later ones may change the
/// scopes alone, but a new client key needs its secret. Throws UsageError / Error(bad_input).
void set_app(store::Db& db, const vault::Vault& vault, AppUpdate update);

/// What `app show` and `doctor` say about the app, without opening the secret.
struct AppSummary {
    std::optional<std::string> client_key;
    std::string client_key_source;    ///< "env", "stored" or ""
    std::string client_secret_source; ///< "env", "sealed" or ""
    std::vector<std::string> scopes;
    std::optional<std::int64_t> updated_at;
};
AppSummary describe_app(const store::Db& db, const core::EnvLookup& env);

struct AppCredentials {
    std::string client_key;
    vault::Secret client_secret;
    std::vector<std::string> scopes;
};

/// The credentials to call TikTok with. Throws Error(config_missing) naming `app set`.
AppCredentials load_app(const store::Db& db, const vault::Vault& vault, const core::EnvLookup& env);

/// Reads a secret given on stdin or in a file: surrounding whitespace dropped; empty refused.
vault::Secret read_secret(std::string_view what, std::string raw);

} // namespace looppost::oauth
