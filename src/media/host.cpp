// Media host configuration: object keys, URLs, validation, and the stored host (DESIGN §1.3).

#include <ctime>
#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/media/host.hpp>
#include <looppost/media/local_store.hpp>
#include <looppost/util/strings.hpp>
#include <looppost/util/url.hpp>

namespace looppost::media {
namespace {

constexpr vault::Ad k_secret_ad{"media_host", 1, "secret_key"};

std::string without_trailing_slashes(std::string s) {
    while (!s.empty() && s.back() == '/') {
        s.pop_back();
    }
    return s;
}

// https, or http to a loopback host (tests, the sandbox): DESIGN §6.
void check_url(std::string_view flag, const std::string& url) {
    auto parts = util::parse_url(url);
    if (!parts || parts->host.empty()) {
        throw UsageError(fmt::format("{} \"{}\" is not an http(s) URL", flag, url));
    }
    if (!util::is_allowed_url(url)) {
        throw UsageError(fmt::format("{} \"{}\" must be https (plain http only for 127.0.0.1, ::1 "
                                     "or localhost)",
                                     flag, url));
    }
    if (url.find_first_of("?#") != std::string::npos) {
        throw UsageError(fmt::format("{} \"{}\" must not have a query or fragment", flag, url));
    }
}

bool only_chars(std::string_view s, std::string_view allowed_extra) {
    for (char c : s) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  allowed_extra.find(c) != std::string_view::npos;
        if (!ok) {
            return false;
        }
    }
    return true;
}

} // namespace

std::string make_object_key(core::Random& random, std::string_view prefix, std::string_view mime) {
    return fmt::format("{}{}.{}", prefix, random.hex(32), extension_for(mime));
}

std::string join_url(std::string_view base, std::string_view key) {
    while (!base.empty() && base.back() == '/') {
        base.remove_suffix(1);
    }
    while (!key.empty() && key.front() == '/') {
        key.remove_prefix(1);
    }
    return fmt::format("{}/{}", base, key);
}

std::string s3_object_url(const HostConfig& c, std::string_view key) {
    if (c.path_style) {
        return join_url(join_url(c.endpoint, c.bucket), key);
    }
    auto parts = util::parse_url(c.endpoint);
    if (!parts) {
        throw UsageError(fmt::format("--endpoint \"{}\" is not an http(s) URL", c.endpoint));
    }
    std::string host = parts->port.empty() ? parts->host : parts->host + ":" + parts->port;
    std::string path = parts->target == "/" ? "" : without_trailing_slashes(parts->target);
    return join_url(fmt::format("{}://{}.{}{}", parts->scheme, c.bucket, host, path), key);
}

HostConfig validated(HostConfig c) {
    c.public_base_url = std::string(util::trim(c.public_base_url));
    check_url("--public-base-url", c.public_base_url);
    if (c.public_base_url.back() != '/') {
        c.public_base_url += '/';
    }
    if (!only_chars(c.prefix, "ABCDEFGHIJKLMNOPQRSTUVWXYZ/_.-") ||
        c.prefix.find("..") != std::string::npos ||
        (!c.prefix.empty() && c.prefix.front() == '/')) {
        throw UsageError(fmt::format("--prefix \"{}\" may hold only letters, digits and / _ . - "
                                     "(no leading slash, no ..)",
                                     c.prefix));
    }
    if (c.kind == "dir") {
        if (c.path.empty()) {
            throw UsageError("media set dir needs --path DIR");
        }
        std::error_code ec;
        auto abs = std::filesystem::absolute(c.path, ec);
        if (ec || !std::filesystem::is_directory(abs, ec)) {
            throw Error(
                Exit::no_input,
                fmt::format("--path \"{}\" is not a folder (create it first)", c.path.string()));
        }
        c.path = abs.lexically_normal();
        c.endpoint.clear();
        c.bucket.clear();
        c.region.clear();
        c.access_key_id.clear();
        c.path_style = false;
        return c;
    }
    if (c.kind != "s3") {
        throw UsageError(fmt::format("unknown media host kind \"{}\" (s3 or dir)", c.kind));
    }
    c.endpoint = without_trailing_slashes(std::string(util::trim(c.endpoint)));
    check_url("--endpoint", c.endpoint);
    if (c.bucket.size() < 3 || c.bucket.size() > 63 || !only_chars(c.bucket, ".-") ||
        c.bucket.front() == '-' || c.bucket.front() == '.') {
        throw UsageError(fmt::format("--bucket \"{}\" is not a valid bucket name (3 to 63 "
                                     "lowercase letters, digits, dots and dashes)",
                                     c.bucket));
    }
    if (c.region.empty() || !only_chars(c.region, "-")) {
        throw UsageError(
            fmt::format("--region \"{}\" is not a region name (e.g. us-east-1, auto)", c.region));
    }
    if (c.access_key_id.empty() || !only_chars(c.access_key_id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_-")) {
        throw UsageError(
            fmt::format("--access-key-id \"{}\" is not an access key id", c.access_key_id));
    }
    c.path.clear();
    return c;
}

void set_host(store::Db& db, const vault::Vault& vault, HostConfig config,
              std::optional<vault::Secret> secret) {
    HostConfig c = validated(std::move(config));
    store::MediaHostRow row;
    row.kind = c.kind;
    row.public_base_url = c.public_base_url;
    row.path = c.path.string();
    row.endpoint = c.endpoint;
    row.bucket = c.bucket;
    row.region = c.region;
    row.access_key_id = c.access_key_id;
    row.prefix = c.prefix;
    row.path_style = c.path_style;
    row.updated_at = static_cast<std::int64_t>(std::time(nullptr));
    if (c.kind == "s3") {
        if (!secret || secret->empty()) {
            throw UsageError("media set s3 needs the secret access key: --secret-access-key-stdin "
                             "or LOOPPOST_S3_SECRET_ACCESS_KEY");
        }
        row.secret_key_sealed = vault.seal(secret->reveal(), k_secret_ad);
    }
    db.transaction([&] {
        db.media_host_put(row);
        db.event_add("media_host.set",
                     fmt::format("{} host, public base URL {}", c.kind, c.public_base_url));
    });
}

std::optional<HostConfig> describe_host(const store::Db& db) {
    auto row = db.media_host_get();
    if (!row) {
        return std::nullopt;
    }
    HostConfig c;
    c.kind = row->kind;
    c.public_base_url = row->public_base_url;
    c.path = row->path;
    c.endpoint = row->endpoint;
    c.bucket = row->bucket;
    c.region = row->region;
    c.access_key_id = row->access_key_id;
    c.prefix = row->prefix;
    c.path_style = row->path_style;
    c.updated_at = row->updated_at;
    return c;
}

std::unique_ptr<MediaHost> open_host(const store::Db& db, const vault::Vault& vault,
                                     const core::EnvLookup& env, HostEnv seams) {
    auto row = db.media_host_get();
    if (!row) {
        throw Error(Exit::config_missing,
                    "no media host configured: photos need one (looppost media set dir --path DIR "
                    "--public-base-url URL, or looppost media set s3 …)");
    }
    auto config = *describe_host(db);
    if (config.kind == "dir") {
        return make_dir_host(config, seams.random);
    }
    vault::Secret secret;
    if (auto s = env("LOOPPOST_S3_SECRET_ACCESS_KEY"); s && !s->empty()) {
        secret = vault::Secret(*s);
    } else {
        secret = vault.open(row->secret_key_sealed, k_secret_ad);
    }
    return make_s3_host(config, std::move(secret), seams);
}

bool ProbeReport::ok() const {
    for (const auto& s : steps) {
        if (!s.ok) {
            return false;
        }
    }
    return !steps.empty();
}

} // namespace looppost::media
