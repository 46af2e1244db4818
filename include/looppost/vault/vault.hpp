#pragma once
// The vault seals secrets for the database with XChaCha20-Poly1305 under the user's master key:
// 32 random bytes in a key file (0600, created atomically), or derived from a passphrase with
// Argon2id (salt and parameters in `meta`). Associated data names table, row and field, so a
// sealed value cannot be moved to another row. A key check in `meta` makes a wrong key or
// passphrase an error of its own, reported before anything is opened or written.

#include <cstdint>
#include <looppost/core/context.hpp>
#include <looppost/core/env.hpp>
#include <looppost/core/paths.hpp>
#include <looppost/store/db.hpp>
#include <looppost/vault/secret.hpp>
#include <memory>
#include <string>
#include <string_view>

namespace looppost::vault {

/// Where a sealed value lives: bound into the ciphertext as associated data.
struct Ad {
    std::string_view table;
    std::int64_t row;
    std::string_view field;
};

enum class KeyMode { file, passphrase };
std::string_view key_mode_name(KeyMode m);

/// Supplies the passphrase (passphrase mode).
class PassphraseSource {
public:
    virtual ~PassphraseSource() = default;
    /// `new_store`: the passphrase is being chosen (a prompt asks twice).
    virtual Secret get(bool new_store) = 0;
};

/// LOOPPOST_PASSPHRASE_FILE when set, otherwise a prompt on the terminal; without either, an
/// error that names both.
std::unique_ptr<PassphraseSource> env_passphrase_source(core::EnvLookup env);

class Vault {
public:
    /// Opens the vault of `db`. A store without a vault yet gets one in `mode_for_new_store`
    /// (creating the key file when needed); an existing one uses the mode recorded in `meta`.
    static Vault open(const core::Paths& paths, store::Db& db, KeyMode mode_for_new_store,
                      PassphraseSource& passphrase);

    store::Blob seal(std::string_view plaintext, const Ad& ad) const;
    /// Throws Fatal naming the field when the value was altered or moved to another row.
    Secret open(const store::Blob& sealed, const Ad& ad) const;

    KeyMode mode() const { return m_mode; }

private:
    Vault(Secret key, KeyMode mode) : m_key(std::move(key)), m_mode(mode) {}
    bool try_open(const store::Blob& sealed, const Ad& ad, std::string& out) const;

    Secret m_key;
    KeyMode m_mode;
};

/// Opens the vault of `db` the way every command does: the key_mode setting decides the mode of
/// a new store; the passphrase comes from LOOPPOST_PASSPHRASE_FILE or the terminal.
Vault open_for(const core::Context& ctx, store::Db& db);

/// Reads the key file, refusing loose permissions, a foreign owner or a wrong size.
Secret read_key_file(const std::filesystem::path& file);

/// Reads the key file, or creates it (32 random bytes, 0600, atomically) when missing.
Secret read_or_create_key_file(const std::filesystem::path& file);

} // namespace looppost::vault
