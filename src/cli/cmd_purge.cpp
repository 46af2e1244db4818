// looppost purge (--account NAME | --hosted-media | --older-than AGE | --everything
// [--including-key]) [--dry-run] [--yes], and the purges the other commands run on their own: the
// retention setting (cron commands) and purge_on_revoke (any command that talked to TikTok).

#include <fmt/format.h>
#include <iostream>
#include <looppost/cli/app.hpp>
#include <looppost/publish/publish.hpp>
#include <looppost/purge/purge.hpp>
#include <map>
#include <unistd.h>

namespace looppost::cli {
namespace {

struct PurgeFlags {
    bool hosted_media = false;
    std::optional<std::string> older_than;
    bool everything = false;
    bool including_key = false;
    bool dry_run = false;
    bool yes = false;
};

purge::Env purge_env(Session& s) {
    return {.db = s.db(),
            .local = s.media(),
            .host = [&s]() -> media::MediaHost& { return s.media_host(); },
            .auth = [&s]() -> oauth::AuthEnv& { return s.auth(); },
            // This process publishes nothing while it purges: a lease of its own (left by the
            // workers of a publish-due that just ended) holds nothing back.
            .owner_alive =
                [](const std::string& owner) {
                    return owner != publish::lease_owner() && !publish::owner_gone(owner);
                },
            .now = s.now()};
}

std::string_view label(std::string_view kind) {
    static const std::map<std::string_view, std::string_view> words = {
        {"tiktok_grants", "authorizations revoked at TikTok"},
        {"tokens", "tokens (sealed)"},
        {"accounts", "accounts"},
        {"posts", "posts"},
        {"events", "events"},
        {"videos", "videos"},
        {"snapshots", "video snapshots"},
        {"account_snapshots", "account snapshots"},
        {"slots", "slots"},
        {"quota_records", "quota records"},
        {"media_records", "media records"},
        {"local_copies", "local media copies"},
        {"hosted_objects", "hosted objects"},
        {"settings", "settings"},
        {"app", "app credentials"},
        {"database", "database"},
        {"database_files", "database files"},
        {"key_file", "key file"},
    };
    auto it = words.find(kind);
    return it == words.end() ? kind : it->second;
}

std::string what_of(const purge::Receipt& r) {
    if (r.account)
        return fmt::format("account \"{}\"", *r.account);
    if (r.older_than)
        return fmt::format("history older than {}", *r.older_than);
    if (r.scope == "hosted-media")
        return "hosted media TikTok no longer needs";
    return "everything";
}

nlohmann::json receipt_json(const purge::Receipt& r) {
    nlohmann::json deleted = nlohmann::json::object();
    for (const auto& c : r.deleted)
        deleted[c.kind] = c.count;
    nlohmann::json remaining = nlohmann::json::array();
    for (const auto& m : r.remaining)
        remaining.push_back({{"what", m.what}, {"why", m.why}});
    return {{"scope", r.scope},
            {"account", r.account ? nlohmann::json(*r.account) : nlohmann::json()},
            {"older_than", r.older_than ? nlohmann::json(*r.older_than) : nlohmann::json()},
            {"dry_run", r.dry_run},
            {"deleted", deleted},
            {"hosted_objects", r.hosted},
            {"remaining", remaining}};
}

/// The receipt (or the plan) for a human: counts, hosted objects by name, what remains.
std::vector<std::string> receipt_lines(const purge::Receipt& r) {
    std::vector<std::string> out;
    out.push_back(r.dry_run ? fmt::format("purging {} would delete:", what_of(r))
                            : fmt::format("purged {}:", what_of(r)));
    for (const auto& c : r.deleted)
        out.push_back(fmt::format("  {:>7}  {}", c.count, label(c.kind)));
    if (!r.hosted.empty()) {
        out.push_back(r.dry_run ? "hosted objects to delete:" : "hosted objects deleted:");
        for (const auto& h : r.hosted)
            out.push_back("  " + h);
    }
    if (!r.remaining.empty()) {
        out.push_back("not deleted:");
        for (const auto& m : r.remaining)
            out.push_back(fmt::format("  {}: {}", m.what, m.why));
    }
    return out;
}

void print(Session& s, const purge::Receipt& r) {
    if (s.out().json()) {
        s.out().document(receipt_json(r));
        return;
    }
    for (const auto& l : receipt_lines(r))
        s.out().line(l);
}

Exit purge_cmd(Session& s, const PurgeFlags& f) {
    const auto& account = s.ctx().options().account;
    int scopes = (account ? 1 : 0) + (f.hosted_media ? 1 : 0) + (f.older_than ? 1 : 0) +
                 (f.everything ? 1 : 0);
    if (scopes != 1)
        throw UsageError("purge needs exactly one scope: --account NAME, --hosted-media, "
                         "--older-than AGE or --everything");
    if (f.including_key && !f.everything)
        throw UsageError("--including-key goes with --everything only");
    std::optional<std::chrono::seconds> age;
    if (f.older_than)
        age = purge::parse_age(*f.older_than);
    if (!f.dry_run && !f.yes && ::isatty(0) != 1)
        throw UsageError("purge deletes for good: confirm with --yes (or see what it would "
                         "delete with --dry-run)");
    auto files =
        purge::Files{s.ctx().paths().db_file(), s.ctx().paths().media_dir(),
                     f.including_key ? std::optional(s.ctx().paths().key_file()) : std::nullopt};
    std::optional<store::AccountRow> a;
    if (account)
        a = oauth::resolve_account(s.db(), account);
    auto env = purge_env(s);
    auto run = [&](bool dry) {
        if (a)
            return purge::account(env, *a, dry);
        if (f.hosted_media)
            return purge::hosted_media(env, dry);
        if (age)
            return purge::older_than(env, *age, *f.older_than, dry);
        return purge::everything(
            env, files, [&s] { s.close_db(); }, dry);
    };
    if (!f.dry_run && !f.yes) {
        // On a terminal: the plan, then one question.
        for (const auto& l : receipt_lines(run(true)))
            fmt::print(stderr, "{}\n", l);
        fmt::print(stderr, "This cannot be undone. Purge? [y/N] ");
        std::string answer;
        if (!std::getline(std::cin, answer) ||
            (answer != "y" && answer != "Y" && answer != "yes")) {
            s.out().note("nothing was purged");
            return Exit::ok;
        }
    }
    auto r = run(f.dry_run);
    print(s, r);
    return r.exit;
}

} // namespace

void purge_revoked_accounts(Session& s) {
    try {
        if (!s.auth_opened() || !s.ctx().settings().get_bool("purge_on_revoke"))
            return;
        auto env = purge_env(s);
        for (const auto& r : purge::purge_revoked(env)) {
            std::string said = fmt::format(
                "TikTok says the authorization of account \"{}\" was revoked: its data was "
                "purged, as purge_on_revoke asks ({} posts, {} local media copies, {} hosted "
                "objects)",
                r.account.value_or(""), r.count("posts"), r.count("local_copies"),
                r.count("hosted_objects"));
            s.out().warning(said);
            for (const auto& m : r.remaining)
                s.out().warning(fmt::format("not deleted: {}: {}", m.what, m.why));
        }
    } catch (const Error& e) {
        s.out().warning(fmt::format("purge_on_revoke: {}", e.what()));
    }
}

void apply_retention(Session& s) {
    auto days = s.ctx().settings().get_int("retention_days");
    if (days <= 0)
        return;
    auto env = purge_env(s);
    auto r = purge::apply_retention(env, days);
    if (!r || s.ctx().options().verbose == 0)
        return;
    for (const auto& l : receipt_lines(*r))
        fmt::print(stderr, "looppost: retention: {}\n", l);
}

void add_purge_command(CLI::App& app, Action& action) {
    auto f = std::make_shared<PurgeFlags>();
    auto* cmd = app.add_subcommand(
        "purge", "delete for good, with a receipt: one account (--account NAME), leftover hosted "
                 "photos, history older than an age, or everything");
    cmd->add_flag("--hosted-media", f->hosted_media,
                  "delete every hosted photo TikTok no longer needs (leftovers of crashes and "
                  "unreachable hosts)");
    cmd->add_option("--older-than", f->older_than,
                    "finished posts with their events and media, snapshots and other history "
                    "older than AGE (90d, 12w, 36h); never queued work")
        ->type_name("AGE");
    cmd->add_flag("--everything", f->everything,
                  "every account (revoked at TikTok), every hosted photo, the database and the "
                  "local media");
    cmd->add_flag("--including-key", f->including_key, "with --everything: the key file too");
    cmd->add_flag("--dry-run", f->dry_run, "print the plan and change nothing");
    cmd->add_flag("--yes", f->yes, "do not ask (required when stdin is not a terminal)");
    cmd->callback([&action, f] { action = [f](Session& s) { return purge_cmd(s, *f); }; });
}

} // namespace looppost::cli
