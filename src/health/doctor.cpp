#include <chrono>
#include <ctime>
#include <fmt/format.h>
#include <functional>
#include <looppost/core/log.hpp>
#include <looppost/health/doctor.hpp>
#include <looppost/media/host.hpp>
#include <looppost/net/curl_client.hpp>
#include <looppost/net/http.hpp>
#include <looppost/oauth/app.hpp>
#include <looppost/oauth/auth.hpp>
#include <looppost/store/db.hpp>
#include <looppost/util/fs.hpp>
#include <looppost/util/strings.hpp>
#include <looppost/vault/vault.hpp>
#include <optional>

namespace looppost::health {
namespace fs = std::filesystem;

bool Report::ok() const {
    for (const auto& c : checks) {
        if (!c.ok)
            return false;
    }
    return true;
}

Exit Report::exit() const {
    Exit e = Exit::ok;
    for (const auto& c : checks) {
        if (!c.ok)
            e = more_urgent(e, c.failure);
    }
    return e;
}

namespace {

// Runs `body`, turning an Error into a failed check.
Check run_check(std::string name, const std::function<std::string()>& body) {
    Check c;
    c.name = std::move(name);
    try {
        c.detail = body();
        c.ok = true;
    } catch (const Error& e) {
        c.detail = e.what();
        c.failure = e.exit();
    } catch (const std::exception& e) {
        c.detail = e.what();
        c.failure = Exit::failed;
    }
    return c;
}

Check skipped(std::string name, std::string_view needs) {
    // A consequence of an earlier failure, which carries the exit status.
    return {std::move(name), false, fmt::format("not checked: needs {}", needs), Exit::ok};
}

// A folder or file readable by others is reported with the command that fixes it.
std::string check_private(const fs::path& p, mode_t want) {
    auto mode = util::file_mode(p);
    if (!mode) {
        throw Error(Exit::config_missing, fmt::format("\"{}\" is missing", p.string()));
    }
    if ((*mode & 077) != 0) {
        throw Error(Exit::config_missing,
                    fmt::format("\"{}\" is mode {}; run chmod {:o} \"{}\"", p.string(),
                                util::mode_string(*mode), want, p.string()));
    }
    return fmt::format("{} ({})", p.string(), util::mode_string(*mode));
}

std::optional<std::time_t> parse_http_date(const std::string& s) {
    std::tm tm{};
    if (strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm) == nullptr) {
        return std::nullopt;
    }
    return timegm(&tm);
}

} // namespace

Report run_doctor(core::Context& ctx) {
    Report r;
    const auto& paths = ctx.paths();

    r.checks.push_back(run_check("home", [&] {
        paths.ensure();
        return fmt::format("config {}; data {}", check_private(paths.config_dir, 0700),
                           check_private(paths.data_dir, 0700));
    }));

    // Shared with the stored-settings lookup, which outlives this function in the Context.
    std::shared_ptr<store::Db> db;
    if (r.checks.back().ok) {
        r.checks.push_back(run_check("database", [&] {
            db = store::Db::open(paths.db_file());
            std::string integrity = db->quick_check();
            if (integrity != "ok") {
                throw Error(Exit::failed, fmt::format("\"{}\" is damaged: {}",
                                                      paths.db_file().string(), integrity));
            }
            return fmt::format("{}, schema {} of {}", check_private(paths.db_file(), 0600),
                               db->schema_version(), store::Db::latest_version());
        }));
    } else {
        r.checks.push_back(skipped("database", "a usable home"));
    }

    // Stored settings come from the database this report opened, or from nowhere.
    if (db) {
        ctx.set_stored_settings([db](std::string_view name) { return db->setting_get(name); });
        core::log::enable_from(ctx.settings());
    } else {
        ctx.set_stored_settings(nullptr);
    }

    std::optional<vault::Vault> vlt;
    if (db) {
        r.checks.push_back(run_check("key", [&]() -> std::string {
            vlt.emplace(vault::open_for(ctx, *db));
            if (vlt->mode() == vault::KeyMode::passphrase) {
                return "passphrase (Argon2id); the passphrase matches the database";
            }
            return fmt::format("key file {}; it matches the database",
                               check_private(paths.key_file(), 0600));
        }));
    } else {
        r.checks.push_back(skipped("key", "the database"));
    }

    if (db && vlt) {
        r.checks.push_back(run_check("app", [&] {
            auto creds = oauth::load_app(*db, *vlt, ctx.env());
            auto summary = oauth::describe_app(*db, ctx.env());
            return fmt::format("client key {} ({}), secret {}, scopes {}", creds.client_key,
                               summary.client_key_source, summary.client_secret_source,
                               util::join(creds.scopes, ","));
        }));
    } else {
        r.checks.push_back(skipped("app", "the database and the key"));
    }

    if (db) {
        r.checks.push_back(run_check("accounts", [&]() -> std::string {
            auto accounts = db->accounts();
            if (accounts.empty())
                return "none yet (looppost auth login)";
            auto now = std::chrono::system_clock::to_time_t(ctx.clock().now());
            std::vector<std::string> need_login, ending, fine;
            for (const auto& a : accounts) {
                if (a.state == "reauth_required" || a.refresh_token.empty() ||
                    a.refresh_expires_at <= now) {
                    need_login.push_back(a.name);
                } else if (a.refresh_expires_at - now < oauth::k_login_warning_s) {
                    ending.push_back(
                        fmt::format("{} (login ends within {} days)", a.name,
                                    std::max<long>(0, (a.refresh_expires_at - now) / 86400)));
                } else {
                    fine.push_back(a.name + (a.paused ? " (paused)" : ""));
                }
            }
            if (!need_login.empty()) {
                throw Error(Exit::reauth_required,
                            fmt::format("needs a new login: {} (looppost auth login --name NAME)",
                                        util::join(need_login, ", ")));
            }
            std::string detail = util::join(fine, ", ");
            if (!ending.empty()) {
                detail += (detail.empty() ? "" : "; ") + util::join(ending, ", ") +
                          ": run looppost auth login --name NAME soon";
            }
            return detail;
        }));
    } else {
        r.checks.push_back(skipped("accounts", "the database"));
    }

    if (db && vlt) {
        r.checks.push_back(run_check("media", [&]() -> std::string {
            auto host = media::describe_host(*db);
            if (!host) {
                return "no media host: videos need none, photos do (looppost media set dir|s3)";
            }
            // Opening it proves the sealed secret still opens; no network here (media test).
            struct NoHttp final : net::HttpClient {
                net::Result send(const net::Request&) override {
                    throw Fatal("doctor: the media check makes no request");
                }
            } no_http;
            media::open_host(*db, *vlt, ctx.env(), {no_http, ctx.clock(), ctx.random()});
            std::string where =
                host->kind == "dir"
                    ? fmt::format("folder \"{}\"", host->path.string())
                    : fmt::format("bucket \"{}\" at {}", host->bucket, host->endpoint);
            auto waiting =
                db->hosted_copies({.kind = store::PurgeScope::Kind::hosted_media}).size() +
                db->hosted_leftovers().size();
            return fmt::format("{} host, {}, public base URL {} (looppost media test tries it){}",
                               host->kind, where, host->public_base_url,
                               waiting == 0
                                   ? ""
                                   : fmt::format("; {} hosted photo(s) TikTok no longer needs are "
                                                 "still up: run looppost purge --hosted-media",
                                                 waiting));
        }));
    } else {
        r.checks.push_back(skipped("media", "the database and the key"));
    }

    std::optional<net::Response> probe;
    r.checks.push_back(run_check("api", [&] {
        std::string base = ctx.settings().get_string("api_base");
        net::Request req;
        req.url = base + "/";
        req.timeout = std::chrono::seconds(10);
        auto started = std::chrono::steady_clock::now();
        auto res = net::perform(ctx.http(), req, ctx.clock(), ctx.random());
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
        if (!res) {
            throw Error(Exit::unavailable,
                        fmt::format("{} cannot be reached: {}", base, res.error().message));
        }
        probe = *res;
        return fmt::format("{} answered (HTTP {}) in {} ms", base, res->status, ms);
    }));

    if (probe) {
        r.checks.push_back(run_check("clock", [&]() -> std::string {
            auto date = probe->header("Date");
            auto server = date ? parse_http_date(*date) : std::nullopt;
            if (!server) {
                return "not compared: the API base sent no Date header";
            }
            auto local = std::chrono::system_clock::to_time_t(ctx.clock().now());
            long skew = static_cast<long>(local - *server);
            if (std::labs(skew) > 120) {
                throw Error(Exit::failed,
                            fmt::format("this machine's clock is {} s {} the API's; token "
                                        "expiry and scheduling need a correct clock (enable NTP)",
                                        std::labs(skew), skew > 0 ? "ahead of" : "behind"));
            }
            return fmt::format("within {} s of the API's clock", std::labs(skew));
        }));
    }
    return r;
}

} // namespace looppost::health
