// Fresh tokens under a per-account refresh lease (DESIGN §5): the lease is taken in a short
// transaction, TikTok is called outside any transaction, the new pair is stored in a second one;
// other processes wait (bounded) and re-read the winner's token.

#include <ctime>
#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/core/log.hpp>
#include <looppost/oauth/auth.hpp>
#include <unistd.h>

namespace looppost::oauth {
namespace {

using namespace std::chrono;

constexpr std::int64_t k_margin_s = 10 * 60; // refresh this close to expiry
// A refresh call is bounded (its own timeout, its retries with capped waits) well within the
// lease, so a lease never lapses while its holder still talks to TikTok; waiters wait as long
// as a lease can last, then take it over from a holder that died.
constexpr seconds k_refresh_timeout{30};
constexpr milliseconds k_refresh_max_delay{5000};
constexpr std::int64_t k_lease_s = 180;
constexpr milliseconds k_wait_step{250};
constexpr milliseconds k_wait_max{(k_lease_s + 5) * 1000};

std::int64_t unix_now(AuthEnv& env) {
    return system_clock::to_time_t(env.ctx.clock().now());
}

std::string day_of(std::int64_t t) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

vault::Secret open_access(const AuthEnv& env, const store::AccountRow& a) {
    return env.vault.open(a.access_token, {"accounts", a.id, "access_token"});
}

void warn_if_refresh_ends_soon(AuthEnv& env, const store::AccountRow& a, std::int64_t now) {
    if (a.refresh_expires_at == 0 || a.refresh_expires_at - now > k_login_warning_s)
        return;
    std::string today = day_of(now);
    if (a.refresh_warned_on == today)
        return;
    env.db.account_set_refresh_warned(a.id, today);
    if (env.warn) {
        env.warn(fmt::format("account \"{}\": TikTok's authorization ends on {}; run looppost auth "
                             "login --name {} before then",
                             a.name, day_of(a.refresh_expires_at), a.name));
    }
}

bool needs_refresh(const AuthEnv& env, const store::AccountRow& a, std::int64_t now,
                   const vault::Secret* stale) {
    if (stale != nullptr) {
        return open_access(env, a) == *stale; // nobody refreshed since it was refused
    }
    return a.access_expires_at - now <= k_margin_s;
}

// Releases the refresh lease on every way out of a refresh, exceptions included.
class LeaseGuard {
public:
    LeaseGuard(store::Db& db, std::int64_t id, std::string owner)
        : m_db(db), m_id(id), m_owner(std::move(owner)) {}
    ~LeaseGuard() {
        try {
            m_db.transaction([&] { m_db.account_release_refresh_lease(m_id, m_owner); });
        } catch (...) {
            // The lease lapses by itself; this must not hide the error being thrown.
        }
    }
    LeaseGuard(const LeaseGuard&) = delete;
    LeaseGuard& operator=(const LeaseGuard&) = delete;

private:
    store::Db& m_db;
    std::int64_t m_id;
    std::string m_owner;
};

// Calls TikTok while holding the lease and stores the outcome. Returns the new access token.
// `in_doubt_before`: whether an earlier refresh's answer had already been lost.
vault::Secret refresh_now(AuthEnv& env, const store::AccountRow& a, const std::string& owner,
                          bool in_doubt_before) {
    LeaseGuard guard(env.db, a.id, owner);
    vault::Secret refresh_token =
        env.vault.open(a.refresh_token, {"accounts", a.id, "refresh_token"});
    auto r = env.api.refresh(env.client(), refresh_token, k_refresh_timeout, k_refresh_max_delay);
    std::int64_t now = unix_now(env);
    if (r) {
        bool stored = false;
        // TikTok rotated the refresh token: the new one must outlive a power cut.
        env.db.durable_transaction([&] {
            store::SealedTokens t;
            // The new refresh token is stored (sealed) before the new access token is used.
            t.access_token =
                env.vault.seal(r->access_token.reveal(), {"accounts", a.id, "access_token"});
            t.access_expires_at = now + r->expires_in;
            t.refresh_token =
                env.vault.seal(r->refresh_token.reveal(), {"accounts", a.id, "refresh_token"});
            t.refresh_expires_at = now + r->refresh_expires_in;
            stored = env.db.account_set_tokens(a.id, t, owner);
            if (stored) {
                env.db.event_add("auth.refresh",
                                 fmt::format("access token valid {} s", r->expires_in), a.id);
            }
        });
        if (!stored) {
            // Only a lease that lapsed gets here; the account stays in doubt for the next run.
            throw Error(Exit::unavailable,
                        fmt::format("the refresh of account \"{}\" outlasted its lease; run "
                                    "the command again",
                                    a.name));
        }
        core::log::debug("auth: refreshed the tokens of account {}", a.name);
        return std::move(r->access_token);
    }
    const tiktok::Failure& f = r.error();
    if (f.kind == tiktok::Failure::Kind::oauth && f.code == "invalid_grant") {
        // Revoked when our own record says the refresh token had not expired and no earlier
        // refresh answer was lost (a lost answer may have rotated it); expired otherwise.
        bool revoked = a.refresh_expires_at > now && !in_doubt_before;
        env.db.transaction([&] {
            env.db.account_set_state(a.id, "reauth_required");
            env.db.event_add(revoked ? "auth.revoked" : "auth.expired", f.describe(), a.id);
        });
        throw reauth_error(a);
    }
    env.db.transaction([&] {
        // When TikTok provably rotated nothing, the doubt is what it was before this attempt.
        if (!f.outcome_unknown()) {
            env.db.account_set_refresh_in_doubt(a.id, in_doubt_before);
        }
        env.db.event_add("auth.refresh_failed", f.describe(), a.id);
    });
    Exit exit = f.kind == tiktok::Failure::Kind::oauth && f.code == "invalid_client"
                    ? Exit::config_missing
                    : Exit::unavailable;
    throw Error(
        exit, fmt::format("cannot refresh the tokens of account \"{}\": {}", a.name, f.describe()));
}

} // namespace

vault::Secret fresh_access_token(AuthEnv& env, std::int64_t account_id,
                                 const vault::Secret* stale) {
    const std::string owner = fmt::format("{}:{}", ::getpid(), env.ctx.random().hex(4));
    milliseconds waited{0};
    for (;;) {
        auto a = env.db.account_by_id(account_id);
        if (!a) {
            throw Error(Exit::failed, "the account was removed meanwhile");
        }
        if (a->state == "reauth_required" || a->refresh_token.empty()) {
            throw reauth_error(*a);
        }
        std::int64_t now = unix_now(env);
        warn_if_refresh_ends_soon(env, *a, now);
        if (!needs_refresh(env, *a, now, stale)) {
            return open_access(env, *a);
        }
        if (a->refresh_expires_at != 0 && a->refresh_expires_at <= now) {
            env.db.transaction([&] {
                env.db.account_set_state(a->id, "reauth_required");
                env.db.event_add("auth.expired", "the refresh token expired", a->id);
            });
            throw reauth_error(*a);
        }
        bool mine = false;
        bool in_doubt_before = false;
        std::optional<store::AccountRow> current;
        env.db.transaction([&] {
            mine = env.db.account_take_refresh_lease(account_id, owner, now, now + k_lease_s);
            if (!mine) {
                return;
            }
            // Re-read under the lease: the previous holder may have finished just now. Until
            // TikTok's answer is stored the refresh is in doubt: a kill -9 or a lost answer may
            // leave the token rotated at TikTok and not here (DESIGN §6).
            current = env.db.account_by_id(account_id);
            if (current) {
                in_doubt_before = current->refresh_in_doubt;
                env.db.account_set_refresh_in_doubt(account_id, true);
            }
        });
        if (!mine) {
            if (waited >= k_wait_max) {
                throw Error(Exit::unavailable,
                            fmt::format("another looppost process is refreshing account \"{}\" "
                                        "and has not finished after {} s; try again",
                                        a->name, k_wait_max.count() / 1000));
            }
            env.ctx.clock().sleep_for(k_wait_step);
            waited += k_wait_step;
            continue;
        }
        bool usable =
            current && current->state != "reauth_required" && !current->refresh_token.empty();
        if (usable && needs_refresh(env, *current, now, stale)) {
            return refresh_now(env, *current, owner, in_doubt_before);
        }
        env.db.transaction([&] {
            if (current) {
                env.db.account_set_refresh_in_doubt(account_id, in_doubt_before);
            }
            env.db.account_release_refresh_lease(account_id, owner);
        });
        if (!current) {
            throw Error(Exit::failed, "the account was removed meanwhile");
        }
        if (!usable) {
            throw reauth_error(*current);
        }
        return open_access(env, *current);
    }
}

void refresh_account(AuthEnv& env, const store::AccountRow& account) {
    if (account.state == "reauth_required" || account.refresh_token.empty()) {
        throw reauth_error(account);
    }
    vault::Secret current = open_access(env, account);
    fresh_access_token(env, account.id, &current);
}

RevokeResult revoke(AuthEnv& env, const store::AccountRow& account) {
    RevokeResult result;
    if (account.refresh_token.empty()) {
        result.note = "no tokens were stored; nothing to revoke";
        return result;
    }
    std::optional<vault::Secret> token;
    try {
        token = fresh_access_token(env, account.id);
    } catch (const Error& e) {
        if (e.exit() != Exit::reauth_required)
            throw;
        result.note = "TikTok no longer honoured the authorization; nothing left to revoke";
        return result;
    }
    auto r = env.api.revoke(env.client(), *token);
    if (!r) {
        result.failure =
            r.error().kind == tiktok::Failure::Kind::transport || r.error().http_status >= 500
                ? Exit::unavailable
                : Exit::failed;
        result.note =
            fmt::format("TikTok did not confirm the revocation ({})", r.error().describe());
        return result;
    }
    result.revoked = true;
    return result;
}

LogoutResult logout(AuthEnv& env, const store::AccountRow& account, bool local_only) {
    LogoutResult result;
    if (local_only) {
        result.note = "not revoked at TikTok (--local-only): remove looppost under Settings > "
                      "Security > Manage app permissions in the TikTok app";
    } else {
        auto r = revoke(env, account);
        if (r.failure)
            throw Error(*r.failure,
                        r.note + "; nothing was deleted. Try again, or use --local-only");
        result.revoked_at_tiktok = r.revoked;
        result.note = r.note;
    }
    env.db.transaction([&] {
        env.db.account_clear_tokens(account.id);
        env.db.event_add("auth.logout",
                         result.revoked_at_tiktok ? "revoked at TikTok" : result.note, account.id);
    });
    return result;
}

} // namespace looppost::oauth
