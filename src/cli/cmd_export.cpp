// looppost export [--output FILE] [--with-media DIR]: everything looppost holds about the user
// except secrets, as one JSON document (DESIGN §2; its shape is man/export.schema.json).

#include <fmt/format.h>
#include <looppost/cli/accounts_view.hpp>
#include <looppost/cli/app.hpp>
#include <looppost/cli/config_view.hpp>
#include <looppost/cli/posts_view.hpp>
#include <looppost/oauth/auth.hpp>
#include <looppost/purge/export.hpp>
#include <looppost/schedule/slots.hpp>
#include <looppost/schedule/time.hpp>
#include <looppost/util/fs.hpp>
#include <looppost/version.hpp>

namespace looppost::cli {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

/// Bumped when a field is renamed or removed; new fields do not change it.
constexpr int k_export_version = 1;

struct Flags {
    std::string output;
    std::string with_media;
};

template <class T> json opt(const std::optional<T>& v) {
    return v ? json(*v) : json(nullptr);
}

json account_entry(const purge::ExportAccount& a, std::int64_t now) {
    json j = account_json(a.account, a.logged_in);
    json slots = json::array();
    const auto& zone = schedule::zone_or_system(a.account.time_zone);
    for (const auto& s : a.slots)
        slots.push_back(slot_json(
            s, schedule::next_slot({{static_cast<std::uint8_t>(s.days), s.minute}}, zone, now)));
    j["slots"] = slots;
    return j;
}

json post_entry(const purge::ExportPost& p) {
    json j = post_json(p.post);
    json events = json::array();
    for (const auto& e : p.events)
        events.push_back(event_json(e));
    j["events"] = events;
    return j;
}

json video_entry(const purge::ExportVideo& v) {
    json snapshots = json::array();
    for (const auto& s : v.snapshots)
        snapshots.push_back({{"day", s.day},
                             {"views", opt(s.views)},
                             {"likes", opt(s.likes)},
                             {"comments", opt(s.comments)},
                             {"shares", opt(s.shares)},
                             {"taken_at", utc_or_null(s.taken_at)}});
    const auto& r = v.video;
    return {{"id", r.id},
            {"account", v.account},
            {"post_id", opt(r.post_id)},
            {"title", opt(r.title)},
            {"description", opt(r.description)},
            {"create_time", utc_or_null(r.create_time)},
            {"duration", opt(r.duration)},
            {"share_url", opt(r.share_url)},
            {"first_seen", utc_or_null(r.first_seen)},
            {"last_seen", utc_or_null(r.last_seen)},
            {"snapshots", snapshots}};
}

json document(const purge::Export& e, std::int64_t now, const std::optional<std::string>& only) {
    json accounts = json::array(), posts = json::array(), media = json::array(),
         videos = json::array(), account_snapshots = json::array(), events = json::array();
    for (const auto& a : e.accounts)
        accounts.push_back(account_entry(a, now));
    for (const auto& p : e.posts)
        posts.push_back(post_entry(p));
    for (const auto& m : e.media) {
        json j = media_json(m.media);
        j["kind"] = m.media.kind;
        j["present"] = m.present;
        j["file"] = opt(m.file);
        media.push_back(std::move(j));
    }
    for (const auto& v : e.videos)
        videos.push_back(video_entry(v));
    for (const auto& [name, s] : e.account_snapshots)
        account_snapshots.push_back({{"account", name},
                                     {"day", s.day},
                                     {"followers", opt(s.followers)},
                                     {"following", opt(s.following)},
                                     {"likes", opt(s.likes)},
                                     {"videos", opt(s.videos)},
                                     {"taken_at", utc_or_null(s.taken_at)}});
    for (const auto& ev : e.events) {
        json j = event_json(ev);
        auto name = ev.account_id ? e.account_names.find(*ev.account_id) : e.account_names.end();
        j["account"] = name != e.account_names.end() ? json(name->second) : json(nullptr);
        events.push_back(std::move(j));
    }
    json settings = json::object();
    for (const auto& [name, value] : e.settings)
        settings[name] = value;
    return {{"format", "looppost-export"},
            {"version", k_export_version},
            {"exported_at", utc_or_null(now)},
            {"looppost_version", k_version},
            {"account", opt(only)},
            {"app", e.app ? app_json(*e.app) : json(nullptr)},
            {"media_host", e.media_host ? host_json(e.media_host) : json(nullptr)},
            {"settings", settings},
            {"accounts", accounts},
            {"posts", posts},
            {"media", media},
            {"videos", videos},
            {"account_snapshots", account_snapshots},
            {"events", events}};
}

/// Refuses, before anything is read or written, an --output that cannot be a new file.
void check_output(const fs::path& out, const fs::path& media_dir) {
    std::error_code ec;
    if (fs::is_directory(out, ec))
        throw UsageError(fmt::format("--output \"{}\" is a folder; name a file", out.string()));
    auto parent = out.parent_path().empty() ? fs::path(".") : out.parent_path();
    // The media folder is made before the document is written: it may hold it.
    bool in_media_dir =
        !media_dir.empty() && parent.lexically_normal() == media_dir.lexically_normal();
    if (!in_media_dir && !fs::is_directory(parent, ec))
        throw UsageError(fmt::format("--output \"{}\": folder \"{}\" does not exist", out.string(),
                                     parent.string()));
}

Exit run_export(Session& s, const Flags& f) {
    if (!f.output.empty())
        check_output(f.output, f.with_media);
    std::unique_ptr<purge::MediaCopy> copy;
    if (!f.with_media.empty())
        copy = std::make_unique<purge::MediaCopy>(f.with_media);
    std::optional<std::int64_t> account_id;
    const auto& only = s.ctx().options().account;
    if (only)
        account_id = oauth::resolve_account(s.db(), only).id;
    auto now = s.now();
    auto e = purge::collect(s.db(), s.media(), account_id);
    if (copy)
        copy->copy(e, s.media());
    auto doc = document(e, now, only);
    if (f.output.empty()) {
        s.out().document(doc);
    } else {
        util::AtomicFile file(f.output);
        file.write(doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
        file.commit();
    }
    if (copy)
        copy->keep();
    if (f.output.empty() && !copy)
        return Exit::ok; // the document on stdout says it all
    std::size_t copied = 0;
    for (const auto& m : e.media)
        copied += m.file ? 1 : 0;
    s.out().note(fmt::format("exported {} account{}, {} post{}, {} video{}{}{}", e.accounts.size(),
                             e.accounts.size() == 1 ? "" : "s", e.posts.size(),
                             e.posts.size() == 1 ? "" : "s", e.videos.size(),
                             e.videos.size() == 1 ? "" : "s",
                             f.output.empty() ? "" : fmt::format(" to \"{}\"", f.output),
                             copy ? fmt::format("; {} media file{} in \"{}\"", copied,
                                                copied == 1 ? "" : "s", f.with_media)
                                  : ""));
    return Exit::ok;
}

} // namespace

void add_export_command(CLI::App& app, Action& action) {
    auto flags = std::make_shared<Flags>();
    auto* cmd = app.add_subcommand(
        "export", "everything looppost holds about you except secrets, as one JSON document");
    cmd->add_option("--output", flags->output,
                    "write the document to FILE (atomically, mode 0600) instead of stdout")
        ->type_name("FILE");
    cmd->add_option("--with-media", flags->with_media,
                    "also copy the local media files into DIR (new or empty) as SHA256.EXT")
        ->type_name("DIR");
    cmd->callback(
        [&action, flags] { action = [flags](Session& s) { return run_export(s, *flags); }; });
}

} // namespace looppost::cli
