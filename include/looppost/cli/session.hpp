#pragma once
// What a command works with: the Context, the output, and the database and vault, each opened
// only when the command first asks for it.

#include <looppost/cli/output.hpp>
#include <looppost/core/context.hpp>
#include <looppost/media/host.hpp>
#include <looppost/media/local_store.hpp>
#include <looppost/oauth/auth.hpp>
#include <looppost/store/db.hpp>
#include <looppost/vault/vault.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace looppost::cli {

class Session {
public:
    Session(core::Context& ctx, Output& out);

    core::Context& ctx() { return m_ctx; }
    Output& out() { return m_out; }

    /// Creates the folders and opens (migrating) the database on first use.
    store::Db& db();
    /// Opens the vault on first use (creating the key file for a new store).
    const vault::Vault& vault();
    /// What auth work needs: the database, the vault, the app's credentials (exit 78 without
    /// them) and the TikTok API client. Loads libcurl.
    oauth::AuthEnv& auth();
    /// Whether auth() was opened: only then can TikTok have said a grant was revoked.
    bool auth_opened() const { return m_auth != nullptr; }
    /// The local media store (DESIGN §4), next to the database.
    media::LocalStore& media();
    /// The configured media host, opened on first use (Error(config_missing) without one).
    media::MediaHost& media_host();
    /// Closes the database (and all that uses it), so that its files can be deleted.
    void close_db();
    /// The current time as unix seconds (the Context's clock).
    std::int64_t now() const;
    /// After `config set|unset`: stored settings are read again.
    void settings_changed() { m_stored.reset(); }

private:
    core::Context& m_ctx;
    Output& m_out;
    std::unique_ptr<store::Db> m_db;
    std::unique_ptr<vault::Vault> m_vault;
    std::unique_ptr<oauth::AuthEnv> m_auth;
    std::unique_ptr<media::LocalStore> m_media;
    std::unique_ptr<media::MediaHost> m_host;
    std::optional<std::map<std::string, std::string>> m_stored;
};

} // namespace looppost::cli
