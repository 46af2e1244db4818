// purge: plan, dry run or apply, receipt (DESIGN §6). The order is always the same: ask TikTok to
// revoke, delete at the host and check, then delete the rows and local copies in one transaction
// and make them gone from disk. What cannot be reached is told, never waited for: the local purge
// completes anyway.

#include <fmt/format.h>
#include <looppost/purge/purge.hpp>
#include <looppost/schedule/time.hpp>
#include <looppost/util/strings.hpp>

namespace looppost::purge {
namespace {

namespace fs = std::filesystem;
using Kind = store::PurgeScope::Kind;

constexpr const char* k_retention_meta = "retention_applied_at";

/// A hosted object to delete: named by a post's row or by a leftover.
struct Hosted {
    std::string key;
    std::optional<std::string> url;
    std::optional<std::pair<std::int64_t, int>> row; ///< post id, position
};

struct Stuck {
    Hosted object;
    std::string why;
};

void add(Receipt& r, std::string kind, std::int64_t n) {
    for (auto& c : r.deleted) {
        if (c.kind == kind) {
            c.count += n;
            return;
        }
    }
    r.deleted.push_back({std::move(kind), n});
}

void fold(Receipt& r, Exit e) {
    r.exit = more_urgent(r.exit, e);
}

std::vector<Hosted> of_rows(const std::vector<store::HostedCopy>& rows) {
    std::vector<Hosted> out;
    for (const auto& c : rows)
        out.push_back({c.key, c.url, std::pair{c.post_id, c.position}});
    return out;
}

std::vector<Hosted> of_leftovers(const store::Db& db) {
    std::vector<Hosted> out;
    for (const auto& l : db.hosted_leftovers())
        out.push_back({l.key, l.url, std::nullopt});
    return out;
}

/// Deletes each object at the host and checks that it is gone; returns the ones that are not.
std::vector<Stuck> delete_at_host(Env& env, const std::vector<Hosted>& objects, Receipt& r) {
    std::vector<Stuck> stuck;
    if (objects.empty()) {
        add(r, "hosted_objects", 0);
        return stuck;
    }
    media::MediaHost* host = nullptr;
    std::string cannot;
    try {
        host = &env.host();
    } catch (const Error& e) {
        cannot = e.what();
        fold(r, e.exit());
    }
    std::int64_t gone = 0;
    for (const auto& o : objects) {
        if (!host) {
            stuck.push_back({o, cannot});
            continue;
        }
        try {
            host->remove(o.key);
            if (host->exists(o.key)) {
                stuck.push_back({o, "the host still serves it after deleting it"});
                fold(r, Exit::failed);
                continue;
            }
            r.hosted.push_back(o.key);
            ++gone;
        } catch (const Error& e) {
            stuck.push_back({o, e.what()});
            fold(r, e.exit());
        }
    }
    add(r, "hosted_objects", gone);
    for (const auto& s : stuck) {
        r.remaining.push_back({fmt::format("hosted object {}", s.object.url.value_or(s.object.key)),
                               s.why + "; run looppost purge --hosted-media later"});
    }
    return stuck;
}

/// Refuses while a live publish-due holds one of the scope's posts: it would go on writing.
void refuse_if_publishing(Env& env, std::optional<std::int64_t> account_id) {
    for (const auto& d : env.db.due(env.now, account_id)) {
        if (d.state == "publishing" && d.lease_owner && d.lease_until && *d.lease_until > env.now &&
            env.owner_alive(*d.lease_owner)) {
            throw Error(Exit::deferred,
                        fmt::format("post {} is being published right now by another looppost "
                                    "process ({}); nothing was purged: run the purge again when "
                                    "it ends",
                                    d.id, *d.lease_owner));
        }
    }
}

/// The grant at TikTok; whatever TikTok says, the local purge goes on.
void revoke_at_tiktok(Env& env, const store::AccountRow& a, Receipt& r) {
    const std::string what = fmt::format("the authorization of account \"{}\" at TikTok", a.name);
    const std::string by_hand =
        "remove looppost under Settings > Security > Manage app permissions in the TikTok app";
    try {
        auto result = oauth::revoke(env.auth(), a);
        if (result.revoked) {
            add(r, "tiktok_grants", 1);
        } else if (result.failure) {
            r.remaining.push_back({what, fmt::format("{}; {}", result.note, by_hand)});
            fold(r, *result.failure);
        }
    } catch (const Error& e) {
        r.remaining.push_back({what, fmt::format("{}; {}", e.what(), by_hand)});
        fold(r, e.exit());
    }
}

/// Media of the scope whose local copy is there.
std::int64_t local_copies_in(Env& env, const store::PurgeScope& scope) {
    std::int64_t n = 0;
    for (const auto& m : env.db.media_only_in(scope))
        n += env.local.has(m.sha256, m.mime) ? 1 : 0;
    return n;
}

/// The plan: the rows, `local_copies` files (none for a scope of hosted objects only) and hosted
/// objects a purge of `scope` deletes.
void plan(Env& env, const store::PurgeScope& scope, const std::vector<Hosted>& hosted,
          std::optional<std::int64_t> local_copies, Receipt& r) {
    for (auto& c : env.db.purge_counts(scope))
        add(r, c.kind, c.count);
    if (local_copies)
        add(r, "local_copies", *local_copies);
    add(r, "hosted_objects", static_cast<std::int64_t>(hosted.size()));
    for (const auto& h : hosted)
        r.hosted.push_back(h.key);
}

void compact(Env& env, Receipt& r) {
    bool any = false;
    for (const auto& c : r.deleted)
        any = any || c.count > 0;
    if (!any)
        return;
    if (!env.db.compact()) {
        r.remaining.push_back(
            {"old copies of the deleted rows in the database's write-ahead log",
             "another looppost process kept the database open; they are overwritten as it is "
             "used, or run the purge again when it ends"});
    }
}

/// The rows and local copies of `scope`, in one transaction; objects the host kept are
/// remembered by name (only their rows go). Then compaction.
void delete_rows(Env& env, const store::PurgeScope& scope, const std::vector<Stuck>& stuck,
                 Receipt& r) {
    std::int64_t copies = 0;
    // Under the write lock: an enqueue places its copies and stores its rows under it too.
    env.db.transaction([&] {
        for (const auto& s : stuck)
            env.db.hosted_leftover_add({s.object.key, s.object.url, env.now, s.why});
        auto media = env.db.media_only_in(scope);
        for (auto& c : env.db.purge_rows(scope))
            add(r, c.kind, c.count);
        for (const auto& m : media)
            copies += env.local.remove(m.sha256, m.mime) ? 1 : 0;
    });
    add(r, "local_copies", copies);
    compact(env, r);
}

/// Regular files under `dir` (the local copies, and anything staged).
std::int64_t files_under(const fs::path& dir) {
    std::error_code ec;
    std::int64_t n = 0;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        n += it->is_regular_file(ec) ? 1 : 0;
    return n;
}

void remove_file(const fs::path& p, const char* kind, Receipt& r) {
    std::error_code ec;
    if (fs::remove(p, ec)) {
        add(r, kind, 1);
    } else if (ec) {
        r.remaining.push_back({p.string(), ec.message()});
        fold(r, Exit::failed);
    }
}

} // namespace

std::int64_t Receipt::count(std::string_view kind) const {
    for (const auto& c : deleted) {
        if (c.kind == kind)
            return c.count;
    }
    return 0;
}

Receipt account(Env& env, const store::AccountRow& a, bool dry_run, bool revoke) {
    Receipt r{.scope = "account", .account = a.name, .dry_run = dry_run};
    store::PurgeScope scope{.kind = Kind::account, .account_id = a.id};
    auto hosted = of_rows(env.db.hosted_copies(scope));
    if (dry_run) {
        if (revoke && !a.refresh_token.empty())
            add(r, "tiktok_grants", 1);
        plan(env, scope, hosted, local_copies_in(env, scope), r);
        return r;
    }
    refuse_if_publishing(env, a.id);
    if (revoke)
        revoke_at_tiktok(env, a, r);
    auto stuck = delete_at_host(env, hosted, r);
    delete_rows(env, scope, stuck, r);
    return r;
}

Receipt hosted_media(Env& env, bool dry_run) {
    Receipt r{.scope = "hosted-media", .dry_run = dry_run};
    store::PurgeScope scope{.kind = Kind::hosted_media};
    auto objects = of_rows(env.db.hosted_copies(scope));
    for (auto& l : of_leftovers(env.db))
        objects.push_back(std::move(l));
    if (dry_run) {
        plan(env, scope, objects, std::nullopt, r);
        return r;
    }
    auto stuck = delete_at_host(env, objects, r);
    auto is_stuck = [&](const Hosted& h) {
        return std::any_of(stuck.begin(), stuck.end(),
                           [&](const Stuck& s) { return s.object.key == h.key; });
    };
    env.db.transaction([&] {
        for (const auto& o : objects) {
            if (is_stuck(o))
                continue;
            if (o.row)
                env.db.post_media_set_hosted(o.row->first, o.row->second, o.key, o.url, "deleted");
            else
                env.db.hosted_leftover_remove(o.key);
        }
    });
    return r;
}

Receipt older_than(Env& env, std::chrono::seconds age, std::string label, bool dry_run) {
    Receipt r{.scope = "older-than", .older_than = std::move(label), .dry_run = dry_run};
    std::int64_t cutoff = env.now - age.count();
    store::PurgeScope scope{.kind = Kind::older_than,
                            .cutoff = cutoff,
                            .cutoff_day = schedule::format_utc(cutoff).substr(0, 10)};
    auto hosted = of_rows(env.db.hosted_copies(scope));
    if (dry_run) {
        plan(env, scope, hosted, local_copies_in(env, scope), r);
        return r;
    }
    auto stuck = delete_at_host(env, hosted, r);
    delete_rows(env, scope, stuck, r);
    return r;
}

Receipt everything(Env& env, const Files& files, const std::function<void()>& close_db,
                   bool dry_run) {
    Receipt r{.scope = "everything", .dry_run = dry_run};
    store::PurgeScope scope{.kind = Kind::everything};
    auto objects = of_rows(env.db.hosted_copies(scope));
    for (auto& l : of_leftovers(env.db))
        objects.push_back(std::move(l));
    if (dry_run) {
        for (const auto& a : env.db.accounts())
            add(r, "tiktok_grants", a.refresh_token.empty() ? 0 : 1);
        // Every file in the media folder goes, not only the copies rows name.
        plan(env, scope, objects, files_under(files.media_dir), r);
        add(r, "database", fs::exists(files.db) ? 1 : 0);
        if (files.key)
            add(r, "key_file", fs::exists(*files.key) ? 1 : 0);
        return r;
    }
    refuse_if_publishing(env, std::nullopt);
    for (const auto& a : env.db.accounts()) {
        if (!a.refresh_token.empty())
            revoke_at_tiktok(env, a, r);
    }
    auto stuck = delete_at_host(env, objects, r);
    // Rows named by leftovers stay as they are: only rows of posts become leftovers.
    std::vector<Stuck> rows_stuck;
    for (const auto& s : stuck) {
        if (s.object.row)
            rows_stuck.push_back(s);
    }
    delete_rows(env, scope, rows_stuck, r);
    std::int64_t files_left = files_under(files.media_dir);
    std::error_code ec;
    fs::remove_all(files.media_dir, ec);
    if (ec) {
        r.remaining.push_back({files.media_dir.string(), ec.message()});
        fold(r, Exit::failed);
    } else {
        add(r, "local_copies", files_left);
    }
    if (!stuck.empty()) {
        // Their names are all that is left to finish with, and the host's settings to do it.
        r.remaining.push_back(
            {fmt::format("the database {}, holding only the media host and {} hosted object "
                         "name{}",
                         files.db.string(), stuck.size(), stuck.size() == 1 ? "" : "s"),
             "kept so that looppost purge --hosted-media can delete them later; then run "
             "looppost purge --everything again"});
        if (files.key)
            r.remaining.push_back({files.key->string(), "kept with the database: the media "
                                                        "host's secret in it is sealed with it"});
        return r;
    }
    close_db();
    for (const char* suffix : {"-wal", "-shm"})
        remove_file(files.db.string() + suffix, "database_files", r);
    remove_file(files.db, "database_files", r);
    if (files.key)
        remove_file(*files.key, "key_file", r);
    return r;
}

std::chrono::seconds parse_age(std::string_view text) {
    auto bad = [&] {
        return UsageError(fmt::format("\"{}\" is not an age: give a number and a unit, as 90d "
                                      "(days), 12w (weeks) or 36h (hours)",
                                      text));
    };
    if (text.size() < 2)
        throw bad();
    char unit = text.back();
    std::int64_t per = unit == 'h' ? 3600 : unit == 'd' ? 86400 : unit == 'w' ? 7 * 86400 : 0;
    auto n = util::parse_int(text.substr(0, text.size() - 1));
    if (per == 0 || !n || *n <= 0 || *n > 100 * 366 * 24)
        throw bad();
    return std::chrono::seconds(*n * per);
}

std::optional<Receipt> apply_retention(Env& env, long days) {
    if (days <= 0)
        return std::nullopt;
    if (auto last = env.db.meta_get(k_retention_meta)) {
        auto at = util::parse_int(std::string(last->begin(), last->end()));
        if (at && env.now - *at < 86400 && *at <= env.now)
            return std::nullopt;
    }
    auto r = older_than(env, std::chrono::hours(24 * days), fmt::format("{}d", days), false);
    std::string now = std::to_string(env.now);
    env.db.meta_put(k_retention_meta, store::Blob(now.begin(), now.end()));
    return r;
}

std::vector<Receipt> purge_revoked(Env& env) {
    std::vector<Receipt> out;
    for (auto id : env.db.accounts_revoked()) {
        if (auto a = env.db.account_by_id(id))
            out.push_back(account(env, *a, false, /*revoke=*/false));
    }
    return out;
}

} // namespace looppost::purge
