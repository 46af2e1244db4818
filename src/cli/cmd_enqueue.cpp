// looppost enqueue (--video FILE | --photo FILE… | --from FILE) [post options]

#include <fmt/format.h>
#include <iostream>
#include <looppost/cli/app.hpp>
#include <looppost/cli/post_options.hpp>
#include <looppost/cli/posts_view.hpp>
#include <looppost/oauth/auth.hpp>
#include <looppost/queue/enqueue.hpp>
#include <looppost/util/fs.hpp>
#include <looppost/util/strings.hpp>
#include <unistd.h>

namespace looppost::cli {
namespace {

namespace fs = std::filesystem;

struct Flags {
    PostFlags p;
    std::optional<std::string> video;
    std::vector<std::string> photos;
    bool next_slot = false;
    std::optional<std::string> from;
    std::optional<std::string> format;
    bool no_fix = false;
    bool dry_run = false;
    bool yes = false;
};

/// The posts of the --from file; lines that cannot be read go to `errors`, to be reported with
/// every other problem.
std::vector<queue::PostInput> bulk_inputs(const Flags& f, std::vector<queue::LineError>& errors) {
    std::string text;
    fs::path base;
    if (*f.from == "-") {
        text = read_stdin();
        base = fs::current_path();
    } else {
        fs::path file(*f.from);
        std::error_code ec;
        if (fs::is_directory(file, ec))
            throw Error(Exit::bad_input, fmt::format("\"{}\" is a directory", file.string()));
        text = util::read_file(file);
        base = fs::absolute(file).parent_path();
    }
    std::string format = f.format.value_or("");
    if (format.empty()) {
        std::string ext = util::to_lower(fs::path(*f.from).extension().string());
        if (ext == ".jsonl" || ext == ".ndjson" || ext == ".json")
            format = "jsonl";
        else if (ext == ".csv")
            format = "csv";
        else
            throw UsageError(fmt::format("cannot tell the format of \"{}\"; give --format jsonl "
                                         "or --format csv",
                                         *f.from));
    }
    auto posts = format == "csv" ? queue::parse_csv_posts(text, base, errors)
                                 : queue::parse_jsonl(text, base, errors);
    if (posts.empty() && errors.empty())
        throw Error(Exit::bad_input, fmt::format("\"{}\" holds no posts", *f.from));
    for (auto& p : posts)
        p = queue::with_defaults(std::move(p), f.p.post);
    return posts;
}

void print_changes(Session& s, const std::vector<queue::Enqueued>& done, bool dry_run) {
    std::set<std::string> said;
    for (const auto& e : done) {
        if (e.existing)
            continue;
        for (const auto& m : e.media) {
            if (m.changes.empty() || !said.insert(m.original_sha256).second)
                continue;
            s.out().note(fmt::format("{}{} \"{}\": {}", dry_run ? "would fix " : "", e.draft.kind,
                                     m.original.string(), util::join(m.changes, "; ")));
        }
        bool settings = e.draft.privacy.has_value();
        for (const auto& [name, value] : e.draft.options.items())
            settings = settings || (value.is_boolean() && value.get<bool>());
        if (e.draft.mode == "inbox" && (settings || e.draft.kind == "video")) {
            if (said.insert("inbox-note").second) {
                s.out().note(e.draft.kind == "video"
                                 ? "inbox videos carry no caption or settings: TikTok shows the "
                                   "draft and the creator finishes it in the app (looppost "
                                   "prints the caption when the draft lands)"
                                 : "inbox posts take only the title and description: TikTok "
                                   "ignores privacy, interaction, music and disclosure settings "
                                   "there, and the creator sets them in the app");
            }
        }
    }
}

/// What an enqueue that found its post already there says, and how to queue it anyway.
std::string existing_note(Session& s, const queue::Enqueued& e) {
    auto p = s.db().post(e.id);
    std::string state = p ? p->state : "stored";
    if (e.draft.input.key) {
        return fmt::format("post {} ({}) already has the key \"{}\"; nothing new was queued (give "
                           "another --key for another post)",
                           e.id, state, e.key);
    }
    return fmt::format("post {} ({}) is this same post (account, media, text and time); nothing "
                       "new was queued (give --key to queue it again)",
                       e.id, state);
}

Exit run(Session& s, Flags& f) {
    if (f.format && !f.from)
        throw UsageError("--format tells how to read --from; give --from FILE");
    if (f.from && (f.video || !f.photos.empty()))
        throw UsageError("--from reads the media from the file; drop --video/--photo");
    if (f.from && f.p.post.key)
        throw UsageError("--key names one post; put a key column in the file instead");
    if (f.next_slot && f.p.post.at)
        throw UsageError("give --at or --next-slot, not both");
    if (f.next_slot)
        f.p.post.at = "next-slot";
    if (f.from && *f.from == "-" && (f.p.post.caption == "-" || f.p.caption_file == "-"))
        throw UsageError("stdin cannot carry both --from - and the caption");
    finish_post_options(f.p);
    f.p.post.account = s.ctx().options().account;

    std::vector<queue::PostInput> inputs;
    queue::EnqueueOptions options;
    options.fix = !f.no_fix;
    options.dry_run = f.dry_run;
    options.bulk = f.from.has_value();
    if (f.from) {
        inputs = bulk_inputs(f, options.unreadable);
    } else {
        if (f.video)
            f.p.post.video = fs::path(*f.video);
        for (const auto& p : f.photos) {
            if (!p.empty()) // a bare --photo gives one empty value
                f.p.post.photos.emplace_back(p);
        }
        inputs = {f.p.post};
    }

    auto hooks = direct_post_hooks(s, f.yes);
    auto done = queue::enqueue(s.db(), s.media(), inputs, s.now(), options, hooks);
    print_changes(s, done, f.dry_run);

    std::size_t existing = 0;
    for (const auto& e : done)
        existing += e.existing ? 1 : 0;
    if (s.out().json()) {
        nlohmann::json posts = nlohmann::json::array();
        for (const auto& e : done) {
            nlohmann::json p =
                f.dry_run || e.id == 0 ? planned_post_json(e) : post_json(*s.db().post(e.id));
            p["existing"] = e.existing;
            if (f.dry_run)
                p["dry_run"] = true;
            posts.push_back(std::move(p));
        }
        if (!f.from) {
            s.out().document(posts.front());
        } else {
            nlohmann::json doc = {
                {"created", done.size() - existing}, {"existing", existing}, {"posts", posts}};
            if (f.dry_run)
                doc["dry_run"] = true;
            s.out().document(doc);
        }
        return Exit::ok;
    }
    for (const auto& e : done) {
        if (f.dry_run) {
            s.out().line(fmt::format(
                "{} {} {} post for {} at {}{}", e.existing ? "exists:" : "would queue:",
                e.draft.mode, e.draft.kind, e.draft.account.name,
                e.existing ? "(as before)" : local_time(e.due_at, e.draft.account.time_zone),
                e.existing && e.id != 0 ? fmt::format(" (post {})", e.id) : ""));
            continue;
        }
        s.out().line(std::to_string(e.id));
        if (!f.from) {
            s.out().note(e.existing ? existing_note(s, e)
                                    : fmt::format("queued {} {} post {} for {} at {}", e.draft.mode,
                                                  e.draft.kind, e.id, e.draft.account.name,
                                                  local_time(e.due_at, e.draft.account.time_zone)));
        }
    }
    if (f.from && !f.dry_run) {
        s.out().note(fmt::format("{} new post{}, {} already queued", done.size() - existing,
                                 done.size() - existing == 1 ? "" : "s", existing));
    }
    return Exit::ok;
}

} // namespace

void add_enqueue_command(CLI::App& app, Action& action) {
    auto f = std::make_shared<Flags>();
    auto* cmd = app.add_subcommand(
        "enqueue", "check a video or photos (fixing photos where safe) and queue the post");
    cmd->add_option("--video", f->video, "the video file (MP4, MOV or WebM)")->type_name("FILE");
    cmd->add_option("--photo", f->photos, "1 to 35 photos, in carousel order")
        ->type_name("FILE")
        ->expected(0, -1); // none at all is bad input (65), said by the post check
    cmd->add_option("--from", f->from, "bulk: a JSONL or CSV file of posts (\"-\": stdin)")
        ->type_name("FILE");
    cmd->add_option("--format", f->format, "bulk: the file's format when its name does not say")
        ->check(CLI::IsMember({"jsonl", "csv"}));
    add_post_options(*cmd, f->p);
    cmd->add_flag("--next-slot", f->next_slot,
                  "at the account's first posting slot after its last pending post");
    cmd->add_option("--key", f->p.post.key,
                    "idempotency key (default: a hash of account, media, text, mode, privacy, "
                    "time)")
        ->type_name("KEY");
    cmd->add_flag("--no-fix", f->no_fix, "refuse photos that need fixing instead of fixing them");
    cmd->add_flag("--dry-run", f->dry_run, "check and show the post; store nothing");
    cmd->add_flag("--yes", f->yes, "direct posts: accept TikTok's declaration without asking");
    cmd->callback([&action, f] { action = [f](Session& s) { return run(s, *f); }; });
}

} // namespace looppost::cli
