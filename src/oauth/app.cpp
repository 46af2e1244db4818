#include <algorithm>
#include <ctime>
#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/oauth/app.hpp>
#include <looppost/util/strings.hpp>
#include <sodium.h>

namespace looppost::oauth {
namespace {
constexpr vault::Ad k_secret_ad{"app", 1, "client_secret"};
}

const std::vector<std::string>& known_scopes() {
    static const std::vector<std::string> s = {"user.info.basic", "user.info.profile",
                                               "user.info.stats", "video.list",
                                               "video.upload",    "video.publish"};
    return s;
}

const std::vector<std::string>& default_scopes() {
    return known_scopes();
}

std::vector<std::string> parse_scopes(std::string_view list) {
    std::vector<std::string> out;
    for (const auto& part : util::split(list, ',')) {
        std::string scope(util::trim(part));
        if (scope.empty()) {
            continue;
        }
        const auto& known = known_scopes();
        if (std::find(known.begin(), known.end(), scope) == known.end()) {
            throw UsageError(fmt::format("unknown scope \"{}\"{}; known scopes: {}", scope,
                                         util::did_you_mean(scope, known), util::join(known, ",")));
        }
        if (std::find(out.begin(), out.end(), scope) == out.end()) {
            out.push_back(scope);
        }
    }
    if (out.empty()) {
        throw UsageError("--scopes needs at least one scope");
    }
    return out;
}

vault::Secret read_secret(std::string_view what, std::string raw) {
    std::string_view t = util::trim(raw);
    vault::Secret s(t);
    sodium_memzero(raw.data(), raw.size());
    if (s.empty()) {
        throw Error(Exit::bad_input, fmt::format("the {} is empty", what));
    }
    return s;
}

void set_app(store::Db& db, const vault::Vault& vault, AppUpdate update) {
    auto existing = db.app_get();
    if (update.client_key) {
        std::string key(util::trim(*update.client_key));
        if (key.empty() || key.find_first_of(" \t\r\n") != std::string::npos) {
            throw Error(Exit::bad_input, fmt::format("client key \"{}\" is not valid", key));
        }
        update.client_key = key;
    }
    if (!update.client_key && !update.client_secret && !update.scopes) {
        throw UsageError(
            "nothing to change: give --client-key with the client secret, or --scopes");
    }
    if (!existing && (!update.client_key || !update.client_secret)) {
        throw UsageError("the first app set needs --client-key and the client secret "
                         "(--client-secret-stdin or --client-secret-file)");
    }
    if (existing && update.client_key && *update.client_key != existing->client_key &&
        !update.client_secret) {
        throw UsageError("a new client key needs its client secret too "
                         "(--client-secret-stdin or --client-secret-file)");
    }
    store::AppRow row = existing.value_or(store::AppRow{});
    if (update.client_key) {
        row.client_key = *update.client_key;
    }
    if (update.client_secret) {
        row.client_secret_sealed = vault.seal(update.client_secret->reveal(), k_secret_ad);
    }
    if (update.scopes) {
        row.scopes = *update.scopes;
    } else if (!existing) {
        row.scopes = default_scopes();
    }
    row.updated_at = static_cast<std::int64_t>(std::time(nullptr));
    db.transaction([&] {
        db.app_put(row);
        db.event_add("app.set", fmt::format("client key {}, scopes {}", row.client_key,
                                            util::join(row.scopes, ",")));
    });
}

AppSummary describe_app(const store::Db& db, const core::EnvLookup& env) {
    AppSummary s;
    auto row = db.app_get();
    if (row) {
        s.client_key = row->client_key;
        s.client_key_source = "stored";
        s.client_secret_source = "sealed";
        s.scopes = row->scopes;
        s.updated_at = row->updated_at;
    } else {
        s.scopes = default_scopes();
    }
    if (auto k = env("LOOPPOST_CLIENT_KEY")) {
        s.client_key = *k;
        s.client_key_source = "env";
    }
    if (env("LOOPPOST_CLIENT_SECRET")) {
        s.client_secret_source = "env";
    }
    return s;
}

AppCredentials load_app(const store::Db& db, const vault::Vault& vault,
                        const core::EnvLookup& env) {
    auto row = db.app_get();
    AppCredentials c;
    c.scopes = row ? row->scopes : default_scopes();
    if (auto k = env("LOOPPOST_CLIENT_KEY")) {
        c.client_key = *k;
    } else if (row) {
        c.client_key = row->client_key;
    }
    if (auto s = env("LOOPPOST_CLIENT_SECRET")) {
        c.client_secret = vault::Secret(*s);
    } else if (row) {
        c.client_secret = vault.open(row->client_secret_sealed, k_secret_ad);
    }
    if (c.client_key.empty() || c.client_secret.empty()) {
        throw Error(
            Exit::config_missing,
            "no TikTok app configured: run looppost app set --client-key KEY "
            "--client-secret-stdin (or set LOOPPOST_CLIENT_KEY and LOOPPOST_CLIENT_SECRET)");
    }
    return c;
}

} // namespace looppost::oauth
