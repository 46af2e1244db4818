#pragma once
// Media hosts (DESIGN §1.3): TikTok pulls photos from a URL on a domain the user verified, so a
// photo is put on a host first — an S3-compatible bucket or a folder the user's web server
// publishes — under a name nobody can guess, and deleted once TikTok no longer needs it.

#include <filesystem>
#include <looppost/core/clock.hpp>
#include <looppost/core/env.hpp>
#include <looppost/store/db.hpp>
#include <looppost/vault/secret.hpp>
#include <looppost/vault/vault.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace looppost::net {
class HttpClient;
}

namespace looppost::media {

/// A file on the host: its key (the name under the prefix) and the URL TikTok pulls it from.
struct HostedObject {
    std::string key;
    std::string url;
};

class MediaHost {
public:
    virtual ~MediaHost() = default;
    /// "s3" or "dir".
    virtual std::string kind() const = 0;
    /// A new unguessable key for a file of type `mime`. Publishing stores it before the upload,
    /// so an object a crash leaves behind is still known (and swept by purge --hosted-media).
    virtual std::string new_key(std::string_view mime) = 0;
    /// Puts `file` (whose sha256 and type are known) under `key`. Throws Error(unavailable) when
    /// the host refuses or cannot be reached.
    virtual HostedObject put_as(const std::string& key, const std::filesystem::path& file,
                                std::string_view sha256, std::string_view mime) = 0;
    /// put_as() under a new key.
    HostedObject put(const std::filesystem::path& file, std::string_view sha256,
                     std::string_view mime) {
        return put_as(new_key(mime), file, sha256, mime);
    }
    /// Deletes `key`; an absent key is fine. Throws Error(unavailable) on failure.
    virtual void remove(const std::string& key) = 0;
    /// Whether the host still has `key`. Throws Error(unavailable) when it cannot tell.
    virtual bool exists(const std::string& key) = 0;
    /// The public URL of `key`: the public base URL followed by the key.
    virtual std::string public_url(const std::string& key) const = 0;
};

/// The host's settings (`media set`), without its secret.
struct HostConfig {
    std::string kind; ///< s3 | dir
    std::string public_base_url;
    std::filesystem::path path; ///< dir
    std::string endpoint;       ///< s3
    std::string bucket;
    std::string region;
    std::string access_key_id;
    std::string prefix;
    bool path_style = false;
    std::optional<std::int64_t> updated_at;
};

/// `<prefix><64 hex digits of 32 random bytes>.<ext>`: never derived from the content, so
/// knowing a photo does not reveal its URL.
std::string make_object_key(core::Random& random, std::string_view prefix, std::string_view mime);

/// `base` + `key`, with exactly one slash between them.
std::string join_url(std::string_view base, std::string_view key);

/// The URL of `key` in the bucket: endpoint/bucket/key (path style) or bucket.endpoint/key.
std::string s3_object_url(const HostConfig& config, std::string_view key);

/// Checks and tidies a configuration (trailing slashes, URL schemes: https, or http only for
/// loopback; bucket, region and prefix spelling). Throws UsageError / Error(bad_input) naming
/// the offending value.
HostConfig validated(HostConfig config);

/// Stores the host (replacing any previous one); `secret` is required for s3 and sealed.
void set_host(store::Db& db, const vault::Vault& vault, HostConfig config,
              std::optional<vault::Secret> secret);

/// The stored host, if any (never the secret).
std::optional<HostConfig> describe_host(const store::Db& db);

/// The seams a host talks through.
struct HostEnv {
    net::HttpClient& http;
    core::Clock& clock;
    core::Random& random;
};

/// The configured host, ready to use. LOOPPOST_S3_SECRET_ACCESS_KEY overrides the stored secret.
/// Throws Error(config_missing) naming `media set` when none is configured.
std::unique_ptr<MediaHost> open_host(const store::Db& db, const vault::Vault& vault,
                                     const core::EnvLookup& env, HostEnv seams);

std::unique_ptr<MediaHost> make_dir_host(const HostConfig& config, core::Random& random);
std::unique_ptr<MediaHost> make_s3_host(const HostConfig& config, vault::Secret secret,
                                        HostEnv seams);

/// One step of `media test`.
struct ProbeStep {
    std::string name; ///< upload | fetch | compare | delete | gone
    bool ok = false;
    std::string detail;
};

struct ProbeReport {
    std::string url; ///< where the probe was published
    std::vector<ProbeStep> steps;
    bool ok() const;
};

/// `media test`: puts a small JPEG on the host, fetches it back through its public URL and
/// compares the bytes, deletes it and checks that it is gone. Stops at the first failed step
/// (but still deletes an uploaded probe). `work_dir` holds the probe file meanwhile.
ProbeReport probe_host(MediaHost& host, HostEnv seams, const std::filesystem::path& work_dir);

} // namespace looppost::media
