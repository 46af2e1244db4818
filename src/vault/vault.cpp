#include <cstdio>
#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/vault/vault.hpp>
#include <sodium.h>
#include <unistd.h>

namespace looppost::vault {
namespace {

constexpr unsigned char k_format_v1 = 1;
constexpr std::string_view k_check_plaintext = "looppost key check v1";
constexpr Ad k_check_ad{"meta", 0, "key_check"};

constexpr std::size_t k_key_bytes = crypto_aead_xchacha20poly1305_ietf_KEYBYTES;
constexpr std::size_t k_nonce_bytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t k_tag_bytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;

std::string ad_string(const Ad& ad) {
    return fmt::format("looppost/{}/{}/{}", ad.table, ad.row, ad.field);
}

void init_sodium() {
    if (sodium_init() < 0) {
        throw Fatal("libsodium failed to initialise");
    }
}

store::Blob to_blob(std::string_view s) {
    return {s.begin(), s.end()};
}

struct KdfParams {
    unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
    std::size_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
};

std::string kdf_params_string(const KdfParams& p) {
    return fmt::format("argon2id13 ops={} mem={}", p.ops, p.mem);
}

KdfParams parse_kdf_params(const store::Blob& b) {
    std::string s(b.begin(), b.end());
    KdfParams p;
    unsigned long long ops = 0;
    unsigned long long mem = 0;
    if (std::sscanf(s.c_str(), "argon2id13 ops=%llu mem=%llu", &ops, &mem) != 2) {
        throw Fatal(fmt::format("unknown key derivation \"{}\" in the database", s));
    }
    p.ops = ops;
    p.mem = static_cast<std::size_t>(mem);
    return p;
}

Secret derive_key(const Secret& passphrase, const store::Blob& salt, const KdfParams& p) {
    if (salt.size() != crypto_pwhash_SALTBYTES) {
        throw Fatal("the passphrase salt in the database is damaged");
    }
    std::string key(k_key_bytes, '\0');
    if (crypto_pwhash(reinterpret_cast<unsigned char*>(key.data()), key.size(),
                      passphrase.reveal().data(), passphrase.size(), salt.data(), p.ops, p.mem,
                      crypto_pwhash_ALG_ARGON2ID13) != 0) {
        throw Fatal("key derivation ran out of memory");
    }
    Secret s(key);
    sodium_memzero(key.data(), key.size());
    return s;
}

} // namespace

Vault open_for(const core::Context& ctx, store::Db& db) {
    auto mode =
        ctx.settings().get_string("key_mode") == "passphrase" ? KeyMode::passphrase : KeyMode::file;
    auto source = env_passphrase_source(ctx.env());
    return Vault::open(ctx.paths(), db, mode, *source);
}

std::string_view key_mode_name(KeyMode m) {
    return m == KeyMode::file ? "file" : "passphrase";
}

Vault Vault::open(const core::Paths& paths, store::Db& db, KeyMode mode_for_new_store,
                  PassphraseSource& passphrase) {
    init_sodium();
    auto recorded = db.meta_get("vault_mode");
    if (!recorded) {
        // A new store: choose the mode, make the key, record the check.
        KeyMode mode = mode_for_new_store;
        Secret key;
        store::Blob salt;
        KdfParams params;
        if (mode == KeyMode::file) {
            key = read_or_create_key_file(paths.key_file());
        } else {
            salt.resize(crypto_pwhash_SALTBYTES);
            randombytes_buf(salt.data(), salt.size());
            key = derive_key(passphrase.get(/*new_store=*/true), salt, params);
        }
        Vault v(std::move(key), mode);
        bool raced = false;
        db.transaction([&] {
            if (db.meta_get("vault_mode")) {
                raced = true; // another process set the vault up first
                return;
            }
            db.meta_put("vault_mode", to_blob(key_mode_name(mode)));
            if (mode == KeyMode::passphrase) {
                db.meta_put("kdf_salt", salt);
                db.meta_put("kdf_params", to_blob(kdf_params_string(params)));
            }
            db.meta_put("key_check", v.seal(k_check_plaintext, k_check_ad));
        });
        if (!raced) {
            return v;
        }
        recorded = db.meta_get("vault_mode");
    }

    std::string mode_name(recorded->begin(), recorded->end());
    KeyMode mode = mode_name == "passphrase" ? KeyMode::passphrase : KeyMode::file;
    Secret key;
    if (mode == KeyMode::file) {
        if (::access(paths.key_file().c_str(), F_OK) != 0) {
            throw Error(Exit::config_missing,
                        fmt::format("key file \"{}\" is missing, and the secrets in \"{}\" are "
                                    "sealed with it; restore the key file from a backup",
                                    paths.key_file().string(), db.file().string()));
        }
        key = read_key_file(paths.key_file());
    } else {
        auto salt = db.meta_get("kdf_salt");
        auto params = db.meta_get("kdf_params");
        if (!salt || !params) {
            throw Fatal("the passphrase settings in the database are missing");
        }
        key = derive_key(passphrase.get(/*new_store=*/false), *salt, parse_kdf_params(*params));
    }
    Vault v(std::move(key), mode);
    auto check = db.meta_get("key_check");
    std::string plain;
    if (!check || !v.try_open(*check, k_check_ad, plain) || plain != k_check_plaintext) {
        if (mode == KeyMode::file) {
            throw Error(Exit::config_missing,
                        fmt::format("key file \"{}\" does not match database \"{}\" (wrong key); "
                                    "restore the key file that belongs to it",
                                    paths.key_file().string(), db.file().string()));
        }
        throw Error(Exit::config_missing,
                    fmt::format("wrong passphrase for database \"{}\"", db.file().string()));
    }
    return v;
}

store::Blob Vault::seal(std::string_view plaintext, const Ad& ad) const {
    std::string ads = ad_string(ad);
    store::Blob out(1 + k_nonce_bytes + plaintext.size() + k_tag_bytes);
    out[0] = k_format_v1;
    unsigned char* nonce = out.data() + 1;
    randombytes_buf(nonce, k_nonce_bytes);
    unsigned long long clen = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        out.data() + 1 + k_nonce_bytes, &clen,
        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
        reinterpret_cast<const unsigned char*>(ads.data()), ads.size(), nullptr, nonce,
        reinterpret_cast<const unsigned char*>(m_key.reveal().data()));
    out.resize(1 + k_nonce_bytes + clen);
    return out;
}

bool Vault::try_open(const store::Blob& sealed, const Ad& ad, std::string& out) const {
    if (sealed.size() < 1 + k_nonce_bytes + k_tag_bytes || sealed[0] != k_format_v1) {
        return false;
    }
    std::string ads = ad_string(ad);
    const unsigned char* nonce = sealed.data() + 1;
    const unsigned char* c = nonce + k_nonce_bytes;
    std::size_t clen = sealed.size() - 1 - k_nonce_bytes;
    out.assign(clen - k_tag_bytes, '\0');
    unsigned long long mlen = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            reinterpret_cast<unsigned char*>(out.data()), &mlen, nullptr, c, clen,
            reinterpret_cast<const unsigned char*>(ads.data()), ads.size(), nonce,
            reinterpret_cast<const unsigned char*>(m_key.reveal().data())) != 0) {
        out.clear();
        return false;
    }
    out.resize(mlen);
    return true;
}

Secret Vault::open(const store::Blob& sealed, const Ad& ad) const {
    std::string plain;
    if (!try_open(sealed, ad, plain)) {
        throw Fatal(fmt::format("sealed value {}.{} (row {}) cannot be opened: it was altered or "
                                "moved from another row",
                                ad.table, ad.field, ad.row));
    }
    Secret s(plain);
    sodium_memzero(plain.data(), plain.size());
    return s;
}

} // namespace looppost::vault
