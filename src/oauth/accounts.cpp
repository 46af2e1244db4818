// looppost account set | pause | resume: per-account settings.

#include <algorithm>
#include <fcntl.h>
#include <fmt/format.h>
#include <looppost/core/errors.hpp>
#include <looppost/oauth/auth.hpp>
#include <looppost/schedule/time.hpp>
#include <looppost/util/fs.hpp>
#include <unistd.h>

namespace looppost::oauth {

store::AccountRow change_account(store::Db& db, const store::AccountRow& a,
                                 const AccountChanges& c) {
    if (c.time_zone)
        schedule::zone(*c.time_zone); // Error(bad_input) naming it, with a did-you-mean
    if (c.mode) {
        if (*c.mode != "inbox" && *c.mode != "direct") {
            throw UsageError(fmt::format("--mode must be inbox or direct, not \"{}\"", *c.mode));
        }
        bool can_publish =
            std::find(a.scopes.begin(), a.scopes.end(), "video.publish") != a.scopes.end();
        if (*c.mode == "direct" && !can_publish) {
            throw Error(Exit::bad_input,
                        fmt::format("account \"{}\" cannot post directly: TikTok did not grant "
                                    "video.publish, so only inbox mode works",
                                    a.name));
        }
    }
    if (c.rename) {
        const auto& n = *c.rename;
        if (n.empty() || n.size() > 64 ||
            n.find_first_not_of(
                "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
                std::string::npos) {
            throw UsageError(fmt::format("account name \"{}\" may use only letters, digits, '.', "
                                         "'_' and '-' (at most 64)",
                                         n));
        }
        if (n != a.name && db.account_by_name(n)) {
            throw UsageError(fmt::format("an account named \"{}\" exists already", n));
        }
    }
    db.transaction([&] {
        if (c.time_zone)
            db.account_set_time_zone(a.id, *c.time_zone);
        if (c.mode)
            db.account_set_mode(a.id, *c.mode);
        if (c.rename)
            db.account_rename(a.id, *c.rename);
        if (c.paused) {
            db.account_set_paused(a.id, *c.paused);
        }
        if (c.make_default) {
            db.account_set_default(a.id);
        }
        db.event_add("account.set",
                     fmt::format("{}{}{}{}{}", c.time_zone ? " time_zone=" + *c.time_zone : "",
                                 c.mode ? " mode=" + *c.mode : "",
                                 c.rename ? " name=" + *c.rename : "",
                                 c.make_default ? " default" : "",
                                 c.paused ? (*c.paused ? " paused" : " resumed") : ""),
                     a.id);
    });
    return *db.account_by_id(a.id);
}

} // namespace looppost::oauth
